"""Intake in a real browser (issue 11 items 1–4): the facility records the pre-release education on a demo notice
not yet released, found through its notice list, and the receiving office sees it on that notice page before the
release; the office opens a demo case of its own, opens the 救助与就业 tab, records a briefing and a needs
assessment, and reads the eligibility hints with the rules that produced them. Uses only what the demo holds."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from e2e.support import Visit

CHINA = ZoneInfo("Asia/Shanghai")


def china_today() -> dt.date:
    return dt.datetime.now(CHINA).date()


def sign_out(visit: Visit) -> None:
    visit.page.locator(".sign-out button").click()
    visit.page.wait_for_url(re.compile(r"/login/"))


def test_education_before_release_and_briefing_and_assessment_on_the_tab(visit: Visit, phone: Visit) -> None:
    page = visit.page
    today = china_today()

    # 1. the facility finds a notice of 示范一街道 not yet released in its list, and records the education
    visit.sign_in("facility_liaison")
    visit.open("/handover/notices/?status=verified")
    row = page.locator(".data-table tbody tr", has_text="玄武区示范一街道司法所").first
    name = row.locator(".ho-cell-name a").inner_text()
    row.locator(".ho-cell-name a").click()
    expect(page.locator("h1")).to_contain_text(name)
    notice_url = page.url
    page.locator("#education").get_by_role("link", name=re.compile("出监教育")).click()
    expect(page.locator("h1")).to_have_text("登记出监教育")
    for row_no in range(5):  # saving replaces the record: start from empty rows
        page.select_option(f"#id_education_kind_{row_no}", "")
        page.fill(f"#id_education_on_{row_no}", "")
        page.fill(f"#id_education_hours_{row_no}", "")
    page.select_option("#id_education_kind_0", "vocational_skills")
    page.fill("#id_education_on_0", (today - dt.timedelta(days=20)).isoformat())
    page.fill("#id_education_hours_0", "40")
    page.select_option("#id_education_kind_1", "policy_briefing")
    page.fill("#id_education_on_1", (today + dt.timedelta(days=2)).isoformat())  # not yet given: refused
    page.fill("#id_education_hours_1", "2")
    page.get_by_label("住房").check()
    page.get_by_label("就业", exact=True).check()
    page.get_by_role("button", name="保存出监教育").click()
    expect(page.locator(".as-course-row").nth(1).locator(".field-error")).to_be_visible()
    visit.screenshot("assistance-intake-education-error")
    page.fill("#id_education_on_1", (today - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="保存出监教育").click()
    expect(page).to_have_url(notice_url)
    expect(page.locator(".message-success")).to_contain_text("出监教育已登记")
    expect(page.locator("#education")).to_contain_text("职业技能培训")
    sign_out(visit)

    # 2. the receiving office sees it on the notice page, before the release
    visit.sign_in("office_officer")
    visit.open(notice_url.removeprefix(visit.server.url))
    education = page.locator("#education")
    expect(education).to_contain_text("职业技能培训")
    expect(education).to_contain_text("政策宣讲")
    expect(education).to_contain_text("住房、就业")
    expect(education.get_by_role("link")).to_have_count(0)
    education.scroll_into_view_if_needed()
    visit.screenshot("assistance-intake-notice-office", full_page=False)

    # 3. the office opens a demo case of its own and its 救助与就业 tab
    visit.open("/cases/?status=active")
    first = page.locator(".data-table tbody tr").first
    first.locator("a").first.click()
    expect(page.locator("h1")).to_be_visible()
    page.get_by_role("link", name="救助与就业").click()
    expect(page.locator(".cs-tab-current")).to_have_text("救助与就业")
    tab_url = page.url

    # 4. a briefing: the schemes explained, acknowledged
    page.locator("#briefing summary").click()
    page.get_by_label("最低生活保障").check()
    page.get_by_label("就业援助").check()
    page.get_by_label("本人已知悉并确认").check()
    visit.screenshot("assistance-intake-briefing-form", full_page=False)
    page.locator("#briefing").get_by_role("button", name="保存告知").click()
    expect(page.locator(".message-success")).to_contain_text("政策告知已登记：最低生活保障、就业援助")
    expect(page).to_have_url(tab_url)

    # 5. an assessment: first a negative income, refused next to its field; then 900 yuan for three people
    page.locator("#needs-assessment summary").click()
    page.fill("#id_needs_income_monthly", "-10")
    page.fill("#id_needs_household_size", "3")
    page.locator("#needs-assessment").get_by_text("借住亲属").click()
    page.get_by_label("有劳动能力").check()
    page.select_option("#id_needs_unemployed", "yes")
    page.locator("#needs-assessment").get_by_role("button", name="保存评估").click()
    expect(page.locator("#needs-assessment .cs-field-income_monthly .field-error")).to_be_visible()
    visit.screenshot("assistance-intake-assessment-error")
    page.fill("#id_needs_income_monthly", "900")
    page.locator("#needs-assessment").get_by_role("button", name="保存评估").click()
    expect(page.locator(".message-success")).to_contain_text("可能符合：最低生活保障")
    hints = page.locator(".as-assessment").first.locator(".as-hint")
    expect(hints.first).to_contain_text("人均月收入 300.00 元，低于本地低保标准")
    expect(page.locator(".as-assessment").first).to_contain_text("就业援助")
    visit.screenshot("assistance-intake-tab")

    # 6. the same tab fits a phone
    phone.sign_in("office_officer")
    phone.open(tab_url.removeprefix(phone.server.url))
    expect(phone.page.locator(".as-hint").first).to_be_visible()
    assert phone.fits_width()
    phone.screenshot("phone-assistance-intake-tab")
    phone.open(notice_url.removeprefix(phone.server.url))
    phone.page.locator("#education").scroll_into_view_if_needed()
    assert phone.fits_width()
    phone.screenshot("phone-assistance-intake-notice", full_page=False)
    # the two forms sent back with their errors answer 400 on purpose; nothing else may fail
    errors = [e for e in visit.console_errors + phone.console_errors if "status of 400" not in e]
    assert not errors
    assert not visit.foreign_requests()
