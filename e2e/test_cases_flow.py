"""One case through the case pages in a real browser (DESIGN §2 steps 6–8): the office records a visit on a phone,
sends a trace request to the police from the case page, and the police answer it in their trace inbox.

The case is opened through the API (notice, release, check-in: the hand-over has its own browser test), so the test
needs nothing from the demo data beyond its users and organisations.
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

from e2e.support import SCREENSHOTS, Server, Visit

CHINA = ZoneInfo("Asia/Shanghai")
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def china_today() -> dt.date:
    return dt.datetime.now(CHINA).date()


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


def open_case(server: Server, name: str, rng: random.Random) -> int:
    """A key target of 玄武区示范一街道 (office_officer's township), released and checked in today."""
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(365 * 30))
    body = f"320102{birth:%Y%m%d}{rng.randrange(0, 500) * 2 + 1:03d}"
    id_number = body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]
    today = china_today()
    facility, office = token_of(server, "facility_liaison"), token_of(server, "office_officer")
    notice = api(
        server,
        "/release-notices",
        {
            "person": {
                "name": name,
                "gender": "male",
                "birth_date": birth.isoformat(),
                "id_number": id_number,
                "hukou_region": "320102001000",
                "residence_region": "320102001000",
                "residence_address": "示范路 28 号 3 单元",
            },
            "expected_release_date": (today + dt.timedelta(days=40)).isoformat(),
            "offence": "盗窃罪",
            "sentence_months": 30,
            "key_target": True,
            "key_target_reasons": ["累犯"],
            "needs": ["就业"],
        },
        facility,
    )
    api(server, f"/release-notices/{notice['id']}/release", {"released_on": today.isoformat()}, facility)
    checked_in = api(
        server,
        f"/release-notices/{notice['id']}/check-in",
        {"checked_in_on": today.isoformat(), "method": "self_reported"},
        office,
    )
    return int(checked_in["case_id"])


def sign_out(visit: Visit) -> None:
    visit.page.locator(".sign-out button").click()
    visit.page.wait_for_url(re.compile(r"/login/"))


