"""The register family (在册帮教): the figures of ``stats.register`` for the cases on register on a day (and the
reoffences of a period up to it), as the dashboard shows them and the API serves them (``GET /api/v1/stats/register``,
``/by-region``).

The figures of a region come from their own aggregate query (or the roll-ups), the same for the page and the API; the
sub-regions' from one GROUP BY. Neither goes through ``visible_to``: an officer reaches every case of a region within
reach, which ``region_for`` has checked. The list behind a number filters the cases the officer sees with the very
condition that counted them (``register_cases``), so a number and its list cannot disagree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Schema

from cases.models import Case
from core import exports
from core.errors import DomainError
from core.idnumbers import mask_id_number
from core.metrics import (
    Column,
    DateInput,
    Dates,
    Figures,
    KeyFigure,
    MetricFamily,
    Operation,
    SubRegion,
    percent,
)
from directory.models import Region, User
from directory.reach import in_region_subtree
from stats import apikit, selectors
from stats.links import bar_url
from stats.register import EMPTY, METRICS, SOURCES, default_day, register_by_child, register_cases, register_figures

# The length of the code prefix of each level's children (the GROUP BY key of ``register_by_child``).
CHILD_LENGTH = {"national": 2, "province": 4, "city": 6, "county": 9, "township": 12}


# --- the time filter --------------------------------------------------------------------------------------------------


def _defaults(query: Mapping[str, str]) -> dict[str, str]:
    """An absent ``on``: the latest closed day rolled up (yesterday, once the nightly job has run; else today, see
    ``register.default_day``); an absent ``from``: 1 January of ``on``'s year."""
    values: dict[str, str] = {}
    on = query.get("on") or ""
    if not on:
        on = values["on"] = default_day(timezone.localdate()).isoformat()
    if not query.get("from"):
        with contextlib.suppress(ValueError):  # a bad ``on``: the form says what is wrong with it
            values["from"] = dt.date.fromisoformat(on).replace(month=1, day=1).isoformat()
    return values


def _check(values: Mapping[str, Any]) -> dict[str, Any]:
    errors = {}
    on, start = values.get("on"), values.get("from")
    if on and on > timezone.localdate():
        # the register of a day to come is today's register under another date: refuse it rather than mislead
        errors["on"] = _("截至日期不能晚于今天。")
    if on and start and start > on:
        errors["from"] = _("起始日期不能晚于截止日期。")
    return errors


# --- the queries ------------------------------------------------------------------------------------------------------


def _as_figures(values: Mapping[str, Any]) -> Figures:
    return METRICS.figures_of(values, source=values.get("source", ""), computed_at=values.get("computed_at"))


def _figures(user: User, region: Region, dates: Dates) -> Figures:
    return _as_figures(register_figures(prefix=region.prefix, on=dates["on"], start=dates["from"]))


def _by_subregion(user: User, region: Region, dates: Dates) -> list[SubRegion]:
    """One row per child region (every child, with zeros where nobody is), plus a row for cases whose region is
    ``region`` itself or a code no longer in the region table, so the rows always add up to the region's figures.
    Two queries besides the policy's: the GROUP BY of ``register_by_child``, and the children's names. A township is
    the lowest level cases are held at: it has no breakdown."""
    child_level = selectors.CHILD_LEVEL.get(region.level)
    if child_level is None or region.level == Region.Level.TOWNSHIP:
        return []
    length = Region.PREFIX_LENGTH[child_level]
    by_child = register_by_child(prefix=region.prefix, child_length=length, on=dates["on"], start=dates["from"])
    children = Region.objects.filter(level=child_level, code__startswith=region.prefix).order_by("code")
    result = [
        SubRegion(code, name, True, _as_figures(by_child.pop(code[:length], EMPTY)))
        for code, name in children.values_list("code", "name")
    ]
    for unit, values in sorted(by_child.items()):
        code = unit.ljust(12, "0")
        if code == region.code:
            name = _("%(name)s本级") % {"name": region.name}
            result.append(SubRegion(code, name, False, _as_figures(values), own=True))
        else:
            result.append(SubRegion(code, code, False, _as_figures(values)))  # a code missing from the region table
    return result


