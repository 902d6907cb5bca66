"""Metric families: the declaration every area's statistics are written in (DESIGN §6).

A family is a set of figures asked of one population for a region subtree and a time filter: the hand-over's
notices released in a period, the register's cases on register on a day. It declares, once:

- its ``Metrics``: each count (its key, label, definition in words, and the condition the family's query reads to
  count it and to list the people behind it), each rate (numerator ÷ denominator of two counts, the count listing
  its shortfall, and its ``Target``, higher or lower being better), and each other figure (``ValueMetric``: a median,
  a sum of money, computed by the family beside its counts, shown and answered like them);
- its time filter (``dates``: the page's date inputs and the API's query parameters, their defaults and checks);
- its queries (the figures of a region, of each sub-region, the rows behind a number);
- how its dashboard shows it (table columns, key figures, charts, glossary) and its API operations.

An area registers its families through ``Area(metrics=...)`` in its ``contrib.py``; the statistics pages and API
read ``registry.metric_families()``, so a new family is one module. This module names no app (core is the lowest
layer): users, regions and querysets are the families' own, typed ``Any`` here.

Rates are fractions in [0, 1], ``None`` when the denominator is 0 (DESIGN §5), never rounded before a comparison
(a rate of 0.99996 must not read as meeting a 100 % target): targets compare in integers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext

from core.exports import ListExport

Label = str | Promise
# The values of a family's time filter, by name (``{"from": ..., "to": ...}``, ``{"on": ..., "from": ...}``).
Dates = Mapping[str, dt.date]


def rate(numerator: int, denominator: int) -> float | None:
    """``numerator ÷ denominator``; None when nobody is in the denominator (DESIGN §5)."""
    return None if denominator == 0 else numerator / denominator


# --- showing a rate ---------------------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Target:
    """A target of DESIGN §6 for a rate, in whole percent: met at or above ``percent`` (``strict``: strictly above),
    or, when lower is better, at or below it (``strict``: strictly below)."""

    percent: int
    higher_is_better: bool = True
    strict: bool = False

    @property
    def threshold(self) -> str:
        """``100%``, ``≥ 80%``, ``> 85%``, ``< 2%``."""
        if self.strict:
            return f"{'>' if self.higher_is_better else '<'} {self.percent}%"
        if self.higher_is_better and self.percent == 100:
            return "100%"
        return f"{'≥' if self.higher_is_better else '≤'} {self.percent}%"

    @property
    def minimum(self) -> float:
        """The line as a fraction."""
        return self.percent / 100

    def met(self, numerator: int, denominator: int) -> bool | None:
        """Whether ``numerator / denominator`` meets the target, compared in integers (a float at the line could
        fall either side of it); None when nobody is in the denominator, which neither meets nor misses."""
        if denominator == 0:
            return None
        scaled, line = numerator * 100, self.percent * denominator
        if self.higher_is_better:
            return scaled > line if self.strict else scaled >= line
        return scaled < line if self.strict else scaled <= line

    def state(self, numerator: int, denominator: int) -> str:
        met = self.met(numerator, denominator)
        return "none" if met is None else "met" if met else "missed"

    def _floor_line(self) -> float | None:
        # Reaching a line "at or above" meets it: rounding must not lift a rate onto it. A strict line is not met
        # on it, so rounding onto it hides only the side, which ``text`` shows in hundredths.
        return self.minimum if self.higher_is_better and not self.strict else None

    def text(self, numerator: int, denominator: int) -> str:
        """The rate to 0.1 % (``percent``), never rounded onto a line "at or above" it has not reached; for a
        strict line, where that rounding lands exactly on it, which would hide the side of it the rate is on
        (84.96 % and 85.04 % both read "85.0%" against "> 85%"), to 0.01 %, and where even that reads as the line
        (85.004 %), rounded away from it, so the figure always stays on its own side."""
        text = percent(numerator, denominator, minimum=self._floor_line())
        if not self.strict:
            return text
        line = self.percent * denominator  # the line, scaled like ``numerator * 100``
        if denominator == 0 or permille(numerator, denominator) != self.percent * 10 or numerator * 100 == line:
            return text  # off the line, or exactly on it (which a strict target does not meet)
        hundredths = (numerator * 20000 + denominator) // (2 * denominator)  # half up
        if hundredths == self.percent * 100:
            scaled = numerator * 10000
            hundredths = -(-scaled // denominator) if numerator * 100 > line else scaled // denominator
        return f"{hundredths // 100}.{hundredths % 100:02d}%"

    def chart_value(self, numerator: int, denominator: int) -> float | None:
        """The rate in percent to 0.1, as a number for a chart."""
        return percent_value(numerator, denominator, minimum=self._floor_line())


# --- what each number is ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountMetric:
    """A number of the family's population that meet ``condition`` (the family's query reads it, to count and to
    list the same rows: the number and its list cannot disagree)."""

    key: str  # the API field
    label: Label
    definition: str  # in words, for the API schema
    note: Label = ""  # what the list holds, where the label is not enough (the list page and the glossary)
    slug: str = ""  # the ``figure=`` of the list behind the number; default ``key``
    condition: Any = None
    counted: bool = True  # False: a list only (a rate's shortfall), no figure of its own
    listed: bool = True  # False: a figure with no list (a rate's denominator over a period)

    @property
    def figure(self) -> str:
        return self.slug or self.key


@dataclass(frozen=True)
class RateMetric:
    """``numerator ÷ denominator`` of two counts; ``gap`` the list of those in the denominator and not in the
    numerator (the people a rate below target asks the officer to look at)."""

    key: str
    label: Label
    numerator: str
    denominator: str
    gap: str  # the ``figure=`` of the list of the shortfall
    definition: str  # in words, for the API schema
    formula: Label  # the definition as the dashboard shows it
    target: Target | None = None

    def text(self, numerator: int, denominator: int) -> str:
        return self.target.text(numerator, denominator) if self.target else percent(numerator, denominator)

    def chart_value(self, numerator: int, denominator: int) -> float | None:
        return self.target.chart_value(numerator, denominator) if self.target else percent_value(numerator, denominator)


def in_days(value: Any) -> str:
    """A number of days (a median may end in .5), or a dash for none."""
    if value is None:
        return "—"
    return gettext("%(n)s 天") % {"n": f"{value:g}" if isinstance(value, int | float) else value}


def in_yuan(value: Any) -> str:
    """An amount of yuan with two places and thousands separators (``12,345.00 元``)."""
    return gettext("%(n)s 元") % {"n": f"{Decimal(value or 0):,.2f}"}


@dataclass(frozen=True)
class ValueMetric:
    """A figure that is not a count (a median, a sum of money): the family computes it with its counts and passes it
    to ``Metrics.figures_of(row, values=...)``; the dashboard shows it as a key figure or a column (``text``), the
    API answers it as the family's schema types it. ``figure``: the list behind it (the rows it is computed from),
    if any; a value is never the numerator or denominator of a rate."""

    key: str
    label: Label
    definition: str  # in words, for the API schema
    text: Callable[[Any], str] = str  # how the dashboard shows it: ``in_days``, ``in_yuan``
    note: Label = ""  # the glossary's words
    figure: str = ""


@dataclass(frozen=True)
class Metrics:
    """A family's counts and rates, each defined once, and its other figures (``values``: medians, sums)."""

    counts: tuple[CountMetric, ...]
    rates: tuple[RateMetric, ...]
    values: tuple[ValueMetric, ...] = ()

    def __post_init__(self) -> None:
        names = {count.key for count in self.counts if count.counted}
        for metric in self.rates:
            if not {metric.numerator, metric.denominator} <= names:
                raise ValueError(f"rate {metric.key!r} divides counts that are not counted")
            if metric.gap not in self.figures:
                raise ValueError(f"rate {metric.key!r} lists a shortfall that is not a list: {metric.gap!r}")
        for value in self.values:
            if value.figure and value.figure not in self.figures:
                raise ValueError(f"value {value.key!r} links to a list that is not one: {value.figure!r}")

    @property
    def counted(self) -> tuple[CountMetric, ...]:
        return tuple(count for count in self.counts if count.counted)

    @property
    def figures(self) -> dict[str, CountMetric]:
        """The lists behind the numbers, by ``figure=``."""
        return {count.figure: count for count in self.counts if count.listed}

    def count(self, key: str) -> CountMetric:
        return next(count for count in self.counts if count.key == key)

    def rate(self, key: str) -> RateMetric:
        return next(metric for metric in self.rates if metric.key == key)

    def is_rate(self, key: str) -> bool:
        return any(metric.key == key for metric in self.rates)

    def value(self, key: str) -> ValueMetric:
        return next(metric for metric in self.values if metric.key == key)

    def is_value(self, key: str) -> bool:
        return any(metric.key == key for metric in self.values)

    def label(self, key: str) -> Label:
        """The label of any figure: a count, a rate or a value."""
        if self.is_rate(key):
            return self.rate(key).label
        if self.is_value(key):
            return self.value(key).label
        return self.count(key).label

    def figures_of(
        self,
        row: Mapping[str, Any] | None,
        *,
        source: str = "",
        computed_at: dt.datetime | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> Figures:
        """The figures from a row of counts (an aggregate or GROUP BY row; None for nobody) and the family's
        ``values`` (by key; a value left out is None)."""
        row = row or {}
        counts = {count.key: int(row.get(count.key) or 0) for count in self.counted}
        given = values or {}
        extra = {metric.key: given.get(metric.key) for metric in self.values}
        return Figures(self, counts, source=source, computed_at=computed_at, values=extra)


@dataclass(frozen=True)
class Figures:
    """Every count and rate of one region (or month) and time filter; ``source`` and ``computed_at`` say where they
    came from when a family reads roll-ups."""

    metrics: Metrics
    counts: Mapping[str, int]
    source: str = ""
    computed_at: dt.datetime | None = None
    values: Mapping[str, Any] = field(default_factory=dict)  # the family's ``ValueMetric`` figures, by key

    def __getitem__(self, key: str) -> Any:
        if key in self.values:
            return self.values[key]
        if self.metrics.is_rate(key):
            metric = self.metrics.rate(key)
            return rate(self.counts[metric.numerator], self.counts[metric.denominator])
        return self.counts[key]

    def parts(self, key: str) -> tuple[int, int]:
        """The numerator and denominator of the rate ``key``."""
        metric = self.metrics.rate(key)
        return self.counts[metric.numerator], self.counts[metric.denominator]

    def as_dict(self) -> dict[str, Any]:
        values: dict[str, Any] = dict(self.counts)
        for metric in self.metrics.rates:
            values[metric.key] = self[metric.key]
        values.update(self.values)
        return values


@dataclass(frozen=True)
class SubRegion:
    """The figures of one row below a region: a child region (``drillable``), the people held at the region itself
    ("本级", ``own``: its lists are exactly those), or a code missing from the region table (no links)."""

    code: str
    name: str
    drillable: bool
    figures: Figures
    own: bool = False


# --- how a family is shown and asked ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the dashboard's table: a count or a rate, under a group heading."""

    key: str
    label: Label
    group: Label = ""


@dataclass(frozen=True)
class KeyFigure:
    """A key figure above the table: a count (with ``detail(figures, dates)`` beside it) or a rate (its numerator
    and denominator, and its target)."""

    key: str
    detail: Callable[[Figures, Dates], str] | None = None


@dataclass(frozen=True)
class Link:
    """A link a family's page adds (above the table: e.g. an export of the people not yet counted in)."""

    text: str
    url: str
    title: str = ""


@dataclass(frozen=True)
class DateInput:
    """One date of the time filter: its query parameter and its label."""

    name: str
    label: Label


@dataclass(frozen=True)
class Operation:
    """A GET operation of the family's API (django-ninja): ``handler(request, query)`` and its documentation."""

    path: str
    handler: Callable[..., Any]
    response: Any
    summary: str
    description: str = ""
    operation_id: str = ""
    by_alias: bool = True


@dataclass(frozen=True)
class MetricFamily:
    """One family of figures (the module docstring). ``key`` names its pages (``/stats/<key>/``, URL names
    ``stats:<key>`` and ``stats:<key>_list``); the callables are its queries and its page's own pieces."""

    key: str
    label: Label  # the tab
    title: Label  # the page heading
    intro: Label  # the page's introduction, with ``%(name)s`` for the region
    metrics: Metrics
    # the time filter: its inputs, their defaults (``defaults(query)``: the values for the inputs the query leaves
    # empty), and its checks (``check(values)``, the inputs that parsed: {input: message} for what is wrong)
    dates: tuple[DateInput, ...]
    defaults: Callable[[Mapping[str, str]], dict[str, str]]
    check: Callable[[Mapping[str, Any]], Mapping[str, Label]]
    # the counts that say whether a row has anyone in it; the first is what a region bar of a chart lists
    population: tuple[str, ...]
    # queries: a region's figures, each sub-region's, and the rows behind ``figure`` (``own``: held at the region
    # itself), all within the user's reach
    figures: Callable[[Any, Any, Dates], Figures]
    by_subregion: Callable[[Any, Any, Dates], Sequence[SubRegion]]
    behind: Callable[[Any, Any, Dates, str, bool], Any]
    # the list behind a number (a ``core.pages.ListPage`` the list view declares per request from these, its
    # query ``behind``): its template (columns and rows), the row it shows of each object, and its .xlsx
    list_template: str
    list_row: Callable[[Any], Any]
    list_export: ListExport[Any]
    # the dashboard: the table's columns, the key figures above it, what the dates are called in the templates,
    # the date beside the heading ((text, note)), and what the figures cover (the glossary's last words)
    columns: tuple[Column, ...]
    key_figures: tuple[KeyFigure, ...]
    context: Callable[[Dates], dict[str, Any]]
    page_date: Callable[[Dates, Figures], tuple[str, str]]
    scope_note: Callable[[Dates], str]
    glossary: tuple[tuple[Label, Label], ...] = ()  # (term, meaning)
    targets_format: str = "%(label)s %(threshold)s"  # one target of the "考核目标" line
    form_label: Label = ""
    table_note: Label = ""  # python-format, as a template's ``{% translate %}``: a literal "%" is written "%%"
    table_class: str = ""
    invalid_note: Label = ""
    # (region, dates, totals) -> a link above the table, or None
    table_action: Callable[[Any, Dates, Figures], Link | None] | None = None
    # the charts: their template, the id of their data (``json_script``, which ``static/js/stats.js`` draws), and
    # ``chart(user, region, dates, subregions)``, the templates' context (``chart`` the data); none by default
    charts: str = ""
    chart_data_id: str = ""
    chart: Callable[..., dict[str, Any]] = lambda *args: {}
    operations: tuple[Operation, ...] = ()
    list_export_rows: Callable[[Any], Iterable[Any]] = lambda rows: rows  # what the export's columns read
    # the tab's place among the dashboards, lower first (the register's own families: 100, 200; the areas': 500)
    order: int = 500
