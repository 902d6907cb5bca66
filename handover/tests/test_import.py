"""POST /release-notices/import: the monthly list as .xlsx or .csv (DESIGN §5 import row)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import uuid
import zipfile
from typing import Any
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from pytest_django import DjangoAssertNumQueries

from anbang.testing import PASSWORD, ApiClient, make_id_number, notice_body, persona
from core.audit import Actor
from core.errors import DomainError
from core.models import AuditEvent
from directory import services as directory_services
from directory.models import Organisation, Role
from handover.importing import COLUMNS, import_notices, start_import
from handover.importing.state import ImportState, Regions
from handover.models import ImportJob, NoticeEvent, ReleaseNotice
from handover.services import NoticeData, clean_notice
from people.models import Custody, Person
from people.services import PersonData

pytestmark = pytest.mark.django_db

FIELDS = [column.field for column in COLUMNS]
LABELS = [column.label for column in COLUMNS]


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def id_for(seq: int) -> str:
    # make_id_number forces the order code odd for a man: seq 2 and 3 would give one number
    return make_id_number(seq=seq * 2 + 1)


def wrong_check_digit(id_number: str) -> str:
    return id_number[:-1] + ("0" if id_number[-1] != "0" else "1")


def row(seq: int = 1, **overrides: Any) -> dict[str, Any]:
    """A valid row (by field name) for a man of township 320102001000; ``seq`` makes the ID number unique."""
    values: dict[str, Any] = {
        "name": f"张导入{seq}",
        "gender": "男",
        "birth_date": "1985-03-12",
        "id_number": id_for(seq),
        "hukou_region": "320102001000",
        "residence_region": "320102001000",
        "residence_address": "示范路 1 号",
        "expected_release_date": in_days(60).isoformat(),
        "offence": "盗窃罪",
        "sentence_months": "36",
        "key_target": "否",
        "key_target_reasons": "",
        "needs": "就业;住房",
    }
    values.update(overrides)
    return values


def workbook_bytes(rows: list[dict[str, Any]], *, header: list[str] | None = None) -> bytes:
    """A real .xlsx built with openpyxl; ``header`` is the field names (default) or the Chinese labels."""
    labels = header or FIELDS
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(labels)
    for values in rows:
        sheet.append([values.get(_field_of(label), "") for label in labels])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[dict[str, Any]], *, header: list[str] | None = None, encoding: str = "utf-8") -> bytes:
    labels = header or FIELDS
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(labels)
    for values in rows:
        writer.writerow([values.get(_field_of(label), "") for label in labels])
    return text.getvalue().encode(encoding)


def _field_of(label: str) -> str:
    return FIELDS[LABELS.index(label)] if label in LABELS else label


def upload(content: bytes, filename: str, *, username: str | None = "facility_liaison", token: str = "") -> Any:
    api = ApiClient(username)
    data: dict[str, Any] = {"file": SimpleUploadedFile(filename, content)}
    if token:
        data["token"] = token
    return api.client.post("/api/v1/release-notices/import", data, headers=api.headers)


def counts() -> tuple[int, int, int, int]:
    return (
        ReleaseNotice.objects.count(),
        Person.objects.count(),
        Custody.objects.count(),
        NoticeEvent.objects.count(),
    )


# --- happy paths ---------------------------------------------------------------------------------------------------


def test_it_imports_an_xlsx_with_chinese_headers() -> None:
    content = workbook_bytes([row(1), row(2, hukou_region="320104001000", residence_region="")], header=LABELS)
    response = upload(content, "三月名单.xlsx")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["unchanged"], body["errors"], body["error_count"]) == (2, 0, [], 0)
    notices = ReleaseNotice.objects.filter(person__name__in=["张导入1", "张导入2"]).order_by("person__name")
    assert [n.receiving_office.code for n in notices] == ["SFS320102001", "SFS320104001"]
    first, second = notices
    assert first.status == ReleaseNotice.Status.AWAITING_VERIFICATION
    assert first.facility is not None and first.facility.code == "P320001"
    assert first.verify_by > timezone.localdate()
    assert first.custody is not None and first.custody.needs == ["就业", "住房"]
    assert first.custody.sentence_end == first.expected_release_date
    assert first.person.id_verified and first.person.name_pinyin == "zhangdaoru"
    assert second.person.residence_region_id == "320104001000"  # defaults to the hukou region
    assert [e.action for e in first.events.all()] == ["sent"]


def test_it_writes_one_audit_row_per_batch_listing_its_notices() -> None:
    before = AuditEvent.objects.count()
    upload(workbook_bytes([row(1), row(2), row(3)]), "list.xlsx")
    audits = list(AuditEvent.objects.filter(action="notice.import"))
    assert len(audits) == 1 and AuditEvent.objects.count() == before + 1 + 1  # + the token's issue
    notice_ids = set(ReleaseNotice.objects.filter(person__name__startswith="张导入").values_list("id", flat=True))
    assert set(audits[0].detail["notices"]) == notice_ids


def test_it_imports_a_csv_with_english_headers() -> None:
    response = upload(csv_bytes([row(1), row(2)]), "list.csv")
    assert response.json()["created"] == 2


def test_it_imports_a_csv_with_a_bom_and_chinese_headers() -> None:
    response = upload(csv_bytes([row(1)], header=LABELS, encoding="utf-8-sig"), "名单.csv")
    assert response.json()["created"] == 1


def test_it_reads_a_csv_saved_by_chinese_excel_in_gbk() -> None:
    content = csv_bytes(
        [row(1, name="欧阳导入", key_target="是", key_target_reasons="涉毒；累犯")], header=LABELS, encoding="gbk"
    )
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    response = upload(content, "名单.csv")
    assert response.json()["created"] == 1, response.json()
    notice = ReleaseNotice.objects.get(person__name="欧阳导入")
    assert notice.key_target and notice.custody is not None
    assert notice.custody.key_target_reasons == ["涉毒", "累犯"]


def test_it_reads_the_values_excel_gives() -> None:
    """Dates as date cells, codes as numbers (320102001000.0), months as 36.0, a title row, an extra column."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["2026年3月预释放人员名单"])
    sheet.append(["序号", *LABELS])
    sheet.append(
        [
            1,
            "李表格",
            "男",
            dt.datetime(1985, 3, 12),
            make_id_number(seq=41),
            320102001000.0,
            320102002000,
            "示范路 2 号",
            dt.datetime.combine(in_days(30), dt.time()),
            "诈骗罪",
            36.0,
            True,
            "暴力犯罪",
            "",
        ]
    )
    sheet.append(
        [
            2,
            "王斜杠",
            "male",
            "",
            make_id_number(seq=43),
            "320102001000",
            "",
            "",
            in_days(31).strftime("%Y/%m/%d"),
            "抢劫罪",
            "48",
            "1",
            "",
            "低保",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(buffer.getvalue(), "名单.xlsx")
    assert response.json()["errors"] == [] and response.json()["created"] == 2
    li = ReleaseNotice.objects.get(person__name="李表格")
    assert li.person.residence_region_id == "320102002000"
    assert li.expected_release_date == in_days(30) and li.key_target
    assert li.custody is not None and li.custody.sentence_months == 36
    wang = ReleaseNotice.objects.get(person__name="王斜杠")
    assert wang.expected_release_date == in_days(31)
    assert wang.person.birth_date == dt.date(1985, 3, 12)  # from the ID number


def _shared_strings_workbook(rows: list[list[Any]]) -> bytes:
    """An .xlsx written the way Excel writes it (openpyxl writes inline strings instead): text in a shared-string
    table (one entry as rich text with a phonetic run, which is not part of the text), dates as serial numbers with
    a date format, rows and cells with explicit references and a gap."""
    strings: list[str] = []
    sheet_rows = []
    for number, values in enumerate(rows, start=1):
        cells = []
        for index, value in enumerate(values):
            ref = f"{chr(65 + index)}{number * 2 - 1}"  # rows 1, 3, 5: a gap Excel leaves for an empty row
            if isinstance(value, dt.date):
                cells.append(f'<c r="{ref}" s="1"><v>{(value - dt.date(1899, 12, 30)).days}</v></c>')
            elif isinstance(value, int):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif value:
                strings.append(value)
                cells.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
        sheet_rows.append(f'<row r="{number * 2 - 1}">{"".join(cells)}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    package = "http://schemas.openxmlformats.org/package/2006"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    part = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    items = []
    for text in strings:
        if text.startswith("赵"):  # rich text in two runs, and a phonetic guide that is not part of the text
            runs = f"<r><t>{escape(text[:1])}</t></r><r><t>{escape(text[1:])}</t></r>"
            items.append(f'<si>{runs}<rPh sb="0" eb="1"><t>ちょう</t></rPh></si>')
        else:
            items.append(f"<si><t>{escape(text)}</t></si>")
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    parts = {
        "[Content_Types].xml": f'{head}<Types xmlns="{package}/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{part}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{part}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{part}.sharedStrings+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{part}.styles+xml"/></Types>',
        "_rels/.rels": f'{head}<Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'{head}<workbook {ns} xmlns:r="{rel}"><sheets>'
        '<sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'{head}<Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f"{head}<worksheet {ns}><sheetData>{''.join(sheet_rows)}</sheetData></worksheet>",
        "xl/sharedStrings.xml": f"{head}<sst {ns}>{''.join(items)}</sst>",
        "xl/styles.xml": f'{head}<styleSheet {ns}><fonts count="1"><font/></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_it_reads_a_workbook_written_the_way_excel_writes_it() -> None:
    header = ["name", "gender", "id_number", "hukou_region", "expected_release_date", "offence", "sentence_months"]
    content = _shared_strings_workbook(
        [header, ["赵共享", "男", make_id_number(seq=51), "320102001000", in_days(20), "盗窃罪", 24]]
    )
    response = upload(content, "excel.xlsx")
    assert response.json()["errors"] == [] and response.json()["created"] == 1
    notice = ReleaseNotice.objects.get(person__name="赵共享")  # the phonetic run is not part of the name
    assert notice.expected_release_date == in_days(20)


# --- bad rows ------------------------------------------------------------------------------------------------------


def test_it_keeps_valid_rows_and_reports_bad_ones_by_row_and_field() -> None:
    bad_id = wrong_check_digit(id_for(3))
    rows = [
        row(1),  # row 2: fine
        row(2, id_number=bad_id),  # row 3
        row(3, hukou_region="320102999000"),  # row 4: unknown region
        row(4, expected_release_date=(timezone.localdate() - dt.timedelta(days=1)).isoformat()),  # row 5
        row(5, name=""),  # row 6
        row(6, gender="未知"),  # row 7
        row(7),  # row 8: fine
    ]
    response = upload(workbook_bytes(rows), "list.xlsx")
    assert response.status_code == 200
    body = response.json()
    assert body["created"] == 2
    assert [(e["row"], e["field"]) for e in body["errors"]] == [
        (3, "id_number"),
        (4, "hukou_region"),
        (5, "expected_release_date"),
        (6, "name"),
        (7, "gender"),
    ]
    assert body["error_count"] == 5
    assert set(ReleaseNotice.objects.values_list("person__name", flat=True)) >= {"张导入1", "张导入7"}
    assert not Person.objects.filter(name__in=["张导入2", "张导入3", "张导入4", "张导入6"]).exists()


def test_it_names_every_bad_field_of_a_row() -> None:
    response = upload(csv_bytes([row(1, sentence_months="三年", expected_release_date="明年")]), "list.csv")
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert set(errors) == {"sentence_months", "expected_release_date"}


def test_it_explains_an_id_number_that_excel_turned_into_a_number() -> None:
    response = upload(csv_bytes([row(1, id_number="3.20102E+17")]), "list.csv")
    [error] = response.json()["errors"]
    assert error["field"] == "id_number" and "Excel" in error["message"]


def test_it_refuses_a_row_whose_person_has_another_open_notice() -> None:
    id_number = id_for(61)
    sent = ApiClient("facility_liaison").post("/release-notices", notice_body(person={"id_number": id_number}))
    assert sent.status_code == 201
    response = upload(csv_bytes([row(61, expected_release_date=in_days(90).isoformat())]), "list.csv")
    assert response.json()["created"] == 0
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(2, "id_number")]


def test_it_refuses_the_second_release_date_of_one_person_in_one_file() -> None:
    rows = [row(1), row(1, expected_release_date=in_days(70).isoformat())]
    response = upload(csv_bytes(rows), "list.csv")
    assert response.json()["created"] == 1
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(3, "id_number")]


# --- sending a file again ----------------------------------------------------------------------------------------


def test_it_creates_no_duplicates_when_a_file_is_sent_again() -> None:
    content = workbook_bytes([row(1), row(2), row(3)])
    assert upload(content, "list.xlsx").json()["created"] == 3
    before = counts()
    again = upload(content, "list.xlsx").json()
    assert (again["created"], again["unchanged"], again["errors"]) == (0, 3, [])
    assert counts() == before


def test_it_counts_a_row_repeated_in_one_file_once() -> None:
    response = upload(csv_bytes([row(1), row(1)]), "list.csv")
    assert (response.json()["created"], response.json()["unchanged"]) == (1, 1)


def test_it_matches_rows_without_an_id_number_on_name_birth_date_region_and_release_date() -> None:
    rows = [row(1, id_number=""), row(2, id_number="", birth_date="")]
    first = upload(csv_bytes(rows), "list.csv").json()
    assert first["created"] == 2, first
    assert not Person.objects.get(name="张导入1").id_verified
    again = upload(csv_bytes(rows), "list.csv").json()
    assert (again["created"], again["unchanged"]) == (0, 2)
    moved = upload(csv_bytes([row(1, id_number="", expected_release_date=in_days(61).isoformat())]), "list.csv")
    assert moved.json()["created"] == 1  # another release date: nothing to match, a new unverified person


def test_it_does_not_bring_back_a_withdrawn_notice() -> None:
    content = csv_bytes([row(1)])
    upload(content, "list.csv")
    notice = ReleaseNotice.objects.get(person__name="张导入1")
    withdrawn = ApiClient("facility_liaison").post(f"/release-notices/{notice.pk}/withdraw", {"reason": "调监"})
    assert withdrawn.status_code == 200
    again = upload(content, "list.csv").json()
    assert again["created"] == 0 and [e["field"] for e in again["errors"]] == ["id_number"]


def test_it_gives_a_known_person_a_new_notice_after_their_last_was_handed_over() -> None:
    upload(csv_bytes([row(1)]), "list.csv")
    ReleaseNotice.objects.filter(person__name="张导入1").update(status=ReleaseNotice.Status.HANDED_OVER)
    again = upload(csv_bytes([row(1, name="张导入改名", expected_release_date=in_days(200).isoformat())]), "l.csv")
    assert again.json()["created"] == 1
    person = Person.objects.get(name="张导入改名")  # the person is matched and updated, not duplicated
    assert person.notices.count() == 2


# --- files that cannot be read -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"%PDF-1.4 not a list", "list.pdf"),
        (b"PK\x03\x04 truncated", "list.xlsx"),
        (b"name,gender\n", "list.xls"),
        (b"", "list.csv"),
        (csv_bytes([]), "list.csv"),  # a header and no rows
        (b"\xff\xfe\x00\x00\x81", "list.csv"),  # neither UTF-8 nor GB18030
        (csv_bytes([{"name": "张"}], header=["name", "gender", "id_number"]), "list.csv"),  # required columns missing
        (b"a,b,c\n1,2,3\n", "list.csv"),  # no header naming the columns
    ],
    ids=["pdf", "damaged-xlsx", "xls", "empty", "header-only", "encoding", "missing-columns", "no-header"],
)
def test_it_refuses_a_file_it_cannot_read_and_imports_nothing(content: bytes, filename: str) -> None:
    before = counts()
    token = str(uuid.uuid4())
    response = upload(content, filename, token=token)
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    assert counts() == before
    assert ImportJob.objects.get(token=token).status == ImportJob.Status.FAILED


