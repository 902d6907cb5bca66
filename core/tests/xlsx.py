"""Reading an exported .xlsx back in tests: the response checked as an attachment, its rows as dicts by header."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

from core.exports import XLSX_CONTENT_TYPE


@dataclass(frozen=True)
class Sheet:
    header: list[str]
    rows: list[dict[str, Any]]  # by header label

    def column(self, label: str) -> list[Any]:
        return [row[label] for row in self.rows]

    def text(self) -> str:
        """Every cell as one string: to look for what must not be there (a whole ID number)."""
        return " ".join(str(value) for row in self.rows for value in row.values()) + " ".join(self.header)


def content_of(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def sheet_of(response: Any) -> Sheet:
    """The first sheet of an .xlsx attachment (the response must be one: 200, the type, ``attachment``)."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(content_of(response)), read_only=True)
    values = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    header = [str(label) for label in values[0]]
    # the read-only reader stops a row at its last written cell: pad the empty ones at its end
    padded = [row + [None] * (len(header) - len(row)) for row in values[1:]]
    return Sheet(header, [dict(zip(header, row, strict=True)) for row in padded])
