"""Signing in, the home page of every role, the language switch and signing out, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e.support import LOCKOUT_USER, Visit

# DESIGN §1, §7: every demo user and the title of the home page they land on.
HOME_TITLES = {
    "facility_liaison": "监所工作台",
    "office_officer": "司法所工作台",
    "office_officer_b": "司法所工作台",
    "county_officer": "县级安帮办工作台",
    "city_officer": "市级安帮办工作台",
    "province_officer": "省级安帮办工作台",
    "partner_officer": "协作部门工作台",
    "police_officer": "公安工作台",
    "social_worker": "社会工作者工作台",
    "volunteer": "志愿者工作台",
    "base_manager": "过渡性安置基地工作台",
    "system_admin": "系统管理员工作台",
    "security_admin": "安全管理员工作台",
    "audit_admin": "审计管理员工作台",
}


def test_the_sign_in_page_is_chinese_by_default(visit: Visit) -> None:
    visit.open("/")
    expect(visit.page).to_have_url(f"{visit.server.url}/login/?next=/")
    expect(visit.page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(visit.page.locator("h1")).to_have_text("登录")
    expect(visit.page.locator(".brand")).to_have_text("安置帮教信息系统")
    visit.screenshot("sign-in")
    assert visit.console_errors == []


@pytest.mark.parametrize("username", list(HOME_TITLES))
def test_each_demo_user_signs_in_to_the_home_page_of_their_role(visit: Visit, username: str) -> None:
    visit.sign_in(username)
    expect(visit.page).to_have_url(f"{visit.server.url}/")
    expect(visit.page.locator("h1")).to_have_text(HOME_TITLES[username])
    expect(visit.page.locator(".account-name")).to_contain_text("演示")
    expect(visit.page.locator(".mainnav")).to_contain_text("工作台")
    expect(visit.page.locator(".task-card").first).to_be_visible()
    visit.screenshot(f"home-{username}")
    assert visit.console_errors == []


def test_a_wrong_password_shows_the_error_in_place(visit: Visit) -> None:
    visit.sign_in("office_officer", "not-the-password")
    expect(visit.page).to_have_url(f"{visit.server.url}/login/")
    expect(visit.page.get_by_role("alert")).to_have_text("用户名或密码错误。")
    expect(visit.page.locator("#id_username")).to_have_value("office_officer")
    visit.screenshot("sign-in-wrong-password")


def test_the_sixth_attempt_is_locked_out_even_with_the_right_password(visit: Visit) -> None:
    for _ in range(5):
        visit.sign_in(LOCKOUT_USER, "not-the-password")
        expect(visit.page.get_by_role("alert")).to_have_text("用户名或密码错误。")
    visit.sign_in(LOCKOUT_USER)
    expect(visit.page).to_have_url(f"{visit.server.url}/login/")
    expect(visit.page.get_by_role("alert")).to_contain_text("登录失败次数过多")
    visit.screenshot("sign-in-locked-out")


def test_switching_to_english_shows_english_and_back(visit: Visit) -> None:
    visit.sign_in("office_officer")
    visit.page.get_by_role("button", name="English").click()
    expect(visit.page.locator("html")).to_have_attribute("lang", "en")
    expect(visit.page.locator("h1")).to_have_text("Justice office workspace")
    expect(visit.page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(visit.page.locator(".mainnav")).to_contain_text("Workspace")
    visit.screenshot("home-english")
    visit.page.get_by_role("button", name="中文").click()
    expect(visit.page.locator("h1")).to_have_text("司法所工作台")


def test_signing_out_returns_to_the_sign_in_page(visit: Visit) -> None:
    visit.sign_in("county_officer")
    visit.page.get_by_role("button", name="退出").click()
    expect(visit.page).to_have_url(f"{visit.server.url}/login/")
    visit.open("/")
    expect(visit.page).to_have_url(f"{visit.server.url}/login/?next=/")


def test_the_home_page_loads_nothing_from_other_hosts(visit: Visit) -> None:
    visit.sign_in("office_officer")
    visit.page.wait_for_load_state("networkidle")
    assert any(url.endswith("/static/css/app.css") for url in visit.requests)
    assert any(url.endswith("/static/vendor/htmx.min.js") for url in visit.requests)
    assert visit.foreign_requests() == []
    assert visit.console_errors == []


def test_sign_in_and_home_fit_a_phone(phone: Visit) -> None:
    phone.open("/login/")
    assert phone.fits_width()
    phone.screenshot("phone-sign-in")
    phone.sign_in("office_officer")
    expect(phone.page.locator("h1")).to_have_text("司法所工作台")
    assert phone.fits_width()
    phone.screenshot("phone-home")
