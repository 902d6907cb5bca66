"""The monthly pre-release list as a file (DESIGN §5 import row): import with progress, the template,
and the .xlsx exports of notice lists. Wired into /api/v1 beside ``handover.api``.

Paths: ``/release-notices/import`` and the ``*.xlsx`` names are not integers, so ``/release-notices/{notice_id}``
(an ``int`` path converter) never takes them.
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any, cast

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from core import exports
from core.audit import Actor
from core.errors import DomainError, NotFound
from directory.api_auth import current_user
from handover import exports as notice_exports
from handover import importing, selectors
from handover.models import ImportJob, ReleaseNotice

router = Router(tags=["handover import/export"])

XLSX_RESPONSE = {
    200: {
        "description": "an .xlsx workbook (attachment)",
        "content": {exports.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}


class RowErrorOut(Schema):
    row: int
    field: str
    message: str


class ImportOut(Schema):
    token: str
    created: int
    unchanged: int
    errors: list[RowErrorOut]
    error_count: int


class ImportProgressOut(Schema):
    token: str
    filename: str
    status: str
    rows_done: int
    rows_total: int | None
    created: int
    unchanged: int
    errors: list[RowErrorOut]
    error_count: int
    message: str
    started_at: dt.datetime
    finished_at: dt.datetime | None


IMPORT_DESCRIPTION = """
Facility liaison only. Multipart form: `file` (.xlsx or .csv) and optionally `token`, a UUID the client makes
(`crypto.randomUUID()`) to poll `GET /release-notices/import/{token}` while the file is read.

**Columns** (header in row 1, any order; a title row above it is skipped; unknown columns such as 序号 are ignored):
the flattened fields of `POST /release-notices` or their Chinese labels from `GET /release-notices/template.xlsx`:
`name` 姓名, `gender` 性别(男/女) (男/女/male/female), `birth_date` 出生日期, `id_number` 公民身份号码,
`hukou_region` 户籍地区划代码 and `residence_region` 居住地区划代码 (12-digit codes), `residence_address` 居住地址,
`expected_release_date` 预计释放日期, `offence` 罪名, `sentence_months` 刑期(月), `key_target` 是否重点帮教对象
(true/false/是/否/1/0), `key_target_reasons` 重点原因 and `needs` 需求 (lists split on `;` or `；`). Required:
name, gender, hukou_region, expected_release_date, offence, sentence_months. Dates as Excel dates, `YYYY-MM-DD` or
`YYYY/MM/DD`. CSV in UTF-8 (with or without BOM) or GBK/GB18030.

