"""Where a figure of a metric family leads: its dashboard, the list behind a number, a regions chart's bar. Read by
the dashboard and by the families' own charts and tables."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from core.metrics import Dates, MetricFamily, SubRegion


def query_of(region: str, dates: Dates) -> dict[str, str]:
    return {"region": region, **{name: value.isoformat() for name, value in dates.items()}}


def dashboard_url(family: MetricFamily, *, region: str, dates: Dates) -> str:
    return f"{reverse('stats:dashboard', args=[family.key])}?{urlencode(query_of(region, dates))}"


def list_url(family: MetricFamily, *, region: str, dates: Dates, figure: str, own: bool = False) -> str:
    """The list behind a number; ``own``: only the people held at the region itself, not in its sub-regions (the
    "本级" row of the table, whose number counts only those)."""
    params = {**query_of(region, dates), "figure": figure}
    query = urlencode({**params, "own": "1"} if own else params)
    return f"{reverse('stats:list', args=[family.key])}?{query}"


@dataclass(frozen=True)
class Scope:
    """Where the links of one row point: its region and dates; ``own`` for the people held at the region itself;
    ``linked`` False for a code missing from the region table (no list to open)."""

    family: MetricFamily
    region: str
    dates: Dates
    own: bool = False
    linked: bool = True

    def list(self, figure: str) -> str | None:
        if not self.linked:
            return None
        return list_url(self.family, region=self.region, dates=self.dates, figure=figure, own=self.own)


def sub_scope(family: MetricFamily, sub: SubRegion, dates: Dates) -> Scope:
    """A child region's links; the "本级" row's open lists of exactly its people; a code missing from the region
    table has none."""
    if sub.drillable:
        return Scope(family, sub.code, dates)
    return Scope(family, sub.code, dates, own=sub.own, linked=sub.own)


def bar_url(family: MetricFamily, sub: SubRegion, dates: Dates) -> str | None:
    """Where a bar of a regions chart leads: the child's dashboard, or the 本级 row's list."""
    if sub.drillable:
        return dashboard_url(family, region=sub.code, dates=dates)
    return sub_scope(family, sub, dates).list(family.population[0])
