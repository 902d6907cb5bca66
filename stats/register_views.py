"""The register dashboard (在册帮教统计, issue 4 item 9) for officers, and the list of cases behind each of its numbers.

The figures are those of ``GET /api/v1/stats/register`` (``stats.register``, DESIGN §6), for the region asked as of a
date, and for each of its sub-regions. The list behind a number filters the cases with the very condition that
counted them (``register_cases``), so a number and its list cannot disagree. Access is the hand-over dashboard's:
officers, within their reach; another county's region is a 404.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cases.models import Case
from core import exports
from core.audit import Actor, record_audit
from core.idnumbers import mask_id_number
from directory.models import Region
from directory.reach import in_region_subtree
from stats import selectors
from stats.register import (
    EMPTY,
    LIST_FIGURES,
    RATES,
    REGISTER_TARGETS,
    RegisterTarget,
    default_day,
    register_by_child,
    register_cases,
    register_figures,
)
from stats.views import PAGE_SIZE, Cell, DatesForm, Kpi, percent, permille
from stats.views import _officer as officer
from stats.views import _region as region_within_reach

Figures = dict[str, Any]  # a row of stats.register: every count and rate


# --- the figures, as the pages name them -------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A number with a list behind it (``figure=`` of the list page)."""

    slug: str
    label: str | Promise
    note: str | Promise  # what the list holds, in words (the list page's intro)


FIGURES: dict[str, Figure] = {
    figure.slug: figure
    for figure in (
        Figure(
            "on_register",
            gettext_lazy("在册人数"),
            gettext_lazy("截至统计日已建档、尚未解除帮教的人员，按管理地统计，双列管人员只计入居住地。"),
        ),
        Figure("key_targets", gettext_lazy("重点帮教对象"), gettext_lazy("在册人员中帮教等级为重点的人员。")),
        Figure(
            "settled",
            gettext_lazy("已安置"),
            gettext_lazy("截至统计日安置情况为就业、自主创业、务农、灵活就业、低保或供养、基地安置或就学的在册人员。"),
        ),
        Figure(
            "not_settled",
            gettext_lazy("未安置"),
            gettext_lazy("截至统计日安置情况为未安置、或尚未登记安置情况的在册人员。"),
        ),
        Figure(
            "assisted",
            gettext_lazy("已落实帮教"),
            gettext_lazy("已建立帮教小组、且在规定走访周期内（重点、一般对象各有周期）有走访记录的在册人员。"),
        ),
        Figure(
            "not_assisted",
            gettext_lazy("未落实帮教"),
            gettext_lazy("没有帮教小组，或在规定走访周期内没有走访记录的在册人员。"),
        ),
        Figure("lost_contact", gettext_lazy("脱管"), gettext_lazy("截至统计日已失去联系、尚未恢复联系的在册人员。")),
        Figure("reoffended", gettext_lazy("重新犯罪"), gettext_lazy("统计期间内因重新犯罪解除帮教的人员。")),
        Figure(
            "dual_managed",
            gettext_lazy("双列管"),
            gettext_lazy("户籍地与居住地不一致、由居住地司法所管理、户籍地司法所协助的在册人员。"),
        ),
    )
}
assert tuple(FIGURES) == LIST_FIGURES  # every list of stats.register has its words here, and nothing more


@dataclass(frozen=True)
class RateInfo:
    name: str  # a rate of stats.register.RATES
    label: str | Promise
    gap: str  # the list a rate links to: the people it still counts against (its shortfall)
    formula: str | Promise  # the definition as the dashboard shows it

    @property
    def target(self) -> RegisterTarget:
        return REGISTER_TARGETS[self.name]


