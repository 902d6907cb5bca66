"""One-time links for a department without an account (issue 11 §5): issued by the managing office, opened
without sign-in (HTML with no navigation, or JSON), one decision then 410, expired or decided meanwhile 410,
unknown 404, only the token's hash stored, every opening and the decision audited with the link's id."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from anbang.testing import ApiClient, checked_in_case, persona
from assistance.models import PartnerLink, Referral
from cases.models import Case
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def referral() -> Referral:
    case = checked_in_case()
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/referrals", {"scheme": "dibao", "to": "MZ320102", "reason": "无收入来源"}
    )
    return Referral.objects.get(pk=response.json()["id"])


def issue(ref: Referral, username: str = "office_officer") -> Any:
    return ApiClient(username).post(f"/referrals/{ref.pk}/partner-link")


def path_of(url: str) -> str:
    return url[url.index("/assistance/partner/") :]


def linked() -> tuple[Referral, str]:
    ref = referral()
    response = issue(ref)
    assert response.status_code == 201, response.content
    return ref, path_of(response.json()["url"])


def post_json(path: str, body: dict[str, Any]) -> Any:
    return Client().post(path, json.dumps(body), content_type="application/json")


def test_the_office_issues_a_link_that_expires_in_fourteen_days_and_keeps_only_its_hash() -> None:
    ref = referral()
    response = issue(ref)
    assert response.status_code == 201
    body = response.json()
    assert body["url"].startswith("http://testserver/assistance/partner/")
    token = body["url"].rstrip("/").rsplit("/", 1)[1]
    link = PartnerLink.objects.get(referral=ref)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in link.token_hash
    expected = timezone.now() + dt.timedelta(days=14)
    assert abs((link.expires_at - expected).total_seconds()) < 60
    assert ref.case.events.filter(action="partner_link_issued", data__link=link.pk).exists()


def test_only_the_managing_office_issues_a_link() -> None:
    ref = referral()
    assert issue(ref, "partner_officer").status_code == 403
    assert issue(ref, "office_colleague").status_code == 201
    assert issue(ref, "other_county_officer").status_code == 404
    assert ApiClient().post(f"/referrals/{ref.pk}/partner-link").status_code == 401


def test_no_link_for_a_decided_referral() -> None:
    ref = referral()
    ApiClient("partner_officer").post(f"/referrals/{ref.pk}/respond", {"result": "rejected", "reason": "不符合"})
    assert issue(ref).status_code == 409
    assert not PartnerLink.objects.exists()


def test_the_link_opens_without_sign_in_and_shows_only_the_minimum() -> None:
    ref, path = linked()
    response = Client().get(path)
    assert response.status_code == 200
    html = response.content.decode()
    person = ref.case.person
    assert person.name in html and "********" in html and person.id_number not in html
    assert "最低生活保障" in html and ref.reason in html and "玄武区示范一街道司法所" in html
    assert "盗窃罪" not in html  # never the offence
    assert 'class="topbar"' not in html and "/cases/" not in html and "退出" not in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_link_answers_json_on_request() -> None:
    ref, path = linked()
    response = Client().get(path, headers={"Accept": "application/json"})
    assert response.status_code == 200
    body = response.json()
    assert body["scheme"] == "dibao" and body["reason"] == ref.reason
    assert body["person"]["name"] == ref.case.person.name and "*" in body["person"]["id_number"]
    assert body["office"]["name"] == "玄武区示范一街道司法所"


def test_every_opening_is_audited_with_the_link_id() -> None:
    ref, path = linked()
    link = PartnerLink.objects.get(referral=ref)
    Client().get(path)
    Client().get(path, headers={"Accept": "application/json"})
    rows = AuditEvent.objects.filter(action="referral.link_opened", detail__link=link.pk)
    assert rows.count() == 2 and all(row.user_id is None for row in rows)
    assert ref.events.filter(action="link_opened").count() == 2


def test_an_unknown_token_is_404() -> None:
    assert Client().get("/assistance/partner/not-a-token/").status_code == 404
    assert post_json("/assistance/partner/not-a-token/", {"result": "under_review"}).status_code == 404


def test_one_decision_by_json_then_410() -> None:
    ref, path = linked()
    starts = timezone.localdate().isoformat()
    response = post_json(path, {"result": "approved", "amount": "800", "starts_on": starts, "reference": "玄民12"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    ref.refresh_from_db()
    assert ref.status == "approved" and ref.amount is not None and str(ref.amount) == "800.00"
    assert ref.decided_by is None  # no user decided: the department through the link
    link = PartnerLink.objects.get(referral=ref)
    assert link.used_at is not None
    assert AuditEvent.objects.filter(action="referral.link_decided", detail__link=link.pk).exists()
    approved = ref.case.events.get(action="referral_approved")
    assert approved.data["link"] == link.pk and "一次性链接" in approved.by_name
    assert post_json(path, {"result": "rejected", "reason": "x"}).status_code == 410
    assert Client().get(path).status_code == 410
    assert Client().get(path, headers={"Accept": "application/json"}).status_code == 410


def test_the_decision_through_a_link_settles_the_case_under_the_sender() -> None:
    ref, path = linked()
    post_json(path, {"result": "approved", "starts_on": timezone.localdate().isoformat()})
    case = Case.objects.get(pk=ref.case_id)
    assert case.settlement_status == "allowance"
    assert case.settlements.get().recorded_by == persona("office_officer")


def test_a_bad_decision_through_the_link_names_the_field_and_keeps_the_link() -> None:
    ref, path = linked()
    response = post_json(path, {"result": "rejected"})
    assert response.status_code == 422 and "reason" in response.json()["error"]["fields"]
    assert PartnerLink.objects.get(referral=ref).used_at is None
    bad_day = post_json(path, {"result": "approved", "starts_on": "someday"})
    assert bad_day.status_code == 422 and "starts_on" in bad_day.json()["error"]["fields"]
    assert post_json(path, {"result": "rejected", "reason": "收入超标"}).status_code == 200


def test_an_expired_link_answers_410() -> None:
    ref, path = linked()
    PartnerLink.objects.filter(referral=ref).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get(path).status_code == 410
    assert post_json(path, {"result": "under_review"}).status_code == 410
    assert Referral.objects.get(pk=ref.pk).status == "submitted"
    refused = AuditEvent.objects.filter(action="referral.link_opened", outcome="denied")
    assert refused.count() == 1


def test_a_link_whose_referral_was_decided_meanwhile_answers_410() -> None:
    ref, path = linked()
    ApiClient("partner_officer").post(f"/referrals/{ref.pk}/respond", {"result": "rejected", "reason": "不符合"})
    assert Client().get(path).status_code == 410
    assert post_json(path, {"result": "approved", "starts_on": "2026-01-01"}).status_code == 410


def test_the_html_form_posts_with_the_csrf_token_once() -> None:
    ref, path = linked()
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(path)
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    without = browser.post(path, {"result": "rejected", "reason": "收入超标"})
    assert without.status_code == 403
    assert Referral.objects.get(pk=ref.pk).status == "submitted"
    bad = browser.post(path, {"result": "rejected", "csrfmiddlewaretoken": token})
    assert bad.status_code == 422
    done = browser.post(path, {"result": "rejected", "reason": "收入超标", "csrfmiddlewaretoken": token})
    assert done.status_code == 200 and "已提交" in done.content.decode()
    assert Referral.objects.get(pk=ref.pk).status == "rejected"
    again = browser.post(path, {"result": "rejected", "reason": "再次", "csrfmiddlewaretoken": token})
    assert again.status_code == 410


def test_a_json_post_needs_no_csrf_token() -> None:
    ref, path = linked()
    client = Client(enforce_csrf_checks=True)
    body = {"result": "rejected", "reason": "收入超标"}
    response = client.post(path, json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    assert Referral.objects.get(pk=ref.pk).status == "rejected"


def test_a_link_takes_a_decision_not_under_review_and_stays_usable() -> None:
    ref, path = linked()
    response = post_json(path, {"result": "under_review"})
    assert response.status_code == 422 and "result" in response.json()["error"]["fields"]
    assert Referral.objects.get(pk=ref.pk).status == "submitted"
    assert PartnerLink.objects.get(referral=ref).used_at is None
    page = Client().get(path).content.decode()
    assert 'value="approved"' in page and 'value="rejected"' in page and 'value="under_review"' not in page
    assert post_json(path, {"result": "rejected", "reason": "收入超标"}).status_code == 200


def test_a_refused_form_shows_the_page_again_without_counting_another_opening() -> None:
    ref, path = linked()
    browser = Client()
    browser.get(path)
    openings = ref.events.filter(action="link_opened").count()
    assert browser.post(path, {"result": "rejected"}).status_code == 422  # no reason: the service refuses it
    assert ref.events.filter(action="link_opened").count() == openings == 1


def test_a_decision_on_a_used_link_is_refused_and_audited_with_the_link_id() -> None:
    ref, path = linked()
    assert post_json(path, {"result": "rejected", "reason": "收入超标"}).status_code == 200
    assert post_json(path, {"result": "approved", "starts_on": str(timezone.localdate())}).status_code == 410
    link = PartnerLink.objects.get(referral=ref)
    refused = AuditEvent.objects.filter(action="referral.link_decided", outcome="denied", detail__link=link.pk)
    assert refused.count() == 1


def test_the_link_page_is_never_cached() -> None:
    _, path = linked()
    assert "no-store" in Client().get(path)["Cache-Control"] or "no-cache" in Client().get(path)["Cache-Control"]


def test_no_link_for_a_referral_of_a_closed_case() -> None:
    ref = referral()
    ApiClient("office_officer").post(
        f"/cases/{ref.case_id}/close", {"reason": "died", "closed_on": str(timezone.localdate())}
    )
    assert Case.objects.get(pk=ref.case_id).status == "closed"
    response = issue(ref)
    assert response.status_code == 409 and not PartnerLink.objects.filter(referral=ref).exists()
