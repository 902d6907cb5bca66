"""Referrals to partner departments (issue 11 §4): sending one to the department of the scheme's kind with its
deadline, the inbox of both sides, the department's decision and its rules, the allowance it sets on the case
(never over work), the end of a benefit, and who may do which (another county 404, a volunteer 403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from anbang.testing import ApiClient, checked_in_case, persona
from assistance.models import Referral, ReferralEvent
from cases.models import Case, CaseEvent
from cases.services import add_group_member, record_settlement
from core.audit import Actor
from core.models import AuditEvent
from core.workdays import add_working_days
from directory.models import Organisation, Region, Role, User

pytestmark = pytest.mark.django_db

CIVIL = "MZ320102"  # 玄武区民政局, partner_officer's organisation
HR = "RS320102"


def refer(case: Case, **body: Any) -> Any:
    payload = {"scheme": "dibao", "to": CIVIL, "reason": "无收入来源，家庭困难", **body}
    return ApiClient("office_officer").post(f"/cases/{case.pk}/referrals", payload)


def referred(case: Case | None = None, **body: Any) -> Referral:
    case = case or checked_in_case()
    response = refer(case, **body)
    assert response.status_code == 201, response.content
    return Referral.objects.get(pk=response.json()["id"])


def respond(referral: Referral, username: str = "partner_officer", **body: Any) -> Any:
    return ApiClient(username).post(f"/referrals/{referral.pk}/respond", body)


# --- sending ----------------------------------------------------------------------------------------------------------


def test_it_sends_a_dibao_referral_due_in_thirty_working_days() -> None:
    case = checked_in_case()
    response = refer(case)
    assert response.status_code == 201
    body = response.json()
    today = timezone.localdate()
    assert body["status"] == "submitted"
    assert body["respond_by"] == add_working_days(today, 30).isoformat()
    referral = Referral.objects.get(pk=body["id"])
    assert referral.from_office.code == "SFS320102001" and referral.to_organisation.code == CIVIL
    assert list(referral.events.values_list("action", flat=True)) == ["submitted"]
    assert case.events.filter(action="referral_submitted", data__referral=referral.pk).exists()
    assert AuditEvent.objects.filter(action="case.referral_submitted", object_id=str(case.pk)).exists()


def test_it_gives_other_schemes_twenty_working_days_and_urgent_temporary_aid_the_same_day() -> None:
    case = checked_in_case()
    today = timezone.localdate()
    work = refer(case, scheme="employment_aid", to=HR).json()
    assert work["respond_by"] == add_working_days(today, 20).isoformat()
    urgent = refer(case, scheme="temporary_aid", urgent=True).json()
    assert urgent["respond_by"] == today.isoformat()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": HR}, "to"),  # 人社 does not decide 低保
        ({"to": "NOPE"}, "to"),
        ({"to": "MZ340000"}, "to"),  # a civil-affairs bureau of another province
        ({"scheme": "lottery"}, "scheme"),
        ({"reason": "  "}, "reason"),
    ],
)
def test_it_refuses_a_bad_referral_naming_the_field_and_writes_nothing(body: dict[str, Any], field: str) -> None:
    case = checked_in_case()
    if body.get("to") == "MZ340000":
        province, _ = Region.objects.get_or_create(code="340000000000", defaults={"name": "安徽省", "level": 1})
        Organisation.objects.create(code="MZ340000", name="安徽省民政厅", kind="civil_affairs", region=province)
    response = refer(case, **body)
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert not Referral.objects.exists()
    assert not case.events.filter(action="referral_submitted").exists()


def test_it_refuses_an_inactive_department() -> None:
    Organisation.objects.filter(code=CIVIL).update(is_active=False)
    response = refer(checked_in_case())
    assert response.status_code == 422 and "to" in response.json()["error"]["fields"]


def test_it_refuses_a_referral_on_a_closed_case() -> None:
    case = checked_in_case()
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_on=timezone.localdate())
    assert refer(case).status_code == 409
    assert not Referral.objects.exists()


def test_it_refuses_a_second_pending_referral_for_the_same_scheme() -> None:
    case = referred().case
    response = refer(case)
    assert response.status_code == 409
    assert Referral.objects.count() == 1
    # another scheme is a referral of its own
    assert refer(case, scheme="tekun").status_code == 201


def test_the_county_may_refer_but_a_volunteer_or_social_worker_of_the_group_may_not() -> None:
    case = checked_in_case()
    officer = Actor(persona("office_officer"))
    add_group_member(case=case, part="volunteer", name="志愿者", username="volunteer", by=officer)
    add_group_member(case=case, part="social_worker", name="社工", username="social_worker", by=officer)
    payload = {"scheme": "dibao", "to": CIVIL, "reason": "困难"}
    for username in ("volunteer", "social_worker"):
        assert ApiClient(username).post(f"/cases/{case.pk}/referrals", payload).status_code == 403
    assert ApiClient("county_officer").post(f"/cases/{case.pk}/referrals", payload).status_code == 201


@pytest.mark.parametrize("username", ["other_county_officer", "partner_officer", "office_officer_b"])
def test_it_answers_404_to_a_referral_of_a_case_out_of_reach(username: str) -> None:
    case = checked_in_case()
    payload = {"scheme": "dibao", "to": CIVIL, "reason": "困难"}
    assert ApiClient(username).post(f"/cases/{case.pk}/referrals", payload).status_code == 404


def test_it_answers_401_to_anonymous_calls() -> None:
    referral = referred()
    anonymous = ApiClient()
    assert anonymous.post(f"/cases/{referral.case_id}/referrals", {}).status_code == 401
    assert anonymous.get("/referrals").status_code == 401
    assert anonymous.get(f"/referrals/{referral.pk}").status_code == 401
    assert anonymous.post(f"/referrals/{referral.pk}/respond", {"result": "approved"}).status_code == 401
    assert anonymous.post(f"/referrals/{referral.pk}/end", {}).status_code == 401
    assert anonymous.post(f"/referrals/{referral.pk}/partner-link").status_code == 401


# --- reading ----------------------------------------------------------------------------------------------------------


def test_the_department_lists_its_incoming_referrals_and_the_office_its_outgoing() -> None:
    referral = referred()
    incoming = ApiClient("partner_officer").get("/referrals", direction="incoming").json()
    assert [item["id"] for item in incoming["items"]] == [referral.pk] and incoming["count"] == 1
    outgoing = ApiClient("office_officer").get("/referrals", direction="outgoing").json()
    assert [item["id"] for item in outgoing["items"]] == [referral.pk]
    county = ApiClient("county_officer").get("/referrals", direction="outgoing").json()
    assert county["count"] == 1
    assert ApiClient("other_county_officer").get("/referrals", direction="outgoing").json()["count"] == 0
    assert ApiClient("office_officer").get("/referrals", direction="incoming").json()["count"] == 0
    # another department sees nothing
    assert ApiClient("partner_officer").get("/referrals", direction="outgoing").json()["count"] == 0
    filtered = ApiClient("partner_officer").get("/referrals", direction="incoming", scheme="tekun").json()
    assert filtered["count"] == 0
    assert ApiClient("partner_officer").get("/referrals", direction="sideways").status_code == 400


def test_one_referral_reads_with_the_minimum_and_its_history() -> None:
    referral = referred()
    body = ApiClient("partner_officer").get(f"/referrals/{referral.pk}").json()
    assert body["id"] == referral.pk and body["case_id"] == referral.case_id
    assert body["scheme"] == "dibao" and body["status"] == "submitted"
    assert body["to"] == {"code": CIVIL, "name": "玄武区民政局"}
    assert body["decision"] is None
    assert [h["action"] for h in body["history"]] == ["submitted"]
    assert body["history"][0]["by"] == "演示司法所干部"
    assert "*" in body["person"]["id_number"]
    assert body["office"]["name"] == "玄武区示范一街道司法所"
    assert "offence" not in body and "visits" not in body
    assert AuditEvent.objects.filter(action="person.read", detail__via="referral").exists()
    assert ApiClient("other_county_officer").get(f"/referrals/{referral.pk}").status_code == 404


def test_a_department_never_sees_the_case_list_or_the_case() -> None:
    referral = referred()
    partner = ApiClient("partner_officer")
    assert partner.get("/cases").json()["count"] == 0
    assert partner.get(f"/cases/{referral.case_id}").status_code == 404
    assert partner.get(f"/cases/{referral.case_id}/events").status_code == 404
    client = partner.client
    client.force_login(persona("partner_officer"))
    page = client.get("/cases/")
    assert referral.case.person.name not in page.content.decode()
    assert client.get(f"/cases/{referral.case_id}/").status_code == 404


def test_another_department_does_not_see_the_referral() -> None:
    referral = referred()
    User.objects.create_user(
        username="hr_officer",
        password="x",
        role=Role.PARTNER_OFFICER,
        organisation=Organisation.objects.get(code=HR),
    )
    assert ApiClient("hr_officer").get(f"/referrals/{referral.pk}").status_code == 404
    assert respond(referral, "hr_officer", result="under_review").status_code == 404


# --- the decision -----------------------------------------------------------------------------------------------------


def test_the_department_takes_it_under_review_then_approves_it() -> None:
    referral = referred()
    reviewed = respond(referral, result="under_review", reference="玄民〔2026〕12号")
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "under_review"
    assert reviewed.json()["decision"] is None
    starts = timezone.localdate()
    approved = respond(
        referral,
        result="approved",
        amount="780.50",
        starts_on=starts.isoformat(),
        review_on=(starts + dt.timedelta(days=180)).isoformat(),
    )
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["status"] == "approved"
    assert body["decision"] == {
        "result": "approved",
        "reference": "玄民〔2026〕12号",
        "amount": "780.50",
        "starts_on": starts.isoformat(),
        "review_on": (starts + dt.timedelta(days=180)).isoformat(),
        "reason": "",
    }
    assert [h["action"] for h in body["history"]] == ["submitted", "under_review", "approved"]
    referral.refresh_from_db()
    assert referral.decided_on == timezone.localdate() and referral.decided_by == persona("partner_officer")
    actions = set(referral.case.events.values_list("action", flat=True))
    assert {"referral_under_review", "referral_approved"} <= actions


def test_an_approval_of_dibao_settles_the_case_as_allowance() -> None:
    referral = referred()
    starts = timezone.localdate()
    respond(referral, result="approved", starts_on=starts.isoformat())
    case = Case.objects.get(pk=referral.case_id)
    assert case.settlement_status == "allowance" and case.settlement_since == starts
    record = case.settlements.get()
    assert record.recorded_by == persona("partner_officer")
    assert case.events.filter(action="settlement").exists()


def test_an_approval_does_not_replace_work() -> None:
    referral = referred(scheme="tekun")
    record_settlement(
        case=referral.case, status="employed", since=timezone.localdate(), by=Actor(persona("office_officer"))
    )
    respond(referral, result="approved", starts_on=timezone.localdate().isoformat())
    case = Case.objects.get(pk=referral.case_id)
    assert case.settlement_status == "employed"
    assert case.settlements.count() == 1


def test_an_approval_of_another_scheme_leaves_the_settlement_alone() -> None:
    referral = referred(scheme="temporary_aid")
    respond(referral, result="approved", amount="500", starts_on=timezone.localdate().isoformat())
    assert Case.objects.get(pk=referral.case_id).settlement_status == ""


def test_a_rejection_needs_a_reason_and_keeps_it() -> None:
    referral = referred()
    refused = respond(referral, result="rejected")
    assert refused.status_code == 422 and "reason" in refused.json()["error"]["fields"]
    assert Referral.objects.get(pk=referral.pk).status == "submitted"
    done = respond(referral, result="rejected", reason="家庭收入高于低保标准")
    assert done.status_code == 200
    assert done.json()["decision"]["result"] == "rejected"
    assert done.json()["decision"]["reason"] == "家庭收入高于低保标准"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"result": "maybe"}, "result"),
        ({"result": "approved"}, "starts_on"),
        ({"result": "approved", "starts_on": "2026-01-01", "amount": "0"}, "amount"),
        ({"result": "approved", "starts_on": "2026-01-01", "amount": "-5"}, "amount"),
        ({"result": "approved", "starts_on": "2026-01-01", "amount": "1.234"}, "amount"),
        ({"result": "approved", "starts_on": "2026-01-01", "amount": "abc"}, "amount"),
        ({"result": "approved", "starts_on": "2026-01-01", "review_on": "2026-01-01"}, "review_on"),
    ],
)
def test_it_refuses_a_bad_decision_naming_the_field(body: dict[str, Any], field: str) -> None:
    referral = referred()
    response = respond(referral, **body)
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    referral.refresh_from_db()
    assert referral.status == "submitted" and referral.decided_on is None
    assert list(referral.events.values_list("action", flat=True)) == ["submitted"]


def test_a_second_decision_is_a_conflict() -> None:
    referral = referred()
    assert respond(referral, result="rejected", reason="不符合条件").status_code == 200
    assert respond(referral, result="approved", starts_on="2026-01-01").status_code == 409
    assert respond(referral, result="under_review").status_code == 409


def test_under_review_only_from_submitted() -> None:
    referral = referred()
    assert respond(referral, result="under_review").status_code == 200
    assert respond(referral, result="under_review").status_code == 409


def test_only_the_addressed_department_decides() -> None:
    referral = referred()
    # the office sees the referral but may not decide it: 403; another county does not see it: 404
    assert respond(referral, "office_officer", result="under_review").status_code == 403
    assert respond(referral, "county_officer", result="under_review").status_code == 403
    assert respond(referral, "other_county_officer", result="under_review").status_code == 404
    assert Referral.objects.get(pk=referral.pk).status == "submitted"


# --- the end of a benefit ---------------------------------------------------------------------------------------------


def _approved() -> Referral:
    referral = referred()
    respond(referral, result="approved", starts_on=timezone.localdate().isoformat())  # released today
    return referral


def test_the_managing_office_ends_a_benefit_in_force() -> None:
    referral = _approved()
    today = timezone.localdate().isoformat()
    response = ApiClient("office_officer").post(
        f"/referrals/{referral.pk}/end", {"ended_on": today, "reason": "已就业"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ended" and response.json()["ended_on"] == today
    assert referral.case.events.filter(action="referral_ended").exists()
    again = ApiClient("partner_officer").post(f"/referrals/{referral.pk}/end", {"ended_on": today, "reason": "x"})
    assert again.status_code == 409


def test_the_department_may_end_it_too_but_not_a_volunteer_nor_another_county() -> None:
    referral = _approved()
    body = {"ended_on": timezone.localdate().isoformat(), "reason": "复审不再符合条件"}
    assert ApiClient("other_county_officer").post(f"/referrals/{referral.pk}/end", body).status_code == 404
    assert ApiClient("office_officer_b").post(f"/referrals/{referral.pk}/end", body).status_code == 404
    assert ApiClient("partner_officer").post(f"/referrals/{referral.pk}/end", body).status_code == 200


def test_ending_needs_a_date_and_a_reason_and_only_a_benefit_in_force() -> None:
    referral = referred()
    office = ApiClient("office_officer")
    today = timezone.localdate().isoformat()
    assert office.post(f"/referrals/{referral.pk}/end", {"ended_on": today, "reason": "x"}).status_code == 409
    respond(referral, result="approved", starts_on=today)
    missing = office.post(f"/referrals/{referral.pk}/end", {"reason": ""})
    assert missing.status_code == 422
    assert set(missing.json()["error"]["fields"]) == {"ended_on", "reason"}
    early = office.post(f"/referrals/{referral.pk}/end", {"ended_on": "2000-01-01", "reason": "x"})
    assert early.status_code == 422 and "ended_on" in early.json()["error"]["fields"]
    assert Referral.objects.get(pk=referral.pk).status == "approved"


def test_the_history_has_one_event_per_transition() -> None:
    referral = _approved()
    assert list(ReferralEvent.objects.filter(referral=referral).values_list("action", flat=True)) == [
        "submitted",
        "approved",
    ]
    assert CaseEvent.objects.filter(case_id=referral.case_id, action__startswith="referral_").count() == 2


# --- the review's fixes: the decision's dates, the form's choices, a transferred case, amounts and a volunteer -------


@pytest.mark.parametrize(
    ("days", "field"),
    [(-400, "starts_on"), (200, "starts_on")],  # before the release; far ahead (a typing slip)
)
def test_it_refuses_a_start_before_the_release_or_far_ahead(days: int, field: str) -> None:
    ref = referred()
    starts = timezone.localdate() + dt.timedelta(days=days)
    response = respond(ref, result="approved", starts_on=starts.isoformat())
    assert response.status_code == 422 and field in response.json()["error"]["fields"]
    ref.refresh_from_db()
    assert ref.status == "submitted" and Case.objects.get(pk=ref.case_id).settlement_status == ""


def test_it_refuses_a_review_date_that_is_not_to_come() -> None:
    ref = referred()
    today = timezone.localdate()
    response = respond(ref, result="approved", starts_on=str(today), review_on=str(today))
    assert response.status_code == 422 and "review_on" in response.json()["error"]["fields"]


def test_the_referral_page_offers_under_review_only_once() -> None:
    ref = referred()
    client = Client()
    client.force_login(persona("partner_officer"))
    assert 'value="under_review"' in client.get(f"/assistance/referrals/{ref.pk}/").content.decode()
    respond(ref, result="under_review")
    page = client.get(f"/assistance/referrals/{ref.pk}/").content.decode()
    assert 'value="under_review"' not in page and 'value="approved"' in page


def test_a_transferred_case_brings_its_referrals_to_the_office_that_manages_it() -> None:
    ref = referred()
    mover = ApiClient("office_officer").post(
        f"/cases/{ref.case_id}/transfer", {"to_office": "SFS320104001", "reason": "迁居秦淮区"}
    )
    assert mover.status_code in (200, 201), mover.content
    transfer_id = Case.objects.get(pk=ref.case_id).transfers.get().pk
    assert ApiClient("office_officer_b").post(f"/transfers/{transfer_id}/accept", {}).status_code == 200
    ids = [item["id"] for item in ApiClient("office_officer_b").get("/referrals", direction="outgoing").json()["items"]]
    assert ref.pk in ids
    assert ApiClient("office_officer").get(f"/referrals/{ref.pk}").status_code == 404


def test_a_volunteer_reads_no_amount_of_a_benefit() -> None:
    case = checked_in_case()
    add_group_member(
        case=case, part="volunteer", name="志愿者", username="volunteer", by=Actor(persona("office_officer"))
    )
    ref = referred(case)
    respond(ref, result="approved", amount="987.65", starts_on=str(timezone.localdate()))
    assert all("amount" not in event.data for event in case.events.all())
    volunteer, officer = Client(), Client()
    volunteer.force_login(persona("volunteer"))
    officer.force_login(persona("office_officer"))
    assert "987.65" not in volunteer.get(f"/cases/{case.pk}/assistance/").content.decode()
    assert "987.65" in officer.get(f"/cases/{case.pk}/assistance/").content.decode()
