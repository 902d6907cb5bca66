"""The referrals' clock (issue 11 §4): the nightly ``referral_deadlines`` job escalates overdue pending referrals to
the county and moves approved benefits past their review date to ``review_due``, once however often it runs; the
worklist of both sides and of the county, and the home cards that count them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from anbang.testing import ApiClient, checked_in_case, persona
from assistance.models import Referral
from core.areas import registry, worklist_count, worklist_for
from core.jobs import all_jobs
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def referral(scheme: str = "dibao", to: str = "MZ320102") -> Referral:
    case = checked_in_case()
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/referrals", {"scheme": scheme, "to": to, "reason": "困难"}
    )
    return Referral.objects.get(pk=response.json()["id"])


def run(as_of: dt.date) -> str:
    return all_jobs()["referral_deadlines"](as_of)


def test_the_job_runs_after_the_case_scan() -> None:
    names = [job.name for job in registry.jobs()]
    assert names.index("referral_deadlines") > names.index("case_deadlines")


def test_it_escalates_an_overdue_referral_once() -> None:
    ref = referral()
    assert run(ref.respond_by) == "referrals_escalated 0, reviews_due 0"  # due today is not overdue
    day_after = ref.respond_by + dt.timedelta(days=1)
    assert run(day_after) == "referrals_escalated 1, reviews_due 0"
    assert run(day_after) == "referrals_escalated 0, reviews_due 0"
    assert run(day_after + dt.timedelta(days=5)) == "referrals_escalated 0, reviews_due 0"
    ref.refresh_from_db()
    assert ref.escalated_on == day_after and ref.status == "submitted"
    assert ref.events.filter(action="escalated").count() == 1
    assert ref.case.events.filter(action="referral_escalated").count() == 1
    assert AuditEvent.objects.filter(action="referral.scan").count() == 1


def test_it_does_not_escalate_a_decided_referral() -> None:
    ref = referral()
    ApiClient("partner_officer").post(f"/referrals/{ref.pk}/respond", {"result": "rejected", "reason": "不符合"})
    assert run(ref.respond_by + dt.timedelta(days=1)).startswith("referrals_escalated 0")


def test_it_marks_a_benefit_due_for_review_once() -> None:
    ref = referral()
    today = timezone.localdate()
    review = today + dt.timedelta(days=90)
    ApiClient("partner_officer").post(
        f"/referrals/{ref.pk}/respond",
        {"result": "approved", "starts_on": today.isoformat(), "review_on": review.isoformat()},
    )
    assert run(review - dt.timedelta(days=1)).endswith("reviews_due 0")
    assert run(review).endswith("reviews_due 1")
    assert run(review).endswith("reviews_due 0")
    ref.refresh_from_db()
    assert ref.status == "review_due"
    assert ref.case.events.filter(action="referral_review_due").count() == 1
    # the office sees it on its worklist; a benefit due for review can still be ended
    items = worklist_for(persona("office_officer"), on=review)
    assert [i.kind for i in items if i.kind.startswith("referral")] == ["referral_review_due"]
    ended = ApiClient("office_officer").post(
        f"/referrals/{ref.pk}/end", {"ended_on": today.isoformat(), "reason": "复审不符合"}
    )
    assert ended.status_code == 200


def test_the_run_jobs_command_runs_it() -> None:
    ref = referral()
    as_of = (ref.respond_by + dt.timedelta(days=1)).isoformat()
    call_command("run_jobs", "--once", "--as-of", as_of)
    assert Referral.objects.get(pk=ref.pk).escalated_on is not None


def test_the_department_has_its_referrals_due_soon_and_overdue_on_its_worklist() -> None:
    partner = persona("partner_officer")
    ref = referral(scheme="temporary_aid")  # due in 20 working days
    today = timezone.localdate()
    assert worklist_count(partner, "assistance.referrals_incoming", on=today) == 0  # not due within a week
    soon = ref.respond_by - dt.timedelta(days=3)
    [item] = worklist_for(partner, on=soon)
    assert item.kind == "referral_response_due" and not item.overdue
    assert item.url == f"/assistance/referrals/{ref.pk}/" and item.ref["referral_id"] == ref.pk
    [late] = worklist_for(partner, on=ref.respond_by + dt.timedelta(days=1))
    assert late.kind == "referral_response_overdue" and late.overdue
    # the sending office sees it once overdue; the county once escalated
    office = persona("office_officer")
    assert worklist_count(office, "assistance.referrals_outgoing", on=ref.respond_by) == 0
    after = ref.respond_by + dt.timedelta(days=1)
    assert [i.kind for i in worklist_for(office, on=after) if i.kind.startswith("referral")] == ["referral_overdue"]
    county = persona("county_officer")
    assert worklist_count(county, "assistance.referrals_escalated", on=after) == 0
    run(after)
    [escalated] = [i for i in worklist_for(county, on=after) if i.kind == "referral_escalated"]
    assert escalated.ref["referral_id"] == ref.pk
    assert worklist_count(persona("other_county_officer"), "assistance.referrals_escalated", on=after) == 0


def test_the_home_cards_count_from_the_worklist() -> None:
    ref = referral(scheme="temporary_aid")
    partner = Client()
    partner.force_login(persona("partner_officer"))
    html = partner.get("/").content.decode()
    assert "待办转介" in html and 'href="/assistance/referrals/"' in html
    office = Client()
    office.force_login(persona("office_officer"))
    assert "转介跟进" in office.get("/").content.decode()
    assert ref.pk
