"""Reads of notices within reach. Missing and out-of-reach look the same (404)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from core.errors import DomainError, NotFound
from directory.models import User, level_of, region_prefix
from directory.reach import in_region_subtree
from handover.models import Alert, ReleaseNotice
from people.selectors import person_matches

NOTICE_RELATED = (
    "person",
    "person__hukou_region",
    "person__residence_region",
    "facility",
    "receiving_office",
    "custody",
    "region",
    "case",
)


def notice_queryset() -> QuerySet[ReleaseNotice]:
    """Notices with what their page and API answer show: one query, plus one for the events."""
    return ReleaseNotice.objects.select_related(*NOTICE_RELATED).prefetch_related("events")


def notices_for(user: User) -> QuerySet[ReleaseNotice]:
    return ReleaseNotice.objects.visible_to(user).select_related(*NOTICE_RELATED).prefetch_related("events")


def list_notices(
    *,
    user: User,
    status: str | None = None,
    region: str | None = None,
    q: str | None = None,
) -> QuerySet[ReleaseNotice]:
    qs = notices_for(user)
    if status:
        statuses = [s for s in status.split(",") if s]
        unknown = set(statuses) - set(ReleaseNotice.Status.values)
        if unknown:
            raise DomainError("invalid_query", "unknown status", fields={"status": ", ".join(sorted(unknown))})
        qs = qs.filter(status__in=statuses)
    if region:
        if len(region) != 12 or not region.isdigit():
            raise DomainError("invalid_query", "bad region", fields={"region": "a region code has 12 digits"})
        qs = qs.filter(in_region_subtree(region_prefix(region, level_of(region)), "region"))
    if q:
        qs = qs.filter(person_matches(q, path="person__"))
    return qs.order_by("-id")


def get_notice_for_user(user: User, notice_id: int) -> ReleaseNotice:
    notice = notices_for(user).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound()
    return notice


def open_alerts_for(user: User) -> QuerySet[Alert]:
    return Alert.objects.visible_to(user).filter(resolved_on__isnull=True).select_related("notice__person")


def released_today(*, user: User, on: dt.date) -> QuerySet[ReleaseNotice]:
    """First 72 hours: people released in the last three days and their hand-over state, live."""
    return (
        notices_for(user)
        .filter(
            released_on__gte=on - dt.timedelta(days=2),
            released_on__lte=on,
        )
        .order_by("-released_on", "id")
    )
