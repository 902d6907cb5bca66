from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from anbang.testing import persona

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("run_jobs", "--once", *args, stdout=out)
    return out.getvalue()


def test_it_removes_expired_sessions_and_keeps_live_ones() -> None:
    live, expired = Client(), Client()
    live.force_login(persona("office_officer"))
    expired.force_login(persona("county_officer"))
    Session.objects.filter(pk=expired.session.session_key).update(expire_date=timezone.now() - dt.timedelta(1))
    run("--only", "clear_expired_sessions")
    assert list(Session.objects.values_list("pk", flat=True)) == [live.session.session_key]


def test_it_is_safe_to_run_twice_for_the_same_date() -> None:
    first = run("--as-of", "2026-11-26")
    second = run("--as-of", "2026-11-26")
    assert "2026-11-26 clear_expired_sessions" in first
    assert "0 expired sessions removed" in second


def test_it_refuses_a_bad_date_and_an_unknown_job() -> None:
    with pytest.raises(CommandError, match="--as-of"):
        run("--as-of", "26/11/2026")
    with pytest.raises(CommandError, match="unknown job"):
        run("--only", "make_coffee")
