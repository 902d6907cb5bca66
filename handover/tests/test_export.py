"""The list template and the .xlsx exports: GET /release-notices/template.xlsx, export.xlsx, unmatched.xlsx."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from anbang.testing import ApiClient, make_id_number, notice_body
from core.exports import XLSX_CONTENT_TYPE
from core.idnumbers import normalize_id_number
from core.models import AuditEvent
from handover.importing import COLUMNS
from handover.models import ReleaseNotice

pytestmark = pytest.mark.django_db


def send(seq: int, **person: Any) -> int:
    body = notice_body(person={"name": f"张导出{seq}", "id_number": make_id_number(seq=seq * 2 + 1), **person})
    response = ApiClient("facility_liaison").post("/release-notices", body)
    assert response.status_code == 201, response.json()
    return int(response.json()["id"])


def release(notice_id: int) -> None:
    today = timezone.localdate().isoformat()
    response = ApiClient("facility_liaison").post(f"/release-notices/{notice_id}/release", {"released_on": today})
    assert response.status_code == 200, response.json()


def check_in(notice_id: int) -> None:
    today = timezone.localdate().isoformat()
    body = {"checked_in_on": today, "method": "self_reported"}
    response = ApiClient("office_officer").post(f"/release-notices/{notice_id}/check-in", body)
    assert response.status_code == 201, response.json()


def sheet_rows(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [tuple(values) for values in workbook.worksheets[0].iter_rows(values_only=True)]


def test_it_exports_the_notices_within_reach_with_masked_id_numbers() -> None:
    ids = [send(1), send(2, hukou_region="320104001000")]
    rows = sheet_rows(ApiClient("county_officer").get("/release-notices/export.xlsx"))
    header, data = rows[0], rows[1:]
    assert header[0] == "编号" and "公民身份号码（脱敏）" in header
    assert sorted(r[0] for r in data) == [ids[0]]  # 秦淮区 is another county
    id_column = header.index("公民身份号码（脱敏）")
    full = make_id_number(seq=3)
    assert data[0][id_column] == full[:6] + "********" + full[-4:]
    every_cell = " ".join(str(value) for r in rows for value in r)
    assert full not in every_cell


def test_it_exports_with_the_list_filters() -> None:
    first, second = send(1), send(2)
    release(second)
    rows = sheet_rows(ApiClient("office_officer").get("/release-notices/export.xlsx", status="released"))
    assert [r[0] for r in rows[1:]] == [second]
    assert first not in [r[0] for r in rows[1:]]


def test_it_audits_an_export_with_its_filters_and_count() -> None:
    notice_id = send(1)
    before = AuditEvent.objects.count()
    ApiClient("county_officer").get("/release-notices/export.xlsx", status="awaiting_verification", q="张导出")
    assert AuditEvent.objects.count() == before + 2  # the token's issue, and the export
    audit = AuditEvent.objects.filter(action="export").latest("id")
    assert audit.username == "county_officer" and audit.object_type == "people.person"
    # whether a search was given, not what it was: it may be an ID number
    assert audit.detail["filters"] == {"status": "awaiting_verification", "q": True}
    person_id = ReleaseNotice.objects.get(pk=notice_id).person_id
    assert audit.detail["count"] == 1 and audit.detail["ids"] == [person_id] and audit.detail["more"] is False


def test_it_exports_nothing_of_another_county() -> None:
    send(1)
    send(2, hukou_region="320102002000")
    rows = sheet_rows(ApiClient("other_county_officer").get("/release-notices/export.xlsx"))
    assert rows[1:] == []


def test_it_refuses_an_export_to_anonymous_callers() -> None:
    assert ApiClient().get("/release-notices/export.xlsx").status_code == 401


def test_it_refuses_a_bad_filter() -> None:
    response = ApiClient("county_officer").get("/release-notices/export.xlsx", region="3201")
    assert response.status_code == 400 and "region" in response.json()["error"]["fields"]


def test_it_exports_the_people_released_and_not_handed_over() -> None:
    waiting, released, handed_over = send(1), send(2), send(3)
    release(released)
    release(handed_over)
    check_in(handed_over)
    missed = send(4)
    release(missed)
    ReleaseNotice.objects.filter(pk=missed).update(status=ReleaseNotice.Status.MISSED)
    rows = sheet_rows(ApiClient("county_officer").get("/release-notices/unmatched.xlsx"))
    assert sorted(r[0] for r in rows[1:]) == sorted([released, missed])
    assert waiting not in [r[0] for r in rows[1:]]
    audit = AuditEvent.objects.filter(action="export").latest("id")
    assert audit.detail["list"] == "handover.unmatched" and audit.detail["count"] == 2


def test_it_exports_the_unmatched_of_one_release_month() -> None:
    this_month, last_year = send(1), send(2)
    release(this_month)
    release(last_year)
    today = timezone.localdate()
    ReleaseNotice.objects.filter(pk=last_year).update(released_on=today.replace(year=today.year - 1))
    month = today.strftime("%Y-%m")
    rows = sheet_rows(ApiClient("office_officer").get("/release-notices/unmatched.xlsx", month=month))
    assert [r[0] for r in rows[1:]] == [this_month]


def test_it_refuses_a_month_that_is_not_yyyy_mm() -> None:
    response = ApiClient("office_officer").get("/release-notices/unmatched.xlsx", month="2025-13")
    assert response.status_code == 400 and "month" in response.json()["error"]["fields"]


def test_it_gives_no_other_county_the_unmatched_of_xuanwu() -> None:
    release(send(1))
    rows = sheet_rows(ApiClient("other_county_officer").get("/release-notices/unmatched.xlsx"))
    assert rows[1:] == []


# --- the template --------------------------------------------------------------------------------------------------


def test_it_serves_the_template_with_chinese_headers_an_example_and_an_explanation() -> None:
    response = ApiClient("facility_liaison").get("/release-notices/template.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(response.content))
    listing, notes = workbook.worksheets
    assert [cell.value for cell in listing[1]] == [column.label for column in COLUMNS]
    example = {column.field: cell.value for column, cell in zip(COLUMNS, listing[2], strict=True)}
    assert example["name"] == "张示例"
    assert normalize_id_number(str(example["id_number"])) == example["id_number"]  # a valid number
    assert str(example["id_number"])[14:17] == "999"  # an order code no one born in 1980 can have
    assert listing["D2"].number_format == "@"  # the ID number stays text in Excel
    explained = [row[1] for row in notes.iter_rows(min_row=2, max_row=len(COLUMNS) + 1, values_only=True)]
    assert explained == [column.field for column in COLUMNS]
    assert any("12 位" in str(row[0]) for row in notes.iter_rows(values_only=True) if row[0])


def test_it_imports_the_template_as_it_is() -> None:
    api = ApiClient("facility_liaison")
    content = api.get("/release-notices/template.xlsx").content
    upload = SimpleUploadedFile("预释放人员名单模板.xlsx", content)
    response = api.client.post("/api/v1/release-notices/import", {"file": upload}, headers=api.headers)
    assert response.status_code == 200, response.json()
    assert (response.json()["created"], response.json()["errors"]) == (1, [])
    notice = ReleaseNotice.objects.get(person__name="张示例")
    assert notice.receiving_office.kind == "justice_office"


def test_it_refuses_the_template_to_anonymous_callers() -> None:
    assert ApiClient().get("/release-notices/template.xlsx").status_code == 401
