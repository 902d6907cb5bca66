"""The register metrics of DESIGN §6, each defined once, computed from case rows and their history rows for any
region subtree and any date, so a report for last June reads last June's register.

Population (on register, 在册) as of ``on``: cases opened on or before ``on`` and not closed by then
(``closed_on`` empty or after ``on``), counted where they are managed (the case's ``region``: a dual-managed person
counts once, at the residence office, DESIGN §2.7). Every figure below is a subset of it, except the reoffence
figures, which cover the period ``[from, on]``.

All figures of a region come from one aggregate query (conditional counts with EXISTS subqueries on the history
tables); each sub-region's from one GROUP BY on the code prefix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from cases.models import Case, ContactLoss, GroupMember, SettlementRecord, Visit
from core.policy import policy_value
from directory.reach import in_region_subtree


def on_register(on: dt.date) -> Q:
    """在册: opened by ``on`` and not closed by then."""
    return Q(opened_on__lte=on) & (Q(closed_on__isnull=True) | Q(closed_on__gt=on))


def _lost(on: dt.date) -> Exists:
    """脱管 on ``on``: a contact-loss period that began by then and was not restored by then."""
    return Exists(
        ContactLoss.objects.filter(case=OuterRef("pk"), noted_on__lte=on).filter(
            Q(restored_on__isnull=True) | Q(restored_on__gt=on)
        )
    )


def _has_group(on: dt.date) -> Exists:
    return Exists(
        GroupMember.objects.filter(case=OuterRef("pk"), added_on__lte=on).filter(
            Q(removed_on__isnull=True) | Q(removed_on__gt=on)
        )
    )


def _visited_within(on: dt.date, days: int) -> Exists:
    return Exists(
        Visit.objects.filter(case=OuterRef("pk"), visited_on__lte=on, visited_on__gt=on - dt.timedelta(days=days))
    )


@dataclass(frozen=True)
class Definition:
    name: str
    definition: str


DEFINITIONS = (
    Definition("on_register", "cases opened on or before `on` and not closed by then, counted where managed"),
    Definition("key_targets", "on register and at key level (重点帮教对象)"),
    Definition("settled", "on register whose settlement status in force on `on` is a settled kind"),
    Definition("settlement_rate", "settled ÷ on_register"),
    Definition(
        "assisted",
        "on register with an assistance group and a visit within the level's visit interval "
        "(key 30, ordinary 90 days by default) before `on`",
    ),
    Definition("assistance_rate", "assisted ÷ on_register"),
    Definition("lost_contact", "on register with contact lost on `on` (脱管)"),
    Definition("reoffended", "cases closed for reoffence with closed_on within [from, on]"),
    Definition("reoffence_rate", "reoffended ÷ cases on register at any time within [from, on]"),
    Definition("dual_managed", "on register with a hukou office other than the managing office (双列管)"),
)


def rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


def _annotated(qs: QuerySet[Case], *, on: dt.date) -> QuerySet[Case]:
    key_days = policy_value("visit_interval_days_key", region=None, on=on)
    ordinary_days = policy_value("visit_interval_days_ordinary", region=None, on=on)
    latest_settlement = (
        SettlementRecord.objects.filter(case=OuterRef("pk"), since__lte=on)
        .order_by("-since", "-id")
        .values("status")[:1]
    )
    return qs.annotate(
        settled_status=Subquery(latest_settlement),
        lost_on_date=_lost(on),
        has_group=_has_group(on),
        visited_key=_visited_within(on, key_days),
        visited_ordinary=_visited_within(on, ordinary_days),
    )


def _aggregates(on: dt.date, start: dt.date) -> dict[str, Any]:
    reg = on_register(on)
    assisted = Q(has_group=True) & (
        (Q(level=Case.Level.KEY) & Q(visited_key=True)) | (Q(level=Case.Level.ORDINARY) & Q(visited_ordinary=True))
    )
    in_period = Q(opened_on__lte=on) & (Q(closed_on__isnull=True) | Q(closed_on__gte=start))
    return {
        "on_register": Count("id", filter=reg),
        "key_targets": Count("id", filter=reg & Q(level=Case.Level.KEY)),
        "settled": Count("id", filter=reg & Q(settled_status__in=Case.SETTLED)),
        "assisted": Count("id", filter=reg & assisted),
        "lost_contact": Count("id", filter=reg & Q(lost_on_date=True)),
        "reoffended": Count(
            "id", filter=Q(closure_reason=Case.ClosureReason.REOFFENDED, closed_on__gte=start, closed_on__lte=on)
        ),
        "in_period": Count("id", filter=in_period),
        "dual_managed": Count("id", filter=reg & Q(hukou_office__isnull=False) & ~Q(hukou_office=F("managing_office"))),
    }


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "on_register": row["on_register"],
        "key_targets": row["key_targets"],
        "settled": row["settled"],
        "settlement_rate": rate(row["settled"], row["on_register"]),
        "assisted": row["assisted"],
        "assistance_rate": rate(row["assisted"], row["on_register"]),
        "lost_contact": row["lost_contact"],
        "reoffended": row["reoffended"],
        "reoffence_rate": rate(row["reoffended"], row["in_period"]),
        "dual_managed": row["dual_managed"],
    }


EMPTY = _figures(
    {
        "on_register": 0,
        "key_targets": 0,
        "settled": 0,
        "assisted": 0,
        "lost_contact": 0,
        "reoffended": 0,
        "in_period": 0,
        "dual_managed": 0,
    }
)


def register_figures(*, prefix: str, on: dt.date, start: dt.date) -> dict[str, Any]:
    """Every register figure for the region subtree ``prefix`` as of ``on`` (period ``[start, on]``): one query."""
    qs = _annotated(Case.objects.filter(in_region_subtree(prefix, "region")), on=on)
    return _figures(qs.aggregate(**_aggregates(on, start)))


def register_by_child(*, prefix: str, child_length: int, on: dt.date, start: dt.date) -> dict[str, dict[str, Any]]:
    """The figures of each child region (code prefix of ``child_length`` digits): one GROUP BY query."""
    qs = _annotated(Case.objects.filter(in_region_subtree(prefix, "region")), on=on)
    rows = qs.annotate(child=Substr("region_id", 1, child_length)).values("child").annotate(**_aggregates(on, start))
    return {row["child"]: _figures(row) for row in rows}
