"""The register dashboard (在册帮教统计) in a real browser, on the demo data of ``manage.py demo`` (cases in every
state).

As in ``test_dashboard``, the chart is read from ECharts' own model (``echarts.getInstanceByDom``) and a bar is
clicked at the pixel ECharts reports for it.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from e2e.support import Visit

XUANWU_TOWNSHIPS = ["玄武区示范一街道", "玄武区示范二街道"]


def chart_model(visit: Visit) -> Any:
    return visit.page.evaluate(
        """() => {
            const chart = window.echarts.getInstanceByDom(document.getElementById('chart-register'));
            const option = chart.getOption();
            return {
                series: option.series.map((s) => s.data),
                names: option.series.map((s) => s.name),
                targets: option.series.map((s) => s.markLine.data[0].yAxis),
                categories: option.xAxis[0].data,
            };
        }"""
    )


def test_the_county_officer_reads_the_register_and_the_list_behind_a_number(visit: Visit) -> None:
    page = visit.page
    visit.sign_in("county_officer")
    visit.open("/stats/handover/")
    page.get_by_role("link", name="在册帮教").click()  # the tab from the hand-over dashboard
    expect(page.locator("h1")).to_have_text("在册帮教统计")
    expect(page.locator(".stats-tabs [aria-current=page]")).to_have_text("在册帮教")
    table = page.locator(".register-table")
    expect(table.locator("tbody th")).to_have_text(XUANWU_TOWNSHIPS)
    page.wait_for_function("() => document.querySelector('#chart-register canvas') !== null")
    chart = chart_model(visit)
    assert chart["categories"] == XUANWU_TOWNSHIPS
    assert chart["names"] == ["安置率", "帮教率"] and chart["targets"] == [85, 95]
    assert all(value is not None and 0 <= value <= 100 for series in chart["series"] for value in series)
    on_register = int(page.locator(".kpi", has_text="在册人数").locator(".kpi-value").inner_text())
    assert on_register > 0
    assert int(table.locator("tfoot td").first.inner_text()) == on_register
    visit.screenshot("stats-register-county_officer")

    # the total of people who lost contact opens the list of exactly those people
    lost = table.locator("tfoot td").nth(7)
    number = int(lost.inner_text())
    assert number > 0
    lost.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("玄武区 · 脱管")
    expect(page.locator(".table-head h2")).to_have_text(f"共 {number} 人")
    rows = page.locator(".data-table tbody tr")
    expect(rows).to_have_count(min(number, 50))
    expect(rows.first.locator("code")).to_contain_text("********")
    expect(rows.first.locator(".cs-status")).to_have_text(re.compile("脱管|在册|已解除"))
    visit.screenshot("stats-register-list-lost_contact")

    # back on the dashboard, a rate below its target opens its shortfall
    page.get_by_role("link", name="返回统计").click()
    settlement = page.locator(".kpi", has_text="安置率")
    settled, total = (int(n) for n in settlement.locator(".kpi-note").first.inner_text().split(" / "))
    settlement.locator(".kpi-value").click()
    expect(page.locator("h1")).to_have_text("玄武区 · 未安置")
    expect(page.locator(".table-head h2")).to_have_text(f"共 {total - settled} 人")
    assert visit.foreign_requests() == []
    assert visit.console_errors == []


def test_the_city_officer_drills_down_by_a_bar(visit: Visit) -> None:
    page = visit.page
    visit.sign_in("city_officer")
    visit.open("/stats/register/")
    expect(page.locator(".crumbs [aria-current=page]")).to_have_text("南京市")
    page.wait_for_function("() => document.querySelector('#chart-register canvas') !== null")
    visit.screenshot("stats-register-city_officer")
    # the middle of the first region's assistance bar, where ECharts laid it out
    x, y = page.evaluate(
        """() => {
            const el = document.getElementById('chart-register');
            const chart = window.echarts.getInstanceByDom(el);
            const bar = chart.getModel().getSeriesByIndex(1).getData().getItemLayout(0);
            const box = el.getBoundingClientRect();
            return [box.left + bar.x + bar.width / 2, box.top + bar.y + bar.height / 2];
        }"""
    )
    page.mouse.click(x, y)
    expect(page.locator(".crumbs [aria-current=page]")).to_have_text("玄武区")
    expect(page.locator(".register-table tbody th")).to_have_text(XUANWU_TOWNSHIPS)
    page.get_by_role("link", name="返回上一级").click()
    expect(page.locator(".crumbs [aria-current=page]")).to_have_text("南京市")
    assert visit.console_errors == []


def test_the_register_fits_a_phone(phone: Visit) -> None:
    phone.sign_in("province_officer")
    phone.open("/stats/register/")
    expect(phone.page.locator(".register-table tbody th a", has_text="南京市")).to_be_visible()
    phone.page.wait_for_function("() => document.querySelector('#chart-register canvas') !== null")
    assert phone.fits_width()  # the wide table scrolls inside its own box
    phone.screenshot("phone-stats-register")
    phone.page.locator(".kpi", has_text="在册人数").locator(".kpi-value").click()
    expect(phone.page.locator("h1")).to_have_text("江苏省 · 在册人数")
    assert phone.fits_width()
    phone.screenshot("phone-stats-register-list")
    assert phone.console_errors == []


def test_other_roles_are_refused_the_register(visit: Visit) -> None:
    visit.sign_in("volunteer")
    response = visit.page.goto(f"{visit.server.url}/stats/register/")
    assert response is not None and response.status == 403
