"""The hand-over dashboard (衔接情况) for officers, and the list of people behind each of its numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core import exports
from core.audit import Actor, record_audit
from core.errors import DomainError
from core.idnumbers import mask_id_number
from directory.models import Region, User
from handover import exports as notice_exports
from stats import selectors
from stats.metrics import COUNT_BY_NAME, COUNT_BY_SLUG, RATE_BY_NAME, RATES, TARGETS, Figures, target_state

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise  # a gettext_lazy result, to django-stubs

PAGE_SIZE = 50
TREND_MONTHS = 12
# the list behind a number, as .xlsx: the hand-over's notice columns; the file is named after the region and figure
STATS_LIST_EXPORT = notice_exports.notice_export("stats.handover_list", gettext_lazy("衔接情况名单"))


class DatesForm(forms.Form):
    """A statistics page's two dates (``DATES``: name and label of each, named like the API's query parameters),
    with the region kept in a hidden field."""

    DATES: tuple[tuple[str, _StrPromise | str], ...] = ()
    region = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: QueryDict) -> None:
        super().__init__(data)
        for name, label in self.DATES:
            self.fields[name] = forms.DateField(
                label=label, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
            )


class PeriodForm(DatesForm):
    """The period chooser of the hand-over dashboard."""

    DATES = (("from", gettext_lazy("释放日期自")), ("to", gettext_lazy("至")))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("from", _("起始日期不能晚于截止日期。"))
        return data


def _with_default_period(query: QueryDict) -> QueryDict:
    """The query with an absent or empty ``from`` / ``to`` set to this year to date, so the inputs show the period
    the figures are for."""
    data = query.copy()
    start, end = selectors.default_period()
    for name, value in (("from", start), ("to", end)):
        if not data.get(name):
            data[name] = value.isoformat()
    return data


def _officer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    try:
        selectors.require_stats_reader(user)
    except DomainError:
        raise PermissionDenied from None
    return user


def _region(user: User, code: str | None) -> Region:
    try:
        return selectors.region_for(user, code or None)
    except DomainError:
        # a malformed code is as unknown as an unreachable one
        raise Http404 from None


def list_url(*, region: str, start: dt.date, end: dt.date, figure: str, own: bool = False) -> str:
    """The list behind a number; ``own``: only the notices held at the region itself, not in its sub-regions (the
    "本级" row of the table, whose number counts only those)."""
    params = {"region": region, "from": start.isoformat(), "to": end.isoformat(), "figure": figure}
    query = urlencode({**params, "own": "1"} if own else params)
    return f"{reverse('stats:handover_list')}?{query}"


def dashboard_url(*, region: str, start: dt.date, end: dt.date) -> str:
    query = urlencode({"region": region, "from": start.isoformat(), "to": end.isoformat()})
    return f"{reverse('stats:handover')}?{query}"


# --- the table's columns ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # a count or a rate of stats.metrics
    label: str | Promise
    group: str | Promise = ""

    @property
    def is_rate(self) -> bool:
        return self.name in RATE_BY_NAME

    @property
    def target(self) -> str:
        target = TARGETS.get(self.name)
        return _("目标 %(threshold)s") % {"threshold": target.threshold} if target else ""


COLUMNS = [
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
]


@dataclass(frozen=True)
class Cell:
    text: str
    url: str | None
    state: str  # met / missed / none (against the target)
    title: str


def permille(numerator: int, denominator: int, *, minimum: float | None = None) -> int:
    """The rate in tenths of a percent, rounded half up with exact integer arithmetic, except where rounding would
    lift it onto a line it has not reached: 999.6 ‰ is not everyone (never "100.0%" unless all), and 79.96 % does
    not meet an 80 % target. There it is rounded down."""
    rounded = (numerator * 2000 + denominator) // (2 * denominator)
    floored = numerator * 1000 // denominator
    if numerator < denominator and rounded == 1000:
        return floored
    if minimum is not None and numerator < minimum * denominator and rounded >= round(minimum * 1000):
        return floored
    return rounded


def percent(numerator: int, denominator: int, *, minimum: float | None = None) -> str:
    """``85.7%``, or a dash when nobody is in the denominator."""
    if denominator == 0:
        return "—"
    value = permille(numerator, denominator, minimum=minimum)
    return f"{value // 10}.{value % 10}%"


def percent_value(numerator: int, denominator: int, *, minimum: float | None = None) -> float | None:
    """The same, as a number for the charts."""
    return None if denominator == 0 else permille(numerator, denominator, minimum=minimum) / 10


def cell(
    column: Column,
    figures: Figures,
    *,
    region: str,
    start: dt.date,
    end: dt.date,
    own: bool = False,
    linked: bool = True,
) -> Cell:
    """One figure of a row, linked to the list behind it. ``own`` for the "本级" row (its list holds only the notices
    held at the region itself); ``linked`` False for a code missing from the region table (no list to open)."""

    def link(figure: str) -> str | None:
        return list_url(region=region, start=start, end=end, figure=figure, own=own) if linked else None

    if column.is_rate:
        metric = RATE_BY_NAME[column.name]
        num, den = figures.counts[metric.numerator], figures.counts[metric.denominator]
        value = figures[column.name]
        state = target_state(column.name, value if isinstance(value, float) else None)
        title = f"{num} / {den}"
        if state == "missed":
            title += " · " + _("未达标")
        # a rate links to its shortfall: the people the officer has to follow up
        url = link(metric.gap) if den else None
        target = TARGETS.get(column.name)
        return Cell(percent(num, den, minimum=target.minimum if target else None), url, state, title)
    count = COUNT_BY_NAME[column.name]
    number = figures.counts[column.name]
    return Cell(str(number), link(count.slug) if number else None, "none", "")


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    url: str | None  # drill down
    cells: list[Cell]
    empty: bool  # nobody released in the period


def _row(code: str, name: str, url: str | None, figures: Figures, start: dt.date, end: dt.date) -> Row:
    cells = [cell(c, figures, region=code, start=start, end=end) for c in COLUMNS]
    return Row(code, name, url, cells, empty=figures.counts["released"] == 0)


def _sub_row(sub: selectors.SubRegion, start: dt.date, end: dt.date) -> Row:
    """A row of the table: a child region (its name drills down), or the notices held at the region itself
    ("本级": its numbers open lists of exactly those notices), or a code missing from the region table (no links)."""
    if sub.drillable:
        return _row(sub.code, sub.name, dashboard_url(region=sub.code, start=start, end=end), sub.figures, start, end)
    cells = [cell(c, sub.figures, region=sub.code, start=start, end=end, own=sub.own, linked=sub.own) for c in COLUMNS]
    return Row(sub.code, sub.name, None, cells, empty=sub.figures.counts["released"] == 0)


def _region_list_url(row: selectors.SubRegion, start: dt.date, end: dt.date) -> str | None:
    """Where a bar of the regions chart leads: the child's dashboard, or the 本级 row's list."""
    if row.drillable:
        return dashboard_url(region=row.code, start=start, end=end)
    return list_url(region=row.code, start=start, end=end, figure="released", own=True) if row.own else None


@dataclass(frozen=True)
class Kpi:
    label: str | Promise
    text: str
    url: str | None
    state: str  # met / missed / none
    detail: str  # "40 / 45", or a word on the figure
    target: str  # "目标 100%", or ""


def _kpis(figures: Figures, *, region: str, start: dt.date, end: dt.date) -> list[Kpi]:
    def link(slug: str, number: int) -> str | None:
        return list_url(region=region, start=start, end=end, figure=slug) if number else None

    def ratio(name: str) -> Kpi:
        metric = RATE_BY_NAME[name]
        c = cell(Column(name, metric.label), figures, region=region, start=start, end=end)
        return Kpi(metric.label, c.text, c.url, c.state, c.title.split(" · ")[0], Column(name, "").target)

    counts = figures.counts
    late = counts["checked_in_late"]
    return [
        Kpi(
            COUNT_BY_NAME["released"].label,
            str(counts["released"]),
            link("released", counts["released"]),
            "none",
            _("含重点帮教对象 %(n)s 人") % {"n": counts["key_targets_released"]},
            "",
        ),
        ratio("handover_rate"),
        ratio("key_handover_rate"),
        ratio("ordinary_handover_rate"),
        ratio("escort_rate"),
        ratio("on_time_rate"),
        Kpi(
            COUNT_BY_NAME["missed"].label,
            str(counts["missed"]),
            link("missed", counts["missed"]),
            "none",
            _("其中已逾期报到 %(n)s 人") % {"n": late} if late else "",
            "",
        ),
    ]


def _chart_data(
    rows: list[selectors.SubRegion], months: list[selectors.Month], *, region: Region, end: dt.date, start: dt.date
) -> dict[str, Any]:
    shown = [row for row in rows if row.figures.counts["released"]]

    def pct(figures: Figures, rate_name: str) -> float | None:
        metric = RATE_BY_NAME[rate_name]
        target = TARGETS.get(rate_name)
        return percent_value(
            figures.counts[metric.numerator],
            figures.counts[metric.denominator],
            minimum=target.minimum if target else None,
        )

    return {
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
            "urls": [_region_list_url(row, start, end) for row in shown],
        },
        "trend": {
            "months": [month.label for month in months],
            "handover_rate": [pct(month.figures, "handover_rate") for month in months],
            "released": [month.figures.counts["released"] for month in months],
            "missed": [month.figures.counts["missed"] for month in months],
            "urls": [
                list_url(region=region.code, start=month.start, end=month.end, figure="released") for month in months
            ],
        },
    }


@login_required
@require_GET
def handover_dashboard(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    form = PeriodForm(_with_default_period(request.GET))
    region = _region(user, request.GET.get("region"))
    crumbs = selectors.breadcrumb(user=user, region=region)
    context: dict[str, Any] = {"form": form, "region": region, "crumbs": crumbs, "rates": RATES}
    if not form.is_valid():
        return render(request, "stats/handover.html", context, status=400)
    start, end = form.cleaned_data["from"], form.cleaned_data["to"]
    totals = selectors.figures(user=user, region=region, start=start, end=end)
    subregions = selectors.figures_by_subregion(user=user, region=region, start=start, end=end)
    months = selectors.figures_by_month(user=user, region=region, end=end, months=TREND_MONTHS)
    rows = [_sub_row(sub, start, end) for sub in subregions]
    crumb_links = [(crumb, dashboard_url(region=crumb.code, start=start, end=end)) for crumb in crumbs]
    # a township is the lowest level notices are held at: its one "sub-region" is itself, so no breakdown
    lowest = region.level in (Region.Level.TOWNSHIP, Region.Level.VILLAGE)
    context.update(
        {
            "start": start,
            "end": end,
            "crumb_links": crumb_links,
            "up_url": crumb_links[-2][1] if len(crumb_links) > 1 else None,
            "kpis": _kpis(totals, region=region.code, start=start, end=end),
            "columns": COLUMNS,
            "rows": [] if lowest else rows,
            "lowest": lowest,
            "total": _row(region.code, region.name if lowest else _("合计"), None, totals, start, end),
            "targets": TARGETS.values(),
            "missed_note": COUNT_BY_NAME["missed"].note,
            "chart": _chart_data(subregions, months, region=region, start=start, end=end),
            "trend_from": months[0].start,
            "trend_to": months[-1].end,
            # 未衔接: the people of the region and period released and not (yet) handed over, as one .xlsx
            "unmatched_count": totals.counts["not_handed_over"],
            "unmatched_export_url": list_url(region=region.code, start=start, end=end, figure="not_handed_over")
            + "&format=xlsx",
        }
    )
    return render(request, "stats/handover.html", context)


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


@login_required
@require_GET
def handover_list(request: HttpRequest) -> HttpResponseBase:
    """The notices behind one number of the dashboard. Reading a list of people is audited (DESIGN §8).

    ``?format=xlsx`` answers the whole list (every page) as .xlsx, from the same query."""
    user = _officer(request)
    form = PeriodForm(_with_default_period(request.GET))
    region = _region(user, request.GET.get("region"))
    figure = request.GET.get("figure") or "released"
    if figure not in COUNT_BY_SLUG:
        raise Http404
    own = request.GET.get("own") == "1" and selectors.own_level_prefix(region) is not None
    context: dict[str, Any] = {"form": form, "region": region, "figure": COUNT_BY_SLUG[figure], "own": own}
    if not form.is_valid():
        return render(request, "stats/handover_list.html", context, status=400)
    start, end = form.cleaned_data["from"], form.cleaned_data["to"]
    notices = selectors.notices_behind(user=user, region=region, start=start, end=end, figure=figure, own=own)
    if exports.wants_xlsx(request):
        label = COUNT_BY_SLUG[figure].label
        place = _("%(name)s本级") % {"name": region.name} if own else region.name
        return exports.xlsx_response(
            request=request,
            export=STATS_LIST_EXPORT,
            rows=notice_exports.with_export_relations(notices),
            filters={"figure": figure, "region": region.code, "own": own, "from": start, "to": end},
            title=f"{place}-{label}",
        )
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    record_audit(
        actor=Actor.of(request),
        action="person.list",
        object_type="people.person",
        detail={
            "via": "stats.handover_list",
            "figure": figure,
            "region": region.code,
            "own": own,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "page": page.number,
            "people": [notice.person_id for notice in shown],
        },
    )
    rows = [
        ListRow(
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
        for notice in shown
    ]
    context.update(
        {
            "start": start,
            "end": end,
            "page": page,
            "rows": rows,
            "back_url": dashboard_url(region=region.code, start=start, end=end),
        }
    )
    return render(request, "stats/handover_list.html", context)
