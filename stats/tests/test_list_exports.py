"""The lists behind the dashboards' numbers: their .xlsx export (the same people as the page, every page of them),
the 未衔接 export of the hand-over dashboard, and the "本级" row whose lists hold exactly the people it counts."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from anbang.testing import checked_in_case, make_id_number, persona
from cases.models import Case
from core.models import AuditEvent
from core.tests.xlsx import sheet_of
from directory.models import Organisation
from handover.models import ReleaseNotice
from stats.tests.factories import build_march, released

pytestmark = pytest.mark.django_db

MARCH = {"from": "2025-03-01", "to": "2025-03-31"}
XUANWU = "320102000000"


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def names_in(html: str) -> set[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return set(re.findall(r"<tr>\s*<td>(?:<a [^>]*>)?([^<]+)(?:</a>)?</td>", body))


@pytest.fixture
def march() -> dict[str, ReleaseNotice]:
    return build_march()


@pytest.fixture
def held_at_county(march: dict[str, ReleaseNotice]) -> ReleaseNotice:
    """癸十: released in March and held by the 玄武区 bureau itself (a county-only hukou): the "本级" row."""
    notice = released("癸十", 19, "320102001000", on=dt.date(2025, 3, 3))
    ReleaseNotice.objects.filter(pk=notice.pk).update(region_id=XUANWU)
    return notice


# --- the "本级" row -------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("held_at_county")
def test_the_own_level_row_opens_exactly_the_people_it_counts() -> None:
    client = client_for("county_officer")
    response = client.get("/stats/handover/", MARCH)
    rows = {row.name: row for row in response.context["rows"]}
    own = rows["玄武区本级（待分派）"]
    released_cell, handed_over_cell, rate_cell = own.cells[0], own.cells[1], own.cells[2]
    assert (released_cell.text, handed_over_cell.text) == ("1", "0") and own.url is None
    listed = client.get(unescape(str(released_cell.url)))
    assert names_in(listed.content.decode()) == {"癸十"}  # not the whole county's six
    assert "共 1 人" in listed.content.decode() and "<h1>玄武区本级 · 释放人数</h1>" in listed.content.decode()
    # its rate links to its own shortfall too, and its bar in the chart to its own list
    assert names_in(client.get(unescape(str(rate_cell.url))).content.decode()) == {"癸十"}
    data = re.findall(r'id="stats-data" type="application/json">(.*?)</script>', response.content.decode())
    chart = json.loads(data[0])
    bar = chart["regions"]["urls"][chart["regions"]["names"].index("玄武区本级（待分派）")]
    assert names_in(client.get(bar).content.decode()) == {"癸十"}
    # the children's rows and the total still list their own people
    assert len(names_in(client.get(unescape(str(rows["玄武区示范一街道"].cells[0].url))).content.decode())) == 3


@pytest.mark.usefixtures("held_at_county")
def test_the_own_level_list_exports_only_its_people() -> None:
    query = {"region": XUANWU, "figure": "released", "own": "1", **MARCH, "format": "xlsx"}
    response = client_for("county_officer").get("/stats/handover/list/", query)
    assert set(sheet_of(response).column("姓名")) == {"癸十"}
    assert "%E6%9C%AC%E7%BA%A7" in response["Content-Disposition"]  # 本级, in the file name
    assert AuditEvent.objects.latest("id").detail["filters"]["own"] is True


# --- the list behind a number ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("march")
@pytest.mark.parametrize(
    ("username", "query", "expected"),
    [
        ("county_officer", {"region": XUANWU, "figure": "missed"}, {"乙二", "丙三"}),
        ("county_officer", {"region": "320102001000", "figure": "handed_over"}, {"甲一", "乙二", "壬九"}),
        ("province_officer", {"figure": "not_escorted"}, {"戊五", "己六"}),
        ("city_officer", {"figure": "released"}, {"甲一", "乙二", "丙三", "丁四", "戊五", "壬九"}),
    ],
)
def test_the_list_behind_a_number_exports_the_people_the_page_lists(
    username: str, query: dict[str, str], expected: set[str]
) -> None:
    client = client_for(username)
    page = client.get("/stats/handover/list/", {**query, **MARCH}).content.decode()
    assert names_in(page) == expected and "format=xlsx" in page
    before = AuditEvent.objects.count()
    sheet = sheet_of(client.get("/stats/handover/list/", {**query, **MARCH, "format": "xlsx"}))
    assert set(sheet.column("姓名")) == expected and len(sheet.rows) == len(expected)
    assert all("********" in number for number in sheet.column("公民身份号码（脱敏）"))
    assert AuditEvent.objects.count() == before + 1
    row = AuditEvent.objects.latest("id")
    assert (row.action, row.detail["list"], row.detail["count"]) == ("export", "stats.handover_list", len(expected))
    assert row.detail["filters"]["from"] == "2025-03-01" and row.detail["filters"]["figure"] == query["figure"]


def test_the_list_exports_every_page() -> None:
    for seq in range(55):
        released(f"测{seq}", 101 + 2 * seq, "320102001000", on=dt.date(2025, 3, 2))
    query = {"figure": "released", "page": "2", **MARCH, "format": "xlsx"}
    assert len(sheet_of(client_for("county_officer").get("/stats/handover/list/", query)).rows) == 55


@pytest.mark.usefixtures("march")
def test_another_county_exports_only_its_own_list() -> None:
    client = client_for("other_county_officer")
    query = {"region": XUANWU, "figure": "released", **MARCH, "format": "xlsx"}
    assert client.get("/stats/handover/list/", query).status_code == 404
    own = sheet_of(client.get("/stats/handover/list/", {"figure": "released", **MARCH, "format": "xlsx"}))
    assert set(own.column("姓名")) == {"己六"}
    assert not AuditEvent.objects.filter(action="export", username="other_county_officer", detail__count=0).exists()


@pytest.mark.parametrize("username", ["volunteer", "facility_liaison", "social_worker"])
def test_roles_that_are_not_officers_get_no_export(username: str) -> None:
    response = client_for(username).get("/stats/handover/list/", {"figure": "released", "format": "xlsx"})
    assert response.status_code == 403


@pytest.mark.usefixtures("march")
def test_the_dashboard_links_the_unmatched_export_of_its_region_and_period() -> None:
    client = client_for("county_officer")
    html = client.get("/stats/handover/", MARCH).content.decode()
    match = re.search(r'<a class="btn btn-export" href="([^"]+)"[^>]*>导出未衔接名单（(\d+) 人）</a>', html)
    assert match is not None
    sheet = sheet_of(client.get(unescape(match.group(1))))
    # released in March in 玄武区, not (yet) checked in: 丙三 (乙二 reported late, so is handed over)
    assert set(sheet.column("姓名")) == {"丙三"} and int(match.group(2)) == 1
    assert set(sheet.column("报到日期")) == {None}


# --- the register list -------------------------------------------------------------------------------------------


@pytest.fixture
def cases() -> dict[str, Case]:
    """甲 on 玄武区's register, 乙 held at the 玄武区 county itself, 丙 managed in 姑苏区."""
    made = {
        name: checked_in_case(person={"id_number": make_id_number(seq=seq), "name": name})
        for name, seq in (("甲", 201), ("乙", 203), ("丙", 205))
    }
    Case.objects.filter(pk=made["乙"].pk).update(region=XUANWU)
    gusu = Organisation.objects.get(code="SFS320508001")
    Case.objects.filter(pk=made["丙"].pk).update(
        region="320508001000", hukou_region="320508001000", managing_office=gusu, hukou_office=gusu
    )
    return made


