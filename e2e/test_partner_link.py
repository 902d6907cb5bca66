"""A referral answered through a one-time link (issue 11 §5), in a real browser: the office officer sends a 低保
referral from one of their demo cases' 救助与就业 tab to the 玄武区 civil affairs bureau and issues a link; a
department officer without an account opens it (no sign-in, no navigation, the masked ID), approves, and a second
opening answers 410; the officer then sees the approval on the tab. The inbox is looked at too."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, expect

from e2e.support import SCREENSHOTS, Visit

CHINA = ZoneInfo("Asia/Shanghai")


def test_a_dibao_referral_approved_through_a_one_time_link(visit: Visit, phone: Visit, browser: Browser) -> None:
    page = visit.page
    today = dt.datetime.now(CHINA).date()

    # 1. the office officer opens one of their active demo cases and its 救助与就业 tab
    visit.sign_in("office_officer")
    visit.open("/cases/?status=active")
    first = page.locator(".data-table tbody tr a").first
    name = first.inner_text().strip()
    first.click()
    case_id = int(re.search(r"/cases/(\d+)/", page.url).group(1))  # type: ignore[union-attr]
    visit.open(f"/cases/{case_id}/assistance/")
    expect(page.locator("h1")).to_contain_text(name)
    section = page.locator("#referrals")
    expect(section.locator("h2")).to_have_text("救助转介")

    # 2. sends a 低保 referral to 玄武区民政局
    section.locator("#referral-form summary").click()
    page.select_option("#id_referral_scheme", "dibao")
    page.select_option("#id_referral_to", "MZ320102")
    page.fill("#id_referral_reason", "本人无收入，独居，申请最低生活保障")
    section.get_by_role("button", name="发送转介").click()
    expect(page.locator(".message-success")).to_contain_text("已向玄武区民政局转介最低生活保障")
    item = page.locator(".as-referral", has_text="最低生活保障").first
    expect(item).to_contain_text("已转介")

    # 3. issues a one-time link: the URL is shown once
    item.get_by_role("button", name="生成一次性链接").click()
    message = page.locator(".message-success")
    expect(message).to_contain_text("一次性链接")
    path = re.search(r"/assistance/partner/[A-Za-z0-9_\-]+/", message.inner_text()).group(0)  # type: ignore[union-attr]
    visit.screenshot("assistance-referral-tab")

    # 4. a department officer without an account opens it on a desktop: the minimum, no navigation
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    try:
        anonymous = context.new_page()
        anonymous.goto(visit.server.url + path)
        expect(anonymous.locator("h1")).to_contain_text("最低生活保障")
        facts = anonymous.locator(".as-facts")
        expect(facts).to_contain_text(name)
        expect(facts).to_contain_text("********")
        expect(facts).to_contain_text("玄武区示范一街道司法所")
        assert anonymous.locator(".topbar, nav, a").count() == 0
        SCREENSHOTS.mkdir(exist_ok=True)
        anonymous.screenshot(path=str(SCREENSHOTS / "assistance-partner-link.png"), full_page=True)
    finally:
        context.close()

    # 5. ... and approves on a phone
    phone.open(path)
    expect(phone.page.locator(".as-facts")).to_contain_text("********")
    assert phone.page.locator(".topbar, nav, a").count() == 0
    assert phone.fits_width()
    phone.screenshot("phone-assistance-partner-link")
    phone.page.get_by_text("批准", exact=True).tap()
    phone.page.fill("#id_reference", "玄民低保〔2026〕88号")
    phone.page.fill("#id_amount", "860")
    phone.page.fill("#id_starts_on", today.isoformat())
    phone.page.fill("#id_review_on", (today + dt.timedelta(days=180)).isoformat())
    phone.page.get_by_role("button", name="提交处理结果").tap()
    expect(phone.page.locator("h1")).to_have_text("处理结果已提交")
    phone.screenshot("phone-assistance-partner-done")

    # 6. a second opening answers 410
    response = phone.page.goto(visit.server.url + path)
    assert response is not None and response.status == 410
    expect(phone.page.locator("h1")).to_have_text("链接已失效")

    # 7. the officer sees the approval on the tab, and in the outgoing inbox
    visit.open(f"/cases/{case_id}/assistance/")
    approved = page.locator(".as-referral", has_text="最低生活保障").first
    expect(approved).to_contain_text("已批准")
    expect(approved).to_contain_text("860.00")
    expect(approved).to_contain_text("玄民低保〔2026〕88号")
    visit.open("/assistance/referrals/")
    expect(page.locator("h1")).to_contain_text("发出的转介")
    expect(page.locator(".data-table")).to_contain_text(name)
    visit.screenshot("assistance-referral-inbox")
    phone.sign_in("office_officer")
    phone.open("/assistance/referrals/")
    assert phone.fits_width()
    phone.screenshot("phone-assistance-referral-inbox")
