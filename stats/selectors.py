"""Reads behind the hand-over statistics: who may ask, which region, which period, and the figures themselves.

Everything starts from ``ReleaseNotice.objects.visible_to(user)`` (the one reach rule) and narrows it to the asked
region's subtree with ``in_region_subtree``, a prefix match on the notice's own ``region_id`` column (no join). Query
cost: one aggregate query for a region's figures, one GROUP BY query for all its sub-regions (grouped on the code
prefix of the child level), one GROUP BY query for a monthly trend, plus one query for the sub-regions' names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, Forbidden, NotFound
from directory.models import OFFICER_ROLES, Region, User, region_prefix
from directory.reach import in_region_subtree, region_reach_prefix
from handover.models import ReleaseNotice
from stats.metrics import COUNT_BY_SLUG, Figures, aggregates, in_period, list_condition

# The level below each level, and the length of its code prefix (the GROUP BY key of ``figures_by_subregion``).
CHILD_LEVEL: dict[str, str] = {
    Region.Level.NATIONAL: Region.Level.PROVINCE,
    Region.Level.PROVINCE: Region.Level.CITY,
    Region.Level.CITY: Region.Level.COUNTY,
    Region.Level.COUNTY: Region.Level.TOWNSHIP,
    Region.Level.TOWNSHIP: Region.Level.VILLAGE,
}
LEVEL_ORDER: list[str] = [
    Region.Level.NATIONAL,
    Region.Level.PROVINCE,
    Region.Level.CITY,
    Region.Level.COUNTY,
    Region.Level.TOWNSHIP,
    Region.Level.VILLAGE,
]
MAX_TREND_MONTHS = 60


def require_stats_reader(user: User) -> None:
    """Officers of every level read the statistics of their subtree (DESIGN §1, §5); no other role does."""
    if user.role not in OFFICER_ROLES or region_reach_prefix(user) is None:
        raise Forbidden(_("Only officers read the hand-over statistics."))


def region_for(user: User, code: str | None) -> Region:
    """The region asked for (default: the caller's own), or 404 when it is unknown or outside the caller's reach."""
    prefix = region_reach_prefix(user)
    if prefix is None or user.organisation is None:
        raise NotFound()
    if not code:
        return user.organisation.region
    if len(code) != 12 or not code.isdigit():
        raise DomainError(
            "invalid_query", _("A region code has 12 digits."), fields={"region": _("a 12-digit code")}, status=422
        )
    if not code.startswith(prefix):
        raise NotFound()
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound()
    return region


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The current year to date (China dates)."""
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today


def check_period(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise DomainError(
            "invalid_period",
            _("The period starts after it ends."),
            fields={"from": _("must not be after to")},
        )


def notices_in(user: User, region: Region) -> QuerySet[ReleaseNotice]:
    """The notices of ``region``'s subtree that ``user`` reaches."""
    return ReleaseNotice.objects.visible_to(user).filter(in_region_subtree(region.prefix, "region"))


def figures(*, user: User, region: Region, start: dt.date, end: dt.date) -> Figures:
    """All figures of one region and period: one aggregate query."""
    return Figures.of(notices_in(user, region).filter(in_period(start, end)).aggregate(**aggregates()))


@dataclass(frozen=True)
class SubRegion:
    code: str
    name: str
    # False for the "this level itself" row (notices held at the parent, e.g. waiting for the county to route them)
    drillable: bool
    figures: Figures
    # the notices held at the parent region itself ("本级"): its lists are ``notices_behind(..., own=True)``
    own: bool = False


def figures_by_subregion(*, user: User, region: Region, start: dt.date, end: dt.date) -> list[SubRegion]:
    """One row per child region of ``region`` (every child, with zeros where nothing was released), plus a row for
    notices held at ``region`` itself (a county's notices still waiting to be routed to a township; a township's
    own, as notices sit at the township office, never at a village), so the rows always add up to the region's
    figures. Two queries: the GROUP BY on the code prefix of the child level, and the child regions' names."""
    child_level = CHILD_LEVEL.get(region.level)
    if child_level is None:
        return []
    length = Region.PREFIX_LENGTH[child_level]
    rows = (
        notices_in(user, region)
        .filter(in_period(start, end))
        .annotate(unit=Substr("region_id", 1, length))
        .values("unit")
        .annotate(**aggregates())
        .order_by()
    )
    by_unit = {row["unit"]: Figures.of(row) for row in rows}
    children = list(
        Region.objects.filter(level=child_level, code__startswith=region.prefix)
        .order_by("code")
        .values_list("code", "name")
    )
    result = [
        SubRegion(code=code, name=name, drillable=True, figures=by_unit.pop(code[:length], Figures.of(None)))
        for code, name in children
    ]
    # Notices whose region is the parent itself (or a code no longer in the region table) have no child to sit in.
    for unit, unit_figures in sorted(by_unit.items()):
        code = unit.ljust(12, "0")
        if code == region.code and region.level == Region.Level.COUNTY:
            # held by the county bureau: a notice with a county-only hukou, or one returned and not yet re-routed
            name = _("%(name)s本级（待分派）") % {"name": region.name}
        elif code == region.code:
            name = _("%(name)s本级") % {"name": region.name}
        else:
            name = code
        own = code == region.code
        result.append(SubRegion(code=code, name=name, drillable=False, figures=unit_figures, own=own))
    return result


@dataclass(frozen=True)
class Month:
    start: dt.date  # first day of the month
    end: dt.date  # last day of the month
    figures: Figures

    @property
    def label(self) -> str:
        return self.start.strftime("%Y-%m")


def months_ending(end: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    """The ``count`` calendar months up to and including the month of ``end``, oldest first."""
    first = end.replace(day=1)
    spans: list[tuple[dt.date, dt.date]] = []
    for _i in range(count):
        next_first = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        spans.append((first, next_first - dt.timedelta(days=1)))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return spans[::-1]


def figures_by_month(*, user: User, region: Region, end: dt.date, months: int) -> list[Month]:
    """The figures of each of the ``months`` calendar months ending with the month of ``end``: one GROUP BY query.
    Each month is a period of its own (released in that month)."""
    if not 1 <= months <= MAX_TREND_MONTHS:
        raise DomainError(
            "invalid_query",
            _("Ask for 1 to %(n)s months.") % {"n": MAX_TREND_MONTHS},
            fields={"months": _("1 to %(n)s") % {"n": MAX_TREND_MONTHS}},
            status=422,
        )
    spans = months_ending(end, months)
    rows = (
        notices_in(user, region)
        .filter(in_period(spans[0][0], spans[-1][1]))
        .annotate(month=TruncMonth("released_on"))
        .values("month")
        .annotate(**aggregates())
        .order_by()
    )
    by_month = {_as_date(row["month"]): Figures.of(row) for row in rows}
    return [Month(start=start, end=stop, figures=by_month.get(start, Figures.of(None))) for start, stop in spans]


def _as_date(value: dt.date | dt.datetime | str) -> dt.date:
    # TruncMonth of a DateField is a date on both backends; be lenient with a driver that hands back a datetime.
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def breadcrumb(*, user: User, region: Region) -> list[Region]:
    """From the caller's own region down to ``region``: one query."""
    assert user.organisation is not None
    top = user.organisation.region
    start = LEVEL_ORDER.index(top.level)
    stop = LEVEL_ORDER.index(region.level)
    codes = [region_prefix(region.code, level).ljust(12, "0") for level in LEVEL_ORDER[start : stop + 1]]
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    # a level missing from the region table (a city-less county) is skipped, not invented
    return [found[code] for code in dict.fromkeys(codes) if code in found]


def own_level_prefix(region: Region) -> str | None:
    """The code prefix of the notices held at ``region`` itself, not in any of its children: the GROUP BY key of its
    "本级" row in ``figures_by_subregion`` (the code cut to the child level's length). None for the lowest level."""
    child_level = CHILD_LEVEL.get(region.level)
    if child_level is None:
        return None
    return region.code[: Region.PREFIX_LENGTH[child_level]]


def notices_behind(
    *, user: User, region: Region, start: dt.date, end: dt.date, figure: str, own: bool = False
) -> QuerySet[ReleaseNotice]:
    """The notices counted by ``figure`` (a slug of ``stats.metrics.COUNTS``): the list behind a number. ``own``: only
    those held at ``region`` itself (the "本级" row), exactly the notices that row counts."""
    if figure not in COUNT_BY_SLUG:
        raise DomainError(
            "invalid_query",
            _("Unknown figure."),
            fields={"figure": ", ".join(COUNT_BY_SLUG)},
            status=422,
        )
    notices = notices_in(user, region)
    prefix = own_level_prefix(region) if own else None
    if prefix is not None:
        notices = notices.filter(in_region_subtree(prefix, "region"))
    return (
        notices.filter(in_period(start, end))
        .filter(list_condition(figure))
        .select_related("person", "receiving_office")
        .order_by("-released_on", "-id")
    )