def test_it_names_the_missing_columns() -> None:
    response = upload(csv_bytes([row(1)], header=["name", "gender", "id_number", "hukou_region"]), "list.csv")
    message = response.json()["error"]["fields"]["file"]
    assert "罪名" in message and "预计释放日期" in message and "刑期(月)" in message


def test_it_refuses_a_workbook_whose_sheet_is_damaged_before_writing_anything() -> None:
    content = workbook_bytes([row(i) for i in range(1, 30)])
    source = zipfile.ZipFile(io.BytesIO(content))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = data.replace(b"</row>", b"</rw>", 1)  # well-formed no more
            target.writestr(item, data)
    before = counts()
    response = upload(damaged.getvalue(), "list.xlsx")
    assert response.status_code == 400 and "file" in response.json()["error"]["fields"]
    assert counts() == before


def test_it_asks_for_a_file() -> None:
    api = ApiClient("facility_liaison")
    response = api.client.post("/api/v1/release-notices/import", {}, headers=api.headers)
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]


# --- who may import ------------------------------------------------------------------------------------------------


def test_it_refuses_anonymous_callers() -> None:
    assert upload(csv_bytes([row(1)]), "list.csv", username=None).status_code == 401


@pytest.mark.parametrize("username", ["office_officer", "volunteer", "county_officer"])
def test_it_lets_only_a_facility_liaison_import(username: str) -> None:
    before = counts()
    response = upload(csv_bytes([row(1)]), "list.csv", username=username)
    assert response.status_code == 403
    assert counts() == before


