"""An uploaded spreadsheet (.xlsx or .csv) read as rows, streamed: the reader of every list a user imports.

::

    with spreadsheets.open_table(upload, filename, max_rows=MAX_ROWS, header_rows=10) as table:
        for number, values in table.rows:  # (the sheet's row number, its cell values), the header row included
            ...

Values are what the spreadsheet holds: ``str``, ``int``, ``float``, ``bool``, ``datetime`` (a cell with a date
format), ``None`` for an empty cell; a .csv gives ``str`` only. The first sheet of a workbook is read (a template's
further sheets explain it); a .csv may be UTF-8 (with or without BOM) or GBK / GB18030.

A file that cannot be read (neither .xlsx nor .csv, empty, too large, damaged, wrong encoding, more rows than
``max_rows``) raises ``file_error``'s DomainError (``invalid_file``, naming the field ``file``) when the table is
opened, before any row is given: a first streaming pass checks the workbook's zip checksums and XML, or the CSV's
encoding and quoting, and counts the rows (``Table.total``, for a progress display). A cell that cannot be decoded
(a faulty generator) is refused the same way where it is met.

Speed and memory: the rows are never all held. A .csv goes through ``csv.reader``; an .xlsx through a reader of the
sheet's XML (``_SheetReader``, several times faster than openpyxl's), holding only its shared-string table (compact,
~20 bytes a string; bounded by the file's size). bench/import_notices.py measures it within the release-notice
import.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, overload
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from core.errors import DomainError

MAX_FILE_BYTES = 50 * 1024 * 1024  # a 100k-row list is ~6 MB as .xlsx, ~12 MB as .csv

Rows = Iterator[tuple[int, Sequence[object]]]


def file_error(message: str) -> DomainError:
    """The error of a file that cannot be taken as a whole (the form's and the API's field ``file``)."""
    return DomainError("invalid_file", message, fields={"file": message})


def is_blank(values: Sequence[object]) -> bool:
    """Whether a row holds nothing but empty cells and white space."""
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


@dataclass
class Table:
    rows: Rows  # (spreadsheet row number, cell values), header included
    total: int | None  # the rows (header included) the first pass counted


@contextmanager
def open_table(
    file: IO[bytes], filename: str, *, max_rows: int, header_rows: int = 0, max_bytes: int = MAX_FILE_BYTES
) -> Iterator[Table]:
    """The rows of ``file``, an .xlsx or a .csv by ``filename``'s extension. A file of more than ``max_rows`` rows
    besides ``header_rows`` (the rows a title and the header may take) or of more than ``max_bytes`` is refused."""
    name = (filename or "").lower()
    size = _size(file)
    if size == 0:
        raise file_error(_("The file is empty."))
    if size > max_bytes:
        raise file_error(_("The file is larger than %(mb)s MB: split the list.") % {"mb": max_bytes >> 20})
    if name.endswith(".xlsx"):
        with _xlsx_table(file) as table:
            yield _within_limit(table, max_rows=max_rows, header_rows=header_rows)
    elif name.endswith(".csv"):
        with _csv_table(file) as table:
            yield _within_limit(table, max_rows=max_rows, header_rows=header_rows)
    elif name.endswith(".xls"):
        raise file_error(_("An old .xls workbook: save it as .xlsx (Excel 2007 or later) or as .csv."))
    else:
        raise file_error(_("Send an .xlsx workbook or a .csv file."))


def _within_limit(table: Table, *, max_rows: int, header_rows: int) -> Table:
    # counted in the first pass, so a list too large is refused before anything is written
    if table.total is not None and table.total > max_rows + header_rows:
        raise file_error(_("At most %(rows)s rows in one file: split the list.") % {"rows": max_rows})
    return table


def _size(file: IO[bytes]) -> int:
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


@contextmanager
def _xlsx_table(file: IO[bytes]) -> Iterator[Table]:
    if file.read(4) != b"PK\x03\x04":
        raise file_error(_("This is not an .xlsx workbook."))
    file.seek(0)
    try:
        workbook = _Workbook(file)
    except DomainError:
        raise
    except Exception:  # zipfile, XML and openpyxl's own errors: all mean "not a readable workbook"
        raise file_error(_("The workbook cannot be read: it is damaged or not an .xlsx file.")) from None
    try:
        total, plain = _check_sheet(workbook.archive, workbook.sheet_path)
        with workbook.archive.open(workbook.sheet_path) as source:
            yield Table(rows=_guarded(workbook.reader.rows(source, plain=plain)), total=total)
    finally:
        workbook.archive.close()


_CELL, _VALUE, _ROW, _PHONETIC, _ITEM = 1, 2, 3, 4, 5  # the elements the readers act on


class _Workbook:
    """The parts of an .xlsx the reader needs: the first sheet's path, its shared strings, which cell styles are dates,
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
            raise file_error(_("The workbook has no sheet."))
        _sheet, relationship = sheets[0]  # the list; a template's further sheets only explain it
        if not relationship.Type.endswith("/worksheet"):
            raise file_error(_("The first sheet of the workbook is not a worksheet."))
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
        raise file_error(_("The workbook is too large: split the list."))


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


def _guarded(rows: Rows) -> Rows:
    """The rows, with a cell that cannot be decoded (a faulty generator: a shared-string index out of range, a cell
    reference past column XFD) refused as a file error where it is met (the rows before it have been given: an
    import keeps what it committed of them)."""
    number = 0
    try:
        for number, values in rows:
            yield number, values
    except (ValueError, IndexError, expat.ExpatError, zipfile.BadZipFile, OSError, EOFError):
        raise file_error(_("The sheet cannot be read after row %(row)s.") % {"row": number}) from None


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
        raise file_error(_("The sheet cannot be read: the workbook is damaged.")) from None
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

    def rows(self, source: IO[bytes], *, plain: bool = False) -> Rows:
        if plain:
            return self._plain_rows(source)
        return self._expat_rows(iter(lambda: source.read(1 << 16), b""))

    def _plain_rows(self, source: IO[bytes]) -> Rows:
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

    def _expat_rows(self, chunks: Iterable[bytes], row_number: int = 0) -> Rows:
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
def _csv_table(file: IO[bytes]) -> Iterator[Table]:
    encoding, total = _sniff_csv(file)
    file.seek(0)
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    try:
        rows = enumerate(csv.reader(text), start=1)
        yield Table(rows=rows, total=total)
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
            raise file_error(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from None
        finally:
            text.detach()
        return encoding, count
    raise file_error(_("The CSV file is neither UTF-8 nor GBK / GB18030 text."))
