from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from anbang.testing import PASSWORD, ApiClient
from core.audit import Actor
from core.models import AuditEvent
from directory import services
from directory.models import Organisation, PolicyValue, Role
from directory.policy import parameters
from directory.policy_api import CHINA

pytestmark = pytest.mark.django_db

PROVINCE, CITY, COUNTY, TOWNSHIP = "320000000000", "320100000000", "320102000000", "320102001000"
OTHER_COUNTY = "320508000000"  # 姑苏区, 苏州市
BEIJING_COUNTY = "110101000000"  # 东城区: outside 江苏


def _row(name: str, region: str | None, value: int, effective_from: dt.date, note: str = "") -> None:
    PolicyValue.objects.create(name=name, region_id=region, value=value, effective_from=effective_from, note=note)


def _items(response: Any) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return {item["name"]: item for item in body["items"]}


def _body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": "notice_lead_days",
        "region": COUNTY,
        "value": 45,
        "effective_from": "2026-07-01",
        "note": "玄武区 2026 年 5 号文",
    }
    body.update(overrides)
    return body


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    error: dict[str, Any] = response.json()["error"]
    return error


@pytest.fixture
def national_officer() -> str:
    organisation = services.create_organisation(
        code="ABB000000",
        name="国家安置帮教工作办公室",
        kind=Organisation.Kind.RESETTLEMENT_OFFICE,
        region_code="000000000000",
        by=Actor.system(),
    )
    services.create_user(
        username="national_officer",
        password=PASSWORD,
        organisation=organisation,
        role=Role.NATIONAL_OFFICER,
        by=Actor.system(),
    )
    return "national_officer"


# --- GET /policy ----------------------------------------------------------------------------------------------------


def test_it_lists_the_values_in_force_for_a_region_on_a_day() -> None:
    _row("notice_lead_days", PROVINCE, 35, dt.date(2025, 1, 1), note="江苏省规定")
    _row("notice_lead_days", COUNTY, 40, dt.date(2026, 7, 1), note="玄武区规定")
    client = ApiClient("province_officer")

    before = _items(client.get("/policy", region=TOWNSHIP, on="2026-06-30"))
    assert len(before) == len(parameters())  # the directory's and the areas'
    assert before["notice_lead_days"] == {
        "name": "notice_lead_days",
        "label": "释放通知提前天数",
        "value": 35,
        "unit": "days",
        "source": "江苏省规定",
        "region": {"code": PROVINCE, "name": "江苏省"},
        "effective_from": "2025-01-01",
    }
    after = _items(client.get("/policy", region=TOWNSHIP, on="2026-07-01"))
    assert (after["notice_lead_days"]["value"], after["notice_lead_days"]["region"]["code"]) == (40, COUNTY)
    default = after["verify_within_days"]
    assert (default["value"], default["unit"], default["region"], default["effective_from"]) == (
        15,
        "working_days",
        None,
        None,
    )


def test_it_defaults_to_the_callers_region_and_today_in_china() -> None:
    today = timezone.localdate(timezone=CHINA)
    _row("first_visit_within_days", COUNTY, 5, today)
    _row("first_visit_within_days", COUNTY, 3, today + dt.timedelta(days=1))
    _row("check_in_within_days", OTHER_COUNTY, 10, dt.date(2020, 1, 1))
    items = _items(ApiClient("office_officer").get("/policy"))  # 玄武区示范一街道
    assert items["first_visit_within_days"]["value"] == 5
    assert items["check_in_within_days"]["value"] == 30
    assert _items(ApiClient("other_county_officer").get("/policy"))["check_in_within_days"]["value"] == 10


def test_it_lets_any_signed_in_user_read_policy() -> None:
    _row("lost_contact_after_days", CITY, 45, dt.date(2020, 1, 1))
    assert _items(ApiClient("volunteer").get("/policy", region=COUNTY))["lost_contact_after_days"]["value"] == 45


def test_it_refuses_an_anonymous_read() -> None:
    assert _error(ApiClient().get("/policy"), 401)["code"] == "unauthenticated"


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"on": "2026-13-01"}, 422, "on"),
        ({"on": "yesterday"}, 422, "on"),
        ({"region": "3201"}, 400, "region"),
        ({"region": "329999000000"}, 400, "region"),  # well-formed, no such region
    ],
)
def test_it_names_the_bad_query_field(params: dict[str, str], status: int, field: str) -> None:
    error = _error(ApiClient("county_officer").get("/policy", **params), status)
    assert list(error["fields"]) == [field]


# --- POST /policy ---------------------------------------------------------------------------------------------------


