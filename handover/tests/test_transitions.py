"""verify, route, withdraw, release, check-in and backfill through the API (STYLE.md 11 checklist)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from anbang.testing import ApiClient, make_id_number, persona, send_notice
from cases.models import Case
from core.audit import Actor
from handover import services
from handover.models import Alert, ReleaseNotice

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def iso(day: dt.date) -> str:
    return day.isoformat()


def released_notice(**overrides: Any) -> ReleaseNotice:
    notice = send_notice(**overrides)
    services.verify_notice(notice=notice, result="confirmed", by=Actor(persona("office_officer")))
    services.record_release(notice=notice, released_on=TODAY(), escort=None, by=Actor(persona("facility_liaison")))
    notice.refresh_from_db()
    return notice


# --- verify ----------------------------------------------------------------------------------------------------------


def test_it_lets_the_receiving_office_confirm() -> None:
    notice = send_notice()
    response = ApiClient("office_officer").post(f"/release-notices/{notice.pk}/verify", {"result": "confirmed"})
    assert response.status_code == 200
    assert response.json()["status"] == "verified"
    assert response.json()["verification_result"] == "confirmed"


def test_it_lets_a_colleague_in_the_same_office_confirm() -> None:
    notice = send_notice()
    response = ApiClient("office_colleague").post(f"/release-notices/{notice.pk}/verify", {"result": "confirmed"})
    assert response.status_code == 200


def test_it_returns_a_notice_up_to_the_county_when_not_ours() -> None:
    notice = send_notice()
    response = ApiClient("office_officer").post(
        f"/release-notices/{notice.pk}/verify", {"result": "not_ours", "note": "查无此人"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "returned"
    assert body["receiving_office"]["code"] == "SFJ320102"
    # the office no longer reaches it; the county does
    assert ApiClient("office_officer").get(f"/release-notices/{notice.pk}").status_code == 404
    assert ApiClient("county_officer").get(f"/release-notices/{notice.pk}").status_code == 200


def test_it_asks_why_a_notice_goes_back() -> None:
    notice = send_notice()
    response = ApiClient("office_officer").post(f"/release-notices/{notice.pk}/verify", {"result": "not_ours"})
    assert response.status_code == 400
    assert "note" in response.json()["error"]["fields"]
    notice.refresh_from_db()
    assert notice.status == "awaiting_verification"


def test_it_hides_a_notice_from_another_county_as_not_found() -> None:
    notice = send_notice()
    for username in ["other_county_officer", "other_office_officer", "office_officer_b"]:
        client = ApiClient(username)
        assert client.get(f"/release-notices/{notice.pk}").status_code == 404, username
        response = client.post(f"/release-notices/{notice.pk}/verify", {"result": "confirmed"})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_it_refuses_verification_to_a_city_officer_who_only_reads() -> None:
    notice = send_notice()
    client = ApiClient("city_officer")
    assert client.get(f"/release-notices/{notice.pk}").status_code == 200
    assert client.post(f"/release-notices/{notice.pk}/verify", {"result": "confirmed"}).status_code == 403


@pytest.mark.parametrize("username", ["volunteer", "social_worker", "partner_officer", "police_officer"])
def test_it_hides_notices_from_roles_they_are_not_addressed_to(username: str) -> None:
    notice = send_notice()
    assert ApiClient(username).get(f"/release-notices/{notice.pk}").status_code == 404
    assert ApiClient(username).get("/release-notices").json()["count"] == 0


def test_it_refuses_anonymous_verification() -> None:
    notice = send_notice()
    assert ApiClient().post(f"/release-notices/{notice.pk}/verify", {"result": "confirmed"}).status_code == 401


def test_it_refuses_verifying_twice() -> None:
    notice = send_notice()
    office = ApiClient("office_officer")
    assert office.post(f"/release-notices/{notice.pk}/verify", {"result": "confirmed"}).status_code == 200
    again = office.post(f"/release-notices/{notice.pk}/verify", {"result": "confirmed"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_transition"


def test_it_names_an_unknown_result() -> None:
    notice = send_notice()
    response = ApiClient("office_officer").post(f"/release-notices/{notice.pk}/verify", {"result": "maybe"})
    assert response.status_code == 422
    assert "result" in response.json()["error"]["fields"]


# --- route -----------------------------------------------------------------------------------------------------------


def returned_notice() -> ReleaseNotice:
    notice = send_notice()
    services.verify_notice(notice=notice, result="not_ours", note="户籍在二街道", by=Actor(persona("office_officer")))
    return notice


def test_it_lets_the_county_route_a_returned_notice() -> None:
    notice = returned_notice()
    response = ApiClient("county_officer").post(f"/release-notices/{notice.pk}/route", {"office": "SFS320102002"})
    assert response.status_code == 200
    assert response.json()["status"] == "awaiting_verification"
    assert response.json()["receiving_office"]["code"] == "SFS320102002"
    assert [h["action"] for h in response.json()["history"]] == ["sent", "returned", "routed"]


def test_it_lets_the_city_route_across_its_counties() -> None:
    notice = returned_notice()
    response = ApiClient("city_officer").post(f"/release-notices/{notice.pk}/route", {"office": "SFS320104001"})
    assert response.status_code == 200
    assert response.json()["receiving_office"]["code"] == "SFS320104001"


def test_it_refuses_routing_outside_the_county() -> None:
    notice = returned_notice()
    response = ApiClient("county_officer").post(f"/release-notices/{notice.pk}/route", {"office": "SFS320104001"})
    assert response.status_code == 400
    assert "office" in response.json()["error"]["fields"]


def test_it_refuses_routing_a_notice_that_was_not_returned() -> None:
    notice = send_notice()
    response = ApiClient("county_officer").post(f"/release-notices/{notice.pk}/route", {"office": "SFS320102002"})
    assert response.status_code == 409


def test_it_refuses_routing_to_an_office_officer() -> None:
    notice = returned_notice()
    response = ApiClient("office_officer").post(f"/release-notices/{notice.pk}/route", {"office": "SFS320102002"})
    assert response.status_code == 404  # the returned notice now sits with the county, out of the office's reach


def test_it_names_an_unknown_office() -> None:
    notice = returned_notice()
    response = ApiClient("county_officer").post(f"/release-notices/{notice.pk}/route", {"office": "NOPE"})
    assert response.status_code == 400
    assert "office" in response.json()["error"]["fields"]


# --- withdraw --------------------------------------------------------------------------------------------------------


def test_it_lets_the_facility_withdraw_before_release() -> None:
    notice = send_notice()
    response = ApiClient("facility_liaison").post(f"/release-notices/{notice.pk}/withdraw", {"reason": "减刑调整"})
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


def test_it_refuses_withdrawal_after_release() -> None:
    notice = released_notice()
    response = ApiClient("facility_liaison").post(f"/release-notices/{notice.pk}/withdraw", {"reason": "x"})
    assert response.status_code == 409


def test_it_refuses_withdrawal_by_the_office() -> None:
    notice = send_notice()
    response = ApiClient("office_officer").post(f"/release-notices/{notice.pk}/withdraw", {"reason": "x"})
    assert response.status_code == 403


# --- release ---------------------------------------------------------------------------------------------------------


def test_it_records_a_release_with_its_escort() -> None:
    notice = send_notice(key_target=True, key_target_reasons=["暴力犯罪"])
    services.verify_notice(notice=notice, result="confirmed", by=Actor(persona("office_officer")))
    response = ApiClient("facility_liaison").post(
        f"/release-notices/{notice.pk}/release",
        {
            "released_on": iso(TODAY()),
            "escort": {"escorted": True, "staff": ["李干部"], "family": ["张母"], "vehicle": "苏A00001"},
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "released"
    assert body["escort"] == {"escorted": True, "staff": ["李干部"], "family": ["张母"], "vehicle": "苏A00001"}
    assert not Alert.objects.filter(notice=notice).exists()


def test_it_records_a_release_before_verification_and_alerts_office_and_county() -> None:
    notice = send_notice()
    response = ApiClient("facility_liaison").post(
        f"/release-notices/{notice.pk}/release", {"released_on": iso(TODAY())}
    )
    assert response.status_code == 200
    alert = Alert.objects.get(notice=notice, kind="released_unverified")
    office_alerts = ApiClient("office_officer").get("/alerts").json()
    county_alerts = ApiClient("county_officer").get("/alerts").json()
    assert alert.pk in [a["id"] for a in office_alerts["items"]]
    assert alert.pk in [a["id"] for a in county_alerts["items"]]
    assert ApiClient("other_county_officer").get("/alerts").json()["count"] == 0


def test_it_alerts_when_a_key_target_leaves_without_an_escort() -> None:
    notice = send_notice(key_target=True, key_target_reasons=["涉毒"])
    ApiClient("facility_liaison").post(f"/release-notices/{notice.pk}/release", {"released_on": iso(TODAY())})
    assert Alert.objects.filter(notice=notice, kind="key_target_no_escort").exists()


def test_it_refuses_a_release_in_the_future() -> None:
    notice = send_notice()
    response = ApiClient("facility_liaison").post(
        f"/release-notices/{notice.pk}/release", {"released_on": iso(TODAY() + dt.timedelta(days=1))}
    )
    assert response.status_code == 400
    assert "released_on" in response.json()["error"]["fields"]


def test_it_asks_who_came_for_an_escorted_release() -> None:
    notice = send_notice()
    response = ApiClient("facility_liaison").post(
        f"/release-notices/{notice.pk}/release",
        {
            "released_on": iso(TODAY()),
            "escort": {"escorted": True},
        },
    )
    assert response.status_code == 400
    assert "escort.staff" in response.json()["error"]["fields"]


def test_it_refuses_a_second_release() -> None:
    notice = released_notice()
    response = ApiClient("facility_liaison").post(
        f"/release-notices/{notice.pk}/release", {"released_on": iso(TODAY())}
    )
    assert response.status_code == 409


def test_it_refuses_a_release_by_the_office() -> None:
    notice = send_notice()
    response = ApiClient("office_officer").post(f"/release-notices/{notice.pk}/release", {"released_on": iso(TODAY())})
    assert response.status_code == 403


# --- check-in --------------------------------------------------------------------------------------------------------


def test_it_opens_a_case_at_check_in() -> None:
    notice = released_notice(key_target=True, key_target_reasons=["x"])
    response = ApiClient("office_officer").post(
        f"/release-notices/{notice.pk}/check-in", {"checked_in_on": iso(TODAY()), "method": "self_reported"}
    )
    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["case_id"])
    assert case.person_id == notice.person_id
    assert case.managing_office.code == "SFS320102001"
    assert case.level == "key"
    assert Alert.objects.filter(notice=notice, resolved_on__isnull=True).count() == 0


def test_it_refuses_check_in_before_release() -> None:
    notice = send_notice()
    response = ApiClient("office_officer").post(
        f"/release-notices/{notice.pk}/check-in", {"checked_in_on": iso(TODAY()), "method": "self_reported"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_released"


def test_it_refuses_a_check_in_dated_before_the_release() -> None:
    notice = released_notice()
    response = ApiClient("office_officer").post(
        f"/release-notices/{notice.pk}/check-in",
        {"checked_in_on": iso(TODAY() - dt.timedelta(days=1)), "method": "self_reported"},
    )
    assert response.status_code == 400
    assert "checked_in_on" in response.json()["error"]["fields"]
    assert not Case.objects.exists()


def test_it_refuses_a_second_check_in() -> None:
    notice = released_notice()
    office = ApiClient("office_officer")
    body = {"checked_in_on": iso(TODAY()), "method": "self_reported"}
    assert office.post(f"/release-notices/{notice.pk}/check-in", body).status_code == 201
    assert office.post(f"/release-notices/{notice.pk}/check-in", body).status_code == 409
    assert Case.objects.count() == 1


def test_it_takes_a_late_check_in_and_keeps_the_missed_intake() -> None:
    notice = released_notice()
    ReleaseNotice.objects.filter(pk=notice.pk).update(
        released_on=TODAY() - dt.timedelta(days=40), check_in_by=TODAY() - dt.timedelta(days=10)
    )
    services.scan_deadlines(as_of=TODAY())
    notice.refresh_from_db()
    assert notice.status == "missed"
    response = ApiClient("office_officer").post(
        f"/release-notices/{notice.pk}/check-in", {"checked_in_on": iso(TODAY()), "method": "family_accompanied"}
    )
    assert response.status_code == 201
    detail = ApiClient("office_officer").get(f"/release-notices/{notice.pk}").json()
    assert detail["status"] == "handed_over"
    assert detail["missed"] is True


# --- backfill --------------------------------------------------------------------------------------------------------


def backfill_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "person": {
            "name": "李补录",
            "gender": "female",
            "id_number": make_id_number("19900505", seq=42, male=False),
            "hukou_region": "320102001000",
        },
        "released_on": iso(TODAY() - dt.timedelta(days=5)),
        "checked_in_on": iso(TODAY()),
        "method": "self_reported",
        "facility_name": "外省某监狱",
        "offence": "诈骗罪",
    }
    body.update(changes)
    return body


def test_it_lets_an_office_backfill_a_person_who_came_without_notice() -> None:
    response = ApiClient("office_officer").post("/release-notices/backfill", backfill_body())
    assert response.status_code == 201, response.json()
    detail = ApiClient("office_officer").get(f"/release-notices/{response.json()['notice_id']}").json()
    assert detail["status"] == "handed_over"
    assert detail["backfilled"] is True
    assert detail["facility"] is None
    assert Case.objects.get(pk=response.json()["case_id"]).managing_office.code == "SFS320102001"


def test_it_refuses_backfill_by_a_facility() -> None:
    assert ApiClient("facility_liaison").post("/release-notices/backfill", backfill_body()).status_code == 403


def test_it_names_a_bad_backfill_date() -> None:
    body = backfill_body(checked_in_on=iso(TODAY() - dt.timedelta(days=9)))
    response = ApiClient("office_officer").post("/release-notices/backfill", body)
    assert response.status_code == 400
    assert "checked_in_on" in response.json()["error"]["fields"]
    assert not Case.objects.exists()


# --- lists -----------------------------------------------------------------------------------------------------------


def test_it_lists_notices_by_status_within_reach() -> None:
    first = send_notice()
    second = send_notice(person={"id_number": make_id_number(seq=300), "hukou_region": "320104001000"})
    services.verify_notice(notice=first, result="confirmed", by=Actor(persona("office_officer")))
    office = ApiClient("office_officer").get("/release-notices").json()
    assert [n["id"] for n in office["items"]] == [first.pk]
    city = ApiClient("city_officer").get("/release-notices", status="awaiting_verification").json()
    assert [n["id"] for n in city["items"]] == [second.pk]
    facility = ApiClient("facility_liaison").get("/release-notices").json()
    assert facility["count"] == 2


def test_it_names_an_unknown_status_filter() -> None:
    response = ApiClient("county_officer").get("/release-notices", status="lost")
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


# --- races -----------------------------------------------------------------------------------------------------------


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_simultaneous_check_ins_succeed() -> None:
    from anbang.testing import ensure_personas

    notice = released_notice()
    results: list[str] = []

    def attempt(username: str) -> None:
        try:
            services.check_in(notice=notice, checked_in_on=TODAY(), method="self_reported", by=Actor(persona(username)))
            results.append("ok")
        except Exception as exc:
            results.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in ("office_officer", "office_colleague")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert sorted(results) == ["DomainError", "ok"]
        assert Case.objects.filter(person=notice.person).count() == 1
    finally:
        ensure_personas()


def test_it_lets_the_county_route_a_notice_that_came_without_a_township() -> None:
    notice = send_notice(person={"hukou_region": "320102000000"})
    assert notice.receiving_office.code == "SFJ320102"
    response = ApiClient("county_officer").post(f"/release-notices/{notice.pk}/route", {"office": "SFS320102002"})
    assert response.status_code == 200
    assert response.json()["receiving_office"]["code"] == "SFS320102002"


@pytest.mark.parametrize("username", ["system_admin", "security_admin", "audit_admin"])
def test_it_keeps_person_records_from_the_administrators(username: str) -> None:
    notice = send_notice()
    assert ApiClient(username).get(f"/release-notices/{notice.pk}").status_code == 404
    assert ApiClient(username).get("/release-notices").json()["count"] == 0
