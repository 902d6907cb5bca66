"""POST /release-notices: validation naming the field, routing, duplicates (DESIGN §5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from anbang.testing import ApiClient, make_id_number, notice_body
from core.models import AuditEvent
from handover.models import ReleaseNotice
from people.models import Person

pytestmark = pytest.mark.django_db


def send(body: dict[str, Any], username: str = "facility_liaison") -> Any:
    return ApiClient(username).post("/release-notices", body)


def test_it_routes_a_notice_to_the_justice_office_of_the_hukou_township() -> None:
    response = send(notice_body(person={"hukou_region": "320104001000"}))
    assert response.status_code == 201
    assert response.json()["receiving_office"] == {"code": "SFS320104001", "name": "秦淮区示范街道司法所"}


def test_it_routes_a_village_to_its_township_office() -> None:
    from directory.models import Region

    Region.objects.create(code="320102001001", name="示范村", level="village", parent_id="320102001000")
    response = send(notice_body(person={"hukou_region": "320102001001"}))
    assert response.json()["receiving_office"]["code"] == "SFS320102001"


def test_it_routes_to_the_county_bureau_when_the_township_is_unknown() -> None:
    response = send(notice_body(person={"hukou_region": "320102000000"}))
    assert response.status_code == 201
    assert response.json()["receiving_office"]["code"] == "SFJ320102"


def test_it_sets_the_verification_deadline_in_working_days() -> None:
    response = send(notice_body())
    verify_by = dt.date.fromisoformat(response.json()["verify_by"])
    assert verify_by >= timezone.localdate() + dt.timedelta(days=15)


def test_it_stores_the_id_number_encrypted_and_shows_it_masked() -> None:
    id_number = make_id_number(seq=771)
    notice_id = send(notice_body(person={"id_number": id_number})).json()["id"]
    person = ReleaseNotice.objects.get(pk=notice_id).person
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM people_person WHERE id = %s", [person.pk])
        raw = cursor.fetchone()[0]
    assert id_number not in raw
    shown = ApiClient("office_officer").get(f"/release-notices/{notice_id}").json()["person"]["id_number"]
    assert shown == id_number[:6] + "********" + id_number[-4:]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"person": {"id_number": "320102198503121230"}}, "person.id_number"),
        ({"person": {"hukou_region": "999999999999"}}, "person.hukou_region"),
        ({"person": {"hukou_region": "320100000000"}}, "person.hukou_region"),  # a city, not a township
        ({"person": {"hukou_region": "32010200100"}}, "person.hukou_region"),
        ({"person": {"name": " "}}, "person.name"),
        ({"person": {"birth_date": "1990-01-01"}}, "person.birth_date"),  # does not match the ID
        ({"offence": ""}, "offence"),
        ({"sentence_months": 0}, "sentence_months"),
    ],
)
def test_it_names_the_bad_field_and_writes_nothing(change: dict[str, Any], field: str) -> None:
    facility = ApiClient("facility_liaison")
    people, audit = Person.objects.count(), AuditEvent.objects.count()
    response = facility.post("/release-notices", notice_body(**change))
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert Person.objects.count() == people
    assert not ReleaseNotice.objects.exists()
    assert AuditEvent.objects.count() == audit


def test_it_refuses_a_release_date_already_past() -> None:
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = send(notice_body(expected_release_date=yesterday))
    assert response.status_code == 400
    assert "expected_release_date" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("body_change", "field"),
    [
        ({"expected_release_date": "2026-13-01"}, "expected_release_date"),
        ({"person": {"gender": "x"}}, "person.gender"),
    ],
)
def test_it_names_a_malformed_field_with_422(body_change: dict[str, Any], field: str) -> None:
    body = notice_body()
    if "person" in body_change:
        body["person"].update(body_change["person"])
    else:
        body.update(body_change)
    response = send(body)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_it_names_a_missing_name_with_422() -> None:
    body = notice_body()
    del body["person"]["name"]
    response = send(body)
    assert response.status_code == 422
    assert "person.name" in response.json()["error"]["fields"]


def test_it_refuses_a_second_open_notice_for_the_same_person() -> None:
    assert send(notice_body()).status_code == 201
    later = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    response = send(notice_body(expected_release_date=later))
    assert response.status_code == 409
    assert ReleaseNotice.objects.count() == 1


def test_it_accepts_a_person_without_an_id_number_as_unverified() -> None:
    response = send(notice_body(person={"id_number": "", "birth_date": "1980-01-01"}))
    assert response.status_code == 201
    assert ReleaseNotice.objects.get().person.id_verified is False


def test_it_accepts_a_legacy_15_digit_id_number() -> None:
    eighteen = make_id_number("19700101", seq=5)
    fifteen = eighteen[:6] + eighteen[8:17]
    response = send(notice_body(person={"id_number": fifteen, "birth_date": "1970-01-01"}))
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("username", ["office_officer", "county_officer", "volunteer", "police_officer"])
def test_it_lets_only_a_facility_send_notices(username: str) -> None:
    response = send(notice_body(), username)
    assert response.status_code == 403
    assert not ReleaseNotice.objects.exists()


def test_it_refuses_anonymous_senders() -> None:
    assert ApiClient().post("/release-notices", notice_body()).status_code == 401


def test_it_writes_the_sending_as_the_first_history_entry_and_an_audit_row() -> None:
    notice_id = send(notice_body()).json()["id"]
    history = ApiClient("facility_liaison").get(f"/release-notices/{notice_id}").json()["history"]
    assert [h["action"] for h in history] == ["sent"]
    assert history[0]["by"] == "演示监所联络员"
    assert AuditEvent.objects.filter(action="notice.send", object_id=str(notice_id)).exists()
