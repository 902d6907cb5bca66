"""The downloadable list template (``template_workbook``), made from the columns' own labels and help."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl.utils import get_column_letter

from core.idnumbers import check_digit
from directory.models import Organisation, Region
from handover.importing.columns import COLUMNS

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
    values = {column.field: column.example for column in COLUMNS}
    township = _example_township(facility)
    if township:
        body = f"{township[:6]}{EXAMPLE_BIRTH:%Y%m%d}{EXAMPLE_ORDER}"
        values["id_number"] = body + check_digit(body)
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
