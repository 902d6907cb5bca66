"""The assistance dashboard (救助与就业帮扶统计) in a real browser, on the demo data of ``manage.py demo`` (referrals
in every state, placements, the aid ledger): the county officer reads the figures, opens the list behind a number
and downloads it as .xlsx; the page and the list fit a phone."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from e2e.support import Visit

XUANWU_TOWNSHIPS = ["玄武区示范一街道", "玄武区示范二街道"]


def test_the_county_officer_reads_the_figures_and_downloads_a_list(visit: Visit, tmp_path: Path) -> None:
    page = visit.page
    visit.sign_in("county_officer")
    visit.open("/stats/handover/")
    page.locator(".stats-tabs").get_by_role("link", name="救助与就业").click()  # the tab beside the others
    expect(page.locator("h1")).to_have_text("救助与就业帮扶统计")
    table = page.locator(".stats-table")
    expect(table.locator("tbody th")).to_have_text(XUANWU_TOWNSHIPS)
    referrals = int(page.locator(".kpi", has_text="转介").first.locator(".kpi-value").inner_text())
    assert referrals > 0
    assert int(table.locator("tfoot td").first.inner_text()) == referrals
    rate = page.locator(".kpi", has_text="批准率").locator(".kpi-value").inner_text()
    assert rate.endswith("%")
    expect(page.locator(".kpi", has_text="帮扶金额（元）").locator(".kpi-value")).to_contain_text(".")
    expect(page.locator(".kpi", has_text="决定用时中位数").locator(".kpi-value")).to_contain_text("天")
    visit.screenshot("stats-assistance-county_officer")

    # the pending referrals open the list of exactly those
    pending = page.locator(".kpi", has_text="待决定").locator(".kpi-value")
    number = int(pending.inner_text())
    assert number > 0
    pending.click()
    expect(page.locator("h1")).to_have_text("玄武区 · 待决定")
    expect(page.locator(".table-head h2")).to_have_text(f"共 {number} 人")
    rows = page.locator(".data-table tbody tr")
    expect(rows).to_have_count(min(number, 50))
    expect(rows.first.locator("code")).to_contain_text("********")
    assert rows.first.locator(".badge").inner_text() in (
        "已转介",
        "审核中",
        "已批准",
        "未批准",
    )  # decided after `to` at most
    visit.screenshot("stats-assistance-list-pending")

    # and download as .xlsx: a header row and a row for each
    with page.expect_download() as download:
        page.locator(".table-actions a").first.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    saved = tmp_path / "pending.xlsx"
    download.value.save_as(saved)
    sheet = load_workbook(saved).active
    assert sheet is not None
    values = [row for row in sheet.iter_rows(values_only=True) if any(cell is not None for cell in row)]
    assert "姓名" in [str(cell) for row in values[:3] for cell in row]
    assert sum(1 for row in values if any("→" in str(cell) for cell in row)) == number
    assert visit.foreign_requests() == []
    assert visit.console_errors == []


def test_the_assistance_dashboard_fits_a_phone(phone: Visit) -> None:
    phone.sign_in("county_officer")
    phone.open("/stats/assistance/")
    expect(phone.page.locator("h1")).to_have_text("救助与就业帮扶统计")
    assert phone.fits_width()
    phone.screenshot("phone-stats-assistance")
    phone.page.locator(".kpi", has_text="安置就业").locator(".kpi-value").click()
    expect(phone.page.locator("h1")).to_have_text("玄武区 · 安置就业")
    assert phone.fits_width()
    phone.screenshot("phone-stats-assistance-list")
    assert phone.console_errors == []


def test_a_partner_officer_is_refused_the_dashboard(visit: Visit) -> None:
    visit.sign_in("partner_officer")
    response = visit.page.goto(f"{visit.server.url}/stats/assistance/")
    assert response is not None and response.status == 403
