"""The register dashboard page (在册帮教统计) and the list of cases behind each of its numbers."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from anbang.testing import ApiClient, checked_in_case, make_id_number, persona
from cases import services
from cases.models import Case
from core.audit import Actor
from core.models import AuditEvent
from directory.models import Organisation
from stats.register import REGISTER_TARGETS, register_figures
from stats.services import roll_up_register

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
XUANWU, T0, T1 = "320102000000", "320102001000", "320102002000"


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def by(username: str = "office_officer") -> Actor:
    return Actor(persona(username))


def make(seq: int, name: str, **person: Any) -> Case:
    case: Case = checked_in_case(person={"id_number": make_id_number(seq=seq), "name": name, **person})
    return case


@pytest.fixture
def register() -> dict[str, Case]:
    """Seven people, each standing for one figure:

    甲 (玄武 T0) employed; 乙 (T0) with a group and a visit today; 丙 (T0) lost contact; 丁 (T0) closed today for a
    new offence; 戊 hukou 玄武 T0, living in 秦淮区: dual-managed, counted in 秦淮区; 己 (玄武 T1) key target, not
    settled; 庚 managed in 姑苏区 (苏州市). Nobody but 甲 has a settlement record: no record is "not settled" too.
    """
    jia = make(101, "甲")
    services.record_settlement(case=jia, status="employed", since=TODAY, by=by())
    yi = make(103, "乙")
    services.add_group_member(case=yi, part="family_member", name="家属", by=by())
    services.record_visit(case=yi, visited_on=TODAY, method="home", outcome="met", by=by())
    bing = make(105, "丙")
    services.mark_lost_contact(case=bing, noted_on=TODAY, reason="失联", by=by())
    ding = make(107, "丁")
    services.close_case(case=ding, reason="reoffended", closed_on=TODAY, detail="新罪", by=by())
    wu = make(109, "戊", residence_region="320104001000")
    ji = make(111, "己", hukou_region=T1, residence_region=T1)
    services.assess_risk(
        case=ji, risk_level="high", key_target=True, reasons=["涉毒"], assessed_on=TODAY, by=by("county_officer")
    )
    services.record_settlement(case=ji, status="not_settled", since=TODAY, reason="无固定住所", by=by("county_officer"))
    geng = make(113, "庚")
    gusu = Organisation.objects.get(code="SFS320508001")
    Case.objects.filter(pk=geng.pk).update(
        region="320508001000", hukou_region="320508001000", managing_office=gusu, hukou_office=gusu
    )
    return {"甲": jia, "乙": yi, "丙": bing, "丁": ding, "戊": wu, "己": ji, "庚": geng}


def chart_data(html: str) -> Any:
    match = re.search(r'<script id="register-data" type="application/json">(.*?)</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))


def names_in(html: str) -> set[str]:
    """The person names in the list's table (the link in the first cell of each body row)."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return set(re.findall(r'<tr>\s*<td><a href="/cases/\d+/">([^<]+)</a></td>', body))


def list_url_of(html: str, figure: str, region: str) -> str:
    for href in re.findall(r'href="(/stats/register/list/\?[^"]+)"', html):
        query = parse_qs(urlsplit(unescape(href)).query)
        if query["figure"] == [figure] and query["region"] == [region]:
            return str(unescape(href))
    raise AssertionError(f"no link to {figure} of {region}")


