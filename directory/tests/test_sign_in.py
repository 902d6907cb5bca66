"""Sign-in: passwords, lockout, TOTP, tokens, idle sessions, deactivation."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pyotp
import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from anbang.testing import PASSWORD, ApiClient, persona
from core.audit import Actor
from core.models import AuditEvent
from directory import services
from directory.backends import UserBackend
from directory.models import ApiToken, LoginFailure, User

pytestmark = pytest.mark.django_db


def token_call(username: str, password: str, **extra: str) -> Any:
    return ApiClient().post("/auth/token", {"username": username, "password": password, **extra})


def test_it_issues_a_token_that_me_accepts() -> None:
    response = token_call("facility_liaison", PASSWORD)
    assert response.status_code == 201
    token = response.json()["token"]
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "facility_liaison"


def test_it_stores_only_the_hash_of_a_token() -> None:
    token = token_call("facility_liaison", PASSWORD).json()["token"]
    assert not ApiToken.objects.filter(key_hash=token).exists()
    assert ApiToken.objects.filter(user__username="facility_liaison").exists()


def test_it_answers_a_wrong_password_and_an_unknown_user_alike() -> None:
    wrong = token_call("facility_liaison", "wrong-password")
    unknown = token_call("nobody_here", "wrong-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "invalid_credentials"


def test_it_rejects_a_wrong_token_with_the_error_shape() -> None:
    response = Client().get("/api/v1/me", headers={"Authorization": "Bearer ab_not-a-token"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert Client().get("/api/v1/me").status_code == 401


def test_it_locks_out_after_five_failures_for_that_username_and_ip() -> None:
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert token_call("county_officer", "wrong-password").status_code == 401
    locked = token_call("county_officer", PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"
    # another address is not locked out
    other_ip = services.sign_in(username="county_officer", password=PASSWORD, otp=None, ip="10.0.0.9")
    assert other_ip.user is not None


def test_it_lifts_the_lockout_when_the_window_has_passed() -> None:
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        token_call("county_officer", "wrong-password")
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1))
    assert token_call("county_officer", PASSWORD).status_code == 201


def test_it_audits_failed_and_successful_sign_ins() -> None:
    token_call("county_officer", "wrong-password")
    token_call("county_officer", PASSWORD)
    rows = list(AuditEvent.objects.filter(username="county_officer", action="login").order_by("id"))
    assert [r.outcome for r in rows[-2:]] == ["failure", "success"]
    assert rows[-1].ip == "127.0.0.1"
    assert rows[-1].role == "county_officer"


def test_it_asks_for_the_totp_code_once_enrolled() -> None:
    user = persona("office_officer")
    secret = services.enroll_totp(user=user, by=Actor.system())
    assert token_call("office_officer", PASSWORD).json()["error"]["code"] == "otp_required"
    assert token_call("office_officer", PASSWORD, otp="000000").status_code == 401
    good = token_call("office_officer", PASSWORD, otp=pyotp.TOTP(secret).now())
    assert good.status_code == 201


def test_it_prints_the_token_alone_on_the_last_line() -> None:
    out = StringIO()
    call_command("issue_token", "facility_liaison", "--days", "7", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    assert token.startswith("ab_") and " " not in token
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    row = ApiToken.objects.filter(user__username="facility_liaison").latest("id")
    assert dt.timedelta(days=6, hours=23) < row.expires_at - timezone.now() <= dt.timedelta(days=7)


def test_it_refuses_an_expired_token() -> None:
    token, row = services.issue_token(user=persona("facility_liaison"), by=Actor.system())
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_it_refuses_a_revoked_token() -> None:
    token, row = services.issue_token(user=persona("facility_liaison"), by=Actor.system())
    services.revoke_token(token=row, by=Actor.system())
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_it_stops_a_deactivated_users_tokens_and_sessions_at_once() -> None:
    user = persona("office_officer")
    token, _ = services.issue_token(user=user, by=Actor.system())
    browser = Client()
    browser.force_login(user)
    assert browser.get("/").status_code == 200
    services.deactivate_user(user=user, by=Actor.system())
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert browser.get("/").status_code == 302
    assert browser.get("/api/v1/me").status_code == 401


def test_it_ends_an_idle_session() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    browser = Client()
    browser.force_login(persona("office_officer"))
    assert browser.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = browser.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_renews_the_session_on_each_request() -> None:
    browser = Client()
    browser.force_login(persona("office_officer"))
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    browser.get("/")
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > dt.timedelta(minutes=29)


def test_it_signs_out_on_post_and_audits_it() -> None:
    browser = Client()
    browser.force_login(persona("office_officer"))
    response = browser.post("/logout/")
    assert response.status_code == 302
    assert browser.get("/").status_code == 302
    assert AuditEvent.objects.filter(username="office_officer", action="logout").exists()


def test_it_loads_the_session_user_with_organisation_and_region_in_one_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    user_id = persona("office_officer").pk
    with django_assert_num_queries(1):
        user = UserBackend().get_user(user_id)
        assert user is not None
        assert user.organisation is not None
        assert user.organisation.region.code.startswith("320102")


def test_it_loads_no_session_user_once_deactivated() -> None:
    user = persona("office_officer")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert UserBackend().get_user(user.pk) is None
