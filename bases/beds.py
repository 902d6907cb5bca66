"""The beds of a base, day by day: which stays hold a bed on a day, how many are free, and the rule that no day
ever holds more stays than the base has beds.

A holding stay (reserved or admitted) holds a bed on each day from its start (``admitted_on``, else
``planned_from``) up to ``holds_until`` (exclusive). An admitted stay past its ``holds_until`` (an overstay) still
holds its bed until it is discharged: from today on it counts on every day. Services that write a hold call
``lock_base`` first: the base's row is locked (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite writes one
transaction at a time), so two offices reserving the last bed at the same moment are served one after the other
and the second is refused.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from bases.models import Base, Stay
from directory import policy


def max_stay_days(base: Base, *, on: dt.date | None = None) -> int:
    """The base's own maximum stay, else the region's ``base_max_stay_days``."""
    if base.max_stay_days:
        return base.max_stay_days
    return policy.policy_value("base_max_stay_days", region=base.region_id, on=on or timezone.localdate())


def start_of(stay: Stay) -> dt.date:
    return stay.admitted_on or stay.planned_from


def holds_on(stay: Stay, day: dt.date, *, today: dt.date) -> bool:
    """Whether ``stay`` holds a bed on ``day``."""
    if stay.status not in Stay.HOLDING or day < start_of(stay):
        return False
    if day < stay.holds_until:
        return True
    # an admitted stay past its end keeps its bed until the discharge is recorded
    return stay.status == Stay.Status.ADMITTED and stay.holds_until <= today <= day


def holding_stays(base: Base | int) -> QuerySet[Stay]:
    base_id = base.pk if isinstance(base, Base) else base
    return Stay.objects.filter(base_id=base_id, status__in=Stay.HOLDING)


def held_on_day(stays: Iterable[Stay], day: dt.date, *, today: dt.date) -> int:
    return sum(1 for stay in stays if holds_on(stay, day, today=today))


@dataclass(frozen=True)
class BedsOn:
    """A base's beds on a day: occupied (admitted), reserved (not yet admitted), free."""

    beds: int
    occupied: int
    reserved: int

    @property
    def free(self) -> int:
        return max(self.beds - self.occupied - self.reserved, 0)


def beds_on(base: Base, day: dt.date, *, today: dt.date | None = None, stays: Iterable[Stay] | None = None) -> BedsOn:
    today = today or timezone.localdate()
    held = [s for s in (holding_stays(base) if stays is None else stays) if holds_on(s, day, today=today)]
    occupied = sum(1 for s in held if s.status == Stay.Status.ADMITTED)
    return BedsOn(beds=base.beds, occupied=occupied, reserved=len(held) - occupied)


def fullest_day(
    base: Base, start: dt.date, end: dt.date, *, today: dt.date, exclude: int | None = None
) -> tuple[dt.date, int] | None:
    """The first day in ``[start, end)`` with the most beds held, and that count (``exclude``: a stay id left out,
    the one being moved). None for an empty range."""
    stays = list(holding_stays(base).exclude(pk=exclude) if exclude else holding_stays(base))
    best: tuple[dt.date, int] | None = None
    # the count only changes on a stay's start, so those days (and ``start``) are the only ones to look at
    days = {start} | {start_of(s) for s in stays if start < start_of(s) < end}
    if any(s.status == Stay.Status.ADMITTED and s.holds_until <= today for s in stays) and start < today < end:
        days.add(today)
    for day in sorted(days):
        count = held_on_day(stays, day, today=today)
        if best is None or count > best[1]:
            best = (day, count)
    return best


def lock_base(base: Base | int) -> Base:
    """The base, its row locked for the rest of the transaction (see the module's docstring)."""
    base_id = base.pk if isinstance(base, Base) else base
    return Base.objects.select_for_update().get(pk=base_id)


def has_room(base: Base, start: dt.date, end: dt.date, *, today: dt.date, exclude: int | None = None) -> bool:
    """Whether one more stay can hold a bed on every day of ``[start, end)``. Call with the base locked."""
    fullest = fullest_day(base, start, end, today=today, exclude=exclude)
    return fullest is None or fullest[1] < base.beds


HOUSING_WORDS = ("住房", "住宿", "无家", "无房", "housing")


def housing_need_q() -> Q:
    """The release notices (as a filter on ``ReleaseNotice``) whose person needs a bed: the person is recorded
    without a home (无家可归), or the facility's needs name housing (住房)."""
    need = Q(person__no_home=True)
    for word in HOUSING_WORDS:
        # PostgreSQL's jsonb reads as the characters; SQLite keeps the JSON text as written, \u-escaped
        for form in dict.fromkeys((word, json.dumps(word)[1:-1])):
            need |= Q(custody__needs__icontains=form)
    return need