# --- progress ------------------------------------------------------------------------------------------------------


def test_it_reports_progress_by_token() -> None:
    token = str(uuid.uuid4())
    upload(csv_bytes([row(1), row(2, name="")]), "list.csv", token=token)
    progress = ApiClient("facility_liaison").get(f"/release-notices/import/{token}")
    assert progress.status_code == 200
    body = progress.json()
    assert body["status"] == "done"
    assert (body["rows_done"], body["rows_total"], body["created"], body["error_count"]) == (2, 2, 1, 1)
    assert body["errors"] == [{"row": 3, "field": "name", "message": body["errors"][0]["message"]}]
    assert body["filename"] == "list.csv"


def test_it_reports_an_import_that_stopped_with_its_server_as_failed_saying_what_to_do() -> None:
    """A worker killed mid-import (a restart, the request timeout) leaves its row "running": after
    INTERRUPTED_AFTER without a batch it reads as failed, on the progress endpoint and the import page."""
    stopped = start_import(token=None, filename="stopped.csv", by=Actor(persona("facility_liaison")))
    alive = start_import(token=None, filename="alive.csv", by=Actor(persona("facility_liaison")))
    now = timezone.now()
    ImportJob.objects.filter(pk=stopped.pk).update(updated_at=now - dt.timedelta(minutes=11))
    ImportJob.objects.filter(pk=alive.pk).update(updated_at=now - dt.timedelta(minutes=9))
    api = ApiClient("facility_liaison")
    body = api.get(f"/release-notices/import/{stopped.token}").json()
    assert body["status"] == "failed" and "重新导入" in body["message"]
    assert api.get(f"/release-notices/import/{alive.token}").json()["status"] == "running"
    assert ImportJob.objects.get(pk=stopped.pk).status == "running"  # a read changes nothing
    browser = Client()
    browser.force_login(persona("facility_liaison"))
    page = browser.get(reverse("handover_import:result", kwargs={"token": stopped.token}))
    assert page.status_code == 200 and "导入未完成" in page.content.decode()