@pytest.mark.usefixtures("cases")
@pytest.mark.parametrize(
    ("username", "query", "expected"),
    [
        ("county_officer", {}, {"甲", "乙"}),
        ("county_officer", {"region": XUANWU, "own": "1"}, {"乙"}),
        ("other_county_officer", {}, {"丙"}),
        ("province_officer", {}, {"甲", "乙", "丙"}),
    ],
)
def test_the_register_list_exports_the_cases_the_page_lists(
    username: str, query: dict[str, str], expected: set[str]
) -> None:
    client = client_for(username)
    page = client.get("/stats/register/list/", {**query, "figure": "on_register"}).content.decode()
    assert names_in(page) == expected and "format=xlsx" in page
    response: Any = client.get("/stats/register/list/", {**query, "figure": "on_register", "format": "xlsx"})
    sheet = sheet_of(response)
    assert set(sheet.column("姓名")) == expected
    assert set(sheet.column("建档日期")) == {dt.datetime.combine(timezone.localdate(), dt.time())}
    assert all("********" in number for number in sheet.column("公民身份号码（脱敏）"))
    row = AuditEvent.objects.latest("id")
    assert (row.action, row.detail["list"], row.detail["count"]) == ("export", "stats.register_list", len(expected))


@pytest.mark.usefixtures("cases")
def test_another_county_gets_404_for_the_register_list_of_xuanwu() -> None:
    query = {"region": XUANWU, "figure": "on_register", "format": "xlsx"}
    assert client_for("other_county_officer").get("/stats/register/list/", query).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()
