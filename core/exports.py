"""Any list page as an .xlsx file: what the page lists, every page of it, with the page's filters.

A list page exports by answering ``?format=xlsx`` from the very queryset it pages (one reach rule, ``visible_to``,
and the page's own filters), so an export can never hold a row its page would not show. The page's declaration
(``core.pages.ListPage``) names its ``ListExport`` (the columns), and ``core.pages.show_list`` answers the file::

    NOTICE_LIST = ListPage(..., export=notice_exports.NOTICES, export_filters=...)

and its template links ``{% include "_export_link.html" %}`` (the same URL with ``format=xlsx`` and without
``page``). Adding a list is one ``ListExport`` (its columns), its ``ListPage`` and that one link; a page that cannot
be one calls ``xlsx_response`` itself.

Memory stays flat on a long list: the queryset is read in chunks (``iterator``) and openpyxl's write-only mode
streams the rows into a temporary file, which the response then streams to the client and deletes.

Privacy (DESIGN §8): ID numbers only leave masked (``id_number_column``); every export writes exactly one audit
row (``export``) naming the list, its filters and its count. The row stays small whatever the list's length: it
keeps the first ``AUDITED_IDS`` ids and says whether there were more; the filters and the time let an auditor
re-run the same list.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import IO, Any, Generic, TypeVar
from urllib.parse import quote

from django.db import models
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from core.audit import Actor, record_audit
from core.idnumbers import mask_id_number

T = TypeVar("T")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMAT_PARAM = "format"
# The audit row keeps this many ids of what was exported (the first ones, in the list's order), never all of them:
# a 100 000-row export would otherwise write a 1 MB audit row, hashed and kept for ever.
AUDITED_IDS = 100
CHUNK_SIZE = 2000  # rows per query while reading the list
SHEET_ROWS = 1_048_575  # Excel's rows per sheet, less the header: a longer list goes on into a second sheet
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FILE_NAME_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: its header (Chinese, translatable) and the value of a row. A value may be text, a number, a
    date or datetime (written as Excel dates), a bool (是/否), a list (joined with 、) or None (empty)."""

    label: str | Promise
    value: Callable[[T], object]
    width: float = 14  # in characters: Chinese text is two per character


def id_number_column(label: str | Promise, value: Callable[[T], str | None]) -> Column[T]:
    """A column of ID numbers, masked (``320102********123X``): the only way an export shows one."""
    return Column(label, lambda row: mask_id_number(value(row) or ""), width=22)


@dataclass(frozen=True)
class ListExport(Generic[T]):
    """What one list page exports: its columns, and how its audit row names it."""

    name: str  # the list, for the audit row and the file name's ASCII fallback: "handover.inbox.verify"
    title: str | Promise  # the sheet's and the file's name: 衔接工作-待核查
    columns: Sequence[Column[T]]
    object_type: str = "people.person"  # what the rows are about, as the audit row names it
    key: Callable[[T], object] = field(default=attrgetter("pk"))  # each row's id for the audit row


def wants_xlsx(request: HttpRequest) -> bool:
    """Whether the list page is asked for its .xlsx (``?format=xlsx``) rather than its HTML."""
    return request.GET.get(FORMAT_PARAM) == "xlsx"


@dataclass(frozen=True)
class Written:
    content: IO[bytes]  # the workbook in a temporary file, at its start; closing it deletes it
    count: int
    ids: list[object]  # the first AUDITED_IDS keys


def xlsx_response(
    *,
    request: HttpRequest,
    export: ListExport[T],
    rows: Iterable[T],
    filters: Mapping[str, object],
    title: str | Promise | None = None,
) -> FileResponse:
    """``rows`` (a queryset already limited by ``visible_to`` and the page's filters, in the page's order) as an
    .xlsx attachment, audited. ``title`` overrides the export's title for this file (a region's name, say)."""
    name = str(title or export.title)
    written = write_workbook(export=export, rows=rows, title=name)
    shown = {key: _filter_text(value) for key, value in filters.items() if value not in (None, "", [], False)}
    # written once the file is (a failed export is no read), in a transaction of its own (record_audit's)
    record_audit(
        actor=Actor.of(request),
        action="export",
        object_type=export.object_type,
        detail={
            "list": export.name,
            "filters": shown,
            "count": written.count,
            "ids": written.ids,
            "more": written.count > len(written.ids),
        },
    )
    response = FileResponse(written.content, content_type=XLSX_CONTENT_TYPE)
    day = f"{timezone.localdate():%Y%m%d}"
    response["Content-Disposition"] = attachment(f"{name}-{day}.xlsx", fallback=f"{export.name}-{day}.xlsx")
    # personal data: no shared cache or browser cache keeps a copy
    response["Cache-Control"] = "no-store, private"
    return response


