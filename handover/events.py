"""One function writes a notice's history row (STYLE.md 5); the timeline and ``history`` read these rows."""

from __future__ import annotations

from typing import Any

from core.audit import Actor
from core.events import record_event
from handover.models import NoticeEvent, ReleaseNotice


def record_notice_event(
    *, notice: ReleaseNotice, action: str, by: Actor, note: str = "", data: dict[str, Any] | None = None
) -> NoticeEvent:
    """The row written (the caller writes the audit row of its own action)."""
    return record_event(NoticeEvent, notice=notice, action=action, user=by.user, note=note, data=data)
