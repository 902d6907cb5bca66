"""Lists as .xlsx (core.exports): the file, its cells, its name, and its one audit row; and the audit log's export."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client, RequestFactory
from openpyxl import load_workbook

from anbang.testing import make_id_number, persona
from core import exports
from core.audit import Actor, record_audit
from core.models import AuditEvent
from core.tests.xlsx import content_of, sheet_of
from directory.demo import DEMO_USERS
from directory.models import Role

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Item:
    pk: int
    name: str
    id_number: str
    on: dt.date | None = None
    key: bool = False


ITEMS = exports.ListExport[Item](
    name="test.items",
    title="测试名单",
    columns=(
        exports.Column("编号", lambda item: item.pk),
        exports.Column("姓名", lambda item: item.name),
        exports.id_number_column("公民身份号码（脱敏）", lambda item: item.id_number),
        exports.Column("日期", lambda item: item.on),
        exports.Column("重点", lambda item: item.key),
    ),
)


def export(items: list[Item], **filters: Any) -> Any:
    request = RequestFactory().get("/items/", {"format": "xlsx"})
    request.user = persona("county_officer")
    return exports.xlsx_response(request=request, export=ITEMS, rows=items, filters=filters)


def test_it_writes_a_real_workbook_with_the_header_and_a_row_each() -> None:
    number = make_id_number()
    response = export([Item(1, "张三", number, dt.date(2025, 3, 5), True), Item(2, "李四", "")])
    sheet = sheet_of(response)
    assert sheet.header == ["编号", "姓名", "公民身份号码（脱敏）", "日期", "重点"]
    assert sheet.rows[0] == {
        "编号": 1,
        "姓名": "张三",
        "公民身份号码（脱敏）": number[:6] + "********" + number[-4:],
        "日期": dt.datetime(2025, 3, 5),
        "重点": "是",
    }
    assert sheet.rows[1]["公民身份号码（脱敏）"] is None and sheet.rows[1]["重点"] == "否"
    assert number not in sheet.text()
    cells = load_workbook(io.BytesIO(content_of(export([Item(1, "张三", number, dt.date(2025, 3, 5))])))).active
    assert cells is not None and cells["D2"].number_format == "yyyy-mm-dd"  # a date Excel shows as a date
    assert cells["A1"].font.b and cells.freeze_panes == "A2"  # the header stays in view


def test_it_names_the_file_in_chinese_with_an_ascii_fallback() -> None:
    disposition = export([])["Content-Disposition"]
    assert disposition.startswith('attachment; filename="test.items-')
    assert "filename*=UTF-8''" + quote("测试名单-") in disposition and disposition.endswith(".xlsx")


def test_it_keeps_no_copy_in_a_cache() -> None:
    assert export([])["Cache-Control"] == "no-store, private"


def test_it_writes_text_that_looks_like_a_formula_as_text() -> None:
    response = export([Item(1, '=HYPERLINK("http://example.com","点我")', ""), Item(2, "王\x07五", "")])
    workbook = load_workbook(io.BytesIO(content_of(response)))
    sheet = workbook.worksheets[0]
    assert sheet["B2"].data_type == "s" and sheet["B2"].value.startswith("=HYPERLINK")
    assert sheet["B3"].value == "王五"  # a control character would make the file unreadable


def test_it_writes_one_audit_row_with_the_count_and_a_bounded_list_of_ids() -> None:
    before = AuditEvent.objects.count()
    items = [Item(n, f"人{n}", "") for n in range(exports.AUDITED_IDS + 5)]
    response = export(items, tab="missed", empty="", flag=False, day=dt.date(2025, 3, 1))
    assert len(sheet_of(response).rows) == exports.AUDITED_IDS + 5
    assert AuditEvent.objects.count() == before + 1
    row = AuditEvent.objects.latest("id")
    assert (row.action, row.username, row.object_type) == ("export", "county_officer", "people.person")
    assert row.detail["list"] == "test.items" and row.detail["count"] == exports.AUDITED_IDS + 5
    assert row.detail["ids"] == list(range(exports.AUDITED_IDS)) and row.detail["more"] is True
    assert row.detail["filters"] == {"tab": "missed", "day": "2025-03-01"}  # empty filters are left out


def test_it_goes_on_into_a_second_sheet_past_excels_last_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "SHEET_ROWS", 2)
    response = export([Item(n, f"人{n}", "") for n in range(5)])
    workbook = load_workbook(io.BytesIO(content_of(response)), read_only=True)
    assert workbook.sheetnames == ["测试名单", "测试名单 (2)", "测试名单 (3)"]
    rows = [list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]
    assert [len(sheet) for sheet in rows] == [3, 3, 2]  # each with its header
    assert [row[0] for sheet in rows for row in sheet[1:]] == [0, 1, 2, 3, 4]


def test_it_reads_a_queryset_in_chunks_not_all_at_once(django_assert_max_num_queries: Any) -> None:
    for n in range(5):
        record_audit(actor=Actor.system(), action=f"test.{n}")
    events = AuditEvent.objects.filter(action__startswith="test.").order_by("id")
    request = RequestFactory().get("/audit/")
    request.user = persona("audit_admin")
    columns = (exports.Column[AuditEvent]("操作", lambda event: event.action),)
    listing = exports.ListExport(name="test.events", title="事件", columns=columns, object_type="core.auditevent")
    # the list (one query per chunk), and the audit row (savepoint, last hash, insert, release; the lock on PG)
    with django_assert_max_num_queries(6):
        response = exports.xlsx_response(request=request, export=listing, rows=events, filters={})
    assert sheet_of(response).column("操作") == [f"test.{n}" for n in range(5)]


# --- the audit log's export --------------------------------------------------------------------------------------


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def test_the_audit_admin_exports_the_log_with_its_filters() -> None:
    for _ in range(3):
        record_audit(actor=Actor(persona("office_officer")), action="person.read", object_type="people.person")
    record_audit(actor=Actor(persona("county_officer")), action="person.read")
    client = signed_in("audit_admin")
    before = AuditEvent.objects.count()
    page = client.get("/audit/", {"username": "office_officer", "action": "person"}).content.decode()
    assert "format=xlsx" in page
    response = client.get("/audit/", {"username": "office_officer", "action": "person", "format": "xlsx"})
    sheet = sheet_of(response)
    expected = AuditEvent.objects.filter(username="office_officer", action="person.read").order_by("-id")
    assert sheet.column("编号") == list(expected.values_list("id", flat=True))
    assert set(sheet.column("用户")) == {"office_officer"} and set(sheet.column("角色")) == {"司法所工作人员"}
    # one row for the page view above, and exactly one for the export (no audit.view for it)
    assert AuditEvent.objects.count() == before + 2
    row = AuditEvent.objects.latest("id")
    assert (row.action, row.object_type) == ("export", "core.auditevent")
    assert row.detail["filters"] == {"username": "office_officer", "action": "person"}
    assert row.detail["count"] == 3


@pytest.mark.parametrize("username", [demo.username for demo in DEMO_USERS if demo.role != Role.AUDIT_ADMIN])
def test_no_other_role_exports_the_audit_log(username: str) -> None:
    response = signed_in(username).get("/audit/", {"format": "xlsx"})
    assert response.status_code == 403
    row = AuditEvent.objects.latest("id")
    assert (row.username, row.action, row.outcome) == (username, "audit.view", "denied")


def test_anonymous_visitors_are_sent_to_sign_in_not_sent_the_log() -> None:
    response = Client().get("/audit/", {"format": "xlsx"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
