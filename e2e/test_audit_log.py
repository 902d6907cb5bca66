"""The audit administrator's log page, in a real browser."""

from __future__ import annotations

from playwright.sync_api import expect

from e2e.support import Visit


def test_the_audit_admin_reads_the_log_and_finds_it_intact(visit: Visit) -> None:
    visit.sign_in("audit_admin")
    visit.page.locator(".mainnav").get_by_role("link", name="审计日志").click()
    expect(visit.page).to_have_url(f"{visit.server.url}/audit/")
    expect(visit.page.locator("h1")).to_have_text("审计日志")
    # newest first: this very page view is the top row
    first_row = visit.page.locator(".data-table tbody tr").first
    expect(first_row).to_contain_text("audit.view")
    expect(first_row).to_contain_text("audit_admin")
    visit.page.get_by_role("button", name="核验完整性").click()
    expect(visit.page.get_by_role("status")).to_contain_text("日志完整")
    visit.page.wait_for_load_state("networkidle")
    visit.screenshot("audit-log", full_page=False)
    assert visit.foreign_requests() == []
    assert visit.console_errors == []


def test_the_audit_log_filters_by_username(visit: Visit) -> None:
    visit.sign_in("audit_admin")
    visit.open("/audit/")
    visit.page.fill("#id_username", "audit_admin")
    visit.page.fill("#id_action", "login")
    visit.page.get_by_role("button", name="筛选").click()
    expect(visit.page).to_have_url(f"{visit.server.url}/audit/?username=audit_admin&action=login&date_from=&date_to=")
    rows = visit.page.locator(".data-table tbody tr")
    expect(rows.first).to_contain_text("login")
    assert {text.strip() for text in rows.locator("td:nth-child(3)").all_inner_texts()} == {"audit_admin"}
    assert {text.strip() for text in rows.locator("td:nth-child(6) code").all_inner_texts()} == {"login"}


def test_other_roles_are_refused_the_audit_log(visit: Visit) -> None:
    visit.sign_in("system_admin")
    expect(visit.page.locator(".mainnav")).not_to_contain_text("审计日志")
    response = visit.page.goto(f"{visit.server.url}/audit/")
    assert response is not None and response.status == 403
    expect(visit.page.locator("h1")).to_have_text("无权访问")
    visit.screenshot("audit-log-refused")


def test_the_audit_log_fits_a_phone(phone: Visit) -> None:
    phone.sign_in("audit_admin")
    phone.open("/audit/")
    expect(phone.page.locator("h1")).to_have_text("审计日志")
    assert phone.fits_width()
    phone.screenshot("phone-audit-log", full_page=False)
