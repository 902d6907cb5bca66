"""Periodic jobs: plain functions over database rows, run by ``manage.py run_jobs`` (loop) or cron (``--once``).

Each job takes the China date it runs for (``--as-of`` re-runs a missed night and lets tests move the clock) and
must be safe to run twice and on several servers at once: claim work with a conditional UPDATE, never with an
in-memory lock. Each app lists its jobs in its ``contrib.py`` (``Area(jobs=[Job(name, func, after=...)])``); the
registry orders them by ``after=``, never by ``INSTALLED_APPS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.sessions.models import Session
from django.utils import timezone

from core.areas import registry
from core.audit import head

JobFunc = Callable[[dt.date], str]


def all_jobs() -> dict[str, JobFunc]:
    """Every registered job, in the order it runs."""
    return {job.name: job.run for job in registry.jobs()}


def clear_expired_sessions(as_of: dt.date) -> str:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return f"{deleted} expired sessions removed"


def audit_head(as_of: dt.date) -> str:
    """The audit chain's head, into the job log (cron's mail, the journal): kept apart from the database, it lets
    ``verify_audit --head ID:HASH`` prove later that no row up to it was deleted (core.audit)."""
    found = head()
    return "audit log empty" if found is None else f"audit head {found[0]}:{found[1]}"
