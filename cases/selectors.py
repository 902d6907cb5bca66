"""Reads of cases within reach (the one rule: ``Case.objects.visible_to``). Missing and out of reach are both 404."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Case, GroupMember, TraceRequest, Transfer
from core.errors import DomainError, NotFound
from directory.models import User, level_of, region_prefix
from directory.reach import in_region_subtree
from people.selectors import person_matches

CASE_RELATED = (
    "person",
    "person__hukou_region",
    "person__residence_region",
    "managing_office",
    "hukou_office",
    "notice__custody",
)


def active_members() -> QuerySet[GroupMember]:
    return GroupMember.objects.filter(removed_on__isnull=True).select_related("user").order_by("id")


def case_queryset() -> QuerySet[Case]:
    """A case with what its page and API answer show: one query for the case, one for the group."""
    return Case.objects.select_related(*CASE_RELATED).prefetch_related(
        Prefetch("group_members", queryset=active_members(), to_attr="active_members"),
    )


def get_case_for_user(user: User, case_id: int) -> Case:
    """One case within reach with its standing group (``case.active_members``), in two queries: the case read is
    the most frequent request, so no ORDER BY and no prefetch machinery (each costs more to compile than to run)."""
    visible = Case.objects.visible_to(user)
    cases: QuerySet[Case]
    if visible.query.distinct:  # reached through joins (group, transfers, traces) that can repeat a case
        cases = Case.objects.filter(pk=case_id, pk__in=visible.filter(pk=case_id).values("pk"))
    else:
        cases = visible.filter(pk=case_id)
    case = next(iter(cases.select_related(*CASE_RELATED)[:1]), None)
    if case is None:
        raise NotFound()
    case.active_members = list(active_members().filter(case=case))  # type: ignore[attr-defined]
    return case


def list_cases(
    *,
    user: User,
    status: str | None = None,
    level: str | None = None,
    region: str | None = None,
    q: str | None = None,
    overdue: bool | None = None,
    dual_managed: bool | None = None,
    settlement: str | None = None,
) -> QuerySet[Case]:
    qs = Case.objects.visible_to(user)
    errors: dict[str, str] = {}
    if status and status not in Case.Status.values:
        errors["status"] = "active, lost_contact or closed"
    if level and level not in Case.Level.values:
        errors["level"] = "key or ordinary"
    if region and (len(region) != 12 or not region.isdigit()):
        errors["region"] = "a region code has 12 digits"
    if settlement and settlement not in [*Case.Settlement.values, "settled"]:
        errors["settlement"] = "a settlement status, or settled"
    if errors:
        raise DomainError("invalid_query", "bad filter", fields=errors)
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    if region:
        qs = qs.filter(in_region_subtree(region_prefix(region, level_of(region)), "region"))
    if overdue:
        qs = qs.filter(status__in=Case.OPEN, next_visit_due__lt=timezone.localdate())
    if dual_managed is not None:
        dual = Q(hukou_office__isnull=False) & ~Q(hukou_office=F("managing_office"))
        qs = qs.filter(dual) if dual_managed else qs.exclude(dual)
    if settlement == "settled":
        qs = qs.filter(settlement_status__in=Case.SETTLED)
    elif settlement:
        qs = qs.filter(settlement_status=settlement)
    if q:
        qs = qs.filter(person_matches(q, path="person__"))
    return qs.select_related("person", "managing_office").order_by("next_visit_due", "id")


def traces_for(user: User, direction: str) -> QuerySet[TraceRequest]:
    qs = TraceRequest.objects.select_related("case__person", "from_office", "to_organisation")
    if direction == "incoming":
        if not user.organisation_id:
            return qs.none()
        return qs.filter(to_organisation_id=user.organisation_id)
    if direction == "outgoing":
        return qs.filter(case__in=Case.objects.visible_to(user).values("pk")).exclude(
            to_organisation_id=user.organisation_id
        )
    raise DomainError("invalid_query", "direction", fields={"direction": "incoming or outgoing"})


def get_trace_for_user(user: User, trace_id: int) -> TraceRequest:
    trace = (
        TraceRequest.objects.visible_to(user)
        .select_related("case__person", "from_office", "to_organisation")
        .filter(pk=trace_id)
        .first()
    )
    if trace is None:
        raise NotFound()
    return trace


def get_transfer_for_user(user: User, transfer_id: int) -> Transfer:
    transfer = (
        Transfer.objects.visible_to(user)
        .select_related("case", "from_office", "to_office")
        .filter(pk=transfer_id)
        .first()
    )
    if transfer is None:
        raise NotFound()
    return transfer


def due_soon(on: dt.date, days: int = 7) -> dt.date:
    return on + dt.timedelta(days=days)
