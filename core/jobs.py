"""Periodic jobs: plain functions over database rows, run by ``manage.py run_jobs`` (loop) or cron (``--once``).

Each job takes the China date it runs for (``--as-of`` re-runs a missed night and lets tests move the clock) and
must be safe to run twice and on several servers at once: claim work with a conditional UPDATE, never with an
in-memory lock. Each app registers its jobs in its own ``jobs.py``, found by autodiscovery.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

JobFunc = Callable[[dt.date], str]
JOBS: dict[str, JobFunc] = {}


def job(name: str) -> Callable[[JobFunc], JobFunc]:
    def register(func: JobFunc) -> JobFunc:
        JOBS[name] = func
        return func

    return register


# Run after every other job: what they audited is in the head it notes.
LAST = ("audit_head",)


def all_jobs() -> dict[str, JobFunc]:
    autodiscover_modules("jobs")
    return {name: JOBS[name] for name in sorted(JOBS, key=lambda name: name in LAST)}


@job("clear_expired_sessions")
def clear_expired_sessions(as_of: dt.date) -> str:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return f"{deleted} expired sessions removed"


@job("purge_login_failures")
def purge_login_failures(as_of: dt.date) -> str:
    from directory.models import LoginFailure

    cutoff = timezone.now() - dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    deleted, _ = LoginFailure.objects.filter(at__lt=cutoff).delete()
    return f"{deleted} old sign-in failures removed"


@job("audit_head")
def audit_head(as_of: dt.date) -> str:
    """The audit chain's head, into the job log (cron's mail, the journal): kept apart from the database, it lets
    ``verify_audit --head ID:HASH`` prove later that no row up to it was deleted (core.audit)."""
    from core.audit import head

    found = head()
    return "audit log empty" if found is None else f"audit head {found[0]}:{found[1]}"
