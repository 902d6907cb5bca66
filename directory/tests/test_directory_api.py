"""GET /me, GET /organizations, and user administration (STYLE.md 11 checklist)."""

from __future__ import annotations

import pytest

from anbang.testing import ApiClient
from core.models import AuditEvent
from directory.demo import DEMO_USERS
from directory.models import User

pytestmark = pytest.mark.django_db

NEW_USER = {
    "username": "new_officer",
    "password": "Strong-pass-2026",
    "organisation": "SFS320102001",
    "role": "office_officer",
    "full_name": "新同事",
}


@pytest.mark.parametrize("demo", DEMO_USERS, ids=lambda d: d.username)
def test_it_tells_every_demo_user_who_they_are(demo: object) -> None:
    username = demo.username  # type: ignore[attr-defined]
    body = ApiClient(username).get("/me").json()
    assert body["username"] == username
    assert body["role"] == demo.role  # type: ignore[attr-defined]
    assert body["organisation"]["code"] == demo.organisation  # type: ignore[attr-defined]
    assert len(body["region"]["code"]) == 12


def test_it_refuses_me_to_anonymous_callers() -> None:
    response = ApiClient().get("/me")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message"}


def test_it_lists_organisations_of_a_kind_in_a_region_subtree() -> None:
    body = ApiClient("facility_liaison").get("/organizations", kind="justice_office", region="320102000000").json()
    assert body["count"] == 2
    assert {o["code"] for o in body["items"]} == {"SFS320102001", "SFS320102002"}
    assert body["items"][0]["region"]["code"].startswith("320102")


def test_it_lists_every_office_of_a_city() -> None:
    body = ApiClient("office_officer").get("/organizations", kind="justice_office", region="320100000000").json()
    assert {o["code"] for o in body["items"]} == {"SFS320102001", "SFS320102002", "SFS320104001"}


def test_it_pages_the_organisation_list() -> None:
    everything = ApiClient("county_officer").get("/organizations").json()
    page = ApiClient("county_officer").get("/organizations", limit=2, offset=1).json()
    assert page["count"] == everything["count"] > 3
    assert [o["code"] for o in page["items"]] == [o["code"] for o in everything["items"][1:3]]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"region": "999999999999"}, "region"), ({"kind": "bank"}, "kind"), ({"limit": 0}, "limit")],
)
def test_it_names_the_bad_filter(params: dict[str, object], field: str) -> None:
    response = ApiClient("county_officer").get("/organizations", **params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_it_refuses_organisations_to_anonymous_callers() -> None:
    assert ApiClient().get("/organizations").status_code == 401


def test_it_lets_the_system_admin_create_a_user() -> None:
    response = ApiClient("system_admin").post("/users", NEW_USER)
    assert response.status_code == 201
    assert response.json()["organisation"]["code"] == "SFS320102001"
    created = User.objects.get(username="new_officer")
    assert created.check_password("Strong-pass-2026")
    assert AuditEvent.objects.filter(action="user.create", object_id=str(created.pk)).exists()


def test_it_refuses_user_creation_to_other_roles() -> None:
    response = ApiClient("county_officer").post("/users", NEW_USER)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not User.objects.filter(username="new_officer").exists()


def test_it_refuses_user_creation_to_anonymous_callers() -> None:
    assert ApiClient().post("/users", NEW_USER).status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "king"}, "role"),
        ({"role": "police_officer"}, "role"),  # not a role of a justice office
        ({"username": "office_officer"}, "username"),
        ({"password": "123"}, "password"),
        ({"organisation": "NOPE"}, "organisation"),
    ],
)
def test_it_names_the_bad_field_and_writes_nothing(change: dict[str, str], field: str) -> None:
    before = User.objects.count()
    response = ApiClient("system_admin").post("/users", {**NEW_USER, **change})
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert User.objects.count() == before


def test_it_names_a_missing_field_in_a_validation_error() -> None:
    body = {k: v for k, v in NEW_USER.items() if k != "role"}
    response = ApiClient("system_admin").post("/users", body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert "role" in response.json()["error"]["fields"]


def test_it_hides_users_of_another_county_as_not_found() -> None:
    assert ApiClient("county_officer").get("/users/office_officer").status_code == 200
    response = ApiClient("other_county_officer").get("/users/office_officer")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_it_lets_the_system_admin_deactivate_a_user() -> None:
    colleague = ApiClient("office_colleague")
    assert colleague.get("/me").status_code == 200
    response = ApiClient("system_admin").post("/users/office_colleague/deactivate")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert colleague.get("/me").status_code == 401


def test_it_refuses_deactivation_to_an_officer_who_sees_the_user() -> None:
    response = ApiClient("county_officer").post("/users/office_colleague/deactivate")
    assert response.status_code == 403
    assert User.objects.get(username="office_colleague").is_active


def test_it_serves_the_openapi_schema_to_anyone() -> None:
    response = ApiClient().get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/me", "/api/v1/organizations", "/api/v1/auth/token", "/api/v1/users"} <= set(paths)