def _behind(user: User, region: Region, dates: Dates, figure: str, own: bool) -> QuerySet[Case]:
    reached = Case.objects.visible_to(user).filter(in_region_subtree(region.prefix, "region"))
    prefix = selectors.own_level_prefix(region) if own else None
    if prefix is not None:
        # held at the region itself: the GROUP BY key of its "本级" row (the code prefix of the child level)
        reached = reached.filter(in_region_subtree(prefix, "region"))
    return (
        register_cases(reached, figure=figure, on=dates["on"], start=dates["from"])
        .annotate(settlement_on=F("settled_status"))  # the settlement in force on ``on``, not today's
        .select_related("person", "managing_office", "hukou_office")
        .order_by("-opened_on", "-id")
    )


# --- the list behind a number -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    case_id: int
    name: str
    id_number: str
    office: str
    dual_managed: bool
    hukou_office: str
    key: bool
    level: str
    opened_on: dt.date
    settlement: str  # in force on ``on``
    status: str  # now
    status_code: str
    closure: str


def _settlement_on(case: Case) -> str:
    # the settlement in force on ``on`` (the list's annotation), not today's
    return str(dict(Case.Settlement.choices).get(getattr(case, "settlement_on", ""), ""))


def _closed(case: Case) -> bool:
    return case.status == Case.Status.CLOSED


def _list_row(case: Case) -> ListRow:
    return ListRow(
        case_id=case.pk,
        name=case.person.name,
        id_number=mask_id_number(case.person.id_number) or _("无身份证号"),
        office=case.managing_office.name,
        dual_managed=case.dual_managed,
        hukou_office=case.hukou_office.name if case.hukou_office else "",
        key=case.level == Case.Level.KEY,
        level=case.get_level_display(),
        opened_on=case.opened_on,
        settlement=_settlement_on(case),
        status=case.get_status_display(),
        status_code=case.status,
        closure=(
            f"{case.get_closure_reason_display()} {case.closed_on:%Y-%m-%d}"
            if case.status == Case.Status.CLOSED and case.closed_on
            else ""
        ),
    )


# The list behind a number, as .xlsx: what the page shows, a column each; the file is named after region and figure.
LIST_EXPORT: exports.ListExport[Case] = exports.ListExport(
    name="stats.register_list",
    title=gettext_lazy("在册帮教名单"),
    columns=(
        exports.Column(gettext_lazy("档案编号"), lambda case: case.pk, width=9),
        exports.Column(gettext_lazy("姓名"), lambda case: case.person.name, width=10),
        exports.id_number_column(gettext_lazy("公民身份号码（脱敏）"), lambda case: case.person.id_number),
        exports.Column(gettext_lazy("管理司法所"), lambda case: case.managing_office.name, width=22),
        exports.Column(gettext_lazy("双列管"), lambda case: case.dual_managed, width=8),
        exports.Column(
            gettext_lazy("户籍地司法所"), lambda case: case.hukou_office.name if case.hukou_office else "", width=22
        ),
        exports.Column(gettext_lazy("帮教等级"), lambda case: case.get_level_display(), width=10),
        exports.Column(gettext_lazy("建档日期"), lambda case: case.opened_on, width=11),
        exports.Column(gettext_lazy("安置情况（截至日）"), _settlement_on, width=16),
        exports.Column(gettext_lazy("当前状态"), lambda case: case.get_status_display(), width=10),
        exports.Column(
            gettext_lazy("解除原因"), lambda case: case.get_closure_reason_display() if _closed(case) else "", width=14
        ),
        exports.Column(gettext_lazy("解除日期"), lambda case: case.closed_on if _closed(case) else None, width=11),
    ),
    key=lambda case: case.person_id,
)


# --- the dashboard ----------------------------------------------------------------------------------------------------


COLUMNS = (
    Column("on_register", gettext_lazy("人数"), gettext_lazy("在册")),
    Column("key_targets", gettext_lazy("重点对象"), gettext_lazy("在册")),
    Column("dual_managed", gettext_lazy("双列管"), gettext_lazy("在册")),
    Column("settled", gettext_lazy("已安置"), gettext_lazy("安置")),
    Column("settlement_rate", gettext_lazy("安置率"), gettext_lazy("安置")),
    Column("assisted", gettext_lazy("已落实"), gettext_lazy("帮教")),
    Column("assistance_rate", gettext_lazy("帮教率"), gettext_lazy("帮教")),
    Column("lost_contact", gettext_lazy("人数"), gettext_lazy("脱管")),
    Column("reoffended", gettext_lazy("人数"), gettext_lazy("重新犯罪")),
    Column("reoffence_rate", gettext_lazy("比率"), gettext_lazy("重新犯罪")),
)


