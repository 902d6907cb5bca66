"""The monthly pre-release list as a file: import (.xlsx / .csv) into release notices, and the downloadable template
(DESIGN §2 step 2, §5 import row).

Import rules, in the words a facility liaison reads on the template's second sheet:

- Columns are the flattened fields of ``POST /release-notices`` (``name, gender, ..., needs``) or their Chinese
  labels from the template (``columns.COLUMNS``: the one mapping of both). Unknown columns (序号, 备注) are ignored;
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
  rows, more than ``MAX_ROWS``) is refused as a whole (400 naming ``file``) before anything is written
  (``core.spreadsheets``).

The modules, in the order a row meets them: ``columns`` (the header), ``cells`` (each cell read), ``run`` (the
import, its batches and progress row), ``state`` (what one import holds), ``write`` (a batch turned into notices);
``template`` makes the template.
"""

from __future__ import annotations

from handover.importing.columns import COLUMNS, Column
from handover.importing.run import (
    BATCH_SIZE,
    INTERRUPTED_AFTER,
    MAX_ROWS,
    import_job_for,
    import_notices,
    recent_imports,
    start_import,
)
from handover.importing.state import MAX_STORED_ERRORS, ImportResult
from handover.importing.template import template_workbook

__all__ = [
    "BATCH_SIZE",
    "COLUMNS",
    "INTERRUPTED_AFTER",
    "MAX_ROWS",
    "MAX_STORED_ERRORS",
    "Column",
    "ImportResult",
    "import_job_for",
    "import_notices",
    "recent_imports",
    "start_import",
    "template_workbook",
]
