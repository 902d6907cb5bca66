"""The intake API (issue 11 items 1–3): the facility records the pre-release education on its notice (200 with the
notice as GET answers it; replaced whole; the office reads it), the managing office records the briefing at check-in
and the needs assessment with its hints (201); anonymous 401, another county 404, a role that may not 403, bad input
400/422 naming the field with nothing written, a closed case or a withdrawn notice 409; each writes one timeline row
and its audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from anbang.testing import ApiClient, checked_in_case, make_id_number, persona, send_notice
from assistance.models import Briefing, NeedsAssessment, ReleaseEducation
from cases import services as cases
from cases.models import Case
from core.audit import Actor
from core.models import AuditEvent
from handover import services as handover
from handover.models import NoticeEvent, ReleaseNotice

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def education_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "courses": [
            {"kind": "vocational_skills", "on": day(-20), "hours": 40},
            {"kind": "policy_briefing", "on": day(-3), "hours": 2.5},
        ],
        "difficulties": ["housing", "work"],
    }
    body.update(overrides)
    return body


@pytest.fixture
def notice() -> ReleaseNotice:
    return send_notice()


@pytest.fixture
def case() -> Case:
    opened: Case = checked_in_case()
    return opened


# --- pre-release education -------------------------------------------------------------------------------------------


def test_it_records_the_education_and_answers_the_notice_as_get_does(notice: ReleaseNotice) -> None:
    facility = ApiClient("facility_liaison")
    response = facility.post(f"/release-notices/{notice.pk}/education", education_body())
    assert response.status_code == 200, response.content
    assert response.json() == facility.get(f"/release-notices/{notice.pk}").json()
    education = ReleaseEducation.objects.get(notice=notice)
    assert education.courses == [
        {"kind": "vocational_skills", "on": day(-20), "hours": 40},
        {"kind": "policy_briefing", "on": day(-3), "hours": 2.5},
    ]
    assert education.difficulties == ["housing", "work"]
    assert NoticeEvent.objects.filter(notice=notice, action="education").count() == 1
    audit = AuditEvent.objects.get(action="notice.education")
    assert audit.object_id == str(notice.pk) and audit.detail["courses"] == 2


def test_it_shows_the_education_to_the_receiving_office_before_release(notice: ReleaseNotice) -> None:
    ApiClient("facility_liaison").post(f"/release-notices/{notice.pk}/education", education_body())
    response = ApiClient("office_officer").get(f"/release-notices/{notice.pk}/education")
    assert response.status_code == 200
    body = response.json()
    assert [c["kind"] for c in body["courses"]] == ["vocational_skills", "policy_briefing"]
    assert body["difficulties"] == ["housing", "work"] and body["recorded_at"]
    assert [c["hours"] for c in body["courses"]] == [40, 2.5]
    assert ApiClient("facility_liaison").get(f"/release-notices/{notice.pk}/education").json() == body


def test_it_answers_404_for_the_education_of_a_notice_with_none(notice: ReleaseNotice) -> None:
    assert ApiClient("office_officer").get(f"/release-notices/{notice.pk}/education").status_code == 404


def test_it_replaces_the_education_whole(notice: ReleaseNotice) -> None:
    facility = ApiClient("facility_liaison")
    facility.post(f"/release-notices/{notice.pk}/education", education_body())
    again = {"courses": [{"kind": "mental_health", "on": day(-1), "hours": 8}], "difficulties": []}
    assert facility.post(f"/release-notices/{notice.pk}/education", again).status_code == 200
    education = ReleaseEducation.objects.get(notice=notice)
    assert education.courses == [{"kind": "mental_health", "on": day(-1), "hours": 8}]
    assert education.difficulties == []
    assert NoticeEvent.objects.filter(notice=notice, action="education").count() == 2


def test_it_refuses_education_to_anonymous_callers(notice: ReleaseNotice) -> None:
    assert ApiClient().post(f"/release-notices/{notice.pk}/education", education_body()).status_code == 401
    assert ApiClient().get(f"/release-notices/{notice.pk}/education").status_code == 401


@pytest.mark.parametrize("username", ["other_county_officer", "other_office_officer", "partner_officer"])
def test_it_answers_404_to_those_who_do_not_reach_the_notice(notice: ReleaseNotice, username: str) -> None:
    client = ApiClient(username)
    assert client.post(f"/release-notices/{notice.pk}/education", education_body()).status_code == 404
    assert client.get(f"/release-notices/{notice.pk}/education").status_code == 404
    assert not ReleaseEducation.objects.exists()


@pytest.mark.parametrize("username", ["office_officer", "county_officer"])
def test_it_lets_only_the_facility_record_education(notice: ReleaseNotice, username: str) -> None:
    response = ApiClient(username).post(f"/release-notices/{notice.pk}/education", education_body())
    assert response.status_code == 403
    assert not ReleaseEducation.objects.exists() and not NoticeEvent.objects.filter(action="education").exists()


@pytest.mark.parametrize(
    ("course", "field"),
    [
        ({"kind": "cooking", "on": day(-1), "hours": 4}, "courses.0.kind"),
        ({"kind": "job_seeking", "on": day(1), "hours": 4}, "courses.0.on"),
        ({"kind": "job_seeking", "on": day(-1), "hours": 0}, "courses.0.hours"),
        ({"kind": "job_seeking", "on": day(-1), "hours": -3}, "courses.0.hours"),
        ({"kind": "job_seeking", "on": day(-1), "hours": 2001}, "courses.0.hours"),
        ({"kind": "job_seeking", "on": day(-1), "hours": 1.25}, "courses.0.hours"),
    ],
)
def test_it_refuses_a_bad_course_naming_the_field(notice: ReleaseNotice, course: dict[str, Any], field: str) -> None:
    response = ApiClient("facility_liaison").post(
        f"/release-notices/{notice.pk}/education", {"courses": [course], "difficulties": []}
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not ReleaseEducation.objects.exists() and not NoticeEvent.objects.filter(action="education").exists()


def test_it_refuses_a_date_that_is_not_a_date_naming_it(notice: ReleaseNotice) -> None:
    body = {"courses": [{"kind": "job_seeking", "on": "2026-02-30", "hours": 4}], "difficulties": []}
    response = ApiClient("facility_liaison").post(f"/release-notices/{notice.pk}/education", body)
    assert response.status_code == 422
    assert "courses.0.on" in response.json()["error"]["fields"]


def test_it_refuses_an_unknown_difficulty_naming_it(notice: ReleaseNotice) -> None:
    response = ApiClient("facility_liaison").post(
        f"/release-notices/{notice.pk}/education", education_body(difficulties=["housing", "boredom"])
    )
    assert response.status_code == 400
    assert "boredom" in response.json()["error"]["fields"]["difficulties"]
    assert not ReleaseEducation.objects.exists()


def test_it_refuses_a_course_after_the_release(notice: ReleaseNotice) -> None:
    handover.record_release(
        notice=notice, released_on=TODAY - dt.timedelta(days=2), escort=None, by=Actor(persona("facility_liaison"))
    )
    body = {"courses": [{"kind": "job_seeking", "on": day(-1), "hours": 4}], "difficulties": []}
    response = ApiClient("facility_liaison").post(f"/release-notices/{notice.pk}/education", body)
    assert response.status_code == 400 and "courses.0.on" in response.json()["error"]["fields"]
    body["courses"][0]["on"] = day(-2)  # the day of the release itself is fine
    assert ApiClient("facility_liaison").post(f"/release-notices/{notice.pk}/education", body).status_code == 200


def test_it_refuses_education_on_a_withdrawn_notice(notice: ReleaseNotice) -> None:
    handover.withdraw_notice(notice=notice, reason="减刑后转押", by=Actor(persona("facility_liaison")))
    response = ApiClient("facility_liaison").post(f"/release-notices/{notice.pk}/education", education_body())
    assert response.status_code == 409
    assert not ReleaseEducation.objects.exists()


# --- briefing --------------------------------------------------------------------------------------------------------


def briefing_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"briefed_on": day(0), "schemes": ["dibao", "employment_aid"], "acknowledged": True}
    body.update(overrides)
    return body


def test_it_records_a_briefing_and_lists_it(case: Case) -> None:
    office = ApiClient("office_officer")
    response = office.post(f"/cases/{case.pk}/briefing", briefing_body())
    assert response.status_code == 201, response.content
    created = response.json()
    assert created == {
        "id": created["id"],
        "briefed_on": day(0),
        "schemes": ["dibao", "employment_aid"],
        "acknowledged": True,
    }
    listed = office.get(f"/cases/{case.pk}/briefings").json()
    assert listed == {"items": [created], "count": 1}
    assert case.events.filter(action="briefing").count() == 1
    assert AuditEvent.objects.filter(action="case.briefing", object_id=str(case.pk)).count() == 1


def test_it_lets_the_county_brief_a_case_of_its_county(case: Case) -> None:
    assert ApiClient("county_officer").post(f"/cases/{case.pk}/briefing", briefing_body()).status_code == 201


def test_it_lists_briefings_latest_first(case: Case) -> None:
    office = ApiClient("office_officer")
    office.post(f"/cases/{case.pk}/briefing", briefing_body(briefed_on=day(-2), schemes=["tekun"]))
    office.post(f"/cases/{case.pk}/briefing", briefing_body(schemes=["medical_aid"]))
    items = office.get(f"/cases/{case.pk}/briefings").json()["items"]
    assert [i["schemes"] for i in items] == [["medical_aid"], ["tekun"]]


def test_it_refuses_briefings_to_anonymous_callers(case: Case) -> None:
    assert ApiClient().post(f"/cases/{case.pk}/briefing", briefing_body()).status_code == 401
    assert ApiClient().get(f"/cases/{case.pk}/briefings").status_code == 401


@pytest.mark.parametrize("username", ["other_county_officer", "other_office_officer"])
def test_it_answers_404_for_briefings_out_of_reach(case: Case, username: str) -> None:
    assert ApiClient(username).post(f"/cases/{case.pk}/briefing", briefing_body()).status_code == 404
    assert ApiClient(username).get(f"/cases/{case.pk}/briefings").status_code == 404
    assert not Briefing.objects.exists()


@pytest.mark.parametrize("username", ["city_officer", "province_officer"])
def test_it_refuses_a_briefing_by_an_officer_who_only_reads_the_case(case: Case, username: str) -> None:
    assert ApiClient(username).post(f"/cases/{case.pk}/briefing", briefing_body()).status_code == 403
    assert ApiClient(username).get(f"/cases/{case.pk}/briefings").status_code == 200
    assert not Briefing.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"schemes": []}, "schemes"),
        ({"schemes": ["dibao", "lottery"]}, "schemes"),
        ({"briefed_on": day(1)}, "briefed_on"),
        ({"briefed_on": day(-8)}, "briefed_on"),
    ],
)
def test_it_refuses_a_bad_briefing_naming_the_field(case: Case, overrides: dict[str, Any], field: str) -> None:
    response = ApiClient("office_officer").post(f"/cases/{case.pk}/briefing", briefing_body(**overrides))
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert not Briefing.objects.exists() and not case.events.filter(action="briefing").exists()


def test_it_takes_a_briefing_a_few_days_before_the_case_was_opened(case: Case) -> None:
    # explained at the gate, a week before the formal check-in opened the case
    response = ApiClient("office_officer").post(f"/cases/{case.pk}/briefing", briefing_body(briefed_on=day(-7)))
    assert response.status_code == 201


def test_it_refuses_a_briefing_on_a_closed_case(case: Case) -> None:
    cases.close_case(case=case, reason="died", closed_on=TODAY, by=Actor(persona("office_officer")))
    assert ApiClient("office_officer").post(f"/cases/{case.pk}/briefing", briefing_body()).status_code == 409
    assert not Briefing.objects.exists()


# --- needs assessment ------------------------------------------------------------------------------------------------


def assessment_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "assessed_on": day(0),
        "income_monthly": "1000.00",
        "household_size": 2,
        "can_work": True,
        "disability": False,
        "chronic_illness": True,
        "housing": "renting",
        "has_supporter": True,
    }
    body.update(overrides)
    return body


def test_it_records_an_assessment_and_answers_its_hints(case: Case) -> None:
    office = ApiClient("office_officer")
    response = office.post(f"/cases/{case.pk}/needs-assessments", assessment_body())
    assert response.status_code == 201, response.content
    created = response.json()
    assert [h["scheme"] for h in created["hints"]] == ["dibao", "employment_aid"]
    assert created["hints"][0]["rule"].startswith("人均月收入 500.00 元，低于本地低保标准 600 元")
    row = NeedsAssessment.objects.get(pk=created["id"])
    assert str(row.income_monthly) == "1000.00" and row.chronic_illness and row.unemployed and row.age == 41
    listed = office.get(f"/cases/{case.pk}/needs-assessments").json()
    assert listed["count"] == 1
    assert listed["items"][0]["hints"] == created["hints"]
    assert listed["items"][0]["income_monthly"] == "1000.00"
    event = case.events.get(action="needs_assessment")
    assert event.data["hints"] == ["dibao", "employment_aid"]
    assert AuditEvent.objects.filter(action="case.needs_assessment", object_id=str(case.pk)).count() == 1


def test_it_takes_a_sudden_hardship_and_an_explicit_unemployed(case: Case) -> None:
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/needs-assessments",
        assessment_body(income_monthly=5000, sudden_hardship=True, unemployed=False),
    )
    assert [h["scheme"] for h in response.json()["hints"]] == ["temporary_aid"]


def test_it_answers_no_hints_when_no_rule_applies(case: Case) -> None:
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/needs-assessments", assessment_body(income_monthly="8000", can_work=False)
    )
    assert response.status_code == 201 and response.json()["hints"] == []


def test_it_refuses_assessments_to_anonymous_callers(case: Case) -> None:
    assert ApiClient().post(f"/cases/{case.pk}/needs-assessments", assessment_body()).status_code == 401
    assert ApiClient().get(f"/cases/{case.pk}/needs-assessments").status_code == 401


@pytest.mark.parametrize("username", ["other_county_officer", "other_office_officer"])
def test_it_answers_404_for_assessments_out_of_reach(case: Case, username: str) -> None:
    assert ApiClient(username).post(f"/cases/{case.pk}/needs-assessments", assessment_body()).status_code == 404
    assert ApiClient(username).get(f"/cases/{case.pk}/needs-assessments").status_code == 404


def test_it_refuses_an_assessment_by_the_managing_office_of_another_township() -> None:
    case = checked_in_case(person={"id_number": make_id_number(seq=511)})
    # office_officer_b (秦淮区) does not reach the case; city_officer reaches it but only reads
    path = f"/cases/{case.pk}/needs-assessments"
    assert ApiClient("office_officer_b").post(path, assessment_body()).status_code == 404
    assert ApiClient("city_officer").post(path, assessment_body()).status_code == 403
    assert not NeedsAssessment.objects.exists()


def test_it_hides_the_assessments_from_the_police_who_reach_the_key_target() -> None:
    case = checked_in_case(key_target=True)
    police = ApiClient("police_officer")
    assert police.get(f"/cases/{case.pk}").status_code == 200
    assert police.get(f"/cases/{case.pk}/needs-assessments").status_code == 404
    assert police.get(f"/cases/{case.pk}/briefings").status_code == 404
    assert police.post(f"/cases/{case.pk}/briefing", briefing_body()).status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"income_monthly": "-1"}, "income_monthly", 400),
        ({"income_monthly": "abc"}, "income_monthly", 400),
        ({"income_monthly": "10.001"}, "income_monthly", 400),
        ({"household_size": 0}, "household_size", 400),
        ({"housing": "castle"}, "housing", 400),
        ({"assessed_on": day(1)}, "assessed_on", 400),
        ({"assessed_on": "not a day"}, "assessed_on", 422),
        ({"can_work": None}, "can_work", 422),
    ],
)
def test_it_refuses_a_bad_assessment_naming_the_field(
    case: Case, overrides: dict[str, Any], field: str, status: int
) -> None:
    response = ApiClient("office_officer").post(f"/cases/{case.pk}/needs-assessments", assessment_body(**overrides))
    assert response.status_code == status, response.content
    assert field in response.json()["error"]["fields"]
    assert not NeedsAssessment.objects.exists() and not case.events.filter(action="needs_assessment").exists()


def test_it_refuses_an_assessment_on_a_closed_case(case: Case) -> None:
    cases.close_case(case=case, reason="died", closed_on=TODAY, by=Actor(persona("office_officer")))
    response = ApiClient("office_officer").post(f"/cases/{case.pk}/needs-assessments", assessment_body())
    assert response.status_code == 409
    assert not NeedsAssessment.objects.exists()


def test_it_documents_every_intake_operation_with_a_summary() -> None:
    schema = ApiClient().get("/openapi.json").json()
    paths = [
        ("/api/v1/release-notices/{notice_id}/education", "post"),
        ("/api/v1/release-notices/{notice_id}/education", "get"),
        ("/api/v1/cases/{case_id}/briefing", "post"),
        ("/api/v1/cases/{case_id}/briefings", "get"),
        ("/api/v1/cases/{case_id}/needs-assessments", "post"),
        ("/api/v1/cases/{case_id}/needs-assessments", "get"),
    ]
    for path, method in paths:
        assert schema["paths"][path][method]["summary"]


def test_it_refuses_an_empty_education_naming_the_courses(notice: ReleaseNotice) -> None:
    response = ApiClient("facility_liaison").post(
        f"/release-notices/{notice.pk}/education", {"courses": [], "difficulties": []}
    )
    assert response.status_code == 400 and "courses" in response.json()["error"]["fields"]
    assert not ReleaseEducation.objects.exists()


def test_it_refuses_a_course_before_the_sentence_began(notice: ReleaseNotice) -> None:
    assert notice.custody is not None
    notice.custody.sentence_start = TODAY - dt.timedelta(days=100)
    notice.custody.save(update_fields=["sentence_start"])
    body = {"courses": [{"kind": "job_seeking", "on": day(-101), "hours": 4}], "difficulties": []}
    response = ApiClient("facility_liaison").post(f"/release-notices/{notice.pk}/education", body)
    assert response.status_code == 400 and "courses.0.on" in response.json()["error"]["fields"]


def test_it_takes_difficulties_alone_each_once(notice: ReleaseNotice) -> None:
    body = {"courses": [], "difficulties": ["debt", "housing", "debt"]}
    assert ApiClient("facility_liaison").post(f"/release-notices/{notice.pk}/education", body).status_code == 200
    assert ReleaseEducation.objects.get(notice=notice).difficulties == ["debt", "housing"]
