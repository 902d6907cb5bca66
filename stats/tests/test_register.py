"""GET /stats/register: the register figures of DESIGN §6 as of a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from anbang.testing import ApiClient, checked_in_case, make_id_number, persona
from cases import services
from cases.models import Case, Visit
from core.audit import Actor

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
OFFICE = "office_officer"


def by(username: str = OFFICE) -> Actor:
    return Actor(persona(username))


def make(seq: int, **person: Any) -> Case:
    case: Case = checked_in_case(person={"id_number": make_id_number(seq=seq), **person})
    return case


@pytest.fixture
def register() -> dict[str, Case]:
    settled = make(101)
    services.record_settlement(case=settled, status="employed", since=TODAY, by=by())
    assisted = make(103)
    services.add_group_member(case=assisted, part="family_member", name="家属", by=by())
    services.record_visit(case=assisted, visited_on=TODAY, method="home", outcome="met", by=by())
    lost = make(105)
    services.mark_lost_contact(case=lost, noted_on=TODAY, reason="失联", by=by())
    reoffended = make(107)
    services.close_case(case=reoffended, reason="reoffended", closed_on=TODAY, detail="新罪", by=by())
    dual = make(109, residence_region="320104001000")
    return {"settled": settled, "assisted": assisted, "lost": lost, "reoffended": reoffended, "dual": dual}


@pytest.mark.usefixtures("register")
def test_it_counts_the_register_of_a_county() -> None:
    body = ApiClient("county_officer").get("/stats/register").json()
    # the dual-managed person counts where managed (秦淮区), not in 玄武区
    assert body["on_register"] == 3
    assert body["settled"] == 1
    assert body["settlement_rate"] == pytest.approx(1 / 3)
    assert body["assisted"] == 1
    assert body["lost_contact"] == 1
    assert body["reoffended"] == 1
    assert body["reoffence_rate"] == pytest.approx(1 / 4)
    assert body["dual_managed"] == 0


@pytest.mark.usefixtures("register")
def test_it_counts_a_dual_managed_person_once_for_the_city() -> None:
    body = ApiClient("city_officer").get("/stats/register").json()
    assert body["on_register"] == 4
    assert body["dual_managed"] == 1
    rows = ApiClient("city_officer").get("/stats/register/by-region").json()["items"]
    by_code = {r["region"]["code"]: r["on_register"] for r in rows}
    assert by_code["320102000000"] == 3
    assert by_code["320104000000"] == 1


@pytest.mark.usefixtures("register")
def test_it_reads_the_register_as_of_a_past_date() -> None:
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    body = ApiClient("county_officer").get("/stats/register", on=yesterday).json()
    assert body["on_register"] == 0
    assert body["settlement_rate"] is None


def test_it_needs_a_visit_within_the_interval_to_count_as_assisted(register: dict[str, Case]) -> None:
    month_ago = TODAY - dt.timedelta(days=31)
    Visit.objects.filter(case=register["assisted"]).update(visited_on=month_ago)
    # the case row keeps its latest visit (record_visit does): the figures read it
    Case.objects.filter(pk=register["assisted"].pk).update(
        opened_on=TODAY - dt.timedelta(days=40), last_visit_on=month_ago
    )
    assert ApiClient("county_officer").get("/stats/register").json()["assisted"] == 1  # ordinary: 90 days
    Case.objects.filter(pk=register["assisted"].pk).update(level="key")
    assert ApiClient("county_officer").get("/stats/register").json()["assisted"] == 0


def test_it_applies_the_checklist() -> None:
    assert ApiClient().get("/stats/register").status_code == 401
    assert ApiClient("volunteer").get("/stats/register").status_code == 403
    assert ApiClient("other_county_officer").get("/stats/register", region="320102000000").status_code == 404
    bad = ApiClient("county_officer").get("/stats/register", on="2026-02-30")
    assert bad.status_code == 422
    assert "on" in bad.json()["error"]["fields"]
    backwards = ApiClient("county_officer").get("/stats/register", on="2026-01-01", **{"from": "2026-02-01"})
    assert backwards.status_code == 400
    assert "from" in backwards.json()["error"]["fields"]