def test_it_hides_an_import_from_every_other_organisation() -> None:
    token = str(uuid.uuid4())
    upload(csv_bytes([row(1)]), "list.csv", token=token)
    other_facility = Organisation.objects.create(
        code="P320002", name="江苏省另一监狱", kind=Organisation.Kind.PRISON, region_id="320100000000"
    )
    directory_services.create_user(
        username="other_facility_liaison",
        password=PASSWORD,
        role=Role.FACILITY_LIAISON,
        full_name="另一监狱联络员",
        organisation=other_facility,
        by=Actor.system(),
    )
    for username in ("other_facility_liaison", "office_officer"):
        assert ApiClient(username).get(f"/release-notices/import/{token}").status_code == 404
    assert ApiClient("facility_liaison").get("/release-notices/import/not-a-token").status_code == 404


def test_it_refuses_a_token_used_before() -> None:
    token = str(uuid.uuid4())
    upload(csv_bytes([row(1)]), "list.csv", token=token)
    response = upload(csv_bytes([row(2)]), "list.csv", token=token)
    assert response.status_code == 409 and "token" in response.json()["error"]["fields"]


def test_it_commits_each_batch_and_its_progress() -> None:
    liaison = persona("facility_liaison")
    by = Actor(user=liaison)
    assert liaison.organisation is not None
    job = start_import(token=None, filename="list.csv", by=by)
    content = csv_bytes([row(i) for i in range(1, 6)] + [row(6, name="")])
    result = import_notices(
        file=io.BytesIO(content), filename="list.csv", facility=liaison.organisation, by=by, progress=job, batch_size=2
    )
    assert (result.created, result.error_count) == (5, 1)
    assert AuditEvent.objects.filter(action="notice.import", detail__import=str(job.token)).count() == 3
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total, job.created) == ("done", 6, 6, 5)


