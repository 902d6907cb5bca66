"""The monthly pre-release list as a file: import (.xlsx / .csv) into release notices, the downloadable template, and
the .xlsx exports of notice lists (DESIGN §2 step 2, §5 import row; issue 3 §3).

Import rules, in the words a facility liaison reads on the template's second sheet:

- Columns are the flattened fields of ``POST /release-notices`` (``name, gender, ..., needs``) or their Chinese
  labels from the template (``COLUMNS`` below: the one mapping of both). Unknown columns (序号, 备注) are ignored;
  a title row above the header is skipped.
- Every row is checked by ``clean_notice``, the validation of the single form and the API, and routed like a single
  notice. Valid rows are kept; a bad row is reported as ``{row, field, message}`` (the spreadsheet's row number, the
  header being row 1) and writes nothing.
- Idempotent on person + expected release date: a row whose person (by the keyed hash of the ID number) already has
  a notice for that date is ``unchanged``. A row without an ID number cannot be matched by ID: it is ``unchanged``
  when an unverified person (one recorded without an ID number) with the same name, birth date and hukou region has a
  notice for that date, else it creates a new unverified person, as the single form does.
- A row whose person already has another open notice is an error for that row (field ``id_number``), as the single
  form's 409; so is a row for a date whose notice the facility withdrew (re-sending an old file must not resurrect
  it; the single form can send it again).
- A file that cannot be read (not .xlsx / .csv, damaged, wrong encoding, no header, required columns missing, no
  rows, more than ``MAX_ROWS``) is refused as a whole (400 naming ``file``) before anything is written: a first
  streaming pass checks the workbook's zip checksums and XML, or the CSV's encoding and quoting, and counts the rows.

Speed (DESIGN §9: ≥ 5k rows/s on SQLite with validation, encryption and audit, memory flat). Rows stream from the
file (``csv.reader``; for .xlsx a reader of the sheet's XML, see ``_SheetReader``) in batches of ``BATCH_SIZE``.
Each batch is one transaction: the persons it names are found in one query; every row goes through
``clean_notice`` with the import's day and its memo of the region table (one query per distinct code), and routing
offices, deadlines and the pinyin of each character are looked up once per import, all of it held for one import
only (a region, office or policy value changed meanwhile is seen by the next one); persons (in the order of their
keyed hash), custodies, notices and their "sent" events are written with multi-row INSERTs (``_insert``); one audit
row per batch lists the notices it created. Earlier batches stay committed when a later one fails, and the
progress row (``ImportJob``) is updated in each batch's transaction, so the import page can poll it while the file
is read. Memory holds one batch, the caches (bounded) and, for an .xlsx, its shared-string table (compact, ~20
bytes a string; bounded by the file's size).
bench/import_notices.py measures it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import sqlite3
import uuid
import warnings
import zipfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, overload
from xml.parsers import expat

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from pypinyin.constants import RE_HANS as _HANS
from pypinyin.seg.mmseg import p_set as _PHRASE_PREFIXES

from core.audit import Actor, record_audit
from core.errors import DomainError
from core.idnumbers import id_number_hash
from directory.models import Organisation, Region, User
from directory.policy import deadline
from handover.models import ImportJob, NoticeEvent, ReleaseNotice
from handover.services import CleanNotice, NoticeData, _require_facility, clean_notice, receiving_office_for
from people.models import Custody, Gender, Person
from people.services import PersonData, find_region, name_pinyin

# Rows per transaction. Larger batches write each index page they touch once for more rows (the person indexes take
# inserts at random places), ~15 % faster at 100k rows than 1000; each holds SQLite's write lock for ~1 s.
BATCH_SIZE = 5000
MAX_STORED_ERRORS = 1000  # row errors kept in the result and the progress row; error_count counts them all
MAX_FILE_BYTES = 50 * 1024 * 1024  # a 100k-row list is ~6 MB as .xlsx, ~12 MB as .csv
HEADER_SEARCH_ROWS = 10  # how far down a title row may push the header
# A month's list of a province is a few thousand rows; the bound keeps one request within the server's timeout
# (~20 s at the import's speed) and refuses a zip bomb before it is read.
MAX_ROWS = 100_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the columns ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str  # the flattened API field name, also accepted as a header
    label: str  # the template's Chinese header
    required: bool
    help: str  # the template's explanation (the template is a Chinese document whatever the UI language)
    example: object
    aliases: tuple[str, ...] = ()  # other headers people write for it


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, "服刑人员姓名，最多 64 个字。", "张示例"),
    Column(
        "gender",
        "性别(男/女)",
        True,
        "男 或 女（也可填 male / female）；有公民身份号码时须与号码一致。",
        "男",
    ),
    Column(
        "birth_date",
        "出生日期",
        False,
        "Excel 日期，或 YYYY-MM-DD、YYYY/MM/DD 格式的文字；有公民身份号码时可不填，填了须与号码一致。",
        dt.date(1980, 1, 1),
    ),
    Column(
        "id_number",
        "公民身份号码",
        False,
        "18 位（15 位旧号码自动升为 18 位）。请把此列设为“文本”格式：Excel 把长数字存成数值会丢掉末几位。"
        "没有号码的人员登记为“身份未核实”，按 姓名 + 出生日期 + 户籍地 + 预计释放日期 识别重复。",
        "",
        ("身份证号", "身份证号码", "公民身份证号码", "身份号码"),
    ),
    Column(
        "hukou_region",
        "户籍地区划代码",
        True,
        "12 位统计用区划代码，最好填到乡镇（街道），如 320102001000：通知书发往该乡镇（街道）司法所；"
        "只填到县（区）时发往县级安帮办，由其改派。",
        "",
        ("户籍地", "户籍地代码", "户籍地区划"),
    ),
    Column(
        "residence_region",
        "居住地区划代码",
        False,
        "12 位区划代码；不填则与户籍地相同。",
        "",
        ("居住地", "居住地代码", "居住地区划"),
    ),
    Column("residence_address", "居住地址", False, "详细地址，最多 200 个字。", "示范路 1 号"),
    Column(
        "expected_release_date",
        "预计释放日期",
        True,
        "刑满释放的日期，不得早于今天；格式同出生日期。同一人同一释放日期重复导入不会重复建立通知书。",
        "",
        ("释放日期",),
    ),
    Column("offence", "罪名", True, "最多 128 个字。", "盗窃罪"),
    Column("sentence_months", "刑期(月)", True, "原判刑期，按月计的整数（1–1200）。", 36, ("刑期", "刑期月")),
    Column(
        "key_target",
        "是否重点帮教对象",
        False,
        "是 或 否（也可填 true / false / 1 / 0）；不填为否。重点帮教对象须必接必送。",
        "否",
        ("重点帮教对象", "是否重点"),
    ),
    Column(
        "key_target_reasons",
        "重点原因",
        False,
        "列为重点帮教对象的原因；多项用分号（; 或 ；）分隔，每项最多 100 个字、最多 20 项。",
        "",
        ("列为重点的原因", "重点帮教原因"),
    ),
    Column("needs", "需求", False, "释放后的帮扶需求；多项用分号分隔，如：就业;住房。", "就业;技能培训"),
)
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
REQUIRED_FIELDS = tuple(column.field for column in COLUMNS if column.required)


def _header_key(text: object) -> str:
    """A header cell as compared: case, spaces, underscores, hyphens, a required-mark ``*`` and full-width
    parentheses do not matter (``ID Number`` = ``id_number``, ``性别（男/女）`` = ``性别(男/女)``)."""
    value = str(text or "").replace("\ufeff", "").translate(_HEADER_TRANSLATION).lower()
    return "".join(value.split())


_HEADER_TRANSLATION = str.maketrans({"（": "(", "）": ")", "_": None, "-": None, "*": None, "＊": None})


def _header_mapping() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for column in COLUMNS:
        names = [column.field, column.label, *column.aliases]
        if "(" in column.label:
            names.append(column.label.split("(")[0])  # 性别(男/女) → 性别
        for name in names:
            mapping[_header_key(name)] = column.field
    return mapping


HEADERS = _header_mapping()


# --- results -------------------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # the first MAX_STORED_ERRORS
    error_count: int = 0
    rows: int = 0  # rows read below the header (blank rows included)
    token: str = ""

    def add_error(self, row: int, field_name: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append({"row": row, "field": field_name, "message": message})

    def as_dict(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "created": self.created,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "error_count": self.error_count,
        }


def _file_error(message: str) -> DomainError:
    return DomainError("invalid_file", message, fields={"file": message})


# --- reading the file ----------------------------------------------------------------------------------------------


@dataclass
class _Table:
    rows: Iterator[tuple[int, Sequence[object]]]  # (spreadsheet row number, cell values), header included
    total: int | None  # the rows (header included) the first pass counted


@contextmanager
def _open_table(file: IO[bytes], filename: str) -> Iterator[_Table]:
    name = (filename or "").lower()
    size = _size(file)
    if size == 0:
        raise _file_error(_("The file is empty."))
    if size > MAX_FILE_BYTES:
        raise _file_error(_("The file is larger than %(mb)s MB: split the list.") % {"mb": MAX_FILE_BYTES >> 20})
    if name.endswith(".xlsx"):
        with _xlsx_table(file) as table:
            yield _within_limit(table)
    elif name.endswith(".csv"):
        with _csv_table(file) as table:
            yield _within_limit(table)
    elif name.endswith(".xls"):
        raise _file_error(_("An old .xls workbook: save it as .xlsx (Excel 2007 or later) or as .csv."))
    else:
        raise _file_error(_("Send an .xlsx workbook or a .csv file."))


def _within_limit(table: _Table) -> _Table:
    # counted in the first pass, so a list too large is refused before anything is written
    if table.total is not None and table.total > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise _file_error(_("At most %(rows)s rows in one file: split the list.") % {"rows": MAX_ROWS})
    return table


def _size(file: IO[bytes]) -> int:
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


@contextmanager
def _xlsx_table(file: IO[bytes]) -> Iterator[_Table]:
    if file.read(4) != b"PK\x03\x04":
        raise _file_error(_("This is not an .xlsx workbook."))
    file.seek(0)
    try:
        workbook = _Workbook(file)
    except DomainError:
        raise
    except Exception:  # zipfile, XML and openpyxl's own errors: all mean "not a readable workbook"
        raise _file_error(_("The workbook cannot be read: it is damaged or not an .xlsx file.")) from None
    try:
        total, plain = _check_sheet(workbook.archive, workbook.sheet_path)
        with workbook.archive.open(workbook.sheet_path) as source:
            yield _Table(rows=_guarded(workbook.reader.rows(source, plain=plain)), total=total)
    finally:
        workbook.archive.close()


_CELL, _VALUE, _ROW, _PHONETIC, _ITEM = 1, 2, 3, 4, 5  # the elements the readers act on


class _Workbook:
    """The parts of an .xlsx the list needs: the first sheet's path, its shared strings, which cell styles are dates,
    and the date epoch. openpyxl reads the package (content types, relationships, stylesheet); its ``load_workbook``
    is not used: in read-only mode it scans a whole sheet that does not state its size (openpyxl's own files)
    before returning, it reads the shared strings at ~30 µs each into a list of objects, and its row reader is
    slower than the row budget (see _SheetReader)."""

    def __init__(self, file: IO[bytes]) -> None:
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet
        from openpyxl.xml.constants import SHARED_STRINGS

        reader = ExcelReader(file, read_only=True, data_only=True)
        self.archive: zipfile.ZipFile = reader.archive
        reader.read_manifest()
        reader.read_workbook()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style": harmless, and not the user's to fix
            apply_stylesheet(reader.archive, reader.wb)
        sheets = list(reader.parser.find_sheets())
        if not sheets:
            raise _file_error(_("The workbook has no sheet."))
        _sheet, relationship = sheets[0]  # the list; the template's second sheet only explains the columns
        if not relationship.Type.endswith("/worksheet"):
            raise _file_error(_("The first sheet of the workbook is not a worksheet."))
        self.sheet_path: str = relationship.target
        _check_size(self.archive, self.sheet_path, MAX_SHEET_BYTES)
        package: Any = reader.package  # openpyxl's Manifest (untyped)
        strings_part = package.find(SHARED_STRINGS)
        shared = _SharedStrings()
        if strings_part is not None:
            path = strings_part.PartName[1:]
            _check_size(self.archive, path, MAX_SHARED_STRINGS_BYTES)
            with self.archive.open(path) as source:
                shared.read(source)
        internals: Any = reader.wb  # the date styles openpyxl's own row reader uses
        self.reader = _SheetReader(
            shared_strings=shared,
            date_styles=frozenset(internals._date_formats),
            epoch=reader.wb.epoch,
        )


MAX_SHEET_BYTES = 1 << 30  # uncompressed; a 100k-row list is 20-70 MB
MAX_SHARED_STRINGS_BYTES = 64 << 20  # uncompressed; a 100k-row list has ~10 MB


def _check_size(archive: zipfile.ZipFile, path: str, limit: int) -> None:
    """Refuse a part that unpacks to more than ``limit`` (a zip bomb, or a list far larger than a month's)."""
    if archive.getinfo(path).file_size > limit:
        raise _file_error(_("The workbook is too large: split the list."))


_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """Excel writes a control character as ``_xHHHH_`` (and a literal ``_x`` as ``_x005F_x``)."""
    return _EXCEL_ESCAPE.sub(lambda match: chr(int(match[1], 16)), text) if "_x" in text else text


class _SharedStrings(Sequence[str]):
    """A workbook's shared-string table, kept as one UTF-8 buffer and an array of offsets (~20 bytes a string
    rather than ~80 for a list of ``str``), so a large list's table stays small; the first strings, which hold the
    values that repeat (gender, offence, region codes: Excel numbers strings in order of first use), are kept
    decoded."""

    DECODED = 2048

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.offsets = array("Q", [0])
        self.decoded: list[str] = []

    def read(self, source: IO[bytes]) -> None:
        parts: list[str] = []
        collecting = False
        phonetic = False
        kinds: dict[str, int] = {}
        buffer, offsets, decoded = self.buffer, self.offsets, self.decoded

        def kind_of(name: str) -> int:
            kind = kinds[name] = _STRING_KINDS.get(name.rpartition(":")[2], 0)
            return kind

        def start(name: str, _attrs: dict[str, str]) -> None:
            nonlocal collecting, phonetic
            kind = kinds.get(name)
            if kind is None:
                kind = kind_of(name)
            if kind == _VALUE:
                collecting = not phonetic
            elif kind == _PHONETIC:
                phonetic = True
            elif kind == _ITEM:
                parts.clear()

        def end(name: str) -> None:
            nonlocal collecting, phonetic
            kind = kinds.get(name)
            if kind is None:
                kind = kind_of(name)
            if kind == _VALUE:
                collecting = False
            elif kind == _PHONETIC:
                phonetic = False
            elif kind == _ITEM:
                text = _unescape("".join(parts))
                if len(decoded) < self.DECODED:
                    decoded.append(text)
                buffer.extend(text.encode())
                offsets.append(len(buffer))

        def characters(data: str) -> None:
            if collecting:
                parts.append(data)

        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = characters
        parser.ParseFile(source)

    def get(self, index: int) -> str:
        """The string at ``index`` (the row reader's fast path; IndexError past the end)."""
        decoded = self.decoded
        if 0 <= index < len(decoded):
            return decoded[index]
        if index < 0:
            raise IndexError("shared string index out of range")
        return self.buffer[self.offsets[index] : self.offsets[index + 1]].decode()

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self.get(index)


_STRING_KINDS = {"si": _ITEM, "t": _VALUE, "rPh": _PHONETIC}


def _guarded(rows: Iterator[tuple[int, Sequence[object]]]) -> Iterator[tuple[int, Sequence[object]]]:
    """The rows, with a cell that cannot be decoded (a faulty generator: a shared-string index out of range, a cell
    reference past column XFD) refused as a file error where it is met; batches before it stay committed, and a
    corrected re-send is idempotent."""
    number = 0
    try:
        for number, values in rows:
            yield number, values
    except (ValueError, IndexError, expat.ExpatError, zipfile.BadZipFile, OSError, EOFError):
        raise _file_error(_("The sheet cannot be read after row %(row)s.") % {"row": number}) from None


_ROW_TAGS = (b"<row ", b"<row>", b":row ", b":row>")
# What a sheet must not hold for _SheetReader's fast path (see _check_sheet): comments, CDATA and DOCTYPE ("<!"),
# processing instructions ("<?"), rows with a namespace prefix (":row"), NUL (a UTF-16 or UTF-32 document).
_NOT_PLAIN = (b"<!", b"<?", b":row", b"\x00")
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")


def _check_sheet(archive: zipfile.ZipFile, path: str) -> tuple[int, bool]:
    """A first pass over the sheet: the zip's checksum (checked when a member is read to its end) and the XML's
    well-formedness, by expat with no handlers, so a damaged upload is refused before any row is written rather
    than half-way through. Returns the number of rows the sheet holds (counted on the bytes: ``<row`` cannot occur
    in text, which XML escapes), for the progress display, and whether the sheet is *plain*: UTF-8, and no comment,
    CDATA section, processing instruction or prefixed row after the XML declaration. In a plain, well-formed sheet
    every ``<`` opens a tag (text and attribute values cannot hold one), which _SheetReader's fast path relies on."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    rows = 0
    tail = b""
    plain = True
    first = True
    try:
        with archive.open(path) as source:
            while chunk := source.read(1 << 16):
                parser.Parse(chunk, False)
                # a tag cut by the chunk boundary is whole in tail + chunk; the 4-byte tail holds no whole tag
                window = tail + chunk
                rows += sum(window.count(tag) for tag in _ROW_TAGS)
                tail = chunk[-4:]
                if first:
                    first = False
                    after = _after_utf8_declaration(chunk)
                    plain = after is not None
                    window = after or b""
                if plain and any(mark in window for mark in _NOT_PLAIN):
                    plain = False
            parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise _file_error(_("The sheet cannot be read: the workbook is damaged.")) from None
    return rows, plain


def _after_utf8_declaration(chunk: bytes) -> bytes | None:
    """The sheet's first bytes after its XML declaration (and a UTF-8 byte-order mark), or None when the declaration
    names an encoding other than UTF-8 (expat reads those; the fast path does not)."""
    chunk = chunk.removeprefix(codecs.BOM_UTF8)
    if not chunk.startswith(b"<?xml"):
        return chunk
    end = chunk.find(b"?>")
    if end < 0:
        return None
    encoding = _DECLARED_ENCODING.search(chunk, 0, end)
    if encoding is not None and encoding[1].lower() not in (b"utf-8", b"utf8"):
        return None
    return chunk[end + 2 :]


def _refuse_doctype(*_args: object) -> None:
    # a worksheet never has a DOCTYPE; refusing it refuses entity-expansion bombs too
    raise ValueError("DOCTYPE in a worksheet")


_TAG_KINDS = {"c": _CELL, "v": _VALUE, "t": _VALUE, "row": _ROW, "rPh": _PHONETIC}
_DIGITS = "0123456789"


_Rows = Iterator[tuple[int, Sequence[object]]]
_S = "[ \t\r\n]"  # XML's white space (``\s`` would take other Unicode spaces too)
_ROW_START = re.compile(rf"""<row((?:{_S}+[^ \t\r\n=/>]+{_S}*={_S}*(?:"[^"]*"|'[^']*'))*){_S}*(/?)>""")
_ROW_END = re.compile(rf"</row{_S}*>")
_ROW_NUMBER = re.compile(rf'{_S}+r="([0-9]+)"')
_R_ATTRIBUTE = re.compile(rf"{_S}r{_S}*=")
_PREFIXED = re.compile(r"</?[^ \t\r\n/>:]+:")  # an element with a namespace prefix (x:c)
# A cell as Excel, WPS, openpyxl and XlsxWriter write it: attributes r, s, t in that order, and no value, a value
# (<v>) or an inline string (<is><t>) holding no entity reference and no carriage return (which XML rewrites).
# Possessive quantifiers (*+, ?+): no part of a cell can match in two ways, so there is nothing to backtrack to,
# and saying so makes the expression ~20 % faster.
_PLAIN_CELL = re.compile(
    r'<c r="([A-Z]{1,3}+)[0-9]++"(?: s="([0-9]++)")?+(?: t="([a-zA-Z]++)")?+'
    r'(?: ?/>|>(?:<v>([^<&\r]*+)</v>|<is><t(?: xml:space="preserve")?+>([^<&\r]*+)</t></is>)?+</c>)'
)


class _SheetReader:
    """(row number, cell values) from a worksheet's XML, streamed.

    openpyxl's own row reader builds a dict and descriptor-validated objects for every cell: ~150-300 µs a row of 13
    cells on this machine, as much as the row's whole budget (DESIGN §9). This decodes cells the same way (shared
    and inline strings, numbers, booleans, errors, dates by the cell's number format, formulas by their cached
    value, as ``data_only=True`` does) in a fraction of that, two ways:

    - ``_expat_rows``, any well-formed sheet: expat calls back per element (~5 a cell), one dictionary lookup each,
      nothing built but the values; elements are matched by local name, so a prefixed namespace (``x:c``) reads the
      same. ~40-50 µs a row of 13 cells.
    - ``_plain_rows``, a *plain* sheet (``_check_sheet``: UTF-8, no comment, CDATA or processing instruction, which
      every spreadsheet program's sheet is): each row is cut out on its tags and its cells read with one regular
      expression (``_PLAIN_CELL``), ~20 µs a row. A row holding anything else (a formula, an entity reference,
      rich text, a prefixed cell, attributes in another order) is read by expat, alone: the fast path takes a row
      only when every cell of it matched (as many matches as ``<c`` in the row), so it never guesses.
    """

    MAX_ROW_CHARS = 1 << 22  # a list's row is ~0.5 KB of XML; a far longer one is refused, not held
    MAX_DATES = 10_000  # date cells remembered: a list's release dates repeat (birth dates less), ~130 bytes each

    def __init__(self, *, shared_strings: _SharedStrings, date_styles: frozenset[int], epoch: dt.datetime) -> None:
        self.shared_strings = shared_strings
        self.date_styles = date_styles
        self.epoch = epoch
        self.dates: dict[str, object] = {}  # serial number as written → its date (from_excel: ~3 µs a call)

    def rows(self, source: IO[bytes], *, plain: bool = False) -> _Rows:
        if plain:
            return self._plain_rows(source)
        return self._expat_rows(iter(lambda: source.read(1 << 16), b""))

    def _plain_rows(self, source: IO[bytes]) -> _Rows:
        decoder = codecs.getincrementaldecoder("utf-8")()
        text = ""  # the decoded sheet from the current position on (one row at most besides the new chunk)
        position = 0
        number = 0  # the last row's number
        ended = False
        searched = 0  # where the search for a row's end resumes once more text came (linear in a long row)
        while True:
            start = _ROW_START.search(text, position)
            end = content_end = -1
            if start is not None:
                if start[2]:  # <row .../>
                    end = content_end = start.end()
                elif closing := _ROW_END.search(text, max(start.end(), searched)):
                    end, content_end = closing.end(), closing.start()
            if start is None or end < 0:  # no whole row left: read on, keeping a row or tag cut by the chunk's end
                if ended:
                    return
                keep = start.start() if start is not None else text.rfind("<", position)
                text = text[keep:] if keep >= 0 else ""
                position = 0
                # a cut end tag begins at the last "<" (none is inside a tag); anything before it ends no row
                searched = max(text.rfind("<"), 0) if start is not None else 0
                if len(text) > self.MAX_ROW_CHARS:
                    raise ValueError("a row longer than MAX_ROW_CHARS")  # no list's row; refused as a file error
                chunk = source.read(1 << 16)
                ended = not chunk
                text += decoder.decode(chunk, final=ended)
                continue
            attributes = start[1]
            numbered = _ROW_NUMBER.match(attributes)
            row = None
            if _R_ATTRIBUTE.search(attributes, numbered.end() if numbered else 0) is None:
                row = self._plain_cells(text, start.end(), content_end)
            if row is not None:
                number = int(numbered[1]) if numbered else number + 1
                yield number, row
            else:
                previous = number
                for number, values in self._expat_rows([text[start.start() : end].encode()], previous):
                    yield number, values
            position = end

    def _plain_cells(self, text: str, start: int, end: int) -> list[object] | None:
        """The values of the cells in ``text[start:end]`` (a row's content), or None unless every cell is plain: as
        many ``_PLAIN_CELL`` matches as ``<c`` in it (in a plain sheet every ``<`` opens a tag, and each match holds
        exactly one ``<c``) and no prefixed element (``<x:c``, which holds none)."""
        cells = _PLAIN_CELL.findall(text, start, end)
        if len(cells) != text.count("<c", start, end):
            return None
        if text.find(":", start, end) >= 0 and _PREFIXED.search(text, start, end):
            return None
        row: list[object] = []
        append = row.append
        columns = _COLUMN_INDEX
        shared = self.shared_strings.get
        value_of = self._value
        for letters, style, cell_type, value, inline in cells:
            column = columns.get(letters)
            if column is None:
                column = _column_index(letters)
            if column > len(row):  # a gap: Excel leaves empty cells out
                row.extend([None] * (column - len(row)))
            value = value or inline
            if not value:
                append(None)
            elif cell_type == "s":
                append(shared(int(value)))
            elif cell_type == "inlineStr" or cell_type == "str":
                append(_unescape(value))
            else:
                append(value_of(cell_type or "n", value, style))
        return row

    def _expat_rows(self, chunks: Iterable[bytes], row_number: int = 0) -> _Rows:
        """The rows of ``chunks`` (a sheet, or one row of it, whose predecessor was ``row_number``)."""
        ready: list[tuple[int, Sequence[object]]] = []
        row: list[object] = []
        column = 0  # index of the next cell in the row
        cell_type = "n"
        cell_style = ""
        text: list[str] = []
        collecting = False
        phonetic = False  # <rPh>: the furigana of a Japanese string, not its text
        kinds: dict[str, int] = dict(_TAG_KINDS)
        columns = _COLUMN_INDEX
        shared = self.shared_strings.get

        def kind_of(name: str) -> int:
            kind = kinds[name] = _TAG_KINDS.get(name.rpartition(":")[2], 0)
            return kind

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal row, row_number, column, cell_type, cell_style, text, collecting, phonetic
            kind = kinds.get(name)
            if kind is None:
                kind = kind_of(name)
            if kind == _CELL:
                ref = attrs.get("r")
                if ref:
                    letters = ref.rstrip(_DIGITS)
                    index = columns.get(letters)
                    column = _column_index(letters) if index is None else index
                cell_type = attrs.get("t", "n")
                cell_style = attrs.get("s", "")
                text = []
            elif kind == _VALUE:
                collecting = not phonetic
            elif kind == _ROW:
                number = attrs.get("r")
                row_number = int(number) if number else row_number + 1
                row = []
                column = 0
            elif kind == _PHONETIC:
                phonetic = True

        def end(name: str) -> None:
            nonlocal column, collecting, phonetic
            kind = kinds.get(name)
            if kind is None:
                kind = kind_of(name)
            if kind == _VALUE:
                collecting = False
            elif kind == _CELL:
                if column > len(row):
                    row.extend([None] * (column - len(row)))
                if not text:
                    row.append(None)
                elif cell_type == "s":
                    row.append(shared(int(text[0] if len(text) == 1 else "".join(text))))
                elif cell_type == "inlineStr" or cell_type == "str":
                    row.append(_unescape(text[0] if len(text) == 1 else "".join(text)))
                else:
                    row.append(self._value(cell_type, "".join(text), cell_style))
                column += 1
            elif kind == _ROW:
                ready.append((row_number, row))
            elif kind == _PHONETIC:
                phonetic = False

        def characters(data: str) -> None:
            if collecting:
                text.append(data)

        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = characters
        for chunk in chunks:
            parser.Parse(chunk, False)
            yield from ready
            ready.clear()
        parser.Parse(b"", True)
        yield from ready

    def _value(self, cell_type: str, text: str, style: str) -> object:
        if cell_type == "e":
            return text  # #N/A and the like: refused by the column's own check
        if cell_type == "b":
            return text == "1"
        if cell_type == "d":
            try:
                return dt.datetime.fromisoformat(text)
            except ValueError:
                return text
        if style and int(style) in self.date_styles:
            known = self.dates.get(text)
            if known is None:
                if len(self.dates) >= self.MAX_DATES:
                    self.dates.clear()
                known = self.dates[text] = self._date(text)
            return known
        return int(text) if text.lstrip("-").isdigit() else float(text)

    def _date(self, text: str) -> object:
        number: int | float = int(text) if text.lstrip("-").isdigit() else float(text)
        try:
            return from_excel(number, self.epoch)
        except (OverflowError, ValueError):
            return number


_COLUMN_INDEX: dict[str, int] = {}
MAX_COLUMNS = 16_384  # Excel's last column, XFD


def _column_index(letters: str) -> int:
    """0-based column of a cell reference's letters: ``A`` → 0, ``AB`` → 27."""
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    index -= 1
    if not 0 <= index < MAX_COLUMNS:
        raise ValueError(f"cell reference {letters!r} outside the sheet")
    if len(_COLUMN_INDEX) < 20_000:
        _COLUMN_INDEX[letters] = index
    return index


ENCODINGS = ("utf-8-sig", "gb18030")  # UTF-8 (with or without BOM); Chinese Excel saves CSV in GBK ⊂ GB18030


@contextmanager
def _csv_table(file: IO[bytes]) -> Iterator[_Table]:
    encoding, total = _sniff_csv(file)
    file.seek(0)
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    try:
        rows = enumerate(csv.reader(text), start=1)
        yield _Table(rows=rows, total=total)
    finally:
        text.detach()  # leave the upload open: its owner closes it


def _sniff_csv(file: IO[bytes]) -> tuple[str, int]:
    """The encoding that decodes the whole file, and its record count: one streaming pass per encoding tried, so
    a file that cannot be decoded or parsed is refused before anything is written."""
    for encoding in ENCODINGS:
        file.seek(0)
        text = io.TextIOWrapper(file, encoding=encoding, newline="")
        try:
            count = sum(1 for _row in csv.reader(text))
        except UnicodeDecodeError:
            continue
        except csv.Error as exc:
            raise _file_error(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from None
        finally:
            text.detach()
        return encoding, count
    raise _file_error(_("The CSV file is neither UTF-8 nor GBK / GB18030 text."))


def _is_blank(values: Sequence[object]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _read_header(rows: Iterator[tuple[int, Sequence[object]]]) -> tuple[int, dict[str, int]]:
    """The header row's number and ``{field: column index}``. A title row above the header is skipped: the header
    is the first row, among the first ``HEADER_SEARCH_ROWS``, that names at least two known columns."""
    first_seen: dict[str, int] | None = None
    for number, values in rows:
        if _is_blank(values):
            if number >= HEADER_SEARCH_ROWS:
                break
            continue
        positions: dict[str, int] = {}
        duplicates: list[str] = []
        for index, value in enumerate(values):
            name = HEADERS.get(_header_key(value))
            if name is None:
                continue
            if name in positions:
                duplicates.append(COLUMN_BY_FIELD[name].label)
            positions[name] = index
        if len(positions) >= 2:
            if duplicates:
                raise _file_error(_("Columns appear twice: %(columns)s.") % {"columns": "、".join(duplicates)})
            missing = [COLUMN_BY_FIELD[f].label for f in REQUIRED_FIELDS if f not in positions]
            if missing:
                raise _file_error(
                    _("Required columns are missing: %(columns)s (see the template).") % {"columns": "、".join(missing)}
                )
            return number, positions
        first_seen = first_seen or positions
        if number >= HEADER_SEARCH_ROWS:
            break
    if first_seen is None:
        raise _file_error(_("The file is empty."))
    raise _file_error(_("No header row naming the columns was found (see the template)."))


# --- reading one cell ----------------------------------------------------------------------------------------------


class _CellError(ValueError):
    pass


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?e\+?\d+$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _text(value: object) -> str:
    if type(value) is str:  # what a CSV gives, and most cells of a workbook: checked first for speed
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _code(value: object) -> str:
    """A region code or ID number. Excel turns long digit strings into numbers: 320102001000.0 is fine, but a
    number of more than 15 digits (an 18-digit ID) or scientific notation has already lost digits."""
    if type(value) is str and value.isdigit():
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        raise _CellError(_("not a code"))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not value.is_integer() or value >= 1e15:
            raise _CellError(_lost_digits())
        return str(int(value))
    text = str(value).strip().lstrip("'")
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if _SCIENTIFIC.match(text):
        raise _CellError(_lost_digits())
    return text


def _lost_digits() -> str:
    return _("Excel stored the number in scientific notation and lost digits: format the column as text.")


def _date(value: object) -> dt.date | None:
    if type(value) is str and len(value) == 10 and value[4] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if 19000101 <= number <= 29991231:  # 20250301 typed as a number
            return _date(str(number)[:4] + "-" + str(number)[4:6] + "-" + str(number)[6:])
        if 1 <= value < 2958466:  # an Excel serial day number in a cell without a date format
            converted = from_excel(value)
            if isinstance(converted, dt.datetime):
                return converted.date()
        raise _CellError(_("a date as YYYY-MM-DD"))
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) in (10, 19) else dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = _DATE.match(text.split(" ")[0])
    if match is None and len(text) == 8 and text.isdigit():
        match = re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    if match is not None:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise _CellError(_("not a real date")) from None
    raise _CellError(_("a date as YYYY-MM-DD"))


def _months(value: object) -> int | None:
    if type(value) is str and value.isascii() and value.isdigit():
        return int(value)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _CellError(_("a whole number of months"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise _CellError(_("a whole number of months"))
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if text.isascii() and text.isdigit():
        return int(text)
    raise _CellError(_("a whole number of months"))


_TRUE = frozenset({"true", "是", "1", "yes", "y", "t", "重点"})
_FALSE = frozenset({"false", "否", "0", "no", "n", "f", "", "一般"})


def _flag(value: object) -> bool:
    if value in _TRUE:
        return True
    if value in _FALSE or value is None:
        return False
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _CellError(_("是 or 否 (true or false)"))


_GENDERS: dict[str, str] = {
    "男": Gender.MALE.value,
    "女": Gender.FEMALE.value,
    "male": Gender.MALE.value,
    "female": Gender.FEMALE.value,
}


def _gender(value: object) -> str:
    gender = _GENDERS.get(value) if type(value) is str else None
    if gender is not None:
        return gender
    text = _text(value).lower()
    gender = _GENDERS.get(text)
    if gender is None:
        raise _CellError(_("男 or 女 (male or female)") if text else _("required"))
    return gender


_LIST_SPLIT = re.compile(r"[;；\n]")


def _items(value: object) -> list[str]:
    if not value:
        return []
    text = _text(value)
    return [item.strip() for item in _LIST_SPLIT.split(text) if item.strip()] if text else []


_CELL_READERS: dict[str, Callable[[object], object]] = {
    "name": _text,
    "gender": _gender,
    "birth_date": _date,
    "id_number": _code,
    "hukou_region": _code,
    "residence_region": _code,
    "residence_address": _text,
    "expected_release_date": _date,
    "offence": _text,
    "sentence_months": _months,
    "key_target": _flag,
    "key_target_reasons": _items,
    "needs": _items,
}
_EMPTY: dict[str, object] = {
    "gender": "",
    "birth_date": None,
    "expected_release_date": None,
    "sentence_months": None,
    "key_target": False,
    "key_target_reasons": [],
    "needs": [],
}


_Readers = list[tuple[str, int, Callable[[object], object]]]


def _readers(positions: dict[str, int]) -> _Readers:
    """(field, column index, reader) for each field; -1 for a column the file does not have."""
    return [(name, positions.get(name, -1), reader) for name, reader in _CELL_READERS.items()]


def _row_data(values: Sequence[object], readers: _Readers) -> tuple[NoticeData, dict[str, str]]:
    """The row as the single form would give it, and the cells that could not be read (by field)."""
    cells: dict[str, Any] = {}
    errors: dict[str, str] = {}
    width = len(values)
    for name, index, reader in readers:
        try:
            cells[name] = reader(values[index] if 0 <= index < width else None)
        except _CellError as exc:
            errors[name] = str(exc)
            cells[name] = _EMPTY.get(name, "")
    data = NoticeData(
        person=PersonData(
            name=cells["name"],
            gender=cells["gender"],
            birth_date=cells["birth_date"],
            id_number=cells["id_number"],
            hukou_region=cells["hukou_region"],
            residence_region=cells["residence_region"],
            residence_address=cells["residence_address"],
        ),
        expected_release_date=cells["expected_release_date"],
        offence=cells["offence"],
        sentence_months=cells["sentence_months"],
        key_target=cells["key_target"],
        key_target_reasons=cells["key_target_reasons"],
        needs=cells["needs"],
    )
    return data, errors


def _flat(field_name: str) -> str:
    """``person.id_number`` (the API's nested name) → ``id_number`` (the file's column)."""
    return field_name.removeprefix("person.")


# --- the import ----------------------------------------------------------------------------------------------------


@dataclass
class _Valid:
    row: int
    clean: CleanNotice
    office: Organisation
    digest: str  # keyed hash of the ID number, "" without one


class _Regions:
    """The region table as the import has looked it up: one query per distinct code for the whole import instead of
    one per row and field (such a query costs ~0.5 ms on SQLite, more than a row's whole budget, DESIGN §9), handed to
    ``clean_notice`` as its lookup so every rule and message stays its own. It lives as long as one import: a region
    added or changed meanwhile is seen by the next one. Bounded, so a file of random codes cannot grow it without
    limit."""

    MAX_CODES = 20_000

    def __init__(self) -> None:
        self.known: dict[str, Region | None] = {}

    def lookup(self, code: str) -> Region | None:
        try:
            return self.known[code]
        except KeyError:
            pass
        if len(self.known) >= self.MAX_CODES:
            self.known.clear()
        region = self.known[code] = find_region(code)
        return region


@dataclass
class _Import:
    """What stays the same for every batch of one import, and the caches that make a row cheap."""

    facility: Organisation
    by: Actor
    user: User
    today: dt.date
    result: ImportResult
    job: ImportJob | None
    regions: _Regions = field(default_factory=_Regions)
    offices: dict[str, Organisation | None] = field(default_factory=dict)  # hukou region code → receiving office
    verify_by: dict[int, dt.date] = field(default_factory=dict)  # office id → verification deadline
    pinyin: dict[str, tuple[str, str]] = field(default_factory=dict)  # character → (pinyin, initial)

    def office_for(self, region: Region) -> Organisation | None:
        if region.code not in self.offices:
            self.offices[region.code] = receiving_office_for(region)
        return self.offices[region.code]

    def verify_by_for(self, office: Organisation) -> dt.date:
        # the office's region decides which province's (or county's) rule applies (DESIGN §4), on the import's day
        known = self.verify_by.get(office.id)
        if known is None:
            known = self.verify_by[office.id] = deadline(
                "verify_within_days", start=self.today, region=office.region_id
            )
        return known

    def name_pinyin(self, name: str) -> tuple[str, str]:
        """``people.services.name_pinyin(name)``, memoised per character (~3 µs a name instead of ~60).

        pypinyin reads a run of Chinese characters by its longest-prefix segmentation: a segment of several
        characters is a word of its phrase dictionary (or a prefix of one), whose reading may differ from its
        characters' own. A segment of two or more characters begins with two adjacent characters that are such a
        prefix, so when no two adjacent characters of an all-Chinese name are (nearly every name), each character is
        its own segment and the name's pinyin and initials are its characters' joined: each character is converted
        once per import. Any other name (a word in it, a letter, a ``·``) goes to ``name_pinyin`` whole.
        ``test_import.py`` checks both paths against ``name_pinyin``.
        """
        if not _HANS.match(name) or any(name[i : i + 2] in _PHRASE_PREFIXES for i in range(len(name) - 1)):
            return name_pinyin(name)
        known = self.pinyin
        if len(name) == 1:
            return known.get(name) or self._char_pinyin(name)
        pinyin, initials = "", ""
        for char in name:
            syllable, initial = known.get(char) or self._char_pinyin(char)
            pinyin += syllable
            initials += initial
        return pinyin, initials

    def _char_pinyin(self, char: str) -> tuple[str, str]:
        if len(self.pinyin) >= 50_000:  # far more than the characters names use
            self.pinyin.clear()
        result = self.pinyin[char] = name_pinyin(char)
        return result


# A batch commits in about a second; an import whose row has not been touched for this long died with its server
# process (a restart, a worker killed on its timeout) and will not finish.
INTERRUPTED_AFTER = dt.timedelta(minutes=10)


def as_read(job: ImportJob) -> ImportJob:
    """``job`` as its readers see it: a running import that stopped with its server shows as failed, saying what
    to do (the batches it committed are kept, and sending the file again skips them as unchanged)."""
    if job.status == ImportJob.Status.RUNNING and job.updated_at < timezone.now() - INTERRUPTED_AFTER:
        job.status = ImportJob.Status.FAILED
        job.message = _(
            "The import was interrupted (the server stopped while reading the file). The rows imported before are "
            "kept: import the same file again and they are skipped as unchanged."
        )
    return job


def import_job_for(*, user: User, token: str) -> ImportJob | None:
    """The import ``token`` names if ``user``'s organisation made it; None otherwise (missing and not yours look
    the same)."""
    try:
        value = uuid.UUID(token)
    except ValueError:
        return None
    if user.organisation_id is None:
        return None
    job = ImportJob.objects.filter(token=value, facility_id=user.organisation_id).first()
    return None if job is None else as_read(job)


def recent_imports(*, user: User, limit: int) -> list[ImportJob]:
    """The newest imports of ``user``'s organisation, as their readers see them."""
    jobs = ImportJob.objects.filter(facility_id=user.organisation_id).order_by("-started_at")[:limit]
    return [as_read(job) for job in jobs]


def start_import(*, token: str | None, filename: str, by: Actor) -> ImportJob:
    """The progress row of a new import, committed at once so the import page can poll it.

    ``token`` is the client's uuid (the page makes one before it uploads); without one the server makes it.
    """
    assert by.user is not None
    facility = _require_facility(by.user)
    try:
        value = uuid.UUID(token) if token else uuid.uuid4()
    except ValueError:
        raise DomainError("invalid_token", _("Not a token."), fields={"token": _("a UUID")}) from None
    try:
        with transaction.atomic():
            return ImportJob.objects.create(
                token=value,
                facility=facility,
                by=by.user,
                filename=(filename or "")[:255],
                started_at=timezone.now(),
            )
    except IntegrityError:
        raise DomainError(
            "duplicate_token", _("This token was used before."), fields={"token": _("used before")}, status=409
        ) from None


def import_notices(
    *,
    file: IO[bytes],
    filename: str,
    facility: Organisation,
    by: Actor,
    progress: ImportJob | None = None,
    today: dt.date | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Import the release notices of ``file`` (.xlsx or .csv, by ``filename``) sent by ``facility``.

    Bad rows are reported in the result; a file that cannot be read raises a DomainError naming ``file`` (and
    nothing is written). ``progress`` is updated as batches commit and closed at the end (done or failed).
    """
    assert by.user is not None
    if _require_facility(by.user).pk != facility.pk:
        raise DomainError("forbidden", _("A liaison imports for their own facility."), status=403)
    result = ImportResult(token=str(progress.token) if progress is not None else "")
    state = _Import(
        facility=facility,
        by=by,
        user=by.user,
        today=today or timezone.localdate(),
        result=result,
        job=progress,
    )
    try:
        with _open_table(file, filename) as table:
            header_row, positions = _read_header(table.rows)
            readers = _readers(positions)
            if progress is not None and table.total is not None:
                progress.rows_total = max(table.total - header_row, 0)
                with transaction.atomic():
                    progress.save(update_fields=["rows_total", "updated_at"])
            read = 0  # rows read below the header, blank ones included: the progress display's "done"
            batch: list[tuple[int, Sequence[object]]] = []
            for number, values in table.rows:
                read += 1
                if _is_blank(values):
                    continue
                batch.append((number, values))
                if len(batch) >= batch_size:
                    _import_batch(state, batch, readers, rows_done=read)
                    batch = []
            if not batch and result.created + result.unchanged + result.error_count == 0:
                raise _file_error(_("The file has no rows below the header."))
            result.rows = read
            if batch:
                _import_batch(state, batch, readers, rows_done=read)
    except DomainError as exc:
        _close_job(progress, result, status=ImportJob.Status.FAILED, message=exc.message)
        raise
    except Exception:
        _close_job(progress, result, status=ImportJob.Status.FAILED, message=_("The import stopped on an error."))
        raise
    _close_job(progress, result, status=ImportJob.Status.DONE)
    return result


def _close_job(job: ImportJob | None, result: ImportResult, *, status: str, message: str = "") -> None:
    if job is None:
        return
    job.status = status
    job.message = message[:500]
    job.finished_at = timezone.now()
    fields = ["status", "message", "finished_at", "updated_at"]
    if status == ImportJob.Status.DONE:
        job.rows_done = job.rows_total = result.rows
        fields += ["rows_done", "rows_total"]
    with transaction.atomic():
        job.save(update_fields=fields)


def _import_batch(
    state: _Import, batch: list[tuple[int, Sequence[object]]], readers: _Readers, *, rows_done: int
) -> None:
    result = state.result
    valid, refused = _validate(state, batch, readers)
    # On PostgreSQL a concurrent single send can create one of the batch's new persons between our read and our
    # insert (the unique hash then refuses ours): the batch rolls back and runs again, and then finds that person.
    # SQLite's IMMEDIATE transactions take the write lock at BEGIN, so there the read and the insert cannot be split.
    for attempt in range(3):
        before = (result.created, result.unchanged, result.error_count, len(result.errors))
        try:
            with transaction.atomic():
                created, unchanged, conflicts = _write_batch(state, valid)
                result.created += created
                result.unchanged += unchanged
                for row, field_name, message in sorted(refused + conflicts, key=lambda error: error[0]):
                    result.add_error(row, field_name, message)
                _save_progress(state, rows_done)
            return
        except IntegrityError:
            # counted only once the batch is written: a batch that runs again must not count twice
            result.created, result.unchanged, result.error_count = before[:3]
            del result.errors[before[3] :]
            if attempt == 2:
                raise


_RowError = tuple[int, str, str]


def _validate(
    state: _Import, batch: list[tuple[int, Sequence[object]]], readers: _Readers
) -> tuple[list[_Valid], list[_RowError]]:
    """The rows that pass ``clean_notice``'s rules and have a receiving office, and the errors of the others."""
    valid: list[_Valid] = []
    errors: list[_RowError] = []
    for number, values in batch:
        data, cell_errors = _row_data(values, readers)
        try:
            clean = clean_notice(data, today=state.today, regions=state.regions.lookup)
        except DomainError as exc:
            # a cell that could not be read explains the row better than the "required" it turns into
            fields = {_flat(name): message for name, message in exc.fields.items()} | cell_errors
            errors.extend((number, name, message) for name, message in fields.items())
            continue
        if cell_errors:
            errors.extend((number, name, message) for name, message in cell_errors.items())
            continue
        assert clean.person.hukou_region is not None
        office = state.office_for(clean.person.hukou_region)
        if office is None:
            errors.append((number, "hukou_region", _("no office receives this region")))
            continue
        digest = id_number_hash(clean.person.id_number) if clean.person.id_number else ""
        valid.append(_Valid(row=number, clean=clean, office=office, digest=digest))
    return valid, errors


def _save_progress(state: _Import, rows_done: int) -> None:
    job, result = state.job, state.result
    if job is None:
        return
    job.rows_done = rows_done
    job.created = result.created
    job.unchanged = result.unchanged
    job.errors = result.errors
    job.error_count = result.error_count
    job.save(update_fields=["rows_done", "created", "unchanged", "errors", "error_count", "updated_at"])


def _write_batch(state: _Import, valid: list[_Valid]) -> tuple[int, int, list[_RowError]]:
    """A bulk variant of ``services._create_notice`` for one batch, with its rules: the person matched by the keyed
    hash of the ID number (and updated with what the facility knows now) or created; one open notice per person; a
    custody record; the notice routed to the receiving office with its verification deadline; a "sent" event; an
    audit row. It differs where a batch makes things cheap: one query loads the batch's known persons and their
    notices, rows already imported count as unchanged instead of failing, the rows are written with multi-row
    INSERTs (``_insert``), and one audit row lists the batch's notices. Returns (created, unchanged, row errors)."""
    if not valid:
        return 0, 0, []
    # select_for_update: a concurrent single send of one of these persons waits for this batch (PostgreSQL; SQLite's
    # IMMEDIATE transaction already holds the database's write lock). Only the ids: a known person is updated through
    # bulk_update, which needs the pk and the new values alone.
    known: dict[str | None, int] = dict(
        Person.objects.select_for_update()
        .filter(id_number_hash__in=[row.digest for row in valid if row.digest])
        .values_list("id_number_hash", "id")
    )
    held: dict[int, list[tuple[dt.date, str]]] = {}
    for holder, expected, status in ReleaseNotice.objects.filter(person_id__in=list(known.values())).values_list(
        "person_id", "expected_release_date", "status"
    ):
        held.setdefault(holder, []).append((expected, status))
    unverified = _unverified_notice_keys(valid)

    errors: list[_RowError] = []
    unchanged = 0
    new_in_batch: dict[str, dt.date] = {}  # digest → expected date of the notice this batch creates for them
    to_create: list[tuple[_Valid, Person | None]] = []  # None: a new person
    for row in valid:
        expected = row.clean.expected_release_date
        if not row.digest:
            key = _unverified_key(row.clean)
            if key in unverified:
                unchanged += 1
            else:
                unverified.add(key)
                to_create.append((row, None))
            continue
        if row.digest in new_in_batch:  # the same person twice in the file
            if new_in_batch[row.digest] == expected:
                unchanged += 1
            else:
                errors.append((row.row, "id_number", _("an open notice exists for this person")))
            continue
        person_id = known.get(row.digest)
        notices = held.get(person_id, []) if person_id is not None else []
        if any(day == expected and status != ReleaseNotice.Status.WITHDRAWN for day, status in notices):
            unchanged += 1
            continue
        if any(status in ReleaseNotice.OPEN for _day, status in notices):
            errors.append((row.row, "id_number", _("an open notice exists for this person")))
            continue
        if any(day == expected for day, _status in notices):
            errors.append(
                (
                    row.row,
                    "id_number",
                    _("the notice of this person for this release date was withdrawn; send it again with the form"),
                )
            )
            continue
        new_in_batch[row.digest] = expected
        to_create.append((row, Person(pk=person_id) if person_id is not None else None))
    if not to_create:
        return 0, unchanged, errors

    # In the order of their keyed hash: the unique index on it takes the batch's rows in one ascending sweep
    # instead of at random places all over it (~20 % of the person INSERTs at 100k rows). Rows are numbered uniquely.
    new_rows = sorted((row for row, person in to_create if person is None), key=lambda row: row.digest)
    new_ids = dict(
        zip(
            [row.row for row in new_rows],
            _insert(
                Person,
                _PERSON_COLUMNS,
                [
                    (
                        *_person_values(state, row.clean),
                        row.clean.person.id_number,
                        row.digest or None,
                        bool(row.digest),
                    )
                    for row in new_rows
                ],
            ),
            strict=True,
        )
    )
    updated = [person for _row, person in to_create if person is not None]
    for row, person in to_create:
        if person is not None:
            _update_person(state, person, row.clean)
    if updated:
        Person.objects.bulk_update(updated, _PERSON_FIELDS)
    person_ids = [new_ids[row.row] if person is None else person.id for row, person in to_create]
    facility_id = state.facility.id
    custody_ids = _insert(
        Custody,
        _CUSTODY_COLUMNS,
        [
            (
                person_id,
                facility_id,
                row.clean.offence,
                row.clean.sentence_months,
                row.clean.sentence_start,
                row.clean.sentence_end or row.clean.expected_release_date,
                row.clean.risk_level,
                row.clean.key_target,
                row.clean.key_target_reasons,
                row.clean.needs,
                row.clean.pre_release_education,
            )
            for (row, _person), person_id in zip(to_create, person_ids, strict=True)
        ],
    )
    notice_ids = _insert(
        ReleaseNotice,
        _NOTICE_COLUMNS,
        [
            (
                person_id,
                custody_id,
                facility_id,
                row.office.id,
                row.office.region_id,
                row.clean.key_target,
                row.clean.expected_release_date,
                state.today,
                state.verify_by_for(row.office),
            )
            for (row, _person), person_id, custody_id in zip(to_create, person_ids, custody_ids, strict=True)
        ],
    )
    now = timezone.now()
    by_name = state.user.full_name or state.user.username
    event_data: dict[int, dict[str, str]] = {}  # office id → the "sent" event's data, one object per office
    for row, _person in to_create:
        event_data.setdefault(row.office.id, {"receiving_office": row.office.code, "import": state.result.token})
    _insert(
        NoticeEvent,
        _EVENT_COLUMNS,
        [
            (
                notice_id,
                now,
                "sent",
                state.user.id,
                by_name,
                event_data[row.office.id],
            )
            for (row, _person), notice_id in zip(to_create, notice_ids, strict=True)
        ],
    )
    record_audit(
        actor=state.by,
        action="notice.import",
        object_type="handover.releasenotice",
        detail={
            "import": state.result.token,
            "rows": [valid[0].row, valid[-1].row],
            "notices": notice_ids,
            "persons_updated": [person.pk for person in updated],
        },
    )
    return len(notice_ids), unchanged, errors


_PERSON_FIELDS = [
    "name",
    "name_pinyin",
    "name_initials",
    "gender",
    "birth_date",
    "hukou_region",
    "residence_region",
    "residence_address",
]
_PERSON_COLUMNS = (
    "name",
    "name_pinyin",
    "name_initials",
    "gender",
    "birth_date",
    "hukou_region_id",
    "residence_region_id",
    "residence_address",
    "id_number",
    "id_number_hash",
    "id_verified",
)
_CUSTODY_COLUMNS = (
    "person_id",
    "facility_id",
    "offence",
    "sentence_months",
    "sentence_start",
    "sentence_end",
    "risk_level",
    "key_target",
    "key_target_reasons",
    "needs",
    "pre_release_education",
)
_NOTICE_COLUMNS = (
    "person_id",
    "custody_id",
    "facility_id",
    "receiving_office_id",
    "region_id",
    "key_target",
    "expected_release_date",
    "sent_on",
    "verify_by",
)
_EVENT_COLUMNS = ("notice_id", "at", "action", "by_id", "by_name", "data")


def _person_values(state: _Import, clean: CleanNotice) -> tuple[object, ...]:
    """What ``find_or_create_person`` sets (the facility's current knowledge of the person), in _PERSON_FIELDS
    order; the optional fields (former names, ethnicity, phone) are not columns of the list."""
    data = clean.person
    pinyin, initials = state.name_pinyin(data.name)
    return (
        data.name,
        pinyin,
        initials,
        data.gender,
        data.birth_date,
        data.hukou_region.code if data.hukou_region else None,
        data.residence_region.code if data.residence_region else None,
        data.residence_address,
    )


def _update_person(state: _Import, person: Person, clean: CleanNotice) -> None:
    for name, value in zip(_PERSON_FIELDS, _person_values(state, clean), strict=True):
        setattr(person, name + "_id" if name.endswith("region") else name, value)


_UnverifiedKey = tuple[str, dt.date | None, str, dt.date]


def _unverified_key(clean: CleanNotice) -> _UnverifiedKey:
    region = clean.person.hukou_region
    return (clean.person.name, clean.person.birth_date, region.code if region else "", clean.expected_release_date)


def _unverified_notice_keys(valid: list[_Valid]) -> set[_UnverifiedKey]:
    """(name, birth date, hukou region, expected date) of the notices held for persons without an ID number that
    the batch's rows without one might repeat: one query."""
    rows = [row for row in valid if not row.digest]
    if not rows:
        return set()
    matches = ReleaseNotice.objects.filter(
        person__id_number_hash__isnull=True,
        person__name__in={row.clean.person.name for row in rows},
        expected_release_date__in={row.clean.expected_release_date for row in rows},
    ).exclude(status=ReleaseNotice.Status.WITHDRAWN)
    return {
        (name, birth, hukou or "", expected)
        for name, birth, hukou, expected in matches.values_list(
            "person__name", "person__birth_date", "person__hukou_region_id", "expected_release_date"
        )
    }


# --- writing many rows at once -------------------------------------------------------------------------------------

_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveSmallIntegerField,
)


def _insert(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    """INSERT ``rows`` (values of the fields named by attname in ``columns``) with multi-row ``INSERT ... RETURNING``
    statements; the new primary keys, in row order.

    Why not ``bulk_create``: it prepares every field of every instance through the expression machinery, ~300-600
    µs a row for the four models of a notice on this machine, which alone is more than DESIGN §9's 200 µs a row.
    This prepares each value by its field's type once decided per call (plain values as they are, dates and times
    through the backend's adapters, anything else, such as JSON and the encrypted ID number, through the field's own
    ``get_db_prep_save``), and fills every field not named with its model default (``auto_now``/``auto_now_add``:
    now), so a field added later with a default needs no change here. A default that is NULL, a boolean, a whole
    number or a word (``''``, ``awaiting_verification``) is written into the statement, the same for every row, as
    a literal: half a notice's 60 values are such defaults, and each parameter costs twice (Django's SQLite backend
    rewrites every ``%s`` of a statement with a regular expression, ~0.15 µs each, then binds it). Rows come back in
    the order given, which Django's own bulk_create relies on for SQLite ≥ 3.35 and PostgreSQL.
    """
    if not rows:
        return []
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    unknown = set(columns) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{opts.label} has no fields {sorted(unknown)}")
    template = model()  # the defaults, as the model's constructor gives them
    position = {name: index for index, name in enumerate(columns)}
    slots: list[str] = []  # each field's place in a row's VALUES: "%s" or its default as a literal
    # per "%s" of a row: (column index, preparer) for a value the row gives, (-1, None, constant) for a default
    params_of_row: list[tuple[int, Callable[[Any], Any] | None, Any]] = []
    for f in fields:
        if f.attname in position:
            slots.append("%s")
            params_of_row.append((position[f.attname], _preparer(f), None))
            continue
        default = f.get_db_prep_save(f.pre_save(template, add=True), connection)
        literal = _literal(default)
        slots.append("%s" if literal is None else literal)
        if literal is None:
            params_of_row.append((-1, None, default))
    width = max(len(params_of_row), 1)
    per_statement = max(1, min(_max_query_params() // width, 500))
    table = connection.ops.quote_name(opts.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    pk = connection.ops.quote_name(opts.pk.column)
    one = "(" + ",".join(slots) + ")"  # no spaces: the backend's rewrite of %s scans every character
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params: list[Any] = []
            add = params.append
            for row in chunk:
                for source, prepare, constant in params_of_row:
                    add(constant if source < 0 else row[source] if prepare is None else prepare(row[source]))
            # names come from the model's metadata, quoted by the backend; literals are the model's own defaults
            # (see _literal); every value of a row is a parameter
            sql = f"INSERT INTO {table} ({names}) VALUES {','.join([one] * len(chunk))} RETURNING {pk}"  # noqa: S608
            cursor.execute(sql, params)
            ids.extend(returned[0] for returned in cursor.fetchall())
    if len(ids) != len(rows):
        raise IntegrityError(f"{opts.label}: {len(rows)} rows inserted, {len(ids)} ids returned")
    return ids


def _literal(value: Any) -> str | None:
    """A model default as an SQL literal both backends read the same way, or None to pass it as a parameter. Only
    values that need no quoting rules: NULL, TRUE/FALSE, a whole number, and a string of ASCII letters, digits and
    underscores (``''``, a choice's value), so nothing here can alter the statement."""
    if value is None:
        return "NULL"
    if type(value) is bool:
        return "TRUE" if value else "FALSE"  # SQLite ≥ 3.23 reads them as 1 and 0
    if type(value) is int:
        return str(value)
    if type(value) is str and (value == "" or (value.isascii() and value.replace("_", "").isalnum())):
        return f"'{value}'"
    return None


def _max_query_params() -> int:
    """Parameters one statement may hold. Django assumes SQLite's compile-time default of 999 from before 3.32; the
    library states its own limit (32 766 since then), and fewer, larger statements make the import ~15 % faster."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit: int = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return limit
    return connection.features.max_query_params or 65_535  # PostgreSQL: the protocol's 16-bit count


def _preparer(f: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    if f.is_relation or type(f) in _PLAIN_FIELDS:
        return None
    if type(f) is models.DateField:
        adapt = connection.ops.adapt_datefield_value
        dates: dict[Any, Any] = {}  # a list's dates repeat (release dates, the day of sending, deadlines)

        def prepare_date(value: Any) -> Any:
            prepared = dates.get(value)
            if prepared is None:
                if len(dates) >= 10_000:
                    dates.clear()
                prepared = dates[value] = adapt(value)
            return prepared

        return prepare_date
    if type(f) is models.DateTimeField:
        last: list[Any] = [None, None]  # one "now" serves a whole batch

        def prepare_datetime(value: Any) -> Any:
            if value is not last[0]:
                last[:] = [value, connection.ops.adapt_datetimefield_value(value)]
            return last[1]

        return prepare_datetime
    if type(f) is models.JSONField:
        encoder = f.encoder
        empty = connection.ops.adapt_json_value([], encoder)
        # one dict object serves every event to one office: serialise it once (kept alive here, so its id holds)
        shared: dict[int, tuple[Any, Any]] = {}

        lists: dict[tuple[str, ...], Any] = {}  # needs and reasons repeat: "就业;住房" serialised once

        def prepare_json(value: Any) -> Any:
            if isinstance(value, list):
                if not value:
                    return empty
                key = tuple(value)
                prepared = lists.get(key)
                if prepared is None:
                    if len(lists) >= 10_000:
                        lists.clear()
                    prepared = lists[key] = connection.ops.adapt_json_value(value, encoder)
                return prepared
            if isinstance(value, dict):
                known = shared.get(id(value))
                if known is None or known[0] is not value:
                    known = shared[id(value)] = (value, connection.ops.adapt_json_value(value, encoder))
                return known[1]
            return connection.ops.adapt_json_value(value, encoder)

        return prepare_json
    return lambda value: f.get_db_prep_save(value, connection)


# --- the template ----------------------------------------------------------------------------------------------------

EXAMPLE_BIRTH = dt.date(1980, 1, 1)
# Order codes 996-999 are kept for people over 100 (GB 11643): with a 1980 birth date, 999 can be no one's number.
EXAMPLE_ORDER = "999"
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"


def template_workbook(*, facility: Organisation | None, today: dt.date) -> bytes:
    """The downloadable list template: the columns with their Chinese headers and an example row (a synthetic
    person of a township that has a justice office, released in 60 days), and a second sheet explaining each column
    and the region-code format. The example row imports as it is (delete it before sending a real list)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "预释放人员名单"
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE9D9")
    optional_fill = PatternFill("solid", fgColor="EEF3F8")
    sheet.append([column.label for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        cell.fill = required_fill if column.required else optional_fill
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.label) * 2 + 4)
        if column.field in ("id_number", "hukou_region", "residence_region"):
            # typed as text, or Excel turns the digits into a number and drops the last ones
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
        elif column.field in ("birth_date", "expected_release_date"):
            sheet.column_dimensions[letter].number_format = DATE_FORMAT
    example = _example_values(facility=facility, today=today)
    sheet.append([example[column.field] for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=2, column=index)
        if column.field in ("birth_date", "expected_release_date"):
            cell.number_format = DATE_FORMAT
        elif column.field in ("id_number", "hukou_region", "residence_region"):
            cell.number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"
    for field_name, choices in (("gender", '"男,女"'), ("key_target", '"是,否"')):
        letter = get_column_letter(_field_position(field_name))
        validation = DataValidation(type="list", formula1=choices, allow_blank=True)
        validation.add(f"{letter}2:{letter}5000")
        sheet.add_data_validation(validation)

    notes = workbook.create_sheet("填写说明")
    notes.append(["列名（表头）", "也可用的英文列名", "必填", "填写说明"])
    for cell in notes[1]:
        cell.font = bold
    for column in COLUMNS:
        notes.append([column.label, column.field, "是" if column.required else "否", column.help])
    notes.append([])
    for line in TEMPLATE_NOTES:
        notes.append([line])
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 24
    notes.column_dimensions["C"].width = 6
    notes.column_dimensions["D"].width = 100
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TEMPLATE_NOTES = (
    "一、第一张工作表是名单：第 1 行是表头，从第 2 行起每行一人。第 2 行是示例（虚构人员），导入真实名单前请删除。",
    "二、区划代码是国家统计用 12 位代码：前 6 位是县（区），第 7-9 位是乡镇（街道），第 10-12 位是村（居），"
    "如 320102001000（320102 为南京市玄武区，001 为区内一个街道）。"
    "通知书发往户籍地乡镇（街道）的司法所；只填县（区）代码时发往县级安帮办改派。",
    "三、区划代码和公民身份号码请保持“文本”格式（本模板已设好）。若 Excel 显示为 3.20102E+11 之类，"
    "说明已被当作数字，末几位已丢失，请改为文本后重新填写。",
    "四、日期可以是 Excel 日期，也可以写成 2025-03-01 或 2025/3/1。",
    "五、多项内容（重点原因、需求）用分号分隔：英文“;”或中文“；”都可以。",
    "六、也可以另存为 CSV（UTF-8 或 GBK 编码均可）再上传。列的顺序不限，多出的列（如序号、备注）会被忽略。",
    "七、有错误的行不会导入，系统按行号和列名列出错误；其余行照常导入。改正后可把整个文件再导入一次："
    "已导入的人员（同一公民身份号码、同一预计释放日期）不会重复建立通知书。",
    "八、没有公民身份号码的人员登记为“身份未核实”，按 姓名 + 出生日期 + 户籍地 + 预计释放日期 识别重复。",
)


def _field_position(field_name: str) -> int:
    return next(index for index, column in enumerate(COLUMNS, start=1) if column.field == field_name)


def _example_values(*, facility: Organisation | None, today: dt.date) -> dict[str, object]:
    from stdnum.cn.ric import calc_check_digit

    values = {column.field: column.example for column in COLUMNS}
    township = _example_township(facility)
    if township:
        body = f"{township[:6]}{EXAMPLE_BIRTH:%Y%m%d}{EXAMPLE_ORDER}"
        values["id_number"] = body + calc_check_digit(body + "0")  # see core.idnumbers._check_digit
        values["hukou_region"] = values["residence_region"] = township
    values["expected_release_date"] = today + dt.timedelta(days=60)
    return values


def _example_township(facility: Organisation | None) -> str:
    """A township with an active justice office, in the facility's province if it has one, so the example row
    routes like a real one."""
    offices = Organisation.objects.filter(
        kind=Organisation.Kind.JUSTICE_OFFICE, is_active=True, region__level=Region.Level.TOWNSHIP
    ).order_by("region_id")
    if facility is not None:
        near = (
            offices.filter(region__code__startswith=facility.region_id[:2]).values_list("region_id", flat=True).first()
        )
        if near:
            return near
    return offices.values_list("region_id", flat=True).first() or ""


# --- the month filter of the 未衔接 export ---------------------------------------------------------------------------


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """``2025-03`` → (2025-03-01, 2025-04-01): the first day of the month and of the next."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", month.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise DomainError("invalid_query", _("A month is YYYY-MM."), fields={"month": _("a month as YYYY-MM")})
    first = dt.date(int(match[1]), int(match[2]), 1)
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following