@pytest.mark.usefixtures("register")
@pytest.mark.parametrize(
    ("username", "region", "children"),
    [
        ("county_officer", "玄武区", ["玄武区示范一街道", "玄武区示范二街道"]),
        ("city_officer", "南京市", ["玄武区", "秦淮区"]),
        ("province_officer", "江苏省", ["南京市", "苏州市"]),
    ],
)
def test_it_shows_the_register_of_each_sub_region(username: str, region: str, children: list[str]) -> None:
    response = client_for(username).get("/stats/register/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "在册帮教统计" in html and f'aria-current="page">{region}<' in html
    for child in children:
        assert f">{child}</a></th>" in html  # a link down to the child's own dashboard
    data = chart_data(html)
    assert data["regions"]["names"] == children
    assert data["targets"] == {"settlement_rate": 85, "assistance_rate": 95}
    assert 'src="/static/vendor/echarts.min.js"' in html and 'src="/static/js/stats.js"' in html
    assert "<script>" not in html and "style=" not in html  # CSP: nothing inline
    # the tab back to the hand-over dashboard, for the same region
    assert re.search(r'<a href="/stats/handover/\?region=\d{12}">衔接情况</a>', html)


@pytest.mark.usefixtures("register")
def test_its_figures_are_those_of_the_api() -> None:
    response = client_for("city_officer").get("/stats/register/")
    api = ApiClient("city_officer").get("/stats/register").json()
    kpis = {str(kpi.label): kpi for kpi in response.context["kpis"]}
    assert kpis["在册人数"].text == str(api["on_register"]) == "5"  # 甲 乙 丙 戊 己
    assert kpis["双列管"].text == str(api["dual_managed"]) == "1"
    assert kpis["安置率"].detail == f"{api['settled']} / {api['on_register']}" == "1 / 5"
    assert kpis["帮教率"].detail == "1 / 5"
    assert kpis["重新犯罪率"].detail == "1 / 6"  # 丁 was on register this year
    # the rows add up to the total
    rows = {row.name: row for row in response.context["rows"]}
    assert rows["玄武区"].cells[0].text == "4" and rows["秦淮区"].cells[0].text == "1"


@pytest.mark.usefixtures("register")
def test_it_marks_the_rates_against_the_register_targets() -> None:
    response = client_for("county_officer").get("/stats/register/")
    kpis = {str(kpi.label): kpi for kpi in response.context["kpis"]}
    # 玄武区: 1 of 4 settled (25 %), 1 of 4 assisted; 1 reoffence among 5 on register this year (20 %)
    assert (kpis["安置率"].text, kpis["安置率"].state, kpis["安置率"].target) == ("25.0%", "missed", "目标 > 85%")
    assert (kpis["帮教率"].text, kpis["帮教率"].state) == ("25.0%", "missed")
    assert (kpis["重新犯罪率"].text, kpis["重新犯罪率"].state, kpis["重新犯罪率"].target) == (
        "20.0%",
        "missed",
        "目标 < 2%",
    )
    html = response.content.decode()
    shortfall = r'class="figure rate-missed" title="1 / 4 · 未达标"><a [^>]*figure=not_settled[^>]*>25.0%</a>'
    assert re.search(shortfall, html)


def test_a_rate_with_nobody_in_the_denominator_neither_meets_nor_misses() -> None:
    response = client_for("county_officer").get("/stats/register/")
    kpis = {str(kpi.label): kpi for kpi in response.context["kpis"]}
    assert (kpis["安置率"].text, kpis["安置率"].state, kpis["安置率"].url) == ("—", "none", None)
    assert kpis["在册人数"].url is None  # no list behind a zero
    assert "截至该日没有在册人员" in response.content.decode()


@pytest.mark.usefixtures("register")
def test_it_opens_on_today_and_the_year_so_far_in_the_callers_region() -> None:
    response = client_for("county_officer").get("/stats/register/")
    assert response.context["region"].code == XUANWU
    assert response.context["on"] == TODAY and response.context["start"] == TODAY.replace(month=1, day=1)
    past = client_for("county_officer").get("/stats/register/", {"on": "2025-06-30"})
    assert past.context["start"] == dt.date(2025, 1, 1)  # the year of ``on``


@pytest.mark.usefixtures("register")
def test_it_reads_the_register_as_of_a_past_date() -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    response = client_for("county_officer").get(
        "/stats/register/", {"on": yesterday.isoformat(), "from": yesterday.replace(month=1, day=1).isoformat()}
    )
    kpis = {str(kpi.label): kpi for kpi in response.context["kpis"]}
    assert kpis["在册人数"].text == "0"  # everyone was opened today


def test_it_sends_anonymous_visitors_to_sign_in() -> None:
    for path in ("/stats/register/", "/stats/register/list/"):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("username", ["volunteer", "social_worker", "police_officer"])
def test_it_refuses_roles_that_are_not_officers(username: str) -> None:
    assert client_for(username).get("/stats/register/").status_code == 403
    assert client_for(username).get("/stats/register/list/", {"figure": "on_register"}).status_code == 403


def test_it_answers_404_for_a_region_outside_reach() -> None:
    client = client_for("other_county_officer")
    assert client.get("/stats/register/", {"region": XUANWU}).status_code == 404
    assert client.get("/stats/register/list/", {"region": XUANWU, "figure": "lost_contact"}).status_code == 404
    assert client_for("county_officer").get("/stats/register/", {"region": "bad"}).status_code == 404
    assert client_for("county_officer").get("/stats/register/", {"region": "320104000000"}).status_code == 404


def test_it_shows_bad_dates_on_the_form() -> None:
    client = client_for("county_officer")
    backwards = client.get("/stats/register/", {"on": "2026-03-01", "from": "2026-04-01"})
    assert backwards.status_code == 400 and "起始日期不能晚于截止日期" in backwards.content.decode()
    future = client.get("/stats/register/", {"on": (TODAY + dt.timedelta(days=1)).isoformat()})
    assert future.status_code == 400 and "截至日期不能晚于今天" in future.content.decode()
    assert client.get("/stats/register/", {"on": "2026-02-30"}).status_code == 400
    listed = client.get("/stats/register/list/", {"on": "2026-03-01", "from": "2026-04-01", "figure": "on_register"})
    assert listed.status_code == 400 and not AuditEvent.objects.filter(action="person.list").exists()


@pytest.mark.usefixtures("register")
def test_it_breaks_down_no_further_than_the_township() -> None:
    html = client_for("county_officer").get("/stats/register/", {"region": T0}).content.decode()
    assert 'id="chart-register"' not in html and "<tbody>" not in html
    assert f'<a href="/stats/register/?region={XUANWU}' in html  # up to the county
    assert re.search(r"<tfoot>\s*<tr>\s*<th scope=\"row\">玄武区示范一街道</th>", html)


def test_cases_held_at_the_county_itself_get_a_row_of_their_own(register: dict[str, Case]) -> None:
    Case.objects.filter(pk=register["丙"].pk).update(region=XUANWU)
    client = client_for("county_officer")
    response = client.get("/stats/register/")
    rows = {row.name: row for row in response.context["rows"]}
    own = rows["玄武区本级"]
    assert own.cells[0].text == "1" and own.url is None  # nothing to drill into
    assert sum(int(row.cells[0].text) for row in rows.values()) == 4
    # its number opens the cases held at the county itself, not the whole county
    listed = client.get(unescape(str(own.cells[0].url)))
    assert names_in(listed.content.decode()) == {"丙"}
    assert "<h1>玄武区本级 · 在册人数</h1>" in listed.content.decode()


@pytest.mark.parametrize(
    ("username", "figure", "region", "expected"),
    [
        ("county_officer", "on_register", XUANWU, {"甲", "乙", "丙", "己"}),
        ("county_officer", "settled", XUANWU, {"甲"}),
        ("county_officer", "not_settled", XUANWU, {"乙", "丙", "己"}),  # no record counts as not settled
        ("county_officer", "assisted", T0, {"乙"}),
        ("county_officer", "not_assisted", XUANWU, {"甲", "丙", "己"}),
        ("county_officer", "lost_contact", XUANWU, {"丙"}),
        ("county_officer", "reoffended", XUANWU, {"丁"}),
        ("county_officer", "key_targets", T1, {"己"}),
        ("city_officer", "dual_managed", "320104000000", {"戊"}),
        ("city_officer", "on_register", "320100000000", {"甲", "乙", "丙", "戊", "己"}),
        ("province_officer", "on_register", "320500000000", {"庚"}),
        ("province_officer", "not_assisted", "320000000000", {"甲", "丙", "戊", "己", "庚"}),
    ],
)
@pytest.mark.usefixtures("register")
def test_the_list_behind_a_number_shows_exactly_those_cases(
    username: str, figure: str, region: str, expected: set[str]
) -> None:
    client = client_for(username)
    dashboard = client.get("/stats/register/").content.decode()
    response = client.get(list_url_of(dashboard, figure, region))
    assert response.status_code == 200
    html = response.content.decode()
    assert names_in(html) == expected
    assert f"共 {len(expected)} 人" in html
    assert "********" in html  # ID numbers masked
    assert make_id_number(seq=101) not in html


@pytest.mark.usefixtures("register")
def test_every_list_holds_as_many_cases_as_its_number() -> None:
    """The number and the list come from one condition: for every figure and region, at a past and a present date."""
    client = client_for("province_officer")
    figures = register_figures(prefix="32", on=TODAY, start=TODAY.replace(month=1, day=1))
    for figure in ("on_register", "key_targets", "settled", "assisted", "lost_contact", "reoffended", "dual_managed"):
        response = client.get("/stats/register/list/", {"figure": figure})
        assert response.context["page"].paginator.count == figures[figure], figure
    for gap, part in (("not_settled", "settled"), ("not_assisted", "assisted")):
        response = client.get("/stats/register/list/", {"figure": gap})
        assert response.context["page"].paginator.count == figures["on_register"] - figures[part], gap


def test_reading_the_list_is_audited(register: dict[str, Case]) -> None:
    client = client_for("county_officer")
    client.get("/stats/register/list/", {"region": XUANWU, "figure": "not_settled"})
    row = AuditEvent.objects.filter(action="person.list").latest("id")
    assert row.username == "county_officer"
    assert row.detail["via"] == "stats.register_list"
    assert row.detail["figure"] == "not_settled" and row.detail["region"] == XUANWU
    assert row.detail["on"] == TODAY.isoformat()
    assert set(row.detail["people"]) == {register[name].person_id for name in ("乙", "丙", "己")}


def test_the_list_refuses_an_unknown_figure() -> None:
    response = client_for("county_officer").get("/stats/register/list/", {"figure": "everyone"})
    assert response.status_code == 404


def test_the_list_shows_the_settlement_in_force_on_the_day(register: dict[str, Case]) -> None:
    html = client_for("county_officer").get("/stats/register/list/", {"figure": "on_register"}).content.decode()
    row = re.search(r">甲</a>.*?</tr>", html, re.S)
    assert row is not None and "就业" in row.group(0)
    row = re.search(r">己</a>.*?</tr>", html, re.S)
    assert row is not None and "未安置" in row.group(0) and "重点" in row.group(0)


@pytest.mark.usefixtures("register")
def test_the_dashboard_costs_a_bounded_number_of_queries(django_assert_max_num_queries: Any) -> None:
    client = client_for("province_officer")
    client.get("/stats/register/")  # warm the session
    # session, user with organisation and region, region asked, breadcrumb (4); the default day's roll-up (1);
    # totals and by-region, each looking for its roll-ups and with the policy's two visit intervals (8); the
    # sub-regions' names (1); the session's renewal (savepoint, UPDATE, release). The same at every level: not one
    # query per sub-region.
    with django_assert_max_num_queries(17):
        response = client.get("/stats/register/", {"region": "320100000000"})
    assert response.status_code == 200


@pytest.mark.usefixtures("register")
def test_the_list_costs_a_bounded_number_of_queries(django_assert_max_num_queries: Any) -> None:
    client = client_for("province_officer")
    client.get("/stats/register/list/", {"figure": "on_register"})
    # session, user, organisation, its region, the two visit intervals, count, page; the audit row (savepoint,
    # last hash, insert, release, and on PostgreSQL the advisory lock); the session's renewal. Not one per case.
    with django_assert_max_num_queries(16):
        response = client.get("/stats/register/list/", {"figure": "on_register"})
    assert response.status_code == 200
    assert len(names_in(response.content.decode())) == 6


def test_the_list_pages_by_fifty() -> None:
    for seq in range(52):
        make(201 + 2 * seq, f"测{seq}")
    client = client_for("county_officer")
    first = client.get("/stats/register/list/", {"figure": "on_register"}).content.decode()
    second = client.get("/stats/register/list/", {"figure": "on_register", "page": "2"}).content.decode()
    assert len(names_in(first)) == 50 and len(names_in(second)) == 2
    assert "共 52 人" in first and "第 1 / 2 页" in first


def test_the_hand_over_dashboard_has_the_tab_to_the_register() -> None:
    html = client_for("city_officer").get("/stats/handover/").content.decode()
    assert '<a href="/stats/register/?region=320100000000">在册帮教</a>' in html


@pytest.mark.parametrize(
    ("numerator", "denominator", "rate", "shown"),
    [
        (851, 1000, "settlement_rate", "85.1%"),
        (8504, 10000, "settlement_rate", "85.04%"),  # meets "> 85%": not shown as 85.0 %
        (8496, 10000, "settlement_rate", "84.96%"),  # misses: not shown as 85.0 % either
        (85, 100, "settlement_rate", "85.0%"),  # on the line: misses a strict target
        (199, 10000, "reoffence_rate", "1.99%"),  # below 2 %: meets
        (2, 99, "reoffence_rate", "2.02%"),  # 2.0202 %: rounded as usual where that stays off the line
        (85004, 100000, "settlement_rate", "85.01%"),  # 85.004 %: rounded away from the line, not onto it
        (199996, 10000000, "reoffence_rate", "1.99%"),  # 1.99996 %: likewise
        (2, 100, "reoffence_rate", "2.0%"),
        (9999, 10000, "assistance_rate", "99.9%"),  # never 100.0 % unless everyone
        (0, 0, "assistance_rate", "—"),
    ],
)
def test_it_shows_a_rate_on_the_right_side_of_its_target(
    numerator: int, denominator: int, rate: str, shown: str
) -> None:
    assert REGISTER_TARGETS[rate].text(numerator, denominator) == shown


@pytest.mark.parametrize(
    ("rate", "numerator", "denominator", "met"),
    [
        ("settlement_rate", 85, 100, False),
        ("settlement_rate", 86, 100, True),
        ("assistance_rate", 19, 20, False),  # 95 % is not above 95 %
        ("reoffence_rate", 2, 100, False),
        ("reoffence_rate", 1, 100, True),
        ("reoffence_rate", 0, 0, None),
    ],
)
def test_the_targets_are_strict(rate: str, numerator: int, denominator: int, met: bool | None) -> None:
    assert REGISTER_TARGETS[rate].met(numerator, denominator) is met


@pytest.mark.usefixtures("register")
def test_it_opens_on_yesterday_once_the_nightly_roll_up_has_run() -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    roll_up_register(day=yesterday)
    response = client_for("county_officer").get("/stats/register/")
    assert response.context["on"] == yesterday and response.context["source"] == "rollup"
    assert "夜间汇总于" in response.content.decode()
    today = client_for("county_officer").get("/stats/register/", {"on": TODAY.isoformat()})
    assert today.context["source"] == "live" and "实时计算" in today.content.decode()