def test_it_caps_the_errors_it_lists_and_counts_them_all(monkeypatch: pytest.MonkeyPatch) -> None:
    liaison = persona("facility_liaison")
    assert liaison.organisation is not None
    content = csv_bytes([row(i, name="", gender="x") for i in range(1, 8)])
    monkeypatch.setattr("handover.importing.state.MAX_STORED_ERRORS", 5)
    result = import_notices(
        file=io.BytesIO(content), filename="l.csv", facility=liaison.organisation, by=Actor(user=liaison)
    )
    assert (len(result.errors), result.error_count) == (5, 14)


# --- the same rules as the single form ------------------------------------------------------------------------------


NAMES = [
    "张三",
    "赵国红",
    "单雄信",  # 单 and 曾 read differently as surnames; pypinyin's own reading is what search uses
    "曾国藩",
    "欧阳娜娜",
    "阿依古丽·买买提",
    "李A",
    "王2",
    "中华人民共和国",  # words of pypinyin's phrase dictionary: read as words, not character by character
    "重庆",
    "长城",
    "行长",
    "  ",
    "𠀀",
]


@pytest.mark.parametrize("name", NAMES)
def test_it_reads_names_into_pinyin_exactly_as_the_person_search_does(name: str) -> None:
    from people.services import name_pinyin

    liaison = persona("facility_liaison")
    assert liaison.organisation is not None
    state = ImportState(
        facility=liaison.organisation,
        by=Actor(user=liaison),
        user=liaison,
        today=timezone.localdate(),
        result=None,  # type: ignore[arg-type]
        job=None,
    )
    state.name_pinyin("国")  # a character already known
    assert state.name_pinyin(name) == name_pinyin(name)