**Result** `{token, created, unchanged, errors: [{row, field, message}], error_count}`: valid rows are kept, each
bad row reported by its spreadsheet row number (header = row 1) and column; `errors` lists the first 1000,
`error_count` counts them all. Idempotent on person + expected release date: re-sending a file creates no
duplicates (rows already imported count as `unchanged`). A row without an ID number is matched on name, birth date,
hukou region and expected release date. A row whose person already has another open notice is an error on
`id_number`. A file that cannot be read (not .xlsx/.csv, damaged, no header, required columns missing, no rows) is
400 naming `file`, and nothing is imported.
"""


@router.post(
    "/release-notices/import",
    response=ImportOut,
    url_name="release_notice_import",
    summary="Import the monthly pre-release list (.xlsx / .csv) as release notices (facility liaison)",
    description=IMPORT_DESCRIPTION,
)
def import_list(request: HttpRequest, file: File[UploadedFile | None] = None, token: Form[str] = "") -> dict[str, Any]:
    upload = _upload(file)
    by = Actor.of(request)
    job = importing.start_import(token=token or None, filename=upload.name or "", by=by)
    result = importing.import_notices(
        file=cast(IO[bytes], upload.file), filename=upload.name or "", facility=job.facility, by=by, progress=job
    )
    return result.as_dict()


def _upload(file: UploadedFile | None) -> UploadedFile:
    if file is None or not file.name:
        raise DomainError("invalid_file", _("Choose a file."), fields={"file": _("required")})
    return file


@router.get(
    "/release-notices/import/{token}",
    response=ImportProgressOut,
    url_name="release_notice_import_progress",
    summary="Progress and result of an import, by the token the client sent with the file",
    description=(
        "`status` is `running` while the file is read (`rows_done` of `rows_total`: rows below the header, counted "
        "in a first pass over the file, exact at the end; null until that pass is done), then `done` or `failed` "
        f"(`message` says why). Counts and the first {importing.MAX_STORED_ERRORS} row errors grow as each batch of "
        f"{importing.BATCH_SIZE} rows is committed. An import that stopped with its server (no batch for "
        f"{importing.INTERRUPTED_AFTER.seconds // 60} minutes) reads as `failed`: its committed batches are kept, and "
        "sending the file again skips them as unchanged. Only the importing facility sees its imports; any other "
        "token is 404."
    ),
)
def import_progress(request: HttpRequest, token: str) -> dict[str, Any]:
    job = _job_for(request, token)
    return {
        "token": str(job.token),
        "filename": job.filename,
        "status": job.status,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "created": job.created,
        "unchanged": job.unchanged,
        "errors": job.errors,
        "error_count": job.error_count,
        "message": job.message,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


def _job_for(request: HttpRequest, token: str) -> ImportJob:
    user = current_user(request)
    job = importing.import_job_for(user=user, token=token)
    if job is None:
        raise NotFound()
    return job


@router.get(
    "/release-notices/template.xlsx",
    url_name="release_notice_template",
    summary="The list template: Chinese headers, an example row, and a sheet explaining each column",
    description=(
        "The first sheet is the list (header row, then an example row of a synthetic person that imports as it is: "
        "delete it before sending a real list); the second sheet explains each column, its English name and the "
        "12-digit region-code format. Holds no personal data; any signed-in user may download it."
    ),
    openapi_extra={"responses": XLSX_RESPONSE},
)
def template(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    content = importing.template_workbook(facility=user.organisation, today=timezone.localdate())
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment("预释放人员名单模板.xlsx")
    return response


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"{quote(filename)}\"; filename*=UTF-8''{quote(filename)}"


class ExportFilter(Schema):
    status: str | None = None
    region: str | None = None
    q: str | None = None


@router.get(
    "/release-notices/export.xlsx",
    url_name="release_notice_export",
    summary="The notices within the caller's reach as .xlsx (same filters as the list), ID numbers masked",
    description=(
        "Filters as `GET /release-notices`: `status` (several comma-separated), `region` (12-digit code: its "
        "subtree), `q` (name, pinyin, initials or exact ID number). Every notice the caller may see that matches, "
        "newest first, one row each (the columns of the 导出 Excel link of every hand-over list page); ID numbers "
        "masked (320102********123X). The export writes one audit row: its filters (whether `q` was given, not "
        "what was searched for, which may be an ID number), its count and the first "
        f"{exports.AUDITED_IDS} person ids."
    ),
    openapi_extra={"responses": XLSX_RESPONSE},
)
def export(request: HttpRequest, filters: Query[ExportFilter]) -> FileResponse:
    user = current_user(request)
    notices = selectors.list_notices(user=user, status=filters.status, region=filters.region, q=filters.q)
    return exports.xlsx_response(
        request=request,
        export=notice_exports.NOTICES,
        rows=notice_exports.with_export_relations(notices),
        filters={"status": filters.status, "region": filters.region, "q": bool(filters.q)},
    )


class UnmatchedFilter(Schema):
    month: str | None = None
    region: str | None = None


@router.get(
    "/release-notices/unmatched.xlsx",
    url_name="release_notice_unmatched",
    summary="未衔接: people released and not handed over (released or missed), within reach, as .xlsx",
    description=(
        "Every notice within the caller's reach whose person was released and has not been handed over "
        "(status `released` or `missed`), optionally for one release month (`month=YYYY-MM`) and one region "
        "subtree (`region`, 12-digit code): the monthly 未衔接 list. ID numbers masked; audited like every export."
    ),
    openapi_extra={"responses": XLSX_RESPONSE},
)
def unmatched(request: HttpRequest, filters: Query[UnmatchedFilter]) -> FileResponse:
    user = current_user(request)
    notices = selectors.list_notices(
        user=user,
        status=f"{ReleaseNotice.Status.RELEASED},{ReleaseNotice.Status.MISSED}",
        region=filters.region,
    )
    title = str(notice_exports.UNMATCHED.title)
    if filters.month:
        first, following = notice_exports.month_bounds(filters.month)
        notices = notices.filter(released_on__gte=first, released_on__lt=following)
        title = f"{title}-{filters.month}"
    return exports.xlsx_response(
        request=request,
        export=notice_exports.UNMATCHED,
        rows=notice_exports.with_export_relations(notices.order_by("released_on", "id")),
        filters={"month": filters.month, "region": filters.region},
        title=title,
    )
