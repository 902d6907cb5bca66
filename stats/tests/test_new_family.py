"""A metric family of a new area (``escorts.py``, one module) appears on the statistics pages and in the API with
nothing else edited: a tab beside the others, its dashboard and the list behind each number, its API operation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from ninja import Router
from ninja.testing import TestClient

from anbang.testing import persona
from core.areas import registry
from core.models import AuditEvent
from stats.apikit import mount
from stats.families import families
from stats.tests import escorts
from stats.tests.factories import build_march

pytestmark = pytest.mark.django_db


@pytest.fixture
def area() -> Iterator[None]:
    build_march()
    with registry.added(escorts.AREA):
        yield


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


@pytest.mark.usefixtures("area")
def test_it_lists_the_new_family_after_the_others() -> None:
    keys = [family.key for family in families()]
    # the register's own tabs first (their ``order``), then the areas' in the order they registered, the new last
    assert keys[:2] == ["handover", "register"] and keys[-1] == "escorts" and "assistance" in keys
    page = client_for("county_officer").get("/stats/handover/").content.decode()
    assert 'href="/stats/escorts/?region=320102000000"' in page and "接送情况" in page


@pytest.mark.usefixtures("area")
def test_it_shows_the_new_familys_dashboard() -> None:
    response = client_for("county_officer").get("/stats/escorts/", {"on": "2025-12-31"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>接送情况统计</h1>" in page and 'aria-current="page">接送情况</a>' in page
    # 玄武区 released A B C D G I by then (H is not released); D alone was escorted: 1 / 6 misses a 50 % target
    kpis = {kpi.label: kpi for kpi in response.context["kpis"]}
    assert kpis["已释放"].text == "6"
    assert (kpis["接送比例"].text, kpis["接送比例"].state, kpis["接送比例"].detail) == ("16.7%", "missed", "1 / 6")
    assert kpis["接送比例"].target == "目标 ≥ 50%"
    assert kpis["接送比例"].url and "figure=without_escort" in kpis["接送比例"].url
    # a row per township: 示范一 released A B G I, 示范二 C D (D escorted)
    rows = [(row.code, [c.text for c in row.cells]) for row in response.context["rows"]]
    assert rows == [("320102001000", ["4", "0", "0.0%"]), ("320102002000", ["2", "1", "50.0%"])]
    assert response.context["total"].cells[0].text == "6"


@pytest.mark.usefixtures("area")
def test_it_lists_the_people_behind_a_number_of_the_new_family() -> None:
    response = client_for("county_officer").get(
        "/stats/escorts/list/", {"region": "320102000000", "on": "2025-12-31", "figure": "with_escort"}
    )
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1
    event = AuditEvent.objects.filter(action="person.list").latest("id")
    assert event.detail["via"] == "stats.escorts_list" and event.detail["on"] == "2025-12-31"
    unknown = client_for("county_officer").get("/stats/escorts/list/", {"figure": "in_period"})
    assert unknown.status_code == 404


@pytest.mark.usefixtures("area")
def test_it_keeps_the_reach_and_role_rules_for_the_new_family() -> None:
    assert client_for("county_officer").get("/stats/escorts/", {"region": "320508000000"}).status_code == 404
    assert client_for("social_worker").get("/stats/escorts/").status_code == 403


def test_a_family_no_area_declares_has_no_page() -> None:
    assert client_for("county_officer").get("/stats/escorts/").status_code == 404


@pytest.mark.usefixtures("area")
def test_it_serves_the_new_familys_api_operations() -> None:
    router = Router()
    mount(router, escorts.FAMILY)
    answer = TestClient(router).get("/stats/escorts?on=2025-12-31", user=persona("county_officer"))
    assert answer.status_code == 200
    assert answer.json() == {"released": 6, "with_escort": 1, "escort_share": 1 / 6}