def write_workbook(*, export: ListExport[T], rows: Iterable[T], title: str) -> Written:
    workbook = Workbook(write_only=True)
    header_font = Font(bold=True)
    sheet = _new_sheet(workbook, export, title, header_font, number=1)
    count, in_sheet, ids = 0, 0, []
    yes_no = (_("是"), _("否"))
    for row in _read(rows):
        if in_sheet == SHEET_ROWS:
            sheet = _new_sheet(workbook, export, title, header_font, number=count // SHEET_ROWS + 1)
            in_sheet = 0
        sheet.append([_cell(sheet, column.value(row), yes_no) for column in export.columns])
        if count < AUDITED_IDS:
            ids.append(_id(export.key(row)))
        count += 1
        in_sheet += 1
    content = tempfile.TemporaryFile()  # noqa: SIM115  # handed to the response, which closes (and so deletes) it
    workbook.save(content)
    content.seek(0)
    return Written(content=content, count=count, ids=ids)


def attachment(filename: str, *, fallback: str) -> str:
    """``Content-Disposition`` for a Chinese file name: ``filename*`` in UTF-8 (RFC 5987 / 6266), which every
    current browser reads, and ``fallback`` (ASCII) as ``filename`` for the clients that do not."""
    clean = _FILE_NAME_FORBIDDEN.sub("_", filename)
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", fallback).strip("-") or "export.xlsx"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(clean, safe='')}"


# --- cells ----------------------------------------------------------------------------------------------------------


def _read(rows: Iterable[T]) -> Iterator[T]:
    if isinstance(rows, models.QuerySet):
        # chunked: memory stays flat however long the list (and prefetches run per chunk)
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return iter(rows)


def _new_sheet(
    workbook: Workbook, export: ListExport[Any], title: str, font: Font, *, number: int
) -> WriteOnlyWorksheet:
    name = _SHEET_NAME_FORBIDDEN.sub("_", title).strip("'") or "Sheet"
    if number > 1:
        name = f"{name[:26]} ({number})"
    sheet = workbook.create_sheet(name[:31])
    assert isinstance(sheet, WriteOnlyWorksheet)
    dimensions = sheet.column_dimensions  # type: ignore[attr-defined]  # write-only sheets have them; the stubs miss it
    for index, column in enumerate(export.columns, start=1):
        dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in export.columns:
        cell = WriteOnlyCell(sheet, value=_text(str(column.label)))
        cell.font = font
        header.append(cell)
    sheet.append(header)
    return sheet


def _cell(sheet: WriteOnlyWorksheet, value: object, yes_no: tuple[str, str]) -> object:
    """The value as openpyxl writes it. Dates go as they are: openpyxl gives a date the ``yyyy-mm-dd`` format and a
    datetime ``yyyy-mm-dd h:mm:ss`` (a cell object of our own for each would cost a fifth more time)."""
    if isinstance(value, bool):
        return yes_no[0] if value else yes_no[1]
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.replace(tzinfo=None, microsecond=0)  # Excel has no time zones: China time, as the page shows
    if value is None or isinstance(value, int | float | Decimal | dt.date):
        return value
    if isinstance(value, list | tuple):
        value = "、".join(str(item) for item in value)
    text = _text(str(value))
    if text.startswith("="):
        # openpyxl writes a string that starts with "=" as a formula: a name typed as "=HYPERLINK(...)" would run
        # in the officer's Excel. Written as plain text instead.
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def _text(value: str) -> str:
    # control characters are not allowed in the XML of a sheet (openpyxl would refuse the whole file)
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _id(value: object) -> object:
    return value if isinstance(value, int | str) or value is None else str(value)


def _filter_text(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | str):
        return value
    return str(value)
