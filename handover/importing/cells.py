"""One row of the list as the single form would give it: each cell read by its column's reader (text, a code that
Excel may have turned into a number, a date in any of the forms people type, months, 是/否, 男/女, a list split as
a list typed on a page is: on 、，；, either width, or one item a line). A cell that cannot be read is an error of its
row and field; ``clean_notice`` then applies the rules of the form and the API to the whole row."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from core.forms import split_list
from handover.services import NoticeData
from people.models import Gender
from people.services import PersonData


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


def _items(value: object) -> list[str]:
    """A list in one cell, split as a list typed on a page is (core.forms.split_list)."""
    return split_list(_text(value)) if value else []


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


Readers = list[tuple[str, int, Callable[[object], object]]]


def cell_readers(positions: dict[str, int]) -> Readers:
    """(field, column index, reader) for each field; -1 for a column the file does not have."""
    return [(name, positions.get(name, -1), reader) for name, reader in _CELL_READERS.items()]


def row_data(values: Sequence[object], readers: Readers) -> tuple[NoticeData, dict[str, str]]:
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


def flat_field(field_name: str) -> str:
    """``person.id_number`` (the API's nested name) → ``id_number`` (the file's column)."""
    return field_name.removeprefix("person.")
