"""The directory's periodic job (core.jobs): sign-in failures older than the lockout window are forgotten."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from directory.models import LoginFailure


def purge_login_failures(as_of: dt.date) -> str:
    cutoff = timezone.now() - dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    deleted, _ = LoginFailure.objects.filter(at__lt=cutoff).delete()
    return f"{deleted} old sign-in failures removed"
