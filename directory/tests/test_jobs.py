from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from directory.models import LoginFailure

pytestmark = pytest.mark.django_db


def test_it_purges_only_sign_in_failures_past_the_lockout_window() -> None:
    LoginFailure.objects.create(username="a", ip="127.0.0.1", at=timezone.now() - dt.timedelta(days=1))
    LoginFailure.objects.create(username="b", ip="127.0.0.1", at=timezone.now())
    call_command("run_jobs", "--once", "--only", "purge_login_failures", stdout=StringIO())
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["b"]
