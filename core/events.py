"""Event rows: the append-only history of one thing (a release notice, a case), one row per action (STYLE.md 5).

An area's event model derives from ``EventRow``: it adds the foreign key to what the rows are the history of (with
``db_index=False``: ``timeline_index`` leads with it), its ``Action`` choices (``TextChoices`` with the label the
timeline shows) and ``Meta(EventRow.Meta)`` with that index. Its ``events.py`` writes a row through
``record_event``, which returns the row: a caller that answers with the event's id takes it from there, never from
"the latest event", which by then may be another user's.

The timeline pages and the API read these rows as they are; nothing is reconstructed from diffs. An area above may
write rows into a lower layer's timeline with actions of its own: ``event_label`` finds their labels in the registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.areas import registry

# The longest note an event keeps; a longer one is cut (the form and the API refuse nothing for it).
NOTE_MAX_LENGTH = 1000
# ``by_name`` of a row no user wrote (the nightly jobs).
SYSTEM = "system"


class EventRow(models.Model):
    """What every event row holds: when, which action, who (kept as text too, so the timeline still names them
    whatever later happens to the account), a free-text note and the action's own details."""

    at = models.DateTimeField()
    # Each event model declares it again with its ``Action`` choices.
    action = models.CharField(max_length=32)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    by_name = models.CharField(max_length=150, blank=True)
    note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["id"]


def timeline_index(subject: str, *, name: str) -> models.Index:
    """The one index of an event table: ``subject`` (the foreign key to what the rows are the history of), then id.

    The timeline (``subject.events.order_by("id")``, oldest or newest first) reads it in order without a sort, and
    deleting the subject finds its rows by it, so the foreign key needs no index of its own."""
    return models.Index(fields=[subject, "id"], name=name)


class EventUser(Protocol):
    """What ``record_event`` needs of the user who acted (``directory.User``; core sits below the directory)."""

    @property
    def pk(self) -> Any: ...

    @property
    def full_name(self) -> str: ...

    @property
    def username(self) -> str: ...


def actor_name(user: EventUser | None) -> str:
    """How an event row names who acted: the full name, else the user name; ``system`` for the nightly jobs."""
    if user is None:
        return SYSTEM
    return user.full_name or user.username


Row = TypeVar("Row", bound=EventRow)


def record_event(
    model: type[Row],
    *,
    user: EventUser | None,
    action: str,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    **subject: Any,
) -> Row:
    """Write one event row of ``model`` about ``subject`` (``case=...``, ``notice=...``), stamped now, and return it.

    No audit row: the service that calls it writes the audit row of the action it takes."""
    return model._default_manager.create(
        at=timezone.now(),
        action=action,
        by=user,
        by_name=actor_name(user),
        note=note[:NOTE_MAX_LENGTH],
        data=dict(data or {}),
        **subject,
    )


def event_label(event: EventRow, *, prefix: str) -> str:
    """What the timeline calls ``event``: its model's label for the action, else the label an area above declared
    for the audit action ``<prefix>.<action>`` (an area that writes rows into a lower layer's timeline, such as the
    assistance area's referrals on the case timeline, names them there), else the action's code."""
    choices = dict(event._meta.get_field("action").flatchoices)
    if event.action in choices:
        return str(choices[event.action])
    return str(registry.audit_labels().get(f"{prefix}.{event.action}", event.action))
