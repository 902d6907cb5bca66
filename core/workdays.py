"""Working days: the Chinese holiday and make-up-workday calendar (DESIGN §4).

``chinese_calendar`` knows the years the State Council has announced (2004 up to the package's release). For any
other year the calendar is Monday to Friday. On top of both, ``core.models.Holiday`` rows an administrator enters win:
``is_workday=False`` is a day off, ``is_workday=True`` a make-up working day (调休上班) on a weekend. So a new year's
announcement can be entered before the package is upgraded, and a correction overrides the package.

Every function loads the Holiday rows of the span it looks at in one query; none queries per day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache

import chinese_calendar

from core.models import Holiday

# add_working_days looks this far ahead per Holiday query: twice the working days asked for covers weekends, and the
# slack covers the Spring Festival and National Day weeks. When a window runs out it loads the next one.
_WINDOW_SLACK_DAYS = 30


@cache
def calendar_knows_year(year: int) -> bool:
    """Whether ``chinese_calendar`` has the State Council's announcement for ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _overrides(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    """The administrator's Holiday rows from ``first`` to ``last`` (inclusive): day -> is it a working day."""
    if last < first:
        return {}
    return dict(Holiday.objects.filter(date__range=(first, last)).values_list("date", "is_workday"))


def _is_workday(day: dt.date, overrides: Mapping[dt.date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    if calendar_knows_year(day.year):
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def is_workday(day: dt.date) -> bool:
    """Whether government offices work on ``day`` (one query for the day's Holiday row)."""
    return _is_workday(day, _overrides(day, day))


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``start`` (``start`` itself never counts; ``n=0`` gives ``start``).

    "Within 15 working days" of a request made on a Friday before National Day ends on the 15th working day after it.
    """
    if n < 0:
        raise ValueError("n must be 0 or more")
    day = start
    remaining = n
    while remaining > 0:
        window_end = day + dt.timedelta(days=2 * remaining + _WINDOW_SLACK_DAYS)
        overrides = _overrides(day + dt.timedelta(days=1), window_end)
        while remaining > 0 and day < window_end:
            day += dt.timedelta(days=1)
            if _is_workday(day, overrides):
                remaining -= 1
    return day


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``.

    The inverse of ``add_working_days``: ``working_days_between(s, add_working_days(s, n)) == n``.
    """
    if b < a:
        return -working_days_between(b, a)
    overrides = _overrides(a + dt.timedelta(days=1), b)
    return sum(_is_workday(a + dt.timedelta(days=offset), overrides) for offset in range(1, (b - a).days + 1))