def test_it_reads_thousands_of_names_into_pinyin_exactly_as_the_person_search_does() -> None:
    """Random names of common characters, some holding a word of pypinyin's phrase dictionary, against
    ``name_pinyin`` (the per-character path is taken only where pypinyin would read character by character)."""
    import random

    from pypinyin.constants import PHRASES_DICT

    from people.services import name_pinyin

    rng = random.Random(2026)
    characters = [chr(code) for code in range(0x4E00, 0x9FA6)]
    words = sorted(word for word in PHRASES_DICT if 2 <= len(word) <= 3)
    state = ImportState(facility=None, by=None, user=None, today=None, result=None, job=None)  # type: ignore[arg-type]
    for _name in range(3000):
        name = "".join(rng.choice(characters) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.3:
            name = name[:1] + rng.choice(words) + name[1:]
        assert state.name_pinyin(name) == name_pinyin(name), name


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"id_number": ""},
        {"id_number": " " + make_id_number(seq=7).lower().replace("x", "x") + " "},
        {"id_number": make_id_number(seq=7)[:6] + make_id_number(seq=7)[8:17]},  # the 15-digit form
        {"id_number": "３２０１０２１９８５０３１２１２３４"},  # full-width digits: refused with the same message
        {"birth_date": None, "residence_region": ""},
        {"name": "  张空格  ", "residence_address": "  x  "},
        {"id_number": wrong_check_digit(make_id_number(seq=8))},
        {"hukou_region": "320102999000"},
        {"hukou_region": "320000000000"},
        {"hukou_region": "12"},
        {"residence_region": "320102999000"},
        {"gender": "female"},
        {"birth_date": dt.date(1990, 1, 1)},
        {"name": ""},
    ],
)
def test_it_validates_a_row_with_the_region_memo_exactly_as_with_queries(
    change: dict[str, Any], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    person: dict[str, Any] = {
        "name": "张规则",
        "gender": "male",
        "birth_date": dt.date(1985, 3, 12),
        "id_number": make_id_number(seq=7),
        "hukou_region": "320102001000",
        "residence_region": "320104001000",
        "residence_address": "示范路",
    }
    person.update(change)
    data = NoticeData(
        person=PersonData(**person),
        expected_release_date=in_days(40),
        offence=" 盗窃罪 ",
        sentence_months=12,
        key_target=True,
        key_target_reasons=[" 涉毒 ", ""],
        needs=["就业"],
    )
    try:
        expected: Any = clean_notice(data)
    except DomainError as exc:
        expected = exc.fields
    regions = Regions()
    for queries in (None, 0):  # the second row of the same regions from the memo alone
        with contextlib.nullcontext() if queries is None else django_assert_num_queries(queries):
            try:
                actual: Any = clean_notice(data, today=timezone.localdate(), regions=regions.lookup)
            except DomainError as exc:
                actual = exc.fields
        assert actual == expected


def test_it_refuses_a_list_longer_than_the_limit_before_writing_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("handover.importing.run.MAX_ROWS", 3)
    before = counts()
    for content, filename in (
        (csv_bytes([row(i) for i in range(1, 15)]), "l.csv"),
        (workbook_bytes([row(i) for i in range(1, 15)]), "l.xlsx"),
    ):
        response = upload(content, filename)
        assert response.status_code == 400 and "file" in response.json()["error"]["fields"]
    assert counts() == before


def test_it_reads_excel_escapes_in_shared_strings() -> None:
    header = ["name", "gender", "id_number", "hukou_region", "expected_release_date", "offence", "sentence_months"]
    content = _shared_strings_workbook(
        [header, ["钱_x0009_转义", "男", id_for(71), "320102001000", in_days(20), "盗窃罪", 24]]
    )
    response = upload(content, "excel.xlsx")
    assert response.json()["created"] == 1
    assert ReleaseNotice.objects.filter(person__name="钱\t转义").exists()


def test_it_imports_a_sheet_that_is_not_plain_with_expat() -> None:
    """A comment in the sheet and a formula in a row: the whole sheet is read by expat
    (core/tests/test_spreadsheets.py checks both readers give the same rows)."""
    content = workbook_bytes([row(81, sentence_months=36), row(82)])
    source = zipfile.ZipFile(io.BytesIO(content))
    changed = io.BytesIO()
    with zipfile.ZipFile(changed, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = data.replace(b"<sheetData>", b"<!-- \xe5\x90\x8d\xe5\x8d\x95 --><sheetData>", 1)
                data = data.replace(b"<v>36</v>", b"<f>6*6</f><v>36</v>", 1)
                assert data.count(b"<f>") == 1
            target.writestr(item, data)
    response = upload(changed.getvalue(), "list.xlsx")
    assert (response.json()["created"], response.json()["errors"]) == (2, [])
    assert Custody.objects.filter(person__name="张导入81", sentence_months=36).exists()


def test_it_runs_a_batch_again_when_a_concurrent_send_wins_a_race(monkeypatch: pytest.MonkeyPatch) -> None:
    """A concurrent single send creating one of the batch's new persons makes the batch's insert fail (unique ID
    hash): the batch rolls back and runs again, and counts once."""
    from django.db import IntegrityError

    from handover.importing import write

    real = write.write_batch
    calls = {"n": 0}

    def racing(state: Any, valid: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            real(state, valid)  # writes, then loses the race: everything it wrote rolls back
            raise IntegrityError("UNIQUE constraint failed: people_person.id_number_hash")
        return real(state, valid)

    monkeypatch.setattr(write, "write_batch", racing)
    response = upload(csv_bytes([row(1), row(2), row(3, name="")]), "list.csv")
    body = response.json()
    assert (body["created"], body["error_count"], calls["n"]) == (2, 1, 2)
    assert ReleaseNotice.objects.filter(person__name__startswith="张导入").count() == 2


@pytest.mark.parametrize("needs", ["就业、住房", "就业，住房", "就业;住房", "就业；住房", "就业\n住房"])
def test_a_list_in_a_cell_splits_as_a_list_typed_on_a_page_does(needs: str) -> None:
    response = upload(workbook_bytes([row(91, needs=needs)], header=LABELS), "名单.xlsx")
    assert response.status_code == 200, response.json()
    notice = ReleaseNotice.objects.get(person__name="张导入91")
    assert notice.custody is not None and notice.custody.needs == ["就业", "住房"]
