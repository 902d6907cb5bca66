"""The aid ledger through the API (帮扶台账, issue 11 item 8): hand-outs with two-place amounts and their total as a
decimal string; zero, negative and three-place amounts refused naming ``amount``; only the managing office and its
county write it (not the volunteer, not the social worker); the volunteer does not read it either."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from anbang.testing import ApiClient, persona
from assistance.models import AidEntry
from assistance.tests.test_employment_api import days_ago, events, join_group, released_case
from cases import services as case_services
from cases.models import Case
from core.audit import Actor
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

AID = {"kind": "cash", "amount": "500.00", "purpose": "临时生活补助", "need": "income", "approved_by": "王所长"}


@pytest.fixture
def case() -> Case:
    return released_case()


def give(case: Case, username: str | None = "office_officer", **change: Any) -> Any:
    return ApiClient(username).post(f"/cases/{case.pk}/aid", {**AID, "given_on": days_ago(3), **change})


def test_it_records_a_hand_out_in_the_ledger(case: Case) -> None:
    response = give(case, amount="1250.5")
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["amount"] == "1250.50" and answer["kind"] == "cash" and answer["need"] == "income"
    assert answer["budget_line"] == ""  # no budget lines until the reports area keeps them
    entry = AidEntry.objects.get(case=case)
    assert entry.amount == Decimal("1250.50") and entry.given_on == timezone.localdate() - dt.timedelta(days=3)
    assert entry.approved_by == "王所长" and entry.recorded_by == persona("office_officer")
    [event] = events(case, "aid")
    assert event.data["aid"] == entry.pk
    assert AuditEvent.objects.filter(action="case.aid", object_id=str(case.pk)).exists()


def test_it_keeps_the_amount_off_the_timeline_that_the_volunteer_reads(case: Case) -> None:
    give(case, amount="777.77")
    [event] = events(case, "aid")
    assert "777.77" not in str(event.data) and "amount" not in event.data


def test_it_lists_the_ledger_latest_first_with_the_count_and_the_total_as_a_decimal_string(case: Case) -> None:
    give(case, amount="1000", given_on=days_ago(20))
    give(case, kind="voucher", amount=200.5, given_on=days_ago(2))
    give(case, kind="in_kind", amount="49.50", given_on=days_ago(10), purpose="棉被两床")
    body = ApiClient("office_officer").get(f"/cases/{case.pk}/aid").json()
    assert body["count"] == 3 and body["total"] == "1250.00"
    assert [item["amount"] for item in body["items"]] == ["200.50", "49.50", "1000.00"]
    page = ApiClient("office_officer").get(f"/cases/{case.pk}/aid", limit=1, offset=1).json()
    assert [item["amount"] for item in page["items"]] == ["49.50"]
    assert page["count"] == 3 and page["total"] == "1250.00"  # the total is of the whole ledger


def test_it_answers_a_total_of_zero_for_an_empty_ledger(case: Case) -> None:
    assert ApiClient("office_officer").get(f"/cases/{case.pk}/aid").json() == {"items": [], "count": 0, "total": "0.00"}


@pytest.mark.parametrize("amount", ["0", "0.00", "-5", -0.01, "12.345", 0.001])
def test_it_refuses_an_amount_not_above_zero_or_with_more_than_two_places(case: Case, amount: Any) -> None:
    response = give(case, amount=amount)
    assert response.status_code == 400, response.json()
    assert "amount" in response.json()["error"]["fields"]
    assert not AidEntry.objects.exists() and not events(case, "aid")


@pytest.mark.parametrize("amount", ["abc", "", None, "NaN"])
def test_it_refuses_an_amount_that_is_not_a_number(case: Case, amount: Any) -> None:
    response = give(case, amount=amount)
    assert response.status_code == 422 and "amount" in response.json()["error"]["fields"]
    assert not AidEntry.objects.exists()


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"given_on": "__future__"}, 400, "given_on"),
        ({"given_on": "__before_release__"}, 400, "given_on"),
        ({"purpose": " "}, 400, "purpose"),
        ({"purpose": "x" * 201}, 400, "purpose"),
        ({"approved_by": "x" * 65}, 400, "approved_by"),
        ({"kind": "gold"}, 422, "kind"),
        ({"need": "boredom"}, 422, "need"),
    ],
)
def test_it_refuses_a_bad_hand_out_naming_the_field(
    case: Case, change: dict[str, Any], status: int, field: str
) -> None:
    days = {"__future__": days_ago(-1), "__before_release__": days_ago(101)}
    response = give(case, **{k: days.get(v, v) for k, v in change.items()})
    assert response.status_code == status, response.json()
    assert field in response.json()["error"]["fields"]
    assert not AidEntry.objects.exists() and not events(case, "aid")


@pytest.mark.parametrize(
    ("username", "status"),
    [
        (None, 401),
        ("other_county_officer", 404),
        ("other_office_officer", 404),
        ("city_officer", 403),
        ("social_worker", 403),
        ("volunteer", 403),
    ],
)
def test_it_refuses_ledger_entries_to_all_but_the_office_and_its_county(
    case: Case, username: str | None, status: int
) -> None:
    join_group(case, "social_worker")
    join_group(case, "volunteer")
    assert give(case, username).status_code == status
    assert not AidEntry.objects.exists()


def test_it_lets_the_county_write_the_ledger(case: Case) -> None:
    assert give(case, "county_officer").status_code == 201


def test_it_refuses_a_hand_out_on_a_closed_case(case: Case) -> None:
    case_services.close_case(
        case=case, reason="died", closed_on=timezone.localdate(), by=Actor(persona("office_officer"))
    )
    assert give(case).status_code == 409
    assert not AidEntry.objects.exists()


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("office_colleague", 200),
        ("county_officer", 200),
        ("city_officer", 200),
        ("social_worker", 200),
        ("volunteer", 403),
        ("other_county_officer", 404),
        (None, 401),
    ],
)
def test_it_shows_the_ledger_to_the_officers_and_the_social_worker_but_not_the_volunteer(
    case: Case, username: str | None, status: int
) -> None:
    join_group(case, "social_worker")
    join_group(case, "volunteer")
    give(case)
    assert ApiClient(username).get(f"/cases/{case.pk}/aid").status_code == status


@pytest.mark.parametrize(
    ("query", "field"), [({"limit": 0}, "limit"), ({"limit": 501}, "limit"), ({"offset": -1}, "offset")]
)
def test_it_refuses_a_bad_page_of_the_ledger(case: Case, query: dict[str, int], field: str) -> None:
    response = ApiClient("office_officer").get(f"/cases/{case.pk}/aid", **query)
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
