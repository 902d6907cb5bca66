"""The audit log page: the audit administrator's alone (等保 三员分立), newest first, filtered, verified."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from anbang.testing import PASSWORD
from core.audit import Actor, record_audit
from core.models import AuditEvent
from directory.audit_views import PAGE_SIZE
from directory.demo import DEMO_USERS
from directory.models import Role

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def ids_on(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', html)]


def add_events(count: int, *, action: str) -> list[AuditEvent]:
    return [record_audit(actor=Actor.system(), action=action) for _ in range(count)]


def test_it_sends_anonymous_visitors_to_sign_in() -> None:
    response = Client().get("/audit/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/audit/"
    assert Client().post("/audit/verify/")["Location"] == "/login/?next=/audit/verify/"


@pytest.mark.parametrize("username", [demo.username for demo in DEMO_USERS if demo.role != Role.AUDIT_ADMIN])
def test_it_refuses_every_other_role(username: str) -> None:
    client = signed_in(username)
    assert client.get("/audit/").status_code == 403
    assert client.post("/audit/verify/").status_code == 403


def test_it_records_a_refusal_as_denied() -> None:
    signed_in("system_admin").get("/audit/")
    row = AuditEvent.objects.order_by("-id").first()
    assert row is not None
    assert (row.username, row.action, row.outcome) == ("system_admin", "audit.view", "denied")


def test_it_shows_the_log_newest_first_to_the_audit_admin() -> None:
    client = signed_in("audit_admin")
    response = client.get("/audit/")
    assert response.status_code == 200
    ids = ids_on(response.content.decode())
    assert ids == sorted(ids, reverse=True)
    assert ids[0] == AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()


def test_it_records_each_page_view_once() -> None:
    client = signed_in("audit_admin")
    before = AuditEvent.objects.filter(action="audit.view").count()
    client.get("/audit/")
    client.get("/audit/", {"username": "office_officer"})
    views = AuditEvent.objects.filter(action="audit.view").order_by("id")
    assert views.count() == before + 2
    last = views.last()
    assert last is not None
    assert last.username == "audit_admin"
    assert last.role == "audit_admin"
    assert last.detail["filters"] == {"username": "office_officer"}


def test_it_shows_who_where_and_what() -> None:
    signed_in("office_officer")  # a login row by a real user with an organisation
    html = signed_in("audit_admin").get("/audit/", {"username": "office_officer"}).content.decode()
    assert "office_officer" in html
    assert "司法所工作人员" in html  # role label
    assert "玄武区示范一街道司法所" in html  # organisation name, not just its code
    assert "<code>login</code>" in html
    assert "127.0.0.1" in html
    assert "成功" in html


def test_it_shows_times_in_china_time() -> None:
    at = dt.datetime(2026, 1, 1, 0, 30, tzinfo=UTC)
    with mock.patch("core.audit.timezone.now", return_value=at):
        row = record_audit(actor=Actor.system(), action="test.clock")
    html = signed_in("audit_admin").get("/audit/", {"action": "test.clock"}).content.decode()
    assert ids_on(html) == [row.id]
    assert "2026-01-01 08:30:00" in html


def test_it_filters_by_username_and_action() -> None:
    signed_in("county_officer")
    client = signed_in("audit_admin")
    html = client.get("/audit/", {"username": "county_officer", "action": "login"}).content.decode()
    ids = ids_on(html)
    expected = list(
        AuditEvent.objects.filter(username="county_officer", action="login")
        .order_by("-id")
        .values_list("id", flat=True)
    )
    assert ids == expected[:PAGE_SIZE] and ids


def test_it_filters_an_action_prefix_by_whole_words() -> None:
    add_events(1, action="user.create")
    add_events(1, action="username.odd")
    html = signed_in("audit_admin").get("/audit/", {"action": "user"}).content.decode()
    assert "<code>user.create</code>" in html
    assert "username.odd" not in html


def test_it_filters_by_china_dates() -> None:
    # 2026-03-01 23:30 in Beijing is 15:30 UTC the same day; 2026-03-02 00:30 in Beijing is 16:30 UTC on 03-01
    inside = dt.datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
    outside = dt.datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    rows = []
    for at in (inside, outside):
        with mock.patch("core.audit.timezone.now", return_value=at):
            rows.append(record_audit(actor=Actor.system(), action="test.dates"))
    client = signed_in("audit_admin")
    html = client.get("/audit/", {"action": "test.dates", "date_from": "2026-03-01", "date_to": "2026-03-01"})
    assert ids_on(html.content.decode()) == [rows[0].id]
    html = client.get("/audit/", {"action": "test.dates", "date_from": "2026-03-02"})
    assert ids_on(html.content.decode()) == [rows[1].id]


def test_it_rejects_a_date_range_that_ends_before_it_starts() -> None:
    response = signed_in("audit_admin").get("/audit/", {"date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "截止日期不能早于起始日期。" in html
    assert ids_on(html) == []


def test_it_pages_by_fifty_newest_first() -> None:
    add_events(PAGE_SIZE + 10, action="test.page")
    client = signed_in("audit_admin")
    first = client.get("/audit/", {"action": "test.page"}).content.decode()
    first_ids = ids_on(first)
    assert len(first_ids) == PAGE_SIZE
    older_link = re.search(r'href="\?([^"]*before=\d+[^"]*)"', first)
    assert older_link is not None
    second = client.get("/audit/?" + older_link.group(1).replace("&amp;", "&")).content.decode()
    second_ids = ids_on(second)
    assert len(second_ids) == 10
    assert max(second_ids) < min(first_ids)
    newer_link = re.search(r'href="\?([^"]*after=\d+[^"]*)"', second)
    assert newer_link is not None
    back = client.get("/audit/?" + newer_link.group(1).replace("&amp;", "&")).content.decode()
    assert ids_on(back) == first_ids


def test_it_says_an_honest_log_is_intact() -> None:
    client = signed_in("audit_admin")
    response = client.post("/audit/verify/", follow=True)
    assert response.redirect_chain == [("/audit/", 302)]
    assert re.search(r'role="status">日志完整', response.content.decode())
    verify = AuditEvent.objects.filter(action="audit.verify").order_by("-id").first()
    assert verify is not None and verify.outcome == "success" and verify.detail == {"first_bad_row": None}


def test_it_names_the_first_tampered_row() -> None:
    rows = add_events(3, action="test.tamper")
    # what someone with database access might do; the application itself never updates this table
    AuditEvent.objects.filter(pk=rows[1].pk).update(object_id="changed")
    response = signed_in("audit_admin").post("/audit/verify/", follow=True)
    assert re.search(rf'role="alert">第 {rows[1].id} 行被篡改', response.content.decode())


def test_it_lists_the_audit_log_in_the_audit_admins_navigation_only() -> None:
    assert 'href="/audit/"' in signed_in("audit_admin").get("/").content.decode()
    assert 'href="/audit/"' not in signed_in("system_admin").get("/").content.decode()


def test_it_reads_a_page_in_a_fixed_number_of_queries(django_assert_max_num_queries: DjangoAssertNumQueries) -> None:
    add_events(PAGE_SIZE, action="test.queries")
    client = signed_in("audit_admin")
    # session, user, organisation (top bar); the audit.view row (last hash, insert, savepoints); one page of rows;
    # the organisation names for the page; the session save. Not one per row. PostgreSQL adds the advisory lock
    # that keeps the audit chain linear across servers (core.audit).
    limit = 13 if connection.vendor == "postgresql" else 12
    with django_assert_max_num_queries(limit):
        client.get("/audit/")
