"""The nightly scan (run_jobs): missed intakes and work items, safe to run twice."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from anbang.testing import make_id_number, persona, send_notice
from core.audit import Actor
from handover import services
from handover.models import Alert, NoticeEvent, ReleaseNotice

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def released(days_ago: int, *, key_target: bool = False, seq: int = 1) -> ReleaseNotice:
    notice = send_notice(
        key_target=key_target,
        key_target_reasons=["x"] if key_target else [],
        person={"id_number": make_id_number(seq=seq)},
    )
    services.verify_notice(notice=notice, result="confirmed", by=Actor(persona("office_officer")))
    services.record_release(notice=notice, released_on=TODAY, escort=None, by=Actor(persona("facility_liaison")))
    ReleaseNotice.objects.filter(pk=notice.pk).update(
        released_on=TODAY - dt.timedelta(days=days_ago), check_in_by=TODAY - dt.timedelta(days=days_ago - 30)
    )
    notice.refresh_from_db()
    return notice


def run_jobs(as_of: dt.date) -> str:
    out = StringIO()
    call_command("run_jobs", "--once", "--as-of", as_of.isoformat(), "--only", "handover_deadlines", stdout=out)
    return out.getvalue()


def test_it_marks_a_notice_missed_the_day_after_the_check_in_deadline() -> None:
    notice = released(days_ago=31)  # deadline was yesterday
    on_time = released(days_ago=30, seq=2)  # deadline is today: not yet missed
    run_jobs(TODAY)
    notice.refresh_from_db()
    on_time.refresh_from_db()
    assert notice.status == "missed"
    assert notice.missed_on == TODAY
    assert on_time.status == "released"
    assert Alert.objects.filter(notice=notice, kind="missed_intake").exists()
    assert NoticeEvent.objects.filter(notice=notice, action="missed").count() == 1


def test_it_is_safe_to_run_twice() -> None:
    notice = released(days_ago=45)
    run_jobs(TODAY)
    output = run_jobs(TODAY)
    assert "missed 0" in output
    assert NoticeEvent.objects.filter(notice=notice, action="missed").count() == 1
    assert Alert.objects.filter(notice=notice, kind="missed_intake").count() == 1


def test_it_lets_tests_move_the_clock_with_as_of() -> None:
    notice = released(days_ago=0)
    run_jobs(TODAY + dt.timedelta(days=10))
    notice.refresh_from_db()
    assert notice.status == "released"
    run_jobs(TODAY + dt.timedelta(days=31))
    notice.refresh_from_db()
    assert notice.status == "missed"


def test_it_raises_verification_work_items_falling_due_and_overdue() -> None:
    due = send_notice()
    overdue = send_notice(person={"id_number": make_id_number(seq=9)})
    ReleaseNotice.objects.filter(pk=due.pk).update(verify_by=TODAY + dt.timedelta(days=2))
    ReleaseNotice.objects.filter(pk=overdue.pk).update(verify_by=TODAY - dt.timedelta(days=1))
    run_jobs(TODAY)
    assert set(Alert.objects.values_list("notice_id", "kind")) == {
        (due.pk, "verification_due"),
        (overdue.pk, "verification_overdue"),
    }


def test_it_alerts_a_key_target_not_checked_in_within_three_days() -> None:
    late = released(days_ago=3, key_target=True)
    fresh = released(days_ago=1, key_target=True, seq=2)
    run_jobs(TODAY)
    assert Alert.objects.filter(notice=late, kind="key_target_not_checked_in").exists()
    assert not Alert.objects.filter(notice=fresh, kind="key_target_not_checked_in").exists()
    # addressed to the office and the county, not another county
    from anbang.testing import ApiClient

    assert ApiClient("county_officer").get("/alerts").json()["count"] >= 1
    assert ApiClient("other_county_officer").get("/alerts").json()["count"] == 0


def test_it_resolves_alerts_at_check_in() -> None:
    notice = released(days_ago=40, key_target=True)
    run_jobs(TODAY)
    services.check_in(notice=notice, checked_in_on=TODAY, method="self_reported", by=Actor(persona("office_officer")))
    assert not Alert.objects.filter(notice=notice, resolved_on__isnull=True).exists()
