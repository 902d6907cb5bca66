"""Employment support through the API (issue 11 items 6 and 7): the profile with the pension record, the services
given, the placements that set the settlement to employed and their end, and the case's employment part with its
insurance-continuity referrals. Each operation: done, anonymous 401, another county 404, a role that reads but may
not write 403, bad input naming the field with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from anbang.testing import ApiClient, checked_in_case, make_id_number, persona
from assistance.models import EmploymentProfile, EmploymentService, Placement, Referral
from cases import services as case_services
from cases.models import Case, CaseEvent
from core.audit import Actor
from core.models import AuditEvent
from directory.models import Organisation

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
VALID_USCC = "91110000600037341L"


def days_ago(n: int) -> str:
    return (TODAY() - dt.timedelta(days=n)).isoformat()


def released_case(*, released: int = 100, opened: int = 90, **overrides: Any) -> Case:
    """A case of office_officer whose person left prison ``released`` days ago and checked in ``opened`` days ago."""
    case: Case = checked_in_case(**overrides)
    assert case.notice is not None
    case.notice.released_on = TODAY() - dt.timedelta(days=released)
    case.notice.save(update_fields=["released_on"])
    case.opened_on = TODAY() - dt.timedelta(days=opened)
    case.save(update_fields=["opened_on"])
    return case


def join_group(case: Case, username: str) -> None:
    case_services.add_group_member(
        case=case, part=persona(username).role, name="", username=username, by=Actor(persona("office_officer"))
    )


def events(case: Case, action: str) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, action=action))


@pytest.fixture
def case() -> Case:
    return released_case()


# --- the profile ------------------------------------------------------------------------------------------------------

PROFILE = {
    "skills": ["叉车操作", "电焊"],
    "certificates": ["焊工职业资格证书（服刑期间培训取得）"],
    "schooling": "junior",
    "wish": "希望从事物流工作",
    "pension_scheme": "employee",
    "pension_years_before": 8,
    "pension_resumed_on": None,
    "retired": False,
}


def test_it_records_the_employment_profile_with_the_pension_record(case: Case) -> None:
    body = {**PROFILE, "pension_resumed_on": days_ago(30)}
    response = ApiClient("office_officer").client.put(
        f"/api/v1/cases/{case.pk}/employment/profile",
        body,
        content_type="application/json",
        headers=ApiClient("office_officer").headers,
    )
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["skills"] == ["叉车操作", "电焊"]
    assert answer["pension_scheme"] == "employee" and answer["pension_years_before"] == 8
    assert answer["pension_resumed_on"] == days_ago(30)
    profile = EmploymentProfile.objects.get(case=case)
    assert profile.schooling == "junior" and profile.updated_by == persona("office_officer")
    [event] = events(case, "employment_profile")
    assert event.data["pension_scheme"] == "employee"
    assert AuditEvent.objects.filter(action="case.employment_profile", object_id=str(case.pk)).exists()


def put(username: str | None, case_id: int, body: dict[str, Any]) -> Any:
    client = ApiClient(username)
    return client.client.put(
        f"/api/v1/cases/{case_id}/employment/profile", body, content_type="application/json", headers=client.headers
    )


def test_it_replaces_the_profile_whole_on_a_second_put(case: Case) -> None:
    assert put("office_officer", case.pk, PROFILE).status_code == 201
    response = put(
        "office_officer", case.pk, {"wish": "保洁", "retired": True, "pension_payment_resumed_on": days_ago(5)}
    )
    assert response.status_code == 200
    profile = EmploymentProfile.objects.get(case=case)
    assert profile.skills == [] and profile.wish == "保洁" and profile.pension_scheme == ""
    assert profile.retired and profile.pension_payment_resumed_on == TODAY() - dt.timedelta(days=5)
    assert len(events(case, "employment_profile")) == 2


def test_it_lets_the_groups_social_worker_record_the_profile_but_not_the_volunteer(case: Case) -> None:
    join_group(case, "social_worker")
    join_group(case, "volunteer")
    assert put("social_worker", case.pk, PROFILE).status_code == 201
    assert put("volunteer", case.pk, PROFILE).status_code == 403


@pytest.mark.parametrize(
    ("username", "status"),
    [(None, 401), ("other_county_officer", 404), ("other_office_officer", 404), ("city_officer", 403)],
)
def test_it_refuses_the_profile_to_those_who_may_not_write_it(case: Case, username: str | None, status: int) -> None:
    assert put(username, case.pk, PROFILE).status_code == status
    assert not EmploymentProfile.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pension_payment_resumed_on": "__recent__"}, "pension_payment_resumed_on"),  # not retired
        ({"pension_resumed_on": "__before_release__"}, "pension_resumed_on"),
        ({"pension_resumed_on": "__future__"}, "pension_resumed_on"),
        ({"pension_scheme": "none", "pension_years_before": 5}, "pension_years_before"),
        ({"pension_years_before": 61}, "pension_years_before"),
        ({"skills": ["x" * 65]}, "skills"),
    ],
)
def test_it_refuses_a_bad_profile_naming_the_field(case: Case, change: dict[str, Any], field: str) -> None:
    days = {"__recent__": days_ago(5), "__before_release__": days_ago(101), "__future__": days_ago(-1)}
    body = {
        **PROFILE,
        **{key: days.get(value, value) if isinstance(value, str) else value for key, value in change.items()},
    }
    response = put("office_officer", case.pk, body)
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert not EmploymentProfile.objects.exists() and not events(case, "employment_profile")


def test_it_refuses_an_unknown_schooling_naming_it(case: Case) -> None:
    response = put("office_officer", case.pk, {**PROFILE, "schooling": "phd"})
    assert response.status_code == 422 and "schooling" in response.json()["error"]["fields"]


# --- services ---------------------------------------------------------------------------------------------------------


def test_it_records_an_employment_service_on_the_timeline(case: Case) -> None:
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/employment/services",
        {"kind": "job_referral", "on": days_ago(3), "provider": "玄武区公共就业服务中心", "detail": "推荐物流岗位"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "job_referral" and response.json()["on"] == days_ago(3)
    service = EmploymentService.objects.get(case=case)
    assert service.given_on == TODAY() - dt.timedelta(days=3) and service.provider == "玄武区公共就业服务中心"
    [event] = events(case, "employment_service")
    assert event.data["kind"] == "job_referral"


def test_it_records_a_training_with_its_course_hours_and_certificate(case: Case) -> None:
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/employment/services",
        {"kind": "training", "on": days_ago(10), "course": "中式烹调", "hours": 80, "certificate": "中式烹调师五级"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["hours"] == "80.0"
    assert EmploymentService.objects.get(case=case).course == "中式烹调"


def test_it_needs_a_course_for_a_training(case: Case) -> None:
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/employment/services", {"kind": "training", "on": days_ago(10)}
    )
    assert response.status_code == 400 and "course" in response.json()["error"]["fields"]


def test_it_records_a_startup_loan_of_three_years(case: Case) -> None:
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/employment/services",
        {
            "kind": "startup_loan",
            "on": days_ago(1),
            "bank": "南京银行",
            "loan_amount": "150000",
            "loan_term_months": 36,
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["loan_amount"] == "150000.00" and response.json()["loan_term_months"] == 36


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"loan_term_months": 37}, "loan_term_months"),
        ({"loan_term_months": 0}, "loan_term_months"),
        ({"loan_term_months": None}, "loan_term_months"),
        ({"loan_amount": "0"}, "loan_amount"),
        ({"loan_amount": "-100"}, "loan_amount"),
        ({"loan_amount": "100.001"}, "loan_amount"),
        ({"bank": ""}, "bank"),
        ({"on": "__future__"}, "on"),
        ({"on": "__before_release__"}, "on"),
        ({"kind": "guidance"}, "bank"),  # the loan's fields belong to a loan
    ],
)
def test_it_refuses_a_bad_startup_loan_naming_the_field(case: Case, change: dict[str, Any], field: str) -> None:
    body: dict[str, Any] = {
        "kind": "startup_loan",
        "on": days_ago(1),
        "bank": "南京银行",
        "loan_amount": "50000",
        "loan_term_months": 24,
    }
    days = {"__future__": days_ago(-1), "__before_release__": days_ago(101)}
    body.update({key: days.get(value, value) if isinstance(value, str) else value for key, value in change.items()})
    response = ApiClient("office_officer").post(f"/cases/{case.pk}/employment/services", body)
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert not EmploymentService.objects.exists() and not events(case, "employment_service")


def test_it_takes_the_day_the_case_opened_as_the_release_of_a_case_without_a_release_date() -> None:
    case = released_case(released=100, opened=40)
    assert case.notice is not None
    case.notice.released_on = None
    case.notice.save(update_fields=["released_on"])
    client = ApiClient("office_officer")
    early = client.post(f"/cases/{case.pk}/employment/services", {"kind": "guidance", "on": days_ago(41)})
    assert early.status_code == 400 and "on" in early.json()["error"]["fields"]
    assert (
        client.post(f"/cases/{case.pk}/employment/services", {"kind": "guidance", "on": days_ago(40)}).status_code
        == 201
    )


def test_it_refuses_an_unknown_service_kind_naming_it(case: Case) -> None:
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/employment/services", {"kind": "lottery", "on": days_ago(1)}
    )
    assert response.status_code == 422 and "kind" in response.json()["error"]["fields"]


def test_it_lets_the_groups_social_worker_record_a_service_but_not_the_volunteer(case: Case) -> None:
    join_group(case, "social_worker")
    join_group(case, "volunteer")
    body = {"kind": "guidance", "on": days_ago(1)}
    assert ApiClient("social_worker").post(f"/cases/{case.pk}/employment/services", body).status_code == 201
    assert ApiClient("volunteer").post(f"/cases/{case.pk}/employment/services", body).status_code == 403
    assert EmploymentService.objects.count() == 1


@pytest.mark.parametrize(
    ("username", "status"), [(None, 401), ("other_county_officer", 404), ("social_worker", 404), ("city_officer", 403)]
)
def test_it_refuses_a_service_to_those_who_may_not_record_it(case: Case, username: str | None, status: int) -> None:
    body = {"kind": "guidance", "on": days_ago(1)}
    assert ApiClient(username).post(f"/cases/{case.pk}/employment/services", body).status_code == status
    assert not EmploymentService.objects.exists()


def test_it_refuses_a_service_on_a_closed_case(case: Case) -> None:
    case_services.close_case(case=case, reason="died", closed_on=TODAY(), by=Actor(persona("office_officer")))
    response = ApiClient("office_officer").post(
        f"/cases/{case.pk}/employment/services", {"kind": "guidance", "on": days_ago(1)}
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "case_closed"


# --- placements -------------------------------------------------------------------------------------------------------

PLACEMENT = {
    "employer": "南京某物流有限公司",
    "employer_credit_code": VALID_USCC,
    "job": "仓库分拣员",
    "contract_months": 12,
    "social_insurance": True,
}


def place(case: Case, username: str | None = "office_officer", **change: Any) -> Any:
    body = {**PLACEMENT, "started_on": days_ago(20), **change}
    return ApiClient(username).post(f"/cases/{case.pk}/employment/placements", body)


def test_it_records_a_placement_and_sets_the_settlement_to_employed(case: Case) -> None:
    response = place(case)
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["employer_credit_code"] == VALID_USCC and answer["in_force"] is True
    assert answer["settlement"] == {"status": "employed", "since": days_ago(20)}
    assert answer["settlement_changed"] is True
    case.refresh_from_db()
    assert case.settlement_status == "employed" and case.settlement_since == TODAY() - dt.timedelta(days=20)
    assert case.settlements.get().detail == "南京某物流有限公司 仓库分拣员"
    [event] = events(case, "placement")
    assert event.data["employer"] == "南京某物流有限公司"
    assert len(events(case, "settlement")) == 1


def test_it_leaves_an_employed_case_employed_on_a_second_placement(case: Case) -> None:
    place(case)
    response = place(case, employer="另一家公司", employer_credit_code="", started_on=days_ago(5))
    assert response.status_code == 201
    assert response.json()["settlement_changed"] is False
    assert len(events(case, "settlement")) == 1 and Placement.objects.count() == 2


def test_it_refuses_a_placement_starting_before_release_naming_started_on(case: Case) -> None:
    response = place(case, started_on=days_ago(101))
    assert response.status_code == 400
    assert "started_on" in response.json()["error"]["fields"]
    case.refresh_from_db()
    assert not Placement.objects.exists() and case.settlement_status == ""
    assert not events(case, "placement") and not events(case, "settlement")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"employer_credit_code": "91110000600037341X"}, "employer_credit_code"),
        ({"employer_credit_code": "1234"}, "employer_credit_code"),
        ({"started_on": "__future__"}, "started_on"),
        ({"contract_months": -1}, "contract_months"),
        ({"contract_months": 121}, "contract_months"),
        ({"employer": "  "}, "employer"),
        ({"job": ""}, "job"),
    ],
)
def test_it_refuses_a_bad_placement_naming_the_field(case: Case, change: dict[str, Any], field: str) -> None:
    if change.get("started_on") == "__future__":
        change = {"started_on": days_ago(-1)}
    response = place(case, **change)
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert not Placement.objects.exists() and not events(case, "placement")


def test_it_keeps_a_credit_code_compact_and_upper_case(case: Case) -> None:
    assert place(case, employer_credit_code=" 91110000600037341l ").status_code == 201
    assert Placement.objects.get().employer_credit_code == VALID_USCC


@pytest.mark.parametrize(
    ("username", "status"),
    [(None, 401), ("other_county_officer", 404), ("city_officer", 403), ("social_worker", 403), ("volunteer", 403)],
)
def test_it_refuses_a_placement_to_those_who_may_not_manage(case: Case, username: str | None, status: int) -> None:
    join_group(case, "social_worker")
    join_group(case, "volunteer")
    assert place(case, username).status_code == status
    assert not Placement.objects.exists()


def test_it_lets_the_county_record_a_placement(case: Case) -> None:
    assert place(case, "county_officer").status_code == 201


def end(case: Case, placement_id: int, username: str | None = "office_officer", **change: Any) -> Any:
    body = {"ended_on": days_ago(2), "reason": "合同到期未续签", **change}
    return ApiClient(username).post(f"/cases/{case.pk}/employment/placements/{placement_id}/end", body)


def test_it_ends_a_placement_and_leaves_the_settlement_to_the_officer(case: Case) -> None:
    placement_id = place(case).json()["id"]
    response = end(case, placement_id)
    assert response.status_code == 200, response.json()
    assert response.json()["ended_on"] == days_ago(2) and response.json()["in_force"] is False
    assert response.json()["end_reason"] == "合同到期未续签"
    case.refresh_from_db()
    assert case.settlement_status == "employed"
    [event] = events(case, "placement_ended")
    assert event.note == "合同到期未续签" and event.data["placement"] == placement_id


def test_it_refuses_to_end_a_placement_twice(case: Case) -> None:
    placement_id = place(case).json()["id"]
    assert end(case, placement_id).status_code == 200
    response = end(case, placement_id)
    assert response.status_code == 409
    assert len(events(case, "placement_ended")) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ended_on": "__before_start__"}, "ended_on"),
        ({"ended_on": "__future__"}, "ended_on"),
        ({"reason": ""}, "reason"),
    ],
)
def test_it_refuses_a_bad_end_naming_the_field(case: Case, change: dict[str, Any], field: str) -> None:
    placement_id = place(case).json()["id"]
    days = {"__before_start__": days_ago(21), "__future__": days_ago(-1)}
    response = end(case, placement_id, **{k: days.get(v, v) for k, v in change.items()})
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert Placement.objects.get().ended_on is None and not events(case, "placement_ended")


def test_it_answers_404_for_a_placement_of_another_case(case: Case) -> None:
    other = released_case(
        person={"name": "李另一", "id_number": make_id_number("19800101", seq=456), "birth_date": "1980-01-01"}
    )
    placement_id = place(other).json()["id"]
    assert end(case, placement_id).status_code == 404
    assert end(case, 999_999).status_code == 404
    assert Placement.objects.get().ended_on is None


@pytest.mark.parametrize(
    ("username", "status"), [(None, 401), ("other_county_officer", 404), ("city_officer", 403), ("volunteer", 403)]
)
def test_it_refuses_to_end_a_placement_for_those_who_may_not(case: Case, username: str | None, status: int) -> None:
    join_group(case, "volunteer")
    placement_id = place(case).json()["id"]
    assert end(case, placement_id, username).status_code == status
    assert Placement.objects.get().ended_on is None


# --- the case's employment part ---------------------------------------------------------------------------------------


def referral(case: Case, scheme: str, *, to: str = "hr_social_security") -> Referral:
    return Referral.objects.create(
        case=case,
        scheme=scheme,
        from_office=case.managing_office,
        to_organisation=Organisation.objects.get(kind=to, region__code="320102000000"),
        reason="入狱前已缴费 8 年",
        submitted_on=TODAY() - dt.timedelta(days=10),
        respond_by=TODAY() + dt.timedelta(days=10),
        created_by=persona("office_officer"),
    )


def test_it_shows_the_employment_part_with_current_placements_first_and_the_insurance_referrals(case: Case) -> None:
    put("office_officer", case.pk, PROFILE)
    client = ApiClient("office_officer")
    client.post(f"/cases/{case.pk}/employment/services", {"kind": "guidance", "on": days_ago(9)})
    client.post(f"/cases/{case.pk}/employment/services", {"kind": "job_referral", "on": days_ago(3)})
    old = place(case, started_on=days_ago(60)).json()["id"]
    end(case, old, ended_on=days_ago(30))
    current = place(case, employer="第二家公司", employer_credit_code="", started_on=days_ago(10)).json()["id"]
    pension = referral(case, "pension_continuation")
    referral(case, "dibao", to="civil_affairs")
    response = client.get(f"/cases/{case.pk}/employment")
    assert response.status_code == 200
    body = response.json()
    assert body["profile"]["schooling"] == "junior"
    assert [s["kind"] for s in body["services"]] == ["job_referral", "guidance"]
    assert [p["id"] for p in body["placements"]] == [current, old]
    assert [r["id"] for r in body["insurance_referrals"]] == [pension.pk]
    assert body["insurance_referrals"][0]["to"]["code"] == pension.to_organisation.code


def test_it_answers_an_empty_employment_part_for_a_new_case(case: Case) -> None:
    body = ApiClient("office_officer").get(f"/cases/{case.pk}/employment").json()
    assert body == {"profile": None, "services": [], "placements": [], "insurance_referrals": []}


def test_it_lets_the_groups_volunteer_read_the_employment_part(case: Case) -> None:
    join_group(case, "volunteer")
    assert ApiClient("volunteer").get(f"/cases/{case.pk}/employment").status_code == 200


@pytest.mark.parametrize(
    ("username", "status"), [(None, 401), ("other_county_officer", 404), ("police_officer", 404), ("volunteer", 404)]
)
def test_it_hides_the_employment_part_from_those_outside_it(username: str | None, status: int) -> None:
    case = released_case(key_target=True)  # the police reach key targets, not their assistance
    assert ApiClient(username).get(f"/cases/{case.pk}/employment").status_code == status


def test_it_documents_every_operation_with_a_summary() -> None:
    schema = ApiClient().get("/openapi.json").json()
    paths = {path: ops for path, ops in schema["paths"].items() if "/employment" in path or path.endswith("/aid")}
    assert len(paths) == 6  # GET and POST /aid share a path
    for ops in paths.values():
        for op in ops.values():
            assert op["summary"]
