"""A throwaway area, as a new app would declare itself: one module, nothing else in the system edited.

It registers a navigation entry, a home card counted from its worklist kind, the kind itself, a capability, a
metric family, a policy parameter, a nightly job and a demo step. ``anbang/tests/test_areas.py`` registers it and
finds each where users, jobs and the demo meet it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from core.areas import Area, Capability, DemoContext, DemoStep, HomeCard, Job, NavEntry, WorkItem, WorklistKind
from directory.models import Role, User
from directory.policy import Parameter, Unit

OFFICE = frozenset({Role.OFFICE_OFFICER})
RAN: list[dt.date] = []
DEMO_RAN: list[DemoContext] = []


def chores(user: User, on: dt.date) -> QuerySet[Any]:
    # one row per user: the user's own
    return User.objects.filter(pk=user.pk)


def chore(user: User, on: dt.date) -> WorkItem:
    return WorkItem("chore_due", on, False, f"整理台账（{user.username}）", "/throwaway/", {"user_id": user.pk})


def tidy_up(as_of: dt.date) -> str:
    RAN.append(as_of)
    return "tidied"


def demo_ledgers(context: DemoContext) -> Sequence[str]:
    DEMO_RAN.append(context)
    return [f"throwaway demo: {context.size} ledgers"]


@dataclass(frozen=True)
class Family:
    key: str
    label: str


AREA = Area(
    name="throwaway",
    nav=[NavEntry("台账", "directory:home", OFFICE, order=450)],
    cards=[
        HomeCard("throwaway.chores", Role.OFFICE_OFFICER, "待整理台账", "试验用的事项。", worklist="throwaway.chores")
    ],
    worklist=[
        WorklistKind(
            "throwaway.chores", {"chore_due": "台账待整理"}, OFFICE, chores, chore, action="整理", rank={"chore_due": 5}
        )
    ],
    capabilities=[Capability("throwaway.tidy", lambda user, obj: user.role == Role.OFFICE_OFFICER, "整理台账")],
    metrics=[Family("throwaway.rates", "台账率")],
    parameters=[Parameter("throwaway_tidy_within_days", "台账整理期限", 12, Unit.DAYS, "试验")],
    jobs=[Job("throwaway_tidy", tidy_up, after=("case_deadlines",))],
    demo=[DemoStep("throwaway", demo_ledgers, after=("cases",))],
    audit_labels={"throwaway.tidy": "整理台账"},
)
