"""The columns of the monthly list: the flattened fields of ``POST /release-notices`` with their Chinese headers (the
template's), the other headers people write for them, and how the header row of a file is found and read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.spreadsheets import Rows, file_error, is_blank

HEADER_SEARCH_ROWS = 10  # how far down a title row may push the header


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


def read_header(rows: Rows) -> tuple[int, dict[str, int]]:
    """The header row's number and ``{field: column index}``. A title row above the header is skipped: the header
    is the first row, among the first ``HEADER_SEARCH_ROWS``, that names at least two known columns."""
    first_seen: dict[str, int] | None = None
    for number, values in rows:
        if is_blank(values):
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
                raise file_error(_("Columns appear twice: %(columns)s.") % {"columns": "、".join(duplicates)})
            missing = [COLUMN_BY_FIELD[f].label for f in REQUIRED_FIELDS if f not in positions]
            if missing:
                raise file_error(
                    _("Required columns are missing: %(columns)s (see the template).") % {"columns": "、".join(missing)}
                )
            return number, positions
        first_seen = first_seen or positions
        if number >= HEADER_SEARCH_ROWS:
            break
    if first_seen is None:
        raise file_error(_("The file is empty."))
    raise file_error(_("No header row naming the columns was found (see the template)."))


# --- reading one cell ----------------------------------------------------------------------------------------------
