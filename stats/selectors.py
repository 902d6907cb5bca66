"""Reads every statistics page and API call shares: who may ask, which region (within reach), the levels below it,
the breadcrumb, and the calendar helpers of the time filters. Each family's figures are its own module's
(``stats.handover``, ``stats.register``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from directory.models import Region, User, region_prefix

# The level below each level; the length of its code prefix is the GROUP BY key of a family's sub-region figures.
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


def months_ending(end: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    """The ``count`` calendar months up to and including the month of ``end``, oldest first."""
    first = end.replace(day=1)
    spans: list[tuple[dt.date, dt.date]] = []
    for _i in range(count):
        next_first = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        spans.append((first, next_first - dt.timedelta(days=1)))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return spans[::-1]


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
    """The code prefix of the people held at ``region`` itself, not in any of its children: the GROUP BY key of its
    "本级" row among the sub-region figures (the code cut to the child level's length). None for the lowest level."""
    child_level = CHILD_LEVEL.get(region.level)
    if child_level is None:
        return None
    return region.code[: Region.PREFIX_LENGTH[child_level]]
