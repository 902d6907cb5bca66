"""The hand-over dashboard (衔接情况统计) in a real browser, on the demo data of ``manage.py demo``.

Charts are drawn by ECharts on a canvas: the tests read the chart's own model (``echarts.getInstanceByDom``) to know
what it drew, and click a bar at the pixel ECharts reports for it.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import urllib.request
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from e2e.support import Server, Visit

CHINA = ZoneInfo("Asia/Shanghai")
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def chart_series(visit: Visit, element: str) -> Any:
    return visit.page.evaluate(
        """(id) => {
            const chart = window.echarts.getInstanceByDom(document.getElementById(id));
            const option = chart.getOption();
            return {series: option.series.map((s) => s.data), categories: option.xAxis[0].data};
        }""",
        element,
    )


def test_the_county_officer_reads_the_rates_and_the_list_behind_a_number(visit: Visit) -> None:
    page = visit.page
    visit.sign_in("county_officer")
    visit.open("/stats/handover/")
    expect(page.locator("h1")).to_have_text("衔接情况统计")
    table = page.locator(".stats-table")
    expect(table.locator("tbody th")).to_have_text(["玄武区示范一街道", "玄武区示范二街道"])
    page.wait_for_function("() => document.querySelectorAll('#chart-regions canvas, #chart-trend canvas').length == 2")
    regions = chart_series(visit, "chart-regions")
    assert regions["categories"] == ["玄武区示范一街道", "玄武区示范二街道"]
    assert all(value is not None and 0 <= value <= 100 for value in regions["series"][0])
    trend = chart_series(visit, "chart-trend")
    assert len(trend["categories"]) == 12 and sum(trend["series"][0]) > 0
    visit.screenshot("stats-dashboard-county_officer")

    # the total of missed intakes opens the list of exactly those people
    missed = table.locator("tfoot td").nth(10)
    number = int(missed.inner_text())
    assert number > 0
    missed.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("玄武区 · 漏管")
    expect(page.locator(".table-head h2")).to_have_text(f"共 {number} 人")
    expect(page.locator(".data-table tbody tr")).to_have_count(min(number, 50))
    expect(page.locator(".data-table tbody tr").first.locator("code")).to_contain_text("********")
    visit.screenshot("stats-list-missed")
    assert visit.foreign_requests() == []
    assert visit.console_errors == []


def test_the_period_chooser_narrows_the_figures(visit: Visit) -> None:
    page = visit.page
    visit.sign_in("county_officer")
    visit.open("/stats/handover/")
    year = int(page.locator(".kpi").first.locator(".kpi-value").inner_text())
    today = dt.datetime.now(CHINA).date()
    first = today.replace(day=1) - dt.timedelta(days=1)
    page.fill("#id_from", first.replace(day=1).isoformat())
    page.fill("#id_to", first.isoformat())
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".page-date")).to_have_text(f"{first.replace(day=1):%Y-%m-%d} — {first:%Y-%m-%d}")
    month = int(page.locator(".kpi").first.locator(".kpi-value").inner_text())
    assert 0 < month <= year or first.year < today.year
    # a period that ends before it starts is refused on the form
    page.fill("#id_from", today.isoformat())
    page.fill("#id_to", first.isoformat())
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".field-error")).to_have_text("起始日期不能晚于截止日期。")


def test_the_city_officer_drills_down_by_a_bar_and_comes_back_up(visit: Visit) -> None:
    page = visit.page
    visit.sign_in("city_officer")
    visit.open("/stats/handover/")
    expect(page.locator(".crumbs [aria-current=page]")).to_have_text("南京市")
    expect(page.locator(".stats-table tbody th a", has_text="秦淮区")).to_be_visible()
    page.wait_for_function("() => document.querySelector('#chart-regions canvas') !== null")
    visit.screenshot("stats-dashboard-city_officer")
    # click the first bar (玄武区) where ECharts says it is
    x, y = page.evaluate(
        """() => {
            const el = document.getElementById('chart-regions');
            const chart = window.echarts.getInstanceByDom(el);
            const category = chart.getOption().xAxis[0].data[0];
            const [px, py] = chart.convertToPixel({seriesIndex: 0}, [category, 50]);
            const box = el.getBoundingClientRect();
            return [box.left + px, box.top + py];
        }"""
    )
    page.mouse.click(x, y)
    expect(page.locator(".crumbs [aria-current=page]")).to_have_text("玄武区")
    expect(page.locator(".crumbs ol a")).to_have_text(["南京市"])
    page.get_by_role("link", name="返回上一级").click()
    expect(page.locator(".crumbs [aria-current=page]")).to_have_text("南京市")
    assert visit.console_errors == []


# --- the dashboard follows the hand-over -------------------------------------------------------------------------


def api(server: Server, path: str, body: dict[str, Any], token: str | None = None) -> Any:
    request = urllib.request.Request(
        f"{server.url}/api/v1{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=15) as response:
        return json.loads(response.read())


def token_of(server: Server, username: str) -> str:
    return str(api(server, "/auth/token", {"username": username, "password": server.password})["token"])


def kpi_detail(visit: Visit, label: str) -> tuple[int, int]:
    """``(numerator, denominator)`` of a rate card: its "132 / 151" line."""
    card = visit.page.locator(".kpi", has=visit.page.locator(".kpi-label", has_text=re.compile(f"^{label}$")))
    numerator, denominator = card.locator(".kpi-note").first.inner_text().split(" / ")
    return int(numerator), int(denominator)


def test_the_dashboard_counts_a_person_handed_over_today(visit: Visit) -> None:
    visit.sign_in("county_officer")
    visit.open("/stats/handover/")
    before = kpi_detail(visit, "衔接率")

    rng = random.Random()
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(365 * 30))
    body = f"320102{birth:%Y%m%d}{rng.randrange(0, 500) * 2 + 1:03d}"
    id_number = body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]
    today = dt.datetime.now(CHINA).date().isoformat()
    facility, office = token_of(visit.server, "facility_liaison"), token_of(visit.server, "office_officer")
    notice = api(
        visit.server,
        "/release-notices",
        {
            "person": {
                "name": f"统计测试{rng.randrange(1000, 9999)}",
                "gender": "male",
                "id_number": id_number,
                "hukou_region": "320102001000",
            },
            "expected_release_date": today,
            "offence": "盗窃罪",
            "sentence_months": 12,
        },
        facility,
    )
    api(visit.server, f"/release-notices/{notice['id']}/verify", {"result": "confirmed"}, office)
    api(visit.server, f"/release-notices/{notice['id']}/release", {"released_on": today}, facility)
    visit.page.reload()
    assert kpi_detail(visit, "衔接率") == (before[0], before[1] + 1)  # released, not yet handed over
    api(
        visit.server,
        f"/release-notices/{notice['id']}/check-in",
        {"checked_in_on": today, "method": "self_reported"},
        office,
    )
    visit.page.reload()
    assert kpi_detail(visit, "衔接率") == (before[0] + 1, before[1] + 1)


def test_the_dashboard_fits_a_phone(phone: Visit) -> None:
    phone.sign_in("province_officer")
    phone.open("/stats/handover/")
    expect(phone.page.locator(".stats-table tbody th a", has_text="南京市")).to_be_visible()
    phone.page.wait_for_function("() => document.querySelector('#chart-trend canvas') !== null")
    assert phone.fits_width()  # the wide table scrolls inside its own box
    phone.screenshot("phone-stats-dashboard")
    assert phone.console_errors == []


def test_other_roles_are_refused_the_dashboard(visit: Visit) -> None:
    visit.sign_in("volunteer")
    response = visit.page.goto(f"{visit.server.url}/stats/handover/")
    assert response is not None and response.status == 403