def test_a_visit_on_a_phone_and_a_trace_request_answered_by_the_police(visit: Visit, phone: Visit) -> None:
    rng = random.Random()
    name = f"帮教测试{rng.randrange(1000, 9999)}"
    case_id = open_case(visit.server, name, rng)
    today = china_today()

    # 1. the office officer finds the case in the list and opens it
    page = visit.page
    visit.sign_in("office_officer")
    visit.open(f"/cases/?q={name}")
    row = page.locator(".data-table tbody tr", has_text=name)
    expect(row).to_contain_text("重点")
    expect(row).to_contain_text("在册")
    visit.screenshot("cases-list", full_page=False)
    row.get_by_role("link", name=name).click()
    expect(page.locator("h1")).to_contain_text(name)
    expect(page.locator(".ho-facts").first).to_contain_text("盗窃罪")
    visit.screenshot("cases-case-page")

    # 2. a visit recorded at the door, on a phone: a date in the future first comes back with its error in place
    phone.sign_in("office_officer")
    phone.open(f"/cases/{case_id}/")
    expect(phone.page.locator("h1")).to_contain_text(name)
    assert phone.fits_width()
    phone.screenshot("phone-cases-case-page", full_page=False)
    phone.page.get_by_role("link", name="记录走访").first.click()
    expect(phone.page.locator("h1")).to_have_text("记录走访")
    expect(phone.page.locator("#id_visited_on")).to_have_value(today.isoformat())
    assert phone.fits_width()
    phone.screenshot("phone-cases-visit-form", full_page=False)
    phone.page.fill("#id_visited_on", (today + dt.timedelta(days=1)).isoformat())
    phone.page.get_by_text("电话", exact=True).tap()
    phone.page.get_by_text("见到本人", exact=True).tap()
    phone.page.fill("#id_living", "与母亲同住")
    phone.page.fill("#id_work", "在快递站做分拣")
    phone.page.fill("#id_mood", "稳定，愿意配合")
    phone.page.fill("#id_needs", "技能培训；医保接续")
    phone.page.fill("#id_notes", "电话联系，约定下周来所谈话。")
    phone.page.get_by_role("button", name="保存走访记录").tap()
    expect(phone.page.locator(".cs-field-visited_on .field-error")).to_contain_text("日期不能晚于今天")
    expect(phone.page.locator("#id_work")).to_have_value("在快递站做分拣")
    expect(phone.page.locator("input[name=method][value=phone]")).to_be_checked()
    assert phone.fits_width()
    phone.screenshot("phone-cases-visit-error")
    phone.page.fill("#id_visited_on", today.isoformat())
    phone.page.get_by_role("button", name="保存走访记录").tap()
    next_due = (today + dt.timedelta(days=30)).isoformat()  # a key target: monthly visits
    expect(phone.page.locator(".message-success")).to_contain_text(f"走访已记录，下次走访 {next_due}")
    expect(phone.page.locator("#visits")).to_contain_text("在快递站做分拣")
    assert phone.fits_width()
    phone.screenshot("phone-cases-visit-done")
    phone.page.locator("#visits").screenshot(path=str(SCREENSHOTS / "phone-cases-visits.png"))

    # 3. the office sends a trace request to 玄武区公安分局 from the case page
    page.reload()
    page.locator("#trace summary").click()
    page.select_option("#id_trace_to", "GA320102")
    expect(page.locator("#id_trace_last_known_address")).to_have_value("示范路 28 号 3 单元")
    page.fill("#id_trace_reason", "多次走访不遇，请协助查找")
    visit.screenshot("cases-trace-form", full_page=False)
    page.locator("#trace").get_by_role("button", name="发出协查通报").click()
    expect(page.locator(".message-success")).to_contain_text("协查通报已发给玄武区公安分局")
    expect(page.locator("#traces")).to_contain_text("待回复")
    expect(page.locator(".ho-timeline-item").first).to_contain_text("发出协查通报")
    sign_out(visit)

    # 4. the police answer it in their trace inbox
    visit.sign_in("police_officer")
    visit.open("/cases/traces/")
    expect(page.locator("h1")).to_have_text("协查通报")
    request = page.locator("article.cs-trace", has_text=name)
    expect(request).to_contain_text("多次走访不遇，请协助查找")
    request.locator("input[name=result][value=located]").check()
    request.locator("input[name=address]").fill("玄武区某旅馆 302 室")
    request.locator("input[name=note]").fill("已当面告知其与司法所联系")
    visit.screenshot("cases-trace-inbox", full_page=False)
    request.get_by_role("button", name="提交协查结果").click()
    expect(page.locator(".message-success")).to_contain_text(f"已回复{name}的协查通报")
    answered = page.locator("article.cs-trace", has_text=name)
    expect(answered).to_contain_text("已回复")
    expect(answered).to_contain_text("玄武区某旅馆 302 室")
    visit.screenshot("cases-trace-answered", full_page=False)
    sign_out(visit)

    # 5. the office sees the answer on the case's timeline, and its worklist
    visit.sign_in("office_officer")
    visit.open(f"/cases/{case_id}/")
    expect(page.locator(".ho-timeline-item").first).to_contain_text("协查反馈")
    expect(page.locator(".ho-timeline-item").first).to_contain_text("玄武区某旅馆 302 室")
    visit.open("/cases/worklist/")
    expect(page.locator("h1")).to_have_text("待办事项")
    visit.screenshot("cases-worklist", full_page=False)
    phone.open("/cases/worklist/")
    assert phone.fits_width()
    phone.screenshot("phone-cases-worklist", full_page=False)

    # 6. the person moves to 秦淮区: the office asks for a transfer, the office there accepts it on its page
    visit.open(f"/cases/{case_id}/")
    page.locator("#transfer summary").click()
    page.select_option("#id_transfer_to_office", "SFS320104001")
    page.fill("#id_transfer_new_address", "秦淮区示范街 6 号")
    page.fill("#id_transfer_reason", "迁居秦淮区")
    page.locator("#transfer").get_by_role("button", name="申请移交").click()
    expect(page.locator(".message-success")).to_contain_text("已向秦淮区示范街道司法所申请移交")
    sign_out(visit)
    visit.sign_in("office_officer_b")
    visit.open("/cases/transfers/")
    page.locator(".cs-work-item", has_text=name).get_by_role("link", name="接收或拒绝").click()
    expect(page.locator("h1")).to_contain_text(name)
    visit.screenshot("cases-transfer-page", full_page=False)
    page.get_by_role("button", name="接收", exact=True).click()
    expect(page.locator(".message-success")).to_contain_text("已接收移交")
    expect(page.locator(".page-head .intro")).to_contain_text("秦淮区示范街道司法所管理")
    sign_out(visit)
    visit.sign_in("office_officer")

    # 7. the list and a case of the demo data as they look with more in them
    visit.open("/cases/")
    expect(page.locator("h1")).to_have_text("帮教档案")
    visit.screenshot("cases-list-demo", full_page=False)
    phone.open("/cases/")
    assert phone.fits_width()
    phone.screenshot("phone-cases-list", full_page=False)
    busiest = page.locator(".data-table tbody tr a").first
    busiest.click()
    expect(page.locator("h1")).to_be_visible()
    visit.screenshot("cases-case-page-demo")

    for tab in (visit, phone):
        assert tab.foreign_requests() == []
        # A CSP violation (inline style or script) would show here. The refused visit answers 400 on purpose (its
        # form comes back with the errors in place), and Chromium logs every 4xx document load.
        assert [e for e in tab.console_errors if "status of 400" not in e] == []
