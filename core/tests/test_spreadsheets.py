"""The spreadsheet reader (``core.spreadsheets``): .xlsx and .csv files read through ``open_table``, and the fast path
of the .xlsx sheet reader, which reads every cell of a plain sheet exactly as expat does."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel

from core.errors import DomainError
from core.spreadsheets import Table, _check_sheet, _SharedStrings, _SheetReader, is_blank, open_table

# --- files through open_table ---------------------------------------------------------------------------------------

HEADER = ["name", "born", "months", "key", "note"]
RECORDS: list[list[Any]] = [
    ["张三", dt.date(1980, 1, 2), 36, True, None],
    ["", None, None, None, None],
    ["李四", dt.date(1999, 12, 31), 1.5, False, "备注;二"],
]


def xlsx_file(rows: list[list[Any]], *, title: str | None = None, second_sheet: bool = False) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if title:
        sheet.append([title])
    for values in rows:
        sheet.append(values)
    if second_sheet:
        workbook.create_sheet("说明").append(["not", "read"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def csv_file(rows: list[list[Any]], *, encoding: str = "utf-8") -> io.BytesIO:
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    return io.BytesIO(text.getvalue().encode(encoding))


def read(file: io.BytesIO, filename: str, **limits: int) -> tuple[list[tuple[int, list[object]]], int | None]:
    with open_table(file, filename, max_rows=limits.pop("max_rows", 100), **limits) as table:
        assert isinstance(table, Table)
        return [(number, list(values)) for number, values in table.rows], table.total


def refusal(file: io.BytesIO, filename: str, **limits: int) -> str:
    with pytest.raises(DomainError) as caught:
        read(file, filename, **limits)
    assert caught.value.code == "invalid_file" and set(caught.value.fields) == {"file"}
    return caught.value.message


def test_it_reads_a_workbook_made_by_openpyxl_with_each_cell_as_the_sheet_holds_it() -> None:
    rows, total = read(xlsx_file([HEADER, *RECORDS], second_sheet=True), "名单.XLSX")
    assert total == 4
    assert [number for number, _values in rows] == [1, 2, 3, 4]
    assert rows[0][1] == HEADER
    assert rows[1][1] == ["张三", dt.datetime(1980, 1, 2), 36, True]  # openpyxl writes no empty trailing cell
    assert is_blank(rows[2][1])
    assert rows[3][1] == ["李四", dt.datetime(1999, 12, 31), 1.5, False, "备注;二"]


def test_it_reads_a_csv_in_utf8_with_or_without_bom_and_in_gbk_as_text() -> None:
    records = [HEADER, ["张三", "1980-01-02", "36", "是", ""], ["", "", "", "", ""]]
    expected = [(1, HEADER), (2, ["张三", "1980-01-02", "36", "是", ""]), (3, ["", "", "", "", ""])]
    for encoding in ("utf-8", "utf-8-sig", "gbk"):
        rows, total = read(csv_file(records, encoding=encoding), "list.csv")
        assert (rows, total) == (expected, 3), encoding


def test_it_leaves_the_upload_open_for_its_owner() -> None:
    for file, filename in ((csv_file([HEADER]), "l.csv"), (xlsx_file([HEADER]), "l.xlsx")):
        read(file, filename)
        assert not file.closed


def test_it_counts_the_rows_before_giving_any_and_refuses_too_many() -> None:
    rows: list[list[Any]] = [HEADER, *[["x", None, 1, True, None]] * 5]
    assert read(csv_file(rows), "l.csv", max_rows=5, header_rows=1)[1] == 6
    assert read(xlsx_file(rows), "l.xlsx", max_rows=5, header_rows=1)[1] == 6
    for file, filename in ((csv_file(rows), "l.csv"), (xlsx_file(rows), "l.xlsx")):
        assert "4" in refusal(file, filename, max_rows=4, header_rows=1)  # the limit it names


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"", "l.csv"),
        (b"name\n", "l.xls"),
        (b"name\n", "l.txt"),
        (b"name\n", "l.xlsx"),  # not a zip
        (b"PK\x03\x04 damaged", "l.xlsx"),
        ("姓名\n".encode("utf-16"), "l.csv"),  # neither UTF-8 nor GB18030
        (b"name\n" + b"x" * 200_000 + b"\n", "l.csv"),  # a field longer than csv's limit
    ],
    ids=["empty", "xls", "other", "not-a-workbook", "damaged", "utf-16", "field-too-long"],
)
def test_it_refuses_a_file_it_cannot_read_when_it_is_opened(content: bytes, filename: str) -> None:
    refusal(io.BytesIO(content), filename)


def test_it_refuses_a_file_larger_than_the_limit() -> None:
    assert "1 MB" in refusal(csv_file([["x" * 100]] * 20_000), "l.csv", max_bytes=1 << 20)


def test_it_refuses_a_sheet_that_breaks_after_the_first_pass_where_it_breaks() -> None:
    content = xlsx_file([HEADER, ["a"], ["b"]]).getvalue()
    source = zipfile.ZipFile(io.BytesIO(content))
    changed = io.BytesIO()
    with zipfile.ZipFile(changed, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = data.replace(b'<c r="A3"', b'<c r="ZZZZ3"', 1)  # past column XFD
            target.writestr(item, data)
    message = refusal(changed, "l.xlsx")
    assert "2" in message  # the last row given


# --- the sheet reader -----------------------------------------------------------------------------------------------

NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"'
)
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
DATE_STYLE = 1
STRINGS = ["姓名", "张三", "男", "盗窃罪"]


def reader() -> _SheetReader:
    shared = _SharedStrings()
    shared.read(io.BytesIO("<sst>{}</sst>".format("".join(f"<si><t>{s}</t></si>" for s in STRINGS)).encode()))
    return _SheetReader(shared_strings=shared, date_styles=frozenset({DATE_STYLE}), epoch=WINDOWS_EPOCH)


def sheet(rows: str, *, head: str = DECLARATION, after: str = "") -> bytes:
    return f"{head}<worksheet {NS}><dimension ref='A1:M9'/><sheetData>{rows}</sheetData>{after}</worksheet>".encode()


def both_ways(xml: bytes) -> tuple[list[tuple[int, list[object]]], list[tuple[int, list[object]]]]:
    fast = [(number, list(values)) for number, values in reader().rows(io.BytesIO(xml), plain=True)]
    slow = [(number, list(values)) for number, values in reader().rows(io.BytesIO(xml), plain=False)]
    return fast, slow


def scan(xml: bytes) -> tuple[int, bool]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sheet.xml", xml)
    with zipfile.ZipFile(buffer) as archive:
        return _check_sheet(archive, "sheet.xml")


ROWS = {
    "excel": '<row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>2</v>'
    '</c><c r="C1" s="1"><v>45000</v></c><c r="D1"><v>36</v></c></row>',
    "openpyxl": '<row r="2"><c r="A2" t="inlineStr"><is><t>李四</t></is></c><c r="B2" s="1" t="n"><v>36111</v></c>'
    '<c r="C2" t="n"><v>233</v></c><c r="L2" t="inlineStr" /><c r="M2" t="inlineStr" /></row>',
    "formula": '<row r="3"><c r="A3" t="str"><f>CONCAT("a","b")</f><v>ab</v></c><c r="B3"><f>1+1</f><v>2</v></c></row>',
    "entity": '<row r="4"><c r="A4" t="inlineStr"><is><t>a&amp;b&#20013;</t></is></c></row>',
    "rich-text": '<row r="5"><c r="A5" t="inlineStr"><is><r><rPr><color rgb="FFFF0000"/></rPr><t>红</t></r>'
    "<r><t>字</t></r></is></c></row>",
    "prefixed-cell": '<row r="6"><x:c r="A6" t="inlineStr"><x:is><x:t>前缀</x:t></x:is></x:c>'
    '<c r="B6"><v>7</v></c></row>',
    "no-row-number": '<row><c r="A7" t="inlineStr"><is><t>无行号</t></is></c></row><row><c r="A8"><v>8</v></c></row>',
    "no-cell-reference": '<row r="10"><c t="inlineStr"><is><t>x</t></is></c><c><v>5</v></c><c r="E10"><v>6</v>'
    "</c><c><v>7</v></c></row>",
    "attribute-order": '<row r="11"><c r="A11" t="n" s="1"><v>45001</v></c><c s="1" r="B11"><v>45002</v></c></row>',
    "empty-rows": '<row r="12"/><row r="13" spans="1:2" /><row r="14"></row>',
    "white-space": '<row r="15">\n  <c r="A15"><v>1</v></c>\n\t<c r="B15" t="b"><v>1</v></c>\n</row >',
    "space-preserved": '<row r="16"><c r="A16" t="inlineStr"><is><t xml:space="preserve"> 空格 </t></is></c>'
    '<c r="B16" t="inlineStr"><is><t>10:30</t></is></c></row>',
    "gt-in-attribute": '<row r="17" note="a&gt;b>c/>"><c r="A17"><v>2</v></c></row>',
    "single-quotes": "<row r='18'><c r='A18'><v>3</v></c></row>",
    "number-later": '<row spans="1:2" r="19"><c r="A19"><v>4</v></c></row>',
    "types": '<row r="20"><c r="A20" t="e"><v>#N/A</v></c><c r="B20" t="d"><v>2025-03-01T00:00:00</v></c>'
    '<c r="C20" t="b"><v>0</v></c><c r="D20"><v>-3</v></c><c r="E20"><v>1.5</v></c><c r="F20"><v>1E+20</v></c>'
    '<c r="G20" s="1"><v>45000.5</v></c><c r="H20" s="2"><v>45000</v></c><c r="I20" t="str"><v>公式</v></c></row>',
    "gaps-and-empties": '<row r="21"><c r="A21"><v>1</v></c><c r="D21"><v>4</v></c><c r="E21" t="s"></c>'
    '<c r="F21"><v></v></c><c r="G21" s="1"/><c r="AB21" t="s"><v>0</v></c></row>',
    "phonetic": '<row r="22"><c r="A22" t="inlineStr"><is><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh></is></c>'
    "</row>",
    "excel-escape": '<row r="23"><c r="A23" t="inlineStr"><is><t>a_x0009_b</t></is></c></row>',
    "carriage-return": '<row r="24"><c r="A24" t="inlineStr"><is><t>a\r\nb</t></is></c></row>',
    "mixed-content": '<row r="25">text<c r="A25"><v>1</v></c><extLst><ext uri="x"><t>not a cell</t></ext></extLst>'
    "</row>",
}


# rows the fast path leaves to expat: anything but plain cells with their attributes in the usual order
BY_EXPAT = {
    "formula",
    "entity",
    "rich-text",
    "prefixed-cell",
    "no-cell-reference",
    "attribute-order",
    "single-quotes",
    "number-later",
    "phonetic",
    "carriage-return",
}


@pytest.mark.parametrize("name", list(ROWS))
def test_it_reads_a_row_the_fast_way_exactly_as_expat_does(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    xml = sheet(ROWS[name] + '<row r="99"><c r="A99" t="s"><v>1</v></c></row>')  # and a plain row after it
    assert scan(xml)[1]  # plain: what the import reads the fast way
    fast, slow = both_ways(xml)
    assert fast == slow and slow
    expat_rows = _SheetReader._expat_rows
    by_expat: list[int] = []

    def spy(self: _SheetReader, chunks: Any, row_number: int = 0) -> Any:
        by_expat.append(row_number)
        return expat_rows(self, chunks, row_number)

    monkeypatch.setattr(_SheetReader, "_expat_rows", spy)
    assert list(reader().rows(io.BytesIO(xml), plain=True)) == fast
    assert bool(by_expat) == (name in BY_EXPAT)


def test_it_reads_every_kind_of_row_together_and_across_chunk_boundaries() -> None:
    # ~300 KB: rows cut by the reader's 64 KiB chunks, Chinese text cut within a character
    many = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{"张三丰" * (n % 7 + 1)}</t></is></c>'
        f'<c r="B{n}" s="1"><v>{45000 + n}</v></c><c r="C{n}" t="s"><v>{n % len(STRINGS)}</v></c></row>'
        for n in range(100, 1600)
    )
    xml = sheet("".join(ROWS.values()) + many, after='<rowBreaks count="1"><brk id="5" max="16383"/></rowBreaks>')
    rows, plain = scan(xml)
    fast, slow = both_ways(xml)
    assert plain and fast == slow and rows == len(fast)
    assert fast[-1] == (1599, ["张三丰" * 4, from_excel(46599), STRINGS[3]])


def test_it_gives_the_values_a_liaison_typed() -> None:
    fast, _slow = both_ways(sheet(ROWS["excel"] + ROWS["openpyxl"] + ROWS["types"]))
    assert fast[0] == (1, ["张三", "男", dt.datetime(2023, 3, 15), 36])
    assert fast[1] == (2, ["李四", dt.datetime(1998, 11, 12), 233, *[None] * 8, None, None])
    noon = dt.datetime(2023, 3, 15, 12)  # a serial day number with a fraction, in a date format
    assert fast[2][1][:8] == ["#N/A", dt.datetime(2025, 3, 1), False, -3, 1.5, 1e20, noon, 45000]


@pytest.mark.parametrize(
    "xml",
    [
        sheet(ROWS["excel"] + "<!-- a comment -->"),
        sheet(ROWS["excel"].replace("<v>1</v>", "<v><![CDATA[1]]></v>", 1)),
        sheet(ROWS["excel"] + "<?app instruction?>"),
        sheet(ROWS["excel"], head='<?xml version="1.0" encoding="ISO-8859-1"?>'),
        sheet(ROWS["excel"].replace("<row ", "<x:row ").replace("</row>", "</x:row>")),
        "\ufeff".encode("utf-16-le") + sheet(ROWS["excel"], head="").decode().encode("utf-16-le"),
    ],
    ids=["comment", "cdata", "processing-instruction", "latin-1", "prefixed-rows", "utf-16"],
)
def test_it_reads_any_other_sheet_with_expat(xml: bytes) -> None:
    _rows, plain = scan(xml)
    assert not plain
    assert next(values for _number, values in reader().rows(io.BytesIO(xml), plain=False))[:2] == ["张三", "男"]


def test_it_takes_a_sheet_without_a_declaration_or_with_a_bom_as_plain() -> None:
    assert scan(sheet(ROWS["excel"], head=""))[1]
    assert scan(b"\xef\xbb\xbf" + sheet(ROWS["excel"]))[1]
    assert scan(sheet(ROWS["excel"], head='<?xml version="1.0" encoding="utf-8"?>'))[1]


def test_it_reads_a_row_longer_than_a_chunk() -> None:
    long_text = "很长的备注" * 40_000  # 600 KB as UTF-8: ten chunks of the reader
    xml = sheet(f'<row r="1"><c r="A1" t="inlineStr"><is><t>{long_text}</t></is></c><c r="B1"><v>1</v></c></row>')
    fast, slow = both_ways(xml)
    assert fast == slow == [(1, [long_text, 1])]


def test_it_refuses_a_row_longer_than_any_list_has(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_SheetReader, "MAX_ROW_CHARS", 100_000)
    xml = sheet(f'<row r="1"><c r="A1" t="inlineStr"><is><t>{"长" * 200_000}</t></is></c></row>')
    with pytest.raises(ValueError):
        list(reader().rows(io.BytesIO(xml), plain=True))
