"""The review of a benefit in force (复审, e.g. 低保 each year): the nightly scan makes it due, the department sees it
on its worklist and continues it until the next review date (with the amount after the review), or ends it; only the
department, only a benefit in force, bad input named by field with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from anbang.testing import ApiClient, checked_in_case, persona
from assistance.models import Referral
from assistance.services.referrals import scan_referrals
from core.areas import worklist_for
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

CIVIL = "MZ320102"


def granted() -> Referral:
    case = checked_in_case()
    body = {"scheme": "dibao", "to": CIVIL, "reason": "无收入来源"}
    created = ApiClient("office_officer").post(f"/cases/{case.pk}/referrals", body).json()
    today = timezone.localdate()
    decision = {
        "result": "approved",
        "amount": "980.00",
        "starts_on": str(today),
        "review_on": str(today + dt.timedelta(days=1)),
    }
    assert ApiClient("partner_officer").post(f"/referrals/{created['id']}/respond", decision).status_code == 200
    return Referral.objects.get(pk=created["id"])


def due_for_review(referral: Referral) -> Referral:
    Referral.objects.filter(pk=referral.pk).update(review_on=timezone.localdate())
    scan_referrals(as_of=timezone.localdate())
    referral.refresh_from_db()
    assert referral.status == "review_due"
    return referral


def renew(referral: Referral, username: str | None = "partner_officer", **body: Any) -> Any:
    return ApiClient(username).post(f"/referrals/{referral.pk}/renew", body)


def test_it_puts_a_benefit_due_for_review_on_the_departments_worklist() -> None:
    referral = due_for_review(granted())
    items = worklist_for(persona("partner_officer"), on=timezone.localdate())
    assert [item.ref["referral_id"] for item in items if item.kind == "referral_review_to_do"] == [referral.pk]


def test_it_continues_a_benefit_after_its_review_until_the_next_review_date() -> None:
    referral = due_for_review(granted())
    next_review = timezone.localdate() + dt.timedelta(days=365)
    response = renew(referral, review_on=str(next_review), amount="1010.00", reference="MZ复字〔2026〕1号")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "approved"
    assert body["decision"]["review_on"] == next_review.isoformat() and body["decision"]["amount"] == "1010.00"
    assert [h["action"] for h in body["history"]][-1] == "renewed"
    assert referral.case.events.filter(action="referral_renewed", data__referral=referral.pk).exists()
    assert AuditEvent.objects.filter(action="case.referral_renewed").exists()
    assert not [
        i
        for i in worklist_for(persona("partner_officer"), on=timezone.localdate())
        if i.kind == "referral_review_to_do"
    ]


def test_it_keeps_the_decision_day_and_amount_of_a_renewal_without_a_new_amount() -> None:
    referral = due_for_review(granted())
    renew(referral, review_on=str(timezone.localdate() + dt.timedelta(days=30)))
    referral.refresh_from_db()
    assert str(referral.amount) == "980.00" and referral.decided_on == timezone.localdate()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "review_on"),
        ({"review_on": "TODAY"}, "review_on"),  # today is not a day to come
        ({"review_on": "NEXT", "amount": "-5"}, "amount"),
    ],
)
def test_it_refuses_a_renewal_naming_the_field_and_writes_nothing(body: dict[str, str], field: str) -> None:
    referral = due_for_review(granted())
    today = timezone.localdate()
    body = {
        k: (str(today) if v == "TODAY" else str(today + dt.timedelta(days=90)) if v == "NEXT" else v)
        for k, v in body.items()
    }
    response = renew(referral, **body)
    assert response.status_code in (400, 422) and field in response.json()["error"]["fields"]
    referral.refresh_from_db()
    assert referral.status == "review_due" and not referral.events.filter(action="renewed").exists()


def test_it_lets_only_the_department_renew_a_benefit_in_force() -> None:
    referral = due_for_review(granted())
    later = str(timezone.localdate() + dt.timedelta(days=90))
    assert renew(referral, "office_officer", review_on=later).status_code == 403
    assert renew(referral, "other_county_officer", review_on=later).status_code == 404
    assert renew(referral, None, review_on=later).status_code == 401
    ApiClient("partner_officer").post(
        f"/referrals/{referral.pk}/end", {"ended_on": str(timezone.localdate()), "reason": "已就业"}
    )
    assert renew(referral, review_on=later).status_code == 409


def test_it_offers_the_department_the_review_and_the_end_on_the_referral_page() -> None:
    referral = due_for_review(granted())
    client = Client()
    client.force_login(persona("partner_officer"))
    html = client.get(f"/assistance/referrals/{referral.pk}/").content.decode()
    assert f'action="/assistance/referrals/{referral.pk}/renew/"' in html
    assert f'action="/assistance/referrals/{referral.pk}/end/"' in html
    bad = client.post(f"/assistance/referrals/{referral.pk}/renew/", {"review_on": ""})
    assert bad.status_code == 400 and "下次复审日期" in bad.content.decode()
    later = timezone.localdate() + dt.timedelta(days=200)
    done = client.post(f"/assistance/referrals/{referral.pk}/renew/", {"review_on": later.isoformat()})
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "approved" and referral.review_on == later
    ended = client.post(
        f"/assistance/referrals/{referral.pk}/end/",
        {"ended_on": timezone.localdate().isoformat(), "reason": "收入超过标准"},
    )
    assert ended.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "ended"
    office = Client()
    office.force_login(persona("office_officer"))
    assert "/renew/" not in office.get(f"/assistance/referrals/{referral.pk}/").content.decode()
