"""The statistics pages of every metric family (``stats.families``): the dashboard of a region and time filter, and
the list of people behind each of its numbers.

One view each, for any family: the family declares its figures, time filter, queries and the pieces its page shows
(``core.metrics.MetricFamily``); these views check who asks and for which region, build the table, the key figures
and the links, and audit every list read. Officers only, within their reach; another county's region is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import DomainError
from core.metrics import Dates, Figures, Label, MetricFamily, SubRegion
from core.pages import Filters, ListPage, show_list
from directory.models import Region, User
from directory.selectors import region_for, require_stats_reader
from stats import selectors
from stats.families import families
from stats.families import family as family_of
from stats.links import Scope, dashboard_url, sub_scope


class DatesForm(forms.Form):
    """A family's time filter (its ``dates``, named like the API's query parameters), with the region kept in a
    hidden field; its checks are the family's."""

    region = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, family: MetricFamily, data: QueryDict) -> None:
        super().__init__(data)
        self.family = family
        for date in family.dates:
            self.fields[date.name] = forms.DateField(
                label=str(date.label), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, message in self.family.check(data).items():
            self.add_error(name, str(message))
        return data

    @property
    def dates(self) -> Dates:
        return {date.name: self.cleaned_data[date.name] for date in self.family.dates}


def _query(family: MetricFamily, request: HttpRequest) -> QueryDict:
    """The query with what it leaves out set to the family's defaults, so the inputs show what the figures are
    for."""
    data = request.GET.copy()
    for name, value in family.defaults(data).items():
        data[name] = value
    return data


def _form(family: MetricFamily, request: HttpRequest) -> DatesForm:
    return DatesForm(family, _query(family, request))


def _officer(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    try:
        require_stats_reader(user)
    except DomainError:
        raise PermissionDenied from None
    return user


def _region(user: User, code: str | None) -> Region:
    try:
        return region_for(user, code or None)
    except DomainError:
        # a malformed code is as unknown as an unreachable one
        raise Http404 from None


# --- the table and the key figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    url: str | None
    state: str  # met / missed / none (against the target)
    title: str


def cell(key: str, figures: Figures, scope: Scope) -> Cell:
    """One figure of a row, linked to the list behind it; a rate links to its shortfall (the people the officer
    has to follow up)."""
    metrics = scope.family.metrics
    if metrics.is_rate(key):
        metric = metrics.rate(key)
        numerator, denominator = figures.parts(key)
        state = metric.target.state(numerator, denominator) if metric.target else "none"
        title = f"{numerator} / {denominator}" + (" · " + _("未达标") if state == "missed" else "")
        url = scope.list(metric.gap) if denominator else None
        return Cell(metric.text(numerator, denominator), url, state, title)
    if metrics.is_value(key):
        # a median, a sum: shown as the family formats it, linked to the rows it is computed from
        value_metric = metrics.value(key)
        value = figures.values.get(key)
        # (none, or a sum of nothing: no rows behind it)
        url = scope.list(value_metric.figure) if value_metric.figure and value not in (None, 0) else None
        return Cell(value_metric.text(value), url, "none", "")
    number = figures.counts[key]
    return Cell(str(number), scope.list(metrics.count(key).figure) if number else None, "none", "")


@dataclass(frozen=True)
class Heading:
    """A column's heading: its label under its group, and the target of a rate."""

    label: Label
    group: Label
    target: str  # "目标 100%", or ""


def _headings(family: MetricFamily) -> list[Heading]:
    columns = []
    for column in family.columns:
        target = family.metrics.rate(column.key).target if family.metrics.is_rate(column.key) else None
        note = _("目标 %(threshold)s") % {"threshold": target.threshold} if target else ""
        columns.append(Heading(column.label, column.group, note))
    return columns


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    url: str | None  # drill down
    cells: list[Cell]
    empty: bool  # nobody in the population


def _row(name: str, url: str | None, figures: Figures, scope: Scope) -> Row:
    cells = [cell(column.key, figures, scope) for column in scope.family.columns]
    empty = all(figures.counts[key] == 0 for key in scope.family.population)
    return Row(scope.region, name, url, cells, empty=empty)


def _sub_row(family: MetricFamily, sub: SubRegion, dates: Dates) -> Row:
    url = dashboard_url(family, region=sub.code, dates=dates) if sub.drillable else None
    return _row(sub.name, url, sub.figures, sub_scope(family, sub, dates))


@dataclass(frozen=True)
class Kpi:
    label: Label
    text: str
    url: str | None
    state: str  # met / missed / none
    detail: str  # "40 / 45", or a word on the figure
    target: str  # "目标 100%", or ""


def _kpis(family: MetricFamily, figures: Figures, scope: Scope) -> list[Kpi]:
    kpis = []
    for figure in family.key_figures:
        c = cell(figure.key, figures, scope)
        if family.metrics.is_rate(figure.key):
            metric = family.metrics.rate(figure.key)
            target = _("目标 %(threshold)s") % {"threshold": metric.target.threshold} if metric.target else ""
            kpis.append(Kpi(metric.label, c.text, c.url, c.state, c.title.split(" · ")[0], target))
        else:
            detail = figure.detail(figures, scope.dates) if figure.detail else ""
            kpis.append(Kpi(family.metrics.label(figure.key), c.text, c.url, "none", detail, ""))
    return kpis


# --- the pages ----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest, family: str) -> HttpResponse:
    found = family_of(family)
    user = _officer(request)
    form = _form(found, request)
    region = _region(user, request.GET.get("region"))
    crumbs = selectors.breadcrumb(user=user, region=region)
    context: dict[str, Any] = {
        "family": found,
        "families": families(),
        "form": form,
        "region": region,
        "crumbs": crumbs,
        "intro": found.intro % {"name": region.name},
    }
    if not form.is_valid():
        return render(request, "stats/dashboard.html", context, status=400)
    dates = form.dates
    totals = found.figures(user, region, dates)
    subregions = found.by_subregion(user, region, dates)
    # a township is the lowest level people are held at: its one "sub-region" is itself, so no breakdown
    lowest = region.level in (Region.Level.TOWNSHIP, Region.Level.VILLAGE)
    crumb_links = [(crumb, dashboard_url(found, region=crumb.code, dates=dates)) for crumb in crumbs]
    scope = Scope(found, region.code, dates)
    page_date, page_note = found.page_date(dates, totals)
    targets = [
        found.targets_format % {"label": metric.label, "threshold": metric.target.threshold}
        for metric in found.metrics.rates
        if metric.target
    ]
    context.update(
        {
            **found.context(dates),
            "page_date": page_date,
            "page_note": page_note,
            "source": totals.source,  # rollup / live, for a family that reads roll-ups
            "table_note": found.table_note % {},
            "crumb_links": crumb_links,
            "up_url": crumb_links[-2][1] if len(crumb_links) > 1 else None,
            "kpis": _kpis(found, totals, scope),
            "columns": _headings(found),
            "rows": [] if lowest else [_sub_row(found, sub, dates) for sub in subregions],
            "lowest": lowest,
            "total": _row(region.name if lowest else _("合计"), None, totals, scope),
            "targets": targets,
            "scope_note": found.scope_note(dates),
            "table_action": found.table_action(region, dates, totals) if found.table_action else None,
            **found.chart(user, region, dates, subregions),
        }
    )
    return render(request, "stats/dashboard.html", context)


def _figure_page(family: MetricFamily, region: Region, slug: str, own: bool) -> ListPage[Any]:
    """The list behind the number ``slug`` of ``region`` (``own``: held at the region itself), declared for this
    request: the family's query, template, rows and export, filtered by its time filter (a bad date is a 400)."""
    figure = family.metrics.figures[slug]
    scope = {"figure": slug, "region": region.code, "own": own}

    def dates(data: Filters) -> Dates:
        return {date.name: data[date.name] for date in family.dates}

    def title(data: Filters, raw: QueryDict) -> str:
        place = _("%(name)s本级") % {"name": region.name} if own else region.name
        return f"{place}-{figure.label}"

    return ListPage(
        template=family.list_template,
        filters=lambda query: DatesForm(family, query),
        invalid_status=400,
        rows=lambda user, data: family.behind(user, region, dates(data), slug, own),
        row=lambda obj, today: family.list_row(obj),
        context=lambda user, data, raw: {
            **family.context(dates(data)),
            "back_url": dashboard_url(family, region=region.code, dates=dates(data)),
        },
        audit_via=f"stats.{family.key}_list",
        audit_filters=lambda data, raw: {
            **scope,
            **{name: value.isoformat() for name, value in dates(data).items()},
        },
        audit_shown=lambda objects, page: {"page": page.number, "people": [obj.person_id for obj in objects]},
        audit_empty=True,  # each look at a number is recorded, a zero's too
        export=family.list_export,
        export_rows=family.list_export_rows,
        export_filters=lambda data, raw: {**scope, **dates(data)},
        export_title=title,
    )


@login_required
@require_GET
def figure_list(request: HttpRequest, family: str) -> HttpResponseBase:
    """The people behind one number of a dashboard. Reading a list of people is audited (DESIGN §8).

    ``?format=xlsx`` answers the whole list (every page) as .xlsx, from the same query."""
    found = family_of(family)
    user = _officer(request)
    region = _region(user, request.GET.get("region"))
    figures = found.metrics.figures
    slug = request.GET.get("figure") or next(iter(figures))
    if slug not in figures:
        raise Http404
    own = request.GET.get("own") == "1" and selectors.own_level_prefix(region) is not None
    return show_list(
        request,
        _figure_page(found, region, slug, own),
        user=user,
        query=_query(found, request),
        extra={"region": region, "figure": figures[slug], "own": own},
    )