def _share(key: str) -> Any:
    def detail(figures: Figures, dates: Dates) -> str:
        part, whole = figures.counts[key], figures.counts["on_register"]
        return _("占在册 %(rate)s") % {"rate": percent(part, whole)} if whole else ""

    return detail


KEY_FIGURES = (
    KeyFigure("on_register", lambda figures, dates: _("截至 %(on)s") % {"on": dates["on"].isoformat()}),
    KeyFigure("key_targets", _share("key_targets")),
    KeyFigure("settlement_rate"),
    KeyFigure("assistance_rate"),
    KeyFigure("lost_contact", _share("lost_contact")),
    KeyFigure("reoffence_rate"),
    KeyFigure("dual_managed", lambda figures, dates: _("按居住地计入，户籍地协管")),
)


def _chart(user: User, region: Region, dates: Dates, subregions: list[SubRegion]) -> dict[str, Any]:
    shown = [row for row in subregions if row.figures.counts["on_register"]]
    settlement, assistance = METRICS.rate("settlement_rate"), METRICS.rate("assistance_rate")
    assert settlement.target and assistance.target

    def pct(figures: Figures, name: str) -> float | None:
        return METRICS.rate(name).chart_value(*figures.parts(name))

    chart = {
        "labels": {
            "settlement_rate": str(settlement.label),
            "assistance_rate": str(assistance.label),
            "on_register": str(METRICS.count("on_register").label),
            "target_settlement": _("安置目标 %(t)s") % {"t": settlement.target.threshold},
            "target_assistance": _("帮教目标 %(t)s") % {"t": assistance.target.threshold},
            "people": _("人"),
        },
        "targets": {"settlement_rate": settlement.target.percent, "assistance_rate": assistance.target.percent},
        "regions": {
            "names": [row.name for row in shown],
            "settlement_rate": [pct(row.figures, "settlement_rate") for row in shown],
            "assistance_rate": [pct(row.figures, "assistance_rate") for row in shown],
            "on_register": [row.figures.counts["on_register"] for row in shown],
            "urls": [bar_url(FAMILY, row, dates) for row in shown],
        },
    }
    return {"chart": chart}


def _page_date(dates: Dates, totals: Figures) -> tuple[str, str]:
    text = _("截至 %(on)s") % {"on": dates["on"].isoformat()}
    if totals.source == "rollup":
        return text, _("夜间汇总于 %(at)s") % {"at": date_filter(timezone.localtime(totals.computed_at), "Y-m-d H:i")}
    return text, _("实时计算") if totals.source else ""


# --- the API ----------------------------------------------------------------------------------------------------------


def _count(name: str) -> Any:
    return Field(..., description=METRICS.count(name).definition)


def _rate(name: str) -> Any:
    definition = METRICS.rate(name).definition
    return Field(..., description=definition + "; a fraction in [0, 1], null when the denominator is 0")


class RegisterFigures(Schema):
    on_register: int = _count("on_register")
    key_targets: int = _count("key_targets")
    settled: int = _count("settled")
    settlement_rate: float | None = _rate("settlement_rate")
    assisted: int = _count("assisted")
    assistance_rate: float | None = _rate("assistance_rate")
    lost_contact: int = _count("lost_contact")
    reoffended: int = _count("reoffended")
    reoffence_rate: float | None = _rate("reoffence_rate")
    dual_managed: int = _count("dual_managed")


_SOURCE = "; ".join(f"`{name}`: {meaning}" for name, meaning in SOURCES.items())


class Provenance(Schema):
    source: Literal["rollup", "live"] = Field(..., description=f"where the figures come from: {_SOURCE}")
    computed_at: dt.datetime = Field(
        ..., description="when the figures were computed: the roll-up's time (the oldest one used), or now when live"
    )


class RegionRef(Schema):
    code: str
    name: str


class RegisterOut(RegisterFigures, Provenance):
    region: RegionRef
    on: dt.date
    from_: dt.date = Field(..., alias="from")


class RegisterChild(RegisterFigures):
    region: RegionRef


class RegisterByRegion(Provenance):
    items: list[RegisterChild]
    count: int


class RegisterQuery(Schema):
    region: str | None = Field(None, description="12-digit code within your reach; default your own region")
    on: dt.date | None = Field(
        None,
        description="register as of this date; default yesterday once last night's roll-up is made (answered from "
        "the roll-up in milliseconds, as the dashboard opens), else today; today's date asks for today's live figures",
    )
    from_: dt.date | None = Field(None, alias="from", description="start of the period (default 1 January of `on`)")


