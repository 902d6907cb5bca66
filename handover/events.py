"""One function writes a notice's history row (STYLE.md 5); the timeline and ``history`` read these rows."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from core.audit import Actor
from handover.models import NoticeEvent, ReleaseNotice


def record_notice_event(
    *, notice: ReleaseNotice, action: str, by: Actor, note: str = "", data: dict[str, Any] | None = None
) -> NoticeEvent:
    user = by.user
    return NoticeEvent.objects.create(
        notice=notice,
        at=timezone.now(),
        action=action,
        by=user,
        by_name=(user.full_name or user.username) if user is not None else "system",
        note=note[:500],
        data=data or {},
    )