def test_it_lets_a_county_officer_set_a_value_for_their_county() -> None:
    before = AuditEvent.objects.filter(action="policy.set").count()
    response = ApiClient("county_officer").post("/policy", _body())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "name": "notice_lead_days",
        "region": {"code": COUNTY, "name": "玄武区"},
        "value": 45,
        "unit": "days",
        "effective_from": "2026-07-01",
        "note": "玄武区 2026 年 5 号文",
    }
    assert PolicyValue.objects.get(pk=body["id"]).region_id == COUNTY
    audit = AuditEvent.objects.filter(action="policy.set").order_by("-id").first()
    assert AuditEvent.objects.filter(action="policy.set").count() == before + 1 and audit is not None
    assert (audit.username, audit.object_id) == ("county_officer", str(body["id"]))
    items = _items(ApiClient("office_officer").get("/policy", on="2026-07-01"))
    assert items["notice_lead_days"]["value"] == 45


@pytest.mark.parametrize(
    ("username", "region"),
    [
        ("city_officer", CITY),
        ("city_officer", COUNTY),
        ("province_officer", PROVINCE),
        ("province_officer", OTHER_COUNTY),
        ("security_admin", CITY),  # 江苏省 office: the province's subtree
    ],
)
def test_it_lets_officers_and_the_security_admin_set_values_within_their_region(username: str, region: str) -> None:
    response = ApiClient(username).post("/policy", _body(region=region))
    assert response.status_code == 201, response.content
    assert PolicyValue.objects.filter(name="notice_lead_days", region_id=region, value=45).exists()


def test_it_lets_a_national_officer_set_a_national_value(national_officer: str) -> None:
    response = ApiClient(national_officer).post("/policy", _body(region=None))
    assert response.status_code == 201, response.content
    assert response.json()["region"] is None
    assert PolicyValue.objects.get(pk=response.json()["id"]).region_id is None
    assert ApiClient(national_officer).post("/policy", _body(region=BEIJING_COUNTY)).status_code == 201


def test_it_refuses_an_anonymous_write() -> None:
    assert _error(ApiClient().post("/policy", _body()), 401)["code"] == "unauthenticated"
    assert not PolicyValue.objects.exists()


@pytest.mark.parametrize("username", ["office_officer", "volunteer", "facility_liaison", "system_admin", "audit_admin"])
def test_it_refuses_a_write_by_a_role_that_does_not_set_policy(username: str) -> None:
    assert _error(ApiClient(username).post("/policy", _body()), 403)["code"] == "forbidden"
    assert not PolicyValue.objects.exists()


@pytest.mark.parametrize(
    ("username", "region"),
    [
        ("county_officer", OTHER_COUNTY),
        ("county_officer", CITY),  # above their level
        ("other_county_officer", COUNTY),
        ("city_officer", OTHER_COUNTY),  # another city's county
        ("city_officer", PROVINCE),
        ("province_officer", None),  # national
        ("province_officer", BEIJING_COUNTY),
        ("security_admin", None),
        ("security_admin", BEIJING_COUNTY),
    ],
)
def test_it_refuses_a_write_outside_the_callers_region(username: str, region: str | None) -> None:
    error = _error(ApiClient(username).post("/policy", _body(region=region)), 403)
    assert (error["code"], list(error["fields"])) == ("forbidden", ["region"])
    assert not PolicyValue.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"effective_from": "2026-02-30"}, 422, "effective_from"),
        ({"effective_from": None}, 422, "effective_from"),
        ({"value": "many"}, 422, "value"),
        ({"value": 0}, 400, "value"),
        ({"value": 9000}, 400, "value"),
        ({"name": "notice_days"}, 400, "name"),
        ({"region": TOWNSHIP}, 400, "region"),  # overrides stop at the county
        ({"region": "320102999000"}, 400, "region"),  # no such region
        ({"region": "xuanwu"}, 400, "region"),
    ],
)
def test_it_names_the_bad_input_field(overrides: dict[str, object], status: int, field: str) -> None:
    error = _error(ApiClient("county_officer").post("/policy", _body(**overrides)), status)
    assert field in error["fields"]
    assert not PolicyValue.objects.exists()


def test_it_requires_the_region_to_be_named_even_for_a_national_value(national_officer: str) -> None:
    body = _body()
    del body["region"]
    assert list(_error(ApiClient(national_officer).post("/policy", body), 422)["fields"]) == ["region"]


def test_it_answers_409_for_a_second_value_for_the_same_region_and_day() -> None:
    client = ApiClient("county_officer")
    assert client.post("/policy", _body()).status_code == 201
    error = _error(client.post("/policy", _body(value=50)), 409)
    assert error["code"] == "conflict"
    assert PolicyValue.objects.get(name="notice_lead_days", region_id=COUNTY).value == 45