RATE_INFO: dict[str, RateInfo] = {
    info.name: info
    for info in (
        RateInfo("settlement_rate", gettext_lazy("安置率"), "not_settled", gettext_lazy("已安置的在册人数 ÷ 在册人数")),
        RateInfo(
            "assistance_rate",
            gettext_lazy("帮教率"),
            "not_assisted",
            gettext_lazy("有帮教小组且在走访周期内有走访记录的在册人数 ÷ 在册人数"),
        ),
        RateInfo(
            "reoffence_rate",
            gettext_lazy("重新犯罪率"),
            "reoffended",
            gettext_lazy("统计期间内因重新犯罪解除帮教的人数 ÷ 统计期间内曾经在册的人数"),
        ),
    )
}


def rate_text(numerator: int, denominator: int, target: RegisterTarget) -> str:
    """The rate to 0.1 % (``stats.views.percent``), except where that rounding lands exactly on the target's line,
    which would hide the side of it the rate is on (84.96 % and 85.04 % both read "85.0%" against "> 85%"). There
    it is shown to 0.01 %, and where even that reads as the line (85.004 %), rounded away from it, so the figure
    always stays on its own side."""
    text = percent(numerator, denominator)
    line = target.percent * denominator  # the line, scaled like ``numerator * 100``
    if denominator == 0 or permille(numerator, denominator) != target.percent * 10 or numerator * 100 == line:
        return text  # off the line, or exactly on it (which a strict target does not meet)
    hundredths = (numerator * 20000 + denominator) // (2 * denominator)  # half up
    if hundredths == target.percent * 100:
        scaled = numerator * 10000
        hundredths = -(-scaled // denominator) if numerator * 100 > line else scaled // denominator
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def rate_percent_value(numerator: int, denominator: int) -> float | None:
    """The rate in percent to 0.1, as a number for the chart."""
    return None if denominator == 0 else permille(numerator, denominator) / 10


# --- the period ----------------------------------------------------------------------------------------------------


class RegisterForm(DatesForm):
    """The as-of date and the period start of the reoffence rate."""

    DATES = (("on", gettext_lazy("截至日期")), ("from", gettext_lazy("重新犯罪统计自")))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        on, start = data.get("on"), data.get("from")
        if on and on > timezone.localdate():
            # the register of a day to come is today's register under another date: refuse it rather than mislead
            self.add_error("on", _("截至日期不能晚于今天。"))
        if on and start and start > on:
            self.add_error("from", _("起始日期不能晚于截止日期。"))
        return data


def _with_defaults(query: QueryDict) -> QueryDict:
    """The query with an absent ``on`` set to the latest closed day rolled up (yesterday, once the nightly job has
    run; else today, see ``register.default_day``) and an absent ``from`` to 1 January of ``on``'s year, so the
    inputs show what the figures are for."""
    data = query.copy()
    if not data.get("on"):
        data["on"] = default_day(timezone.localdate()).isoformat()
    if not data.get("from"):
        with contextlib.suppress(ValueError):  # a bad ``on``: the form says what is wrong with it
            data["from"] = dt.date.fromisoformat(str(data.get("on"))).replace(month=1, day=1).isoformat()
    return data


def dashboard_url(*, region: str, on: dt.date, start: dt.date) -> str:
    query = urlencode({"region": region, "on": on.isoformat(), "from": start.isoformat()})
    return f"{reverse('stats:register')}?{query}"


def list_url(*, region: str, on: dt.date, start: dt.date, figure: str, own: bool = False) -> str:
    """The list behind a number; ``own``: only the cases held at the region itself, not in its sub-regions (the
    "本级" row of the table)."""
    params = {"region": region, "on": on.isoformat(), "from": start.isoformat(), "figure": figure}
    query = urlencode({**params, "own": "1"} if own else params)
    return f"{reverse('stats:register_list')}?{query}"


# --- the table -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # a count or a rate of stats.register
    label: str | Promise
    group: str | Promise

    @property
    def target(self) -> str:
        target = REGISTER_TARGETS.get(self.name)
        return _("目标 %(threshold)s") % {"threshold": target.threshold} if target else ""


COLUMNS = [
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
]


@dataclass(frozen=True)
class Scope:
    """Where the links of one row point: its region, as of ``on``, period from ``start``; ``own`` for the cases
    held at the region itself; ``linked`` False for a code missing from the region table (no list to open)."""

    region: str
    on: dt.date
    start: dt.date
    own: bool = False
    linked: bool = True

    def list(self, figure: str) -> str | None:
        if not self.linked:
            return None
        return list_url(region=self.region, on=self.on, start=self.start, figure=figure, own=self.own)


def rate_cell(name: str, figures: Figures, scope: Scope) -> Cell:
    info = RATE_INFO[name]
    numerator, denominator = (figures[part] for part in RATES[name])
    met = info.target.met(numerator, denominator)
    state = "none" if met is None else "met" if met else "missed"
    title = f"{numerator} / {denominator}" + (" · " + _("未达标") if state == "missed" else "")
    # a rate links to its shortfall: the people the officer has to follow up
    url = scope.list(info.gap) if denominator else None
    return Cell(rate_text(numerator, denominator, info.target), url, state, title)


def count_cell(name: str, figures: Figures, scope: Scope) -> Cell:
    number = figures[name]
    return Cell(str(number), scope.list(name) if number else None, "none", "")


def cell(name: str, figures: Figures, scope: Scope) -> Cell:
    return rate_cell(name, figures, scope) if name in RATES else count_cell(name, figures, scope)


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    url: str | None  # drill down
    cells: list[Cell]
    empty: bool  # nobody on register, nobody in the period


def _row(name: str, url: str | None, figures: Figures, scope: Scope) -> Row:
    cells = [cell(column.name, figures, scope) for column in COLUMNS]
    return Row(scope.region, name, url, cells, empty=figures["on_register"] == 0 and figures["in_period"] == 0)


@dataclass(frozen=True)
class SubRegion:
    code: str
    name: str
    drillable: bool  # False for cases held at the region itself (no child to sit in)
    figures: Figures
    own: bool = False  # the cases held at the parent region itself


def subregions(region: Region, *, on: dt.date, start: dt.date) -> list[SubRegion]:
    """One row per child region (every child, with zeros where nobody is), plus a row for cases whose region is
    ``region`` itself or a code no longer in the region table, so the rows always add up to the region's figures.
    Two queries besides the policy's: the GROUP BY of ``register_by_child``, and the children's names. A township is
    the lowest level cases are held at: it has no breakdown."""
    child_level = selectors.CHILD_LEVEL.get(region.level)
    if child_level is None or region.level == Region.Level.TOWNSHIP:
        return []
    length = Region.PREFIX_LENGTH[child_level]
    by_child = register_by_child(prefix=region.prefix, child_length=length, on=on, start=start)
    children = Region.objects.filter(level=child_level, code__startswith=region.prefix).order_by("code")
    result = [
        SubRegion(code, name, True, by_child.pop(code[:length], EMPTY))
        for code, name in children.values_list("code", "name")
    ]
    for unit, figures in sorted(by_child.items()):
        code = unit.ljust(12, "0")
        if code == region.code:
            result.append(SubRegion(code, _("%(name)s本级") % {"name": region.name}, False, figures, own=True))
        else:
            result.append(SubRegion(code, code, False, figures))  # a code missing from the region table
    return result


def _sub_row(sub: SubRegion, *, on: dt.date, start: dt.date) -> Row:
    if sub.drillable:
        return _row(
            sub.name, dashboard_url(region=sub.code, on=on, start=start), sub.figures, Scope(sub.code, on, start)
        )
    scope = Scope(sub.code, on, start, own=sub.own, linked=sub.own)
    return _row(sub.name, None, sub.figures, scope)


# --- the key figures -----------------------------------------------------------------------------------------------


def _share(part: int, whole: int) -> str:
    return _("占在册 %(rate)s") % {"rate": percent(part, whole)} if whole else ""


def _kpis(figures: Figures, scope: Scope) -> list[Kpi]:
    def count(slug: str, detail: str) -> Kpi:
        c = count_cell(slug, figures, scope)
        return Kpi(FIGURES[slug].label, c.text, c.url, "none", detail, "")

    def ratio(name: str) -> Kpi:
        info = RATE_INFO[name]
        c = rate_cell(name, figures, scope)
        target = _("目标 %(threshold)s") % {"threshold": info.target.threshold}
        return Kpi(info.label, c.text, c.url, c.state, c.title.split(" · ")[0], target)

    on_register = figures["on_register"]
    return [
        count("on_register", _("截至 %(on)s") % {"on": scope.on.isoformat()}),
        count("key_targets", _share(figures["key_targets"], on_register)),
        ratio("settlement_rate"),
        ratio("assistance_rate"),
        count("lost_contact", _share(figures["lost_contact"], on_register)),
        ratio("reoffence_rate"),
        count("dual_managed", _("按居住地计入，户籍地协管")),
    ]


def _chart_data(rows: list[SubRegion], *, on: dt.date, start: dt.date) -> dict[str, Any]:
    shown = [row for row in rows if row.figures["on_register"]]
    settlement, assistance = REGISTER_TARGETS["settlement_rate"], REGISTER_TARGETS["assistance_rate"]

    def pct(figures: Figures, name: str) -> float | None:
        numerator, denominator = (figures[part] for part in RATES[name])
        return rate_percent_value(numerator, denominator)

    return {
        "labels": {
            "settlement_rate": str(RATE_INFO["settlement_rate"].label),
            "assistance_rate": str(RATE_INFO["assistance_rate"].label),
            "on_register": str(FIGURES["on_register"].label),
            "target_settlement": _("安置目标 %(t)s") % {"t": settlement.threshold},
            "target_assistance": _("帮教目标 %(t)s") % {"t": assistance.threshold},
            "people": _("人"),
        },
        "targets": {"settlement_rate": settlement.percent, "assistance_rate": assistance.percent},
        "regions": {
            "names": [row.name for row in shown],
            "settlement_rate": [pct(row.figures, "settlement_rate") for row in shown],
            "assistance_rate": [pct(row.figures, "assistance_rate") for row in shown],
            "on_register": [row.figures["on_register"] for row in shown],
            "urls": [
                dashboard_url(region=row.code, on=on, start=start)
                if row.drillable
                else Scope(row.code, on, start, own=row.own, linked=row.own).list("on_register")
                for row in shown
            ],
        },
    }


# --- the pages -----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def register_dashboard(request: HttpRequest) -> HttpResponse:
    user = officer(request)
    form = RegisterForm(_with_defaults(request.GET))
    region = region_within_reach(user, request.GET.get("region"))
    crumbs = selectors.breadcrumb(user=user, region=region)
    context: dict[str, Any] = {
        "form": form,
        "region": region,
        "crumbs": crumbs,
        "rates": RATE_INFO.values(),
        "figures": FIGURES,
    }
    if not form.is_valid():
        return render(request, "stats/register.html", context, status=400)
    on, start = form.cleaned_data["on"], form.cleaned_data["from"]
    # The figures of ``region`` come from their own aggregate query, the same as GET /api/v1/stats/register; the
    # sub-regions' from one GROUP BY. Neither goes through ``visible_to``: an officer reaches every case of a
    # region within reach, which ``region_within_reach`` has checked.
    totals = register_figures(prefix=region.prefix, on=on, start=start)
    subs = subregions(region, on=on, start=start)
    lowest = region.level in (Region.Level.TOWNSHIP, Region.Level.VILLAGE)
    rows = [_sub_row(sub, on=on, start=start) for sub in subs]
    crumb_links = [(crumb, dashboard_url(region=crumb.code, on=on, start=start)) for crumb in crumbs]
    context.update(
        {
            "on": on,
            "start": start,
            "source": totals["source"],
            "computed_at": totals["computed_at"],
            "crumb_links": crumb_links,
            "up_url": crumb_links[-2][1] if len(crumb_links) > 1 else None,
            "kpis": _kpis(totals, Scope(region.code, on, start)),
            "columns": COLUMNS,
            "rows": rows,
            "lowest": lowest,
            "total": _row(region.name if lowest else _("合计"), None, totals, Scope(region.code, on, start)),
            "targets": [f"{RATE_INFO[name].label} {target.threshold}" for name, target in REGISTER_TARGETS.items()],
            "chart": _chart_data(subs, on=on, start=start),
        }
    )
    return render(request, "stats/register.html", context)


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


@login_required
@require_GET
def register_list(request: HttpRequest) -> HttpResponseBase:
    """The cases behind one number of the register dashboard. Reading a list of people is audited (DESIGN §8).

    ``?format=xlsx`` answers the whole list (every page) as .xlsx, from the same query."""
    user = officer(request)
    form = RegisterForm(_with_defaults(request.GET))
    region = region_within_reach(user, request.GET.get("region"))
    slug = request.GET.get("figure") or "on_register"
    if slug not in FIGURES:
        raise Http404
    context: dict[str, Any] = {"form": form, "region": region, "figure": FIGURES[slug]}
    if not form.is_valid():
        return render(request, "stats/register_list.html", context, status=400)
    on, start = form.cleaned_data["on"], form.cleaned_data["from"]
    reached = Case.objects.visible_to(user).filter(in_region_subtree(region.prefix, "region"))
    own = request.GET.get("own") == "1" and region.level in selectors.CHILD_LEVEL
    if own:
        # held at the region itself: the GROUP BY key of its "本级" row (the code prefix of the child level)
        child_length = Region.PREFIX_LENGTH[selectors.CHILD_LEVEL[region.level]]
        reached = reached.filter(in_region_subtree(region.code[:child_length], "region"))
    cases = (
        register_cases(reached, figure=slug, on=on, start=start)
        .annotate(settlement_on=F("settled_status"))  # the settlement in force on ``on``, not today's
        .select_related("person", "managing_office", "hukou_office")
        .order_by("-opened_on", "-id")
    )
    if exports.wants_xlsx(request):
        place = _("%(name)s本级") % {"name": region.name} if own else region.name
        return exports.xlsx_response(
            request=request,
            export=LIST_EXPORT,
            rows=cases,
            filters={"figure": slug, "region": region.code, "own": own, "on": on, "from": start},
            title=f"{place}-{FIGURES[slug].label}",
        )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    record_audit(
        actor=Actor.of(request),
        action="person.list",
        object_type="people.person",
        detail={
            "via": "stats.register_list",
            "figure": slug,
            "region": region.code,
            "own": own,
            "on": on.isoformat(),
            "from": start.isoformat(),
            "page": page.number,
            "people": [case.person_id for case in shown],
        },
    )
    settlements = dict(Case.Settlement.choices)
    rows = [
        ListRow(
            case_id=case.pk,
            name=case.person.name,
            id_number=mask_id_number(case.person.id_number) or _("无身份证号"),
            office=case.managing_office.name,
            dual_managed=case.dual_managed,
            hukou_office=case.hukou_office.name if case.hukou_office else "",
            key=case.level == Case.Level.KEY,
            level=case.get_level_display(),
            opened_on=case.opened_on,
            settlement=str(settlements.get(case.settlement_on, "")),
            status=case.get_status_display(),
            status_code=case.status,
            closure=(
                f"{case.get_closure_reason_display()} {case.closed_on:%Y-%m-%d}"
                if case.status == Case.Status.CLOSED and case.closed_on
                else ""
            ),
        )
        for case in shown
    ]
    context.update(
        {
            "on": on,
            "start": start,
            "page": page,
            "rows": rows,
            "period_figure": slug == "reoffended",
            "own": own,
            "back_url": dashboard_url(region=region.code, on=on, start=start),
        }
    )
    return render(request, "stats/register_list.html", context)
