"""Demo roll-ups (DESIGN §7): the register of the last weeks rolled up, so a past date on the register dashboard is
answered from the roll-ups as in production, where the nightly job has written one snapshot per night."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from core.areas import DemoContext
from stats.models import RegisterSnapshot
from stats.services import roll_up_register

DEMO_DAYS = 30


def build_register_rollups(*, days: int = DEMO_DAYS) -> int:
    """Roll up the last ``days`` closed days and 31 December of last year (a period reaching into last year needs
    it); days already rolled up are left as they are, so it is idempotent. Returns how many days it wrote.
    Run it after the case demo: a roll-up is the register as recorded when it is made."""
    today = timezone.localdate()
    wanted = {today - dt.timedelta(days=n) for n in range(1, days + 1)} | {dt.date(today.year - 1, 12, 31)}
    done = set(RegisterSnapshot.objects.filter(day__in=wanted).values_list("day", flat=True))
    for day in sorted(wanted - done):
        roll_up_register(day=day)
    return len(wanted - done)


def register_rollups_step(context: DemoContext) -> Sequence[str]:
    """The demo step (stats.contrib), after the case demo's."""
    rolled_up = build_register_rollups()
    return [f"register roll-ups: {rolled_up} days rolled up" if rolled_up else "register roll-ups: up to date"]
