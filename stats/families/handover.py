"""The hand-over family (衔接情况): the figures of ``stats.handover`` over the notices released in a period, as the
dashboard shows them and the API serves them (``GET /api/v1/stats/handover``, ``/by-region``, ``/trend``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from ninja import Field, Query, Schema

from core.idnumbers import mask_id_number
from core.metrics import (
    Column,
    DateInput,
    Dates,
    Figures,
    KeyFigure,
    Link,
    MetricFamily,
    Operation,
    SubRegion,
)
from directory.models import Region, User
from handover import exports as notice_exports
from handover.models import ReleaseNotice
from stats import apikit, handover, selectors
from stats.handover import COUNT_BY_NAME, METRICS, RATE_BY_NAME, TARGETS
from stats.links import bar_url, list_url

TREND_MONTHS = 12


# --- the time filter --------------------------------------------------------------------------------------------------


def _defaults(query: Mapping[str, str]) -> dict[str, str]:
    """An absent or empty ``from`` / ``to``: this year to date."""
    start, end = selectors.default_period()
    return {name: value.isoformat() for name, value in (("from", start), ("to", end)) if not query.get(name)}


def _check(values: Mapping[str, Any]) -> dict[str, Any]:
    start, end = values.get("from"), values.get("to")
    return {"from": _("起始日期不能晚于截止日期。")} if start and end and start > end else {}


# --- the queries ------------------------------------------------------------------------------------------------------


def _figures(user: User, region: Region, dates: Dates) -> Figures:
    return handover.figures(user=user, region=region, start=dates["from"], end=dates["to"])


def _by_subregion(user: User, region: Region, dates: Dates) -> list[SubRegion]:
    return handover.figures_by_subregion(user=user, region=region, start=dates["from"], end=dates["to"])


def _behind(user: User, region: Region, dates: Dates, figure: str, own: bool) -> Any:
    return handover.notices_behind(
        user=user, region=region, start=dates["from"], end=dates["to"], figure=figure, own=own
    )


# --- the list behind a number -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    name: str
    id_number: str
    office: str
    released_on: dt.date | None
    check_in_by: dt.date | None
    checked_in_on: dt.date | None
    status: str
    status_code: str
    key_target: bool
    escorted: bool | None
    missed: bool


def _list_row(notice: ReleaseNotice) -> ListRow:
    return ListRow(
        name=notice.person.name,
        id_number=mask_id_number(notice.person.id_number) or _("未核实"),
        office=notice.receiving_office.name,
        released_on=notice.released_on,
        check_in_by=notice.check_in_by,
        checked_in_on=notice.checked_in_on,
        status=notice.get_status_display(),
        status_code=notice.status,
        key_target=notice.key_target,
        escorted=notice.escorted,
        missed=notice.missed_on is not None,
    )


# the list behind a number, as .xlsx: the hand-over's notice columns; the file is named after the region and figure
LIST_EXPORT = notice_exports.notice_export("stats.handover_list", gettext_lazy("衔接情况名单"))


# --- the dashboard ----------------------------------------------------------------------------------------------------


COLUMNS = (
    Column("released", gettext_lazy("释放"), gettext_lazy("全部")),
    Column("handed_over", gettext_lazy("已衔接"), gettext_lazy("全部")),
    Column("handover_rate", gettext_lazy("衔接率"), gettext_lazy("全部")),
    Column("key_targets_released", gettext_lazy("释放"), gettext_lazy("重点帮教对象")),
    Column("key_handover_rate", gettext_lazy("衔接率"), gettext_lazy("重点帮教对象")),
    Column("key_targets_escorted", gettext_lazy("必接必送"), gettext_lazy("重点帮教对象")),
    Column("escort_rate", gettext_lazy("接送率"), gettext_lazy("重点帮教对象")),
    Column("ordinary_released", gettext_lazy("释放"), gettext_lazy("一般对象")),
    Column("ordinary_handover_rate", gettext_lazy("衔接率"), gettext_lazy("一般对象")),
    Column("checked_in_on_time", gettext_lazy("按期报到"), gettext_lazy("报到")),
    Column("missed", gettext_lazy("漏管"), gettext_lazy("报到")),
)


def _late(figures: Figures, dates: Dates) -> str:
    late = figures.counts["checked_in_late"]
    return _("其中已逾期报到 %(n)s 人") % {"n": late} if late else ""


KEY_FIGURES = (
    KeyFigure("released", lambda f, d: _("含重点帮教对象 %(n)s 人") % {"n": f.counts["key_targets_released"]}),
    KeyFigure("handover_rate"),
    KeyFigure("key_handover_rate"),
    KeyFigure("ordinary_handover_rate"),
    KeyFigure("escort_rate"),
    KeyFigure("on_time_rate"),
    KeyFigure("missed", _late),
)


def _chart(user: User, region: Region, dates: Dates, subregions: list[SubRegion]) -> dict[str, Any]:
    """The regions chart (every sub-region with someone released) and the trend of the ``TREND_MONTHS`` months up
    to ``to``: one GROUP BY query for the trend."""
    months = handover.figures_by_month(user=user, region=region, end=dates["to"], months=TREND_MONTHS)
    shown = [row for row in subregions if row.figures.counts["released"]]

    def pct(figures: Figures, rate_name: str) -> float | None:
        return RATE_BY_NAME[rate_name].chart_value(*figures.parts(rate_name))

    chart = {
        "labels": {
            "handover_rate": str(RATE_BY_NAME["handover_rate"].label),
            "key_handover_rate": str(RATE_BY_NAME["key_handover_rate"].label),
            "ordinary_handover_rate": str(RATE_BY_NAME["ordinary_handover_rate"].label),
            "released": str(COUNT_BY_NAME["released"].label),
            "missed": str(COUNT_BY_NAME["missed"].label),
            "target_key": _("重点目标 %(t)s") % {"t": TARGETS["key_handover_rate"].threshold},
            "target_ordinary": _("一般目标 %(t)s") % {"t": TARGETS["ordinary_handover_rate"].threshold},
            "people": _("人"),
        },
        "targets": {
            "key_handover_rate": TARGETS["key_handover_rate"].minimum * 100,
            "ordinary_handover_rate": TARGETS["ordinary_handover_rate"].minimum * 100,
        },
        "regions": {
            "names": [row.name for row in shown],
            "handover_rate": [pct(row.figures, "handover_rate") for row in shown],
            "key_handover_rate": [pct(row.figures, "key_handover_rate") for row in shown],
            "ordinary_handover_rate": [pct(row.figures, "ordinary_handover_rate") for row in shown],
            "released": [row.figures.counts["released"] for row in shown],
            "urls": [bar_url(FAMILY, row, dates) for row in shown],
        },
        "trend": {
            "months": [month.label for month in months],
            "handover_rate": [pct(month.figures, "handover_rate") for month in months],
            "released": [month.figures.counts["released"] for month in months],
            "missed": [month.figures.counts["missed"] for month in months],
            "urls": [
                list_url(FAMILY, region=region.code, dates={"from": month.start, "to": month.end}, figure="released")
                for month in months
            ],
        },
    }
    return {"chart": chart, "trend_from": months[0].start, "trend_to": months[-1].end}


def _unmatched(region: Region, dates: Dates, totals: Figures) -> Link | None:
    """未衔接: the people of the region and period released and not (yet) handed over, as one .xlsx."""
    count = totals.counts["not_handed_over"]
    if not count:
        return None
    return Link(
        ngettext("导出未衔接名单（%(n)s 人）", "导出未衔接名单（%(n)s 人）", count) % {"n": count},
        list_url(FAMILY, region=region.code, dates=dates, figure="not_handed_over") + "&format=xlsx",
        _("本期释放、尚未报到衔接的全部人员，身份证号已脱敏，导出记入审计日志。"),
    )


# --- the API ----------------------------------------------------------------------------------------------------------

PERIOD = (
    "Figures count the notices released in the period (released_on from `from` to `to`, both included), in their "
    "state today."
)


def _count(name: str) -> Any:
    return Field(..., ge=0, description=f"Count: {COUNT_BY_NAME[name].definition}.")


def _rate(name: str) -> Any:
    metric = RATE_BY_NAME[name]
    text = f"Rate: {metric.definition}. A fraction in [0, 1]; null when the denominator is 0."
    if metric.target is not None:
        text += f" Target (DESIGN §6): >= {metric.target.minimum:g}."
    return Field(..., ge=0, le=1, description=text)


class Ref(Schema):
    code: str
    name: str


class HandoverFigures(Schema):
    # DESIGN §5, exactly these eight first
    released: int = _count("released")
    handed_over: int = _count("handed_over")
    missed: int = _count("missed")
    handover_rate: float | None = _rate("handover_rate")
    key_targets_released: int = _count("key_targets_released")
    key_targets_escorted: int = _count("key_targets_escorted")
    escort_rate: float | None = _rate("escort_rate")
    checked_in_on_time: int = _count("checked_in_on_time")
    # the key / ordinary split and the rest of the definitions
    key_handover_rate: float | None = _rate("key_handover_rate")
    ordinary_handover_rate: float | None = _rate("ordinary_handover_rate")
    on_time_rate: float | None = _rate("on_time_rate")
    not_handed_over: int = _count("not_handed_over")
    checked_in_late: int = _count("checked_in_late")
    key_targets_handed_over: int = _count("key_targets_handed_over")
    key_targets_not_handed_over: int = _count("key_targets_not_handed_over")
    key_targets_not_escorted: int = _count("key_targets_not_escorted")
    ordinary_released: int = _count("ordinary_released")
    ordinary_handed_over: int = _count("ordinary_handed_over")
    ordinary_not_handed_over: int = _count("ordinary_not_handed_over")


class HandoverOut(HandoverFigures):
    region: Ref = Field(..., description="The region whose subtree the figures cover.")
    from_: dt.date = Field(..., alias="from", description="First release date counted.")
    to: dt.date = Field(..., description="Last release date counted.")


class SubRegionFigures(HandoverFigures):
    region: Ref = Field(
        ...,
        description="A child region; the row for notices held at the asked region itself (not yet routed to a "
        "child) carries the asked region's own code.",
    )


class ByRegionOut(Schema):
    region: Ref
    from_: dt.date = Field(..., alias="from")
    to: dt.date
    items: list[SubRegionFigures]
    count: int


class MonthFigures(HandoverFigures):
    month: str = Field(..., description="YYYY-MM")
    from_: dt.date = Field(..., alias="from")
    to: dt.date


class TrendOut(Schema):
    region: Ref
    items: list[MonthFigures] = Field(..., description="One item per calendar month, oldest first.")
    count: int


class PeriodQuery(Schema):
    region: str | None = Field(None, description="12-digit region code within your reach; default: your region")
    from_: dt.date | None = Field(None, alias="from", description="YYYY-MM-DD; default: 1 January of this year")
    to: dt.date | None = Field(None, description="YYYY-MM-DD; default: today")


class TrendQuery(Schema):
    region: str | None = Field(None, description="12-digit region code within your reach; default: your region")
    months: int = Field(12, description="How many calendar months, 1 to 60, ending with the month of `to`")
    to: dt.date | None = Field(None, description="YYYY-MM-DD in the last month shown; default: today")


def _period(query: PeriodQuery) -> tuple[dt.date, dt.date]:
    default_start, default_end = selectors.default_period()
    start, end = query.from_ or default_start, query.to or default_end
    selectors.check_period(start, end)
    return start, end


def api_figures(request: HttpRequest, query: Query[PeriodQuery]) -> dict[str, Any]:
    user, region = apikit.scope(request, query.region)
    start, end = _period(query)
    figures = handover.figures(user=user, region=region, start=start, end=end)
    return {**figures.as_dict(), "region": apikit.region_ref(region), "from": start, "to": end}


def api_by_region(request: HttpRequest, query: Query[PeriodQuery]) -> dict[str, Any]:
    user, region = apikit.scope(request, query.region)
    start, end = _period(query)
    rows = handover.figures_by_subregion(user=user, region=region, start=start, end=end)
    items = [{"region": {"code": row.code, "name": row.name}, **row.figures.as_dict()} for row in rows]
    return {"region": apikit.region_ref(region), "from": start, "to": end, "items": items, "count": len(items)}


def api_trend(request: HttpRequest, query: Query[TrendQuery]) -> dict[str, Any]:
    user, region = apikit.scope(request, query.region)
    months = handover.figures_by_month(
        user=user, region=region, end=query.to or timezone.localdate(), months=query.months
    )
    items = [
        {"month": month.label, "from": month.start, "to": month.end, **month.figures.as_dict()} for month in months
    ]
    return {"region": apikit.region_ref(region), "items": items, "count": len(items)}


OPERATIONS = (
    Operation(
        "/stats/handover",
        api_figures,
        HandoverOut,
        "Hand-over figures of a region subtree over a period (衔接率, 接送率, 漏管, 按期报到)",
        f"{PERIOD} {apikit.WHO}",
        operation_id="stats_api_handover",
    ),
    Operation(
        "/stats/handover/by-region",
        api_by_region,
        ByRegionOut,
        "The same figures for each child region of a region",
        f"{PERIOD} {apikit.WHO}",
        operation_id="stats_api_handover_by_region",
    ),
    Operation(
        "/stats/handover/trend",
        api_trend,
        TrendOut,
        "The same figures for each calendar month (released in that month)",
        f"{PERIOD} Each month is its own period. {apikit.WHO}",
        operation_id="stats_api_handover_trend",
    ),
)


FAMILY = MetricFamily(
    order=100,
    key="handover",
    label=gettext_lazy("衔接情况"),
    title=gettext_lazy("衔接情况统计"),
    intro=gettext_lazy(
        "%(name)s及所辖地区刑满释放人员的衔接、必接必送与报到情况。按释放日期统计，点击任一数字可查看名单。"
    ),
    metrics=METRICS,
    dates=(DateInput("from", gettext_lazy("释放日期自")), DateInput("to", gettext_lazy("至"))),
    defaults=_defaults,
    check=_check,
    population=("released",),
    figures=_figures,
    by_subregion=_by_subregion,
    behind=_behind,
    list_template="stats/handover_list.html",
    list_row=_list_row,
    list_export=LIST_EXPORT,
    list_export_rows=notice_exports.with_export_relations,
    columns=COLUMNS,
    key_figures=KEY_FIGURES,
    glossary=(
        *((metric.label, metric.formula) for metric in METRICS.rates),
        (gettext_lazy("漏管"), COUNT_BY_NAME["missed"].note),
        (gettext_lazy("下钻"), gettext_lazy("点击地区名称查看下一级；点击比率查看未达到该项的人员名单。")),
    ),
    targets_format="%(label)s%(threshold)s",
    form_label=gettext_lazy("统计期间"),
    table_note=gettext_lazy("达标的比率标绿，未达标的标红；比率四舍五入到 0.1%%，未达标的不会因进位显示为达标。"),
    invalid_note=gettext_lazy("请更正统计期间后重新查询。"),
    charts="stats/_handover_charts.html",
    chart_data_id="stats-data",
    chart=_chart,
    page_date=lambda dates, totals: (f"{dates['from']:%Y-%m-%d} — {dates['to']:%Y-%m-%d}", ""),
    scope_note=lambda dates: _("统计对象为释放日期在所选期间内的人员，按其当前状态计算。"),
    context=lambda dates: {"start": dates["from"], "end": dates["to"]},
    table_action=_unmatched,
    operations=OPERATIONS,
)