ROLLUP_NOTE = (
    "A closed day is rolled up by the nightly job (`run_jobs`), and its figures are then sums of the stored counts "
    "(`source: rollup`): the register as recorded the night after `on`, unchanged by later corrections dated "
    "before it. A day not rolled up (today, or before the roll-ups began) is computed from the cases "
    "(`source: live`). A period (`from`) reaching into an earlier year also needs the roll-up of 31 December of "
    "each year it covers, and a `from` other than 1 January the roll-up of the day before it."
)


def _scope(request: HttpRequest, query: RegisterQuery) -> tuple[Region, dt.date, dt.date]:
    _user, region = apikit.scope(request, query.region)
    on = query.on or default_day(timezone.localdate())
    start = query.from_ or on.replace(month=1, day=1)
    if start > on:
        raise DomainError("invalid_query", "from is after on", fields={"from": "must not be after on"})
    return region, on, start


def api_figures(request: HttpRequest, query: Query[RegisterQuery]) -> dict[str, Any]:
    region, on, start = _scope(request, query)
    figures = register_figures(prefix=region.prefix, on=on, start=start)
    return {**figures, "region": apikit.region_ref(region), "on": on, "from": start}


def api_by_region(request: HttpRequest, query: Query[RegisterQuery]) -> dict[str, Any]:
    region, on, start = _scope(request, query)
    length = CHILD_LENGTH.get(region.level)
    if length is None:
        return {"items": [], "count": 0, "source": "live", "computed_at": timezone.now()}
    by_child = register_by_child(prefix=region.prefix, child_length=length, on=on, start=start)
    children = Region.objects.filter(parent=region).order_by("code")
    items = [{**by_child.get(child.prefix, EMPTY), "region": apikit.region_ref(child)} for child in children]
    return {"items": items, "count": len(items), "source": by_child.source, "computed_at": by_child.computed_at}


OPERATIONS = (
    Operation(
        "/stats/register",
        api_figures,
        RegisterOut,
        "Register figures of a region subtree as of a date (安置率, 帮教率, 脱管, 重新犯罪率)",
        ROLLUP_NOTE,
        operation_id="stats_register_api_register",
    ),
    Operation(
        "/stats/register/by-region",
        api_by_region,
        RegisterByRegion,
        "Register figures of each sub-region (one GROUP BY query)",
        ROLLUP_NOTE,
        operation_id="stats_register_api_register_by_region",
        by_alias=False,
    ),
)


FAMILY = MetricFamily(
    order=200,
    key="register",
    label=gettext_lazy("在册帮教"),
    title=gettext_lazy("在册帮教统计"),
    intro=gettext_lazy(
        "%(name)s及所辖地区在册帮教对象的安置、帮教、脱管与重新犯罪情况。按截至日期统计在册人员，点击任一数字可查看名单。"
    ),
    metrics=METRICS,
    dates=(DateInput("on", gettext_lazy("截至日期")), DateInput("from", gettext_lazy("重新犯罪统计自"))),
    defaults=_defaults,
    check=_check,
    population=("on_register", "in_period"),
    figures=_figures,
    by_subregion=_by_subregion,
    behind=_behind,
    list_template="stats/register_list.html",
    list_row=_list_row,
    list_export=LIST_EXPORT,
    columns=COLUMNS,
    key_figures=KEY_FIGURES,
    glossary=(
        (gettext_lazy("在册"), METRICS.count("on_register").note),
        *((metric.label, metric.formula) for metric in METRICS.rates),
        (gettext_lazy("脱管"), METRICS.count("lost_contact").note),
        (
            gettext_lazy("下钻"),
            gettext_lazy("点击地区名称查看下一级；点击人数查看名单；点击比率查看未达到该项的人员名单。"),
        ),
    ),
    targets_format="%(label)s %(threshold)s",
    form_label=gettext_lazy("统计日期"),
    table_note=gettext_lazy("达标的比率标绿，未达标的标红；比率四舍五入到 0.1%%，恰在目标线上时显示到 0.01%%。"),
    invalid_note=gettext_lazy("请更正统计日期后重新查询。"),
    charts="stats/_register_charts.html",
    chart_data_id="register-data",
    chart=_chart,
    page_date=_page_date,
    scope_note=lambda dates: (
        _("重新犯罪按 %(start)s 至 %(on)s 统计。") % {"start": dates["from"].isoformat(), "on": dates["on"].isoformat()}
    ),
    context=lambda dates: {"on": dates["on"], "start": dates["from"]},
    table_class="register-table",
    operations=OPERATIONS,
)
