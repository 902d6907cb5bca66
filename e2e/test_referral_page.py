"""The department's referral page in a real browser (issue 11 §4): the partner officer opens a pending referral from
the inbox, takes it under review (after which only approve or reject is offered), approves it with its start and
review dates, and continues a benefit due for review until its next review date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from e2e.support import Visit

CHINA = ZoneInfo("Asia/Shanghai")


def test_the_department_decides_a_referral_and_continues_a_benefit_after_review(visit: Visit, phone: Visit) -> None:
    page = visit.page
    today = dt.datetime.now(CHINA).date()
    visit.sign_in("partner_officer")

    # a pending referral sent to 玄武区民政局
    visit.open("/assistance/referrals/?status=submitted")
    page.locator(".data-table tbody tr a").first.click()
    expect(page.locator("#respond h2")).to_have_text("记录处理结果")
    expect(page.locator("body")).not_to_contain_text("罪名")  # the department never reads the offence
    page.check("input[name=result][value=under_review]")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".message-success")).to_contain_text("审核中")
    expect(page.locator("input[name=result][value=under_review]")).to_have_count(0)

    # approved, from today, reviewed in a year
    page.check("input[name=result][value=approved]")
    page.fill("#id_reference", "玄民低〔2026〕88号")
    page.fill("#id_amount", "1110.00")
    page.fill("#id_starts_on", today.isoformat())
    page.fill("#id_review_on", (today + dt.timedelta(days=365)).isoformat())
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".message-success")).to_contain_text("已批准")
    expect(page.locator(".as-decision")).to_contain_text("1110.00")
    expect(page.locator("#renew h2")).to_have_text("复审：继续享受")
    visit.screenshot("assistance-referral-page")

    # a benefit due for review: continued until the next review date
    visit.open("/assistance/referrals/?status=review_due")
    page.locator(".data-table tbody tr a").first.click()
    expect(page.locator("#renew .ho-help").first).to_contain_text("已到复审日期")
    page.fill("#id_review_on", "")
    page.locator("#renew").get_by_role("button", name="登记复审结果").click()
    expect(page.locator("#renew")).to_contain_text("必填")  # the error beside the field, nothing written
    page.fill("#id_review_on", (today + dt.timedelta(days=365)).isoformat())
    page.locator("#renew").get_by_role("button", name="登记复审结果").click()
    expect(page.locator(".message-success")).to_contain_text("继续享受")
    expect(page.locator("h1 .badge")).to_have_text("已批准")
    visit.screenshot("assistance-referral-renewed")

    phone.sign_in("partner_officer")
    phone.open("/assistance/referrals/?status=approved")
    phone.page.locator(".data-table tbody tr a").first.click()
    assert phone.fits_width()
    phone.screenshot("phone-assistance-referral-page")
