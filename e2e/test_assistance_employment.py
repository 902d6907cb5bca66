"""Employment support and the aid ledger in a real browser (issue 11 items 6 and 8): the office officer picks one of
their open demo cases from the case list, opens its 救助与就业 tab, records an employment service and a placement
(the case page then shows the settlement 就业), tries an aid hand-out with a bad amount (the error stands next to
the field, nothing is written), then records it and sees the total grow. Desktop and phone screenshots.

The case is the demo's (an open case of 玄武区示范一街道司法所 not yet settled): the test writes only through the
pages, and compares the ledger's total before and after, whatever the demo put in it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import expect

from e2e.support import Visit

OFFICE = "玄武区示范一街道司法所"
TOTAL = re.compile(r"合计\s*([0-9.]+)\s*元\s*·\s*共\s*(\d+)\s*笔")


def ledger_total(visit: Visit) -> tuple[Decimal, int]:
    match = TOTAL.search(visit.page.locator("#aid-total").inner_text())
    assert match, visit.page.locator("#aid-total").inner_text()
    return Decimal(match.group(1)), int(match.group(2))


def test_employment_and_the_aid_ledger_on_the_assistance_tab(visit: Visit, phone: Visit) -> None:
    page = visit.page
    visit.sign_in("office_officer")

    # 1. an open case of the officer's own office, not settled yet, from the case list
    visit.open("/cases/?status=active&settlement=not_settled")
    row = page.locator(".data-table tbody tr", has_text=OFFICE).first
    expect(row).to_contain_text("未安置")
    name = row.locator("td a").first.inner_text().strip()
    row.get_by_role("link", name=name).click()
    expect(page.locator("h1")).to_contain_text(name)
    case_id = int(re.search(r"/cases/(\d+)/", page.url).group(1))  # type: ignore[union-attr]
    page.locator(".cs-tabs").get_by_role("link", name="救助与就业").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}/assistance/$"))
    expect(page.locator("#employment-title")).to_have_text("就业帮扶")
    visit.screenshot("assistance-employment-tab")

    # 2. an employment service: a job referral by the district's public employment service
    page.locator("#employment-service summary").click()
    page.select_option("#id_employment_service_kind", "job_referral")
    page.fill("#id_employment_service_provider", "玄武区公共就业服务中心")
    page.fill("#id_employment_service_detail", "推荐物流分拣岗位")
    page.locator("#employment-service").get_by_role("button", name="保存就业服务").click()
    expect(page.locator(".message-success")).to_contain_text("已登记就业服务：职业介绍")
    expect(page.locator("#employment-services")).to_contain_text("玄武区公共就业服务中心")

    # 3. a placement: the settlement becomes 就业
    page.locator("#placement summary").click()
    page.fill("#id_placement_employer", "南京示范物流有限公司")
    page.fill("#id_placement_employer_credit_code", "91110000600037341L")
    page.fill("#id_placement_job", "仓库分拣员")
    page.fill("#id_placement_contract_months", "24")
    page.locator("#id_placement_social_insurance").check()
    visit.screenshot("assistance-employment-placement-form", full_page=False)
    page.locator("#placement").get_by_role("button", name="保存安置就业").click()
    expect(page.locator(".message-success")).to_contain_text("安置情况已改为“就业”")
    placement = page.locator("#placements .cs-list-item", has_text="南京示范物流有限公司")
    expect(placement).to_contain_text("在职")
    expect(placement.locator("summary", has_text="登记离职")).to_be_visible()

    # 4. a bad amount comes back next to its field, and nothing is written
    before, entries = ledger_total(visit)
    page.locator("#aid-form summary").click()
    page.locator("#aid-form").get_by_text("现金", exact=True).click()
    page.fill("#id_aid_amount", "-50")
    page.fill("#id_aid_purpose", "临时生活补助")
    page.select_option("#id_aid_need", "income")
    page.fill("#id_aid_approved_by", "王所长")
    page.locator("#aid-form").get_by_role("button", name="记入台账").click()
    expect(page.locator("#aid-form .cs-field-amount .field-error")).to_have_text("金额必须大于零")
    expect(page.locator("#aid-form")).to_have_attribute("open", "")
    expect(page.locator("#id_aid_purpose")).to_have_value("临时生活补助")
    assert ledger_total(visit) == (before, entries)
    page.locator("#aid-form").scroll_into_view_if_needed()
    visit.screenshot("assistance-aid-error", full_page=False)

    # 5. the right amount: the ledger shows it and its total grows by it
    page.fill("#id_aid_amount", "1250.50")
    page.locator("#aid-form").get_by_role("button", name="记入台账").click()
    expect(page.locator(".message-success")).to_contain_text("已记入帮扶台账：现金 1250.50 元")
    assert ledger_total(visit) == (before + Decimal("1250.50"), entries + 1)
    expect(page.locator("#aid .cs-list-item", has_text="临时生活补助").first).to_contain_text("1250.50 元")
    visit.screenshot("assistance-employment-done")

    # 6. the case page shows the settlement 就业 and the rows on its timeline
    page.locator(".cs-tabs").get_by_role("link", name="帮教档案").click()
    expect(page.locator("h1")).to_contain_text(name)
    settlement = page.locator(".ho-facts dt", has_text="安置情况").locator("xpath=following-sibling::dd[1]")
    expect(settlement).to_have_text(re.compile(r"^就业"))
    timeline = page.locator(".ho-timeline")
    expect(timeline).to_contain_text("安置就业")
    expect(timeline).to_contain_text("南京示范物流有限公司，仓库分拣员")
    expect(timeline).to_contain_text("帮扶发放")
    settlement.scroll_into_view_if_needed()
    visit.screenshot("assistance-case-page-employed", full_page=False)

    # 7. the tab on a phone: one column, nothing sticks out sideways
    phone.sign_in("office_officer")
    phone.open(f"/cases/{case_id}/assistance/")
    expect(phone.page.locator("#employment-title")).to_have_text("就业帮扶")
    assert phone.fits_width()
    phone.screenshot("phone-assistance-employment-tab")
    phone.page.locator("#aid-form summary").tap()
    phone.page.locator("#aid-form").scroll_into_view_if_needed()
    assert phone.fits_width()
    phone.screenshot("phone-assistance-aid-form", full_page=False)
    # the bad amount's page comes back with 400 (the browser logs that); nothing else may fail
    assert [e for e in visit.console_errors if "status of 400" not in e] == [] and phone.console_errors == []
    assert visit.foreign_requests() == [] and phone.foreign_requests() == []
