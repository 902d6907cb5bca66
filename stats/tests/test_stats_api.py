"""GET /api/v1/stats/handover (DESIGN §5) and its by-region and trend companions: the STYLE.md 11 checklist."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anbang.testing import ApiClient
from stats.tests.factories import build_march

pytestmark = pytest.mark.django_db

MARCH = {"from": "2025-03-01", "to": "2025-03-31"}
DESIGN_KEYS = {
    "released",
    "handed_over",
    "missed",
    "handover_rate",
    "key_targets_released",
    "key_targets_escorted",
    "escort_rate",
    "checked_in_on_time",
}


@pytest.fixture
def march() -> None:
    build_march()


@pytest.mark.usefixtures("march")
def test_it_answers_the_figures_of_design_5() -> None:
    response = ApiClient("county_officer").get("/stats/handover", region="320102000000", **MARCH)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) >= DESIGN_KEYS
    assert {key: body[key] for key in DESIGN_KEYS} == {
        "released": 5,
        "handed_over": 4,
        "missed": 2,
        "handover_rate": 0.8,
        "key_targets_released": 1,
        "key_targets_escorted": 1,
        "escort_rate": 1.0,
        "checked_in_on_time": 3,
    }
    assert body["region"] == {"code": "320102000000", "name": "玄武区"}
    assert (body["from"], body["to"]) == ("2025-03-01", "2025-03-31")
    assert body["key_handover_rate"] == 1.0 and body["ordinary_handover_rate"] == 0.75


@pytest.mark.usefixtures("march")
def test_it_defaults_to_the_callers_region_and_this_year() -> None:
    body = ApiClient("city_officer").get("/stats/handover").json()
    today = timezone.localdate()
    assert body["region"]["code"] == "320100000000"
    assert (body["from"], body["to"]) == (dt.date(today.year, 1, 1).isoformat(), today.isoformat())
    body = ApiClient("city_officer").get("/stats/handover", **MARCH).json()
    assert body["released"] == 6  # 玄武区 5 + 秦淮区 1


def test_it_gives_null_rates_when_nobody_was_released() -> None:
    body = ApiClient("province_officer").get("/stats/handover", **{"from": "2024-01-01", "to": "2024-01-31"}).json()
    assert body["released"] == 0
    assert body["handover_rate"] is None and body["escort_rate"] is None


def test_it_refuses_anonymous_callers() -> None:
    response = ApiClient().get("/stats/handover")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize("username", ["other_county_officer", "office_officer"])
def test_it_answers_404_for_a_region_outside_reach(username: str) -> None:
    response = ApiClient(username).get("/stats/handover", region="320102000000")
    assert response.status_code == 404
    assert ApiClient(username).get("/stats/handover/by-region", region="320102000000").status_code == 404
    assert ApiClient(username).get("/stats/handover/trend", region="320102000000").status_code == 404


def test_it_answers_404_for_an_unknown_region_within_reach() -> None:
    assert ApiClient("county_officer").get("/stats/handover", region="320102999000").status_code == 404


@pytest.mark.parametrize("username", ["volunteer", "facility_liaison", "police_officer", "system_admin"])
def test_it_refuses_roles_that_are_not_officers(username: str) -> None:
    response = ApiClient(username).get("/stats/handover")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"region": "3201"}, "region"),
    ],
)
def test_it_names_the_bad_field(params: dict[str, str], field: str) -> None:
    response = ApiClient("county_officer").get("/stats/handover", **params)
    assert response.status_code == 422, response.json()
    assert field in response.json()["error"]["fields"]


def test_it_refuses_a_period_that_ends_before_it_starts() -> None:
    response = ApiClient("county_officer").get("/stats/handover", **{"from": "2025-04-01", "to": "2025-03-01"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["from"]


@pytest.mark.usefixtures("march")
def test_it_gives_the_figures_of_each_child_region() -> None:
    response = ApiClient("county_officer").get("/stats/handover/by-region", **MARCH)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 2
    items = {item["region"]["code"]: item for item in body["items"]}
    assert items["320102001000"]["region"]["name"] == "玄武区示范一街道"
    assert (items["320102001000"]["released"], items["320102001000"]["handover_rate"]) == (3, 1.0)
    assert (items["320102002000"]["released"], items["320102002000"]["handover_rate"]) == (2, 0.5)
    city = ApiClient("city_officer").get("/stats/handover/by-region", **MARCH).json()
    released = {item["region"]["name"]: item["released"] for item in city["items"]}
    assert released["玄武区"] == 5 and released["秦淮区"] == 1 and sum(released.values()) == 6


@pytest.mark.usefixtures("march")
def test_it_gives_the_monthly_trend() -> None:
    response = ApiClient("county_officer").get("/stats/handover/trend", months=3, to="2025-04-30")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [(i["month"], i["released"], i["handed_over"]) for i in body["items"]] == [
        ("2025-02", 0, 0),
        ("2025-03", 5, 4),
        ("2025-04", 1, 1),
    ]
    assert body["items"][1]["from"] == "2025-03-01" and body["items"][1]["to"] == "2025-03-31"
    assert body["items"][0]["handover_rate"] is None
    assert len(ApiClient("county_officer").get("/stats/handover/trend").json()["items"]) == 12


@pytest.mark.parametrize("months", ["0", "61", "x"])
def test_it_refuses_a_bad_number_of_months(months: str) -> None:
    response = ApiClient("county_officer").get("/stats/handover/trend", months=months)
    assert response.status_code == 422
    assert "months" in response.json()["error"]["fields"]


def test_the_schema_documents_each_figure() -> None:
    schema = ApiClient().client.get("/api/v1/openapi.json").json()
    figures = schema["components"]["schemas"]["HandoverOut"]["properties"]
    assert "checked in" in figures["handed_over"]["description"]
    assert "÷" in figures["handover_rate"]["description"]
    assert "null when the denominator is 0" in figures["escort_rate"]["description"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/stats/handover"]["get"]["parameters"]}
    assert parameters == {"region", "from", "to"}
