"""An import run: the progress row, the file read in batches of ``BATCH_SIZE`` rows, each batch validated and
written in its own transaction, and the interrupted import (one that stopped with its server) read as failed.

Speed (DESIGN §9: ≥ 5k rows/s on SQLite with validation, encryption and audit, memory flat). Rows stream from the
file (``core.spreadsheets``) in batches. Each batch is one transaction: the persons it names are found in one query;
every row goes through ``clean_notice`` with the import's day and its memo of the region table (one query per
distinct code), and routing offices, deadlines and the pinyin of each character are looked up once per import
(``state.ImportState``), all of it held for one import only (a region, office or policy value changed meanwhile is
seen by the next one); ``write.write_batch`` writes the batch with multi-row INSERTs and one audit row. Earlier
batches stay committed when a later one fails, and the progress row (``ImportJob``) is updated in each batch's
transaction, so the import page can poll it while the file is read. Memory holds one batch, the caches (bounded)
and, for an .xlsx, its shared-string table. bench/import_notices.py measures it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import IO

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import Actor
from core.errors import DomainError
from core.idnumbers import id_number_hash
from core.spreadsheets import file_error, is_blank, open_table
from directory.models import Organisation, User
from handover.importing import write
from handover.importing.cells import Readers, cell_readers, flat_field, row_data
from handover.importing.columns import HEADER_SEARCH_ROWS, read_header
from handover.importing.state import ImportResult, ImportState, RowError, ValidRow
from handover.models import ImportJob
from handover.services import clean_notice, require_facility

# Rows per transaction. Larger batches write each index page they touch once for more rows (the person indexes take
# inserts at random places), ~15 % faster at 100k rows than 1000; each holds SQLite's write lock for ~1 s.
BATCH_SIZE = 5000
# A month's list of a province is a few thousand rows; the bound keeps one request within the server's timeout
# (~20 s at the import's speed) and refuses a zip bomb before it is read.
MAX_ROWS = 100_000

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
    facility = require_facility(by.user)
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
    if require_facility(by.user).pk != facility.pk:
        raise DomainError("forbidden", _("A liaison imports for their own facility."), status=403)
    result = ImportResult(token=str(progress.token) if progress is not None else "")
    state = ImportState(
        facility=facility,
        by=by,
        user=by.user,
        today=today or timezone.localdate(),
        result=result,
        job=progress,
    )
    try:
        with open_table(file, filename, max_rows=MAX_ROWS, header_rows=HEADER_SEARCH_ROWS) as table:
            header_row, positions = read_header(table.rows)
            readers = cell_readers(positions)
            if progress is not None and table.total is not None:
                progress.rows_total = max(table.total - header_row, 0)
                with transaction.atomic():
                    progress.save(update_fields=["rows_total", "updated_at"])
            read = 0  # rows read below the header, blank ones included: the progress display's "done"
            batch: list[tuple[int, Sequence[object]]] = []
            for number, values in table.rows:
                read += 1
                if is_blank(values):
                    continue
                batch.append((number, values))
                if len(batch) >= batch_size:
                    _import_batch(state, batch, readers, rows_done=read)
                    batch = []
            if not batch and result.created + result.unchanged + result.error_count == 0:
                raise file_error(_("The file has no rows below the header."))
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
    state: ImportState, batch: list[tuple[int, Sequence[object]]], readers: Readers, *, rows_done: int
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
                created, unchanged, conflicts = write.write_batch(state, valid)
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


def _validate(
    state: ImportState, batch: list[tuple[int, Sequence[object]]], readers: Readers
) -> tuple[list[ValidRow], list[RowError]]:
    """The rows that pass ``clean_notice``'s rules and have a receiving office, and the errors of the others."""
    valid: list[ValidRow] = []
    errors: list[RowError] = []
    for number, values in batch:
        data, cell_errors = row_data(values, readers)
        try:
            clean = clean_notice(data, today=state.today, regions=state.regions.lookup)
        except DomainError as exc:
            # a cell that could not be read explains the row better than the "required" it turns into
            fields = {flat_field(name): message for name, message in exc.fields.items()} | cell_errors
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
        valid.append(ValidRow(row=number, clean=clean, office=office, digest=digest))
    return valid, errors


def _save_progress(state: ImportState, rows_done: int) -> None:
    job, result = state.job, state.result
    if job is None:
        return
    job.rows_done = rows_done
    job.created = result.created
    job.unchanged = result.unchanged
    job.errors = result.errors
    job.error_count = result.error_count
    job.save(update_fields=["rows_done", "created", "unchanged", "errors", "error_count", "updated_at"])
