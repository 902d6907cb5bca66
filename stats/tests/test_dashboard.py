"""The hand-over dashboard page and the list of people behind each of its numbers."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from anbang.testing import persona
from core.metrics import percent
from core.models import AuditEvent
from handover.models import ReleaseNotice
from stats.tests.factories import build_march, released

pytestmark = pytest.mark.django_db

MARCH = {"from": "2025-03-01", "to": "2025-03-31"}


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def names_in(html: str) -> set[str]:
    """The person names in the list page's table (first cell of each body row)."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return set(re.findall(r"<tr>\s*<td>([^<]+)</td>", body))


def chart_data(html: str) -> Any:
    match = re.search(r'<script id="stats-data" type="application/json">(.*?)</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))


@pytest.fixture
def march() -> dict[str, ReleaseNotice]:
    return build_march()


@pytest.mark.usefixtures("march")
@pytest.mark.parametrize(
    ("username", "region", "children"),
    [
        ("county_officer", "玄武区", ["玄武区示范一街道", "玄武区示范二街道"]),
        ("city_officer", "南京市", ["玄武区", "秦淮区"]),
        ("province_officer", "江苏省", ["南京市", "苏州市"]),
    ],
)
def test_it_shows_the_rates_of_each_sub_region(username: str, region: str, children: list[str]) -> None:
    response = client_for(username).get("/stats/handover/", MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert "衔接情况统计" in html and f'aria-current="page">{region}<' in html
    for child in children:
        assert f">{child}</a></th>" in html  # a link down to the child's own dashboard
    assert chart_data(html)["regions"]["names"] == children
    assert len(chart_data(html)["trend"]["months"]) == 12
    assert 'src="/static/vendor/echarts.min.js"' in html and 'src="/static/js/stats.js"' in html
    assert "<script>" not in html  # CSP: nothing inline


@pytest.mark.usefixtures("march")
def test_it_highlights_the_rates_against_their_targets() -> None:
    html = client_for("city_officer").get("/stats/handover/", MARCH).content.decode()
    # 南京市, March: key targets D (escorted) and E (not) -> escort rate 50.0 %, below the 100 % target
    assert re.search(r'class="figure rate-missed" title="1 / 2 · 未达标"><a [^>]*>50.0%</a>', html)
    # 玄武区's ordinary rate 3 / 4 = 75 % misses 80 %; 秦淮区 released no ordinary person: no rate, no colour
    assert re.search(r'class="figure rate-missed" title="3 / 4 · 未达标"><a [^>]*>75.0%</a>', html)
    assert re.search(r'class="figure rate-met" title="1 / 1"><a [^>]*>100.0%</a>', html)


@pytest.mark.usefixtures("march")
def test_it_opens_on_this_year_and_the_callers_region() -> None:
    response = client_for("county_officer").get("/stats/handover/")
    assert response.status_code == 200
    assert response.context["region"].code == "320102000000"
    assert response.context["start"].month == 1 and response.context["start"].day == 1


def test_it_sends_anonymous_visitors_to_sign_in() -> None:
    response = Client().get("/stats/handover/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("username", ["volunteer", "facility_liaison", "social_worker"])
def test_it_refuses_roles_that_are_not_officers(username: str) -> None:
    assert client_for(username).get("/stats/handover/").status_code == 403
    assert client_for(username).get("/stats/handover/list/", {"figure": "released"}).status_code == 403


def test_it_answers_404_for_a_region_outside_reach() -> None:
    client = client_for("other_county_officer")
    assert client.get("/stats/handover/", {"region": "320102000000"}).status_code == 404
    assert client.get("/stats/handover/list/", {"region": "320102000000", "figure": "missed"}).status_code == 404
    assert client_for("county_officer").get("/stats/handover/", {"region": "bad"}).status_code == 404


def test_it_shows_a_bad_period_on_the_form() -> None:
    response = client_for("county_officer").get("/stats/handover/", {"from": "2025-04-01", "to": "2025-03-01"})
    assert response.status_code == 400
    assert "起始日期不能晚于截止日期" in response.content.decode()
    response = client_for("county_officer").get("/stats/handover/", {"from": "2025-02-30"})
    assert response.status_code == 400


def test_it_breaks_down_no_further_than_the_township() -> None:
    html = client_for("county_officer").get("/stats/handover/", {"region": "320102001000"}).content.decode()
    assert 'id="chart-regions"' not in html and 'id="chart-trend"' in html
    assert '<a href="/stats/handover/?region=320102000000' in html  # up to the county


def list_url_of(html: str, figure: str, region: str) -> str:
    for href in re.findall(r'href="(/stats/handover/list/\?[^"]+)"', html):
        query = parse_qs(urlsplit(unescape(href)).query)
        if query["figure"] == [figure] and query["region"] == [region]:
            return str(unescape(href))
    raise AssertionError(f"no link to {figure} of {region}")


@pytest.mark.parametrize(
    ("username", "figure", "region", "expected"),
    [
        ("county_officer", "missed", "320102000000", {"乙二", "丙三"}),
        ("county_officer", "handed_over", "320102001000", {"甲一", "乙二", "壬九"}),
        ("city_officer", "not_escorted", "320100000000", {"戊五"}),
        ("province_officer", "not_escorted", "320000000000", {"戊五", "己六"}),
        ("province_officer", "released", "320500000000", {"己六"}),
        ("province_officer", "key_released", "320000000000", {"丁四", "戊五", "己六"}),
        ("province_officer", "escorted", "320000000000", {"丁四"}),
    ],
)
def test_the_list_behind_a_number_shows_exactly_those_people(
    march: dict[str, ReleaseNotice], username: str, figure: str, region: str, expected: set[str]
) -> None:
    client = client_for(username)
    dashboard = client.get("/stats/handover/", MARCH).content.decode()
    response = client.get(list_url_of(dashboard, figure, region))
    assert response.status_code == 200
    html = response.content.decode()
    assert names_in(html) == expected
    assert f"共 {len(expected)} 人" in html
    assert "********" in html  # ID numbers masked


def test_reading_the_list_is_audited(march: dict[str, ReleaseNotice]) -> None:
    client = client_for("county_officer")
    client.get("/stats/handover/list/", {"region": "320102000000", "figure": "missed", **MARCH})
    row = AuditEvent.objects.filter(action="person.list").latest("id")
    assert row.username == "county_officer"
    assert row.detail["figure"] == "missed" and row.detail["region"] == "320102000000"
    assert set(row.detail["people"]) == {march["B"].person_id, march["C"].person_id}


@pytest.mark.usefixtures("march")
def test_the_list_refuses_an_unknown_figure() -> None:
    response = client_for("county_officer").get("/stats/handover/list/", {"figure": "everyone"})
    assert response.status_code == 404


@pytest.mark.usefixtures("march")
def test_the_dashboard_costs_a_bounded_number_of_queries(django_assert_max_num_queries: Any) -> None:
    client = client_for("province_officer")
    client.get("/stats/handover/", MARCH)  # warm the session
    # session, user, organisation, its region, region asked, breadcrumb, totals, by-region + names, trend (10), and
    # the session's renewal (SESSION_SAVE_EVERY_REQUEST: a savepoint, an UPDATE, a release)
    with django_assert_max_num_queries(13):
        response = client.get("/stats/handover/", {"region": "320100000000", **MARCH})
    assert response.status_code == 200


@pytest.mark.usefixtures("march")
def test_the_list_costs_a_bounded_number_of_queries(django_assert_max_num_queries: Any) -> None:
    client = client_for("province_officer")
    client.get("/stats/handover/list/", {"figure": "released", **MARCH})
    # session, user, organisation, its region, count, page (6); the audit row (savepoint, last hash, insert,
    # release, and on PostgreSQL the advisory lock); the session's renewal (savepoint, UPDATE, release). Not one
    # query per person.
    with django_assert_max_num_queries(14):
        response = client.get("/stats/handover/list/", {"figure": "released", **MARCH})
    assert response.status_code == 200
    assert len(names_in(response.content.decode())) == 7


def test_the_list_pages_by_fifty() -> None:
    for seq in range(55):
        released(f"测{seq}", 101 + 2 * seq, "320102001000", on=dt.date(2025, 3, 2))
    client = client_for("county_officer")
    first = client.get("/stats/handover/list/", {"figure": "released", **MARCH}).content.decode()
    second = client.get("/stats/handover/list/", {"figure": "released", "page": "2", **MARCH}).content.decode()
    assert len(names_in(first)) == 50 and len(names_in(second)) == 5
    assert "共 55 人" in first and "第 1 / 2 页" in first


@pytest.mark.parametrize(
    ("numerator", "denominator", "minimum", "shown"),
    [
        (10, 15, None, "66.7%"),  # half up
        (2, 3, None, "66.7%"),
        (1, 8, None, "12.5%"),
        (9999, 10000, None, "99.9%"),  # not everyone: never 100.0 %
        (10000, 10000, None, "100.0%"),
        (7999, 10000, 0.8, "79.9%"),  # just short of the 80 % target stays short of it
        (7999, 10000, None, "80.0%"),
        (8, 10, 0.8, "80.0%"),
        (0, 5, None, "0.0%"),
        (0, 0, None, "—"),
    ],
)
def test_it_rounds_a_rate_without_lifting_it_onto_its_target(
    numerator: int, denominator: int, minimum: float | None, shown: str
) -> None:
    assert percent(numerator, denominator, minimum=minimum) == shown
