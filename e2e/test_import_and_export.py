"""The monthly list in and the lists out, in a real browser: the facility liaison downloads the template,
fills it in with good and bad rows and imports it, watching the progress and reading the errors by row and column;
an officer exports a list page to .xlsx and the file holds the page's rows."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from playwright.sync_api import Route, expect

from e2e.support import Visit

CHINA = ZoneInfo("Asia/Shanghai")
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(rng: random.Random, *, good: bool = True) -> str:
    """A synthetic man's ID number of 玄武区; a wrong check digit unless ``good``."""
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(365 * 30))
    body = f"320102{birth:%Y%m%d}{rng.randrange(0, 500) * 2 + 1:03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]
    if not good:
        check = "0" if check != "0" else "1"
    return body + check


def sheet_rows(path: Path) -> list[list[Any]]:
    workbook = load_workbook(path, read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def fill_in(template: Path, target: Path, rows: list[dict[str, object]]) -> None:
    """The downloaded template with its example row replaced by ``rows`` (by the template's Chinese headers)."""
    workbook = load_workbook(template)
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    sheet.delete_rows(2, sheet.max_row)
    for values in rows:
        sheet.append([values.get(str(label), None) for label in header])
    workbook.save(target)


def test_the_facility_imports_a_list_with_good_and_bad_rows(visit: Visit, phone: Visit, tmp_path: Path) -> None:
    page = visit.page
    rng = random.Random()
    batch = rng.randrange(1000, 9999)
    release = dt.datetime.now(CHINA).date() + dt.timedelta(days=30)
    visit.sign_in("facility_liaison")
    visit.open("/handover/import/")
    expect(page.locator("h1")).to_have_text("导入预释放人员名单")
    visit.screenshot("handover-import")

    # 1. the template, as the browser downloads it
    with page.expect_download() as download:
        page.get_by_role("link", name="下载名单模板").click()
    assert download.value.suggested_filename == "预释放人员名单模板.xlsx"
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    assert sheet_rows(template)[0][:2] == ["姓名", "性别(男/女)"]

    # 2. filled in: three good rows (spreadsheet rows 2-4), then four bad ones (rows 5-8)
    def person(n: int, **fields: object) -> dict[str, object]:
        row: dict[str, object] = {
            "姓名": f"导入{batch}-{n}",
            "性别(男/女)": "男",
            "公民身份号码": id_number(rng),
            "户籍地区划代码": "320102001000",
            "居住地址": f"示范路 {n} 号",
            "预计释放日期": release,
            "罪名": "盗窃罪",
            "刑期(月)": 24,
            "是否重点帮教对象": "否",
            "需求": "就业;住房",
        }
        row.update(fields)
        return row

    good = [person(1), person(2, 是否重点帮教对象="是", 重点原因="累犯"), person(3, 罪名="诈骗罪")]
    bad = [
        person(4, 公民身份号码=id_number(rng, good=False)),
        person(5, 户籍地区划代码="320102999000"),
        person(6, 姓名=None),
        person(7, **{"刑期(月)": "三年"}),
    ]
    upload = tmp_path / f"预释放人员名单-{batch}.xlsx"
    fill_in(template, upload, good + bad)

    # 3. the upload: hold the POST a moment so the progress display can be seen while the file is "read"
    held: list[Route] = []
    page.route("**/handover/import/", lambda route: held.append(route))
    page.set_input_files("#id_file", str(upload))
    page.get_by_role("button", name="开始导入").click()
    progress = page.locator("#import-progress")
    expect(progress).to_be_visible()
    expect(progress.locator('[data-status="running"]')).to_be_visible()
    expect(page.locator("#import-submit")).to_be_disabled()
    visit.screenshot("handover-import-progress", full_page=False)
    while not held:  # the route handler runs while the page is waited on
        page.wait_for_timeout(50)
    assert len(held) == 1 and held[0].request.method == "POST"
    held[0].continue_()
    page.unroute("**/handover/import/")

    # 4. the result: counts, and the errors by row and column
    expect(progress.locator('[data-status="done"]')).to_be_visible(timeout=30_000)
    expect(progress.locator('[data-stat="created"]')).to_have_text("3")
    expect(progress.locator('[data-stat="error_count"]')).to_have_text("4")
    expect(progress.locator('[data-stat="rows_done"]')).to_have_text("7")
    errors = page.locator("#import-error-rows tr")
    expect(errors).to_have_count(4)
    found = {(row[0], row[1]) for row in (errors.nth(i).locator("td").all_inner_texts() for i in range(4))}
    assert found == {("5", "公民身份号码"), ("6", "户籍地区划代码"), ("7", "姓名"), ("8", "刑期(月)")}
    expect(progress.locator("[data-result-link]")).to_be_visible()
    visit.screenshot("handover-import-result")

    # the import's own result page (linked from the progress panel) says the same
    progress.locator("[data-result-link]").click()
    expect(page.locator("#import-result-title")).to_contain_text(upload.name)
    expect(page.locator(".message-success")).to_have_text("导入完成。")
    expect(page.locator('section[aria-labelledby="import-result-errors-title"] tbody tr')).to_have_count(4)
    visit.screenshot("handover-import-result-page")
    result_path = page.url.removeprefix(visit.server.url)

    # ... and reads on a phone
    phone.sign_in("facility_liaison")
    phone.open(result_path)
    expect(phone.page.locator("#import-result-title")).to_be_visible()
    assert phone.fits_width()
    phone.screenshot("phone-handover-import-result", full_page=False)

    # 5. the three good notices are in the notice list, waiting for the office
    visit.open(f"/handover/notices/?q=导入{batch}")
    rows = page.locator(".data-table tbody tr")
    expect(rows).to_have_count(3)
    for n in (1, 2, 3):
        expect(page.locator(".data-table tbody tr", has_text=f"导入{batch}-{n}")).to_contain_text("待核查")
    visit.screenshot("handover-import-notices", full_page=False)
    assert visit.foreign_requests() == []
    # the progress polls answer 404 until the import has started, and Chromium logs each one
    assert [e for e in visit.console_errors if "status of 404" not in e] == []


def download_of(visit: Visit, link: Any, tmp_path: Path) -> tuple[str, list[list[Any]]]:
    with visit.page.expect_download() as download:
        link.click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    return download.value.suggested_filename, sheet_rows(path)


def test_an_officer_exports_a_list_and_the_file_holds_its_rows(visit: Visit, tmp_path: Path) -> None:
    page = visit.page
    visit.sign_in("county_officer")

    # the list behind the dashboard's 漏管 number: every one of its people, not just the first page
    visit.open("/stats/handover/")
    page.locator(".stats-table tfoot td").nth(10).get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("玄武区 · 漏管")
    count = int(re.findall(r"\d+", page.locator(".table-head h2").inner_text())[0])
    shown = page.locator(".data-table tbody tr td:first-child").all_inner_texts()
    visit.screenshot("stats-list-export-link", full_page=False)
    filename, rows = download_of(visit, page.get_by_role("link", name="导出 Excel"), tmp_path)
    assert filename.startswith("玄武区-漏管-") and filename.endswith(".xlsx")
    header, data = rows[0], rows[1:]
    assert len(data) == count
    names = [row[header.index("姓名")] for row in data]
    assert names[: len(shown)] == shown  # the same order as the page
    ids = [row[header.index("公民身份号码（脱敏）")] for row in data]
    assert all(re.fullmatch(r"\d{6}\*{8}[\dX]{4}", number) for number in ids if number)
    assert set(row[header.index("漏管")] for row in data) == {"是"}

    # an inbox tab: the file holds as many people as the tab counts
    visit.open("/handover/inbox/check-in/")
    tab = int(page.locator('.ho-tabs a[aria-current="page"] .ho-tab-count').inner_text())
    visit.screenshot("handover-inbox-export", full_page=False)
    _, rows = download_of(visit, page.locator(".table-actions").get_by_role("link", name="导出 Excel"), tmp_path)
    assert len(rows) - 1 == tab
    # ... and the 未衔接 list beside it: released and not handed over, the 待报到 and 漏管 tabs together
    missed = int(page.locator(".ho-tabs a", has_text="漏管").locator(".ho-tab-count").inner_text())
    filename, rows = download_of(visit, page.get_by_role("link", name="导出未衔接名单"), tmp_path)
    assert filename.startswith("未衔接人员名单") and len(rows) - 1 == tab + missed

    # the dashboard's 未衔接 export of its period
    visit.open("/stats/handover/")
    link = page.get_by_role("link", name=re.compile(r"^导出未衔接名单（\d+ 人）$"))
    expected = int(re.findall(r"\d+", link.inner_text())[0])
    _, rows = download_of(visit, link, tmp_path)
    assert len(rows) - 1 == expected
    assert visit.foreign_requests() == []
    assert visit.console_errors == []


def test_an_officer_exports_the_case_list_and_trace_requests(visit: Visit, tmp_path: Path) -> None:
    page = visit.page
    visit.sign_in("county_officer")
    visit.open("/cases/?level=key")
    count = int(re.findall(r"\d+", page.locator(".table-head h2").inner_text())[0])
    visit.screenshot("cases-list-export", full_page=False)
    filename, rows = download_of(visit, page.get_by_role("link", name="导出 Excel"), tmp_path)
    assert filename.startswith("帮教档案-") and len(rows) - 1 == count
    header = rows[0]
    assert {row[header.index("帮教等级")] for row in rows[1:]} == {"重点"}
    assert all(re.fullmatch(r"\d{6}\*{8}[\dX]{4}", row[header.index("公民身份号码（脱敏）")]) for row in rows[1:])
    visit.open("/cases/traces/outgoing/")
    cards = page.locator("article.cs-trace").count()
    visit.screenshot("cases-traces-export", full_page=False)
    _, rows = download_of(visit, page.get_by_role("link", name="导出 Excel"), tmp_path)
    assert len(rows) - 1 >= cards > 0  # every page of it
    assert visit.console_errors == []


def test_the_export_links_fit_a_phone(phone: Visit) -> None:
    phone.sign_in("county_officer")
    for path, shot in (
        ("/handover/inbox/missed/", "phone-handover-inbox-export"),
        ("/handover/notices/", "phone-handover-notice-list"),
        ("/handover/returned/", "phone-handover-returned-export"),
        ("/stats/handover/list/?figure=released", "phone-stats-list"),
        ("/stats/register/list/?figure=on_register", "phone-register-list"),
    ):
        phone.open(path)
        expect(phone.page.get_by_role("link", name="导出 Excel").first).to_be_visible()
        assert phone.fits_width(), path
        phone.screenshot(shot, full_page=False)
    assert phone.console_errors == []


def test_the_audit_log_export_link_fits_a_phone(phone: Visit) -> None:
    phone.sign_in("audit_admin")
    phone.open("/audit/")
    link = phone.page.get_by_role("link", name="导出 Excel")
    expect(link).to_be_visible()
    link.scroll_into_view_if_needed()
    assert phone.fits_width()
    phone.screenshot("phone-audit-log-export", full_page=False)
    assert phone.console_errors == []
