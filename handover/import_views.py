"""The facility liaison's import page: the upload form with the template link, progress while a long
file is read, and the row errors at the end.

With JavaScript (``static/js/import.js``) the form posts by ``fetch`` with a token it made, polls
``GET /api/v1/release-notices/import/{token}`` every 500 ms and draws the progress and then the errors in place;
this view answers such a post with JSON. Without JavaScript the same form posts as usual and the view redirects to
the import's result page (POST, then redirect).
"""

from __future__ import annotations

import uuid
from typing import IO, Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.audit import Actor
from core.errors import DomainError
from directory.models import Role, User
from handover import importing
from handover.models import ImportJob

RECENT_IMPORTS = 10
TOKEN_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("名单文件"),
        help_text=gettext_lazy("Excel 工作簿（.xlsx）或 CSV 文件（UTF-8 或 GBK 编码），第一行为表头。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"}
        ),
    )
    # made by the page's script so it can poll the import's progress; empty without JavaScript
    token = forms.CharField(required=False, widget=forms.HiddenInput)


def _liaison(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if user.role != Role.FACILITY_LIAISON or user.organisation is None:
        raise PermissionDenied(_("只有监所联络员可以导入预释放人员名单。"))
    return user


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    user = _liaison(request)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            by = Actor.of(request)
            try:
                job = importing.start_import(token=form.cleaned_data["token"] or None, filename=upload.name, by=by)
                result = importing.import_notices(
                    file=cast(IO[bytes], upload.file),
                    filename=upload.name,
                    facility=job.facility,
                    by=by,
                    progress=job,
                )
            except DomainError as exc:
                if _wants_json(request):
                    return JsonResponse(exc.as_dict(), status=exc.status)
                for name, message in (exc.fields or {"file": exc.message}).items():
                    form.add_error(name if name in form.fields else None, message)
            else:
                result_url = reverse("handover_import:result", kwargs={"token": job.token})
                if _wants_json(request):
                    return JsonResponse({**result.as_dict(), "result_url": result_url})
                return redirect(result_url)
        elif _wants_json(request):
            fields = {name: str(errors[0]) for name, errors in form.errors.items()}
            return JsonResponse(
                {"error": {"code": "invalid_form", "message": _("请选择要导入的文件。"), "fields": fields}}, status=400
            )
    return render(
        request,
        "handover/import.html",
        _context(user, form=form),
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def import_result(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    user = _liaison(request)
    job = importing.import_job_for(user=user, token=str(token))
    if job is None:
        raise Http404
    return render(request, "handover/import.html", _context(user, form=ImportForm(), job=job))


def _context(user: User, *, form: ImportForm, job: ImportJob | None = None) -> dict[str, Any]:
    labels = {column.field: column.label for column in importing.COLUMNS}
    labels["file"] = str(_("文件"))
    recent = importing.recent_imports(user=user, limit=RECENT_IMPORTS)
    return {
        "form": form,
        "job": job,
        "job_errors": [{**error, "label": labels.get(error["field"], error["field"])} for error in job.errors]
        if job is not None
        else [],
        "recent": recent,
        "column_labels": labels,
        "columns": importing.COLUMNS,
        "template_url": reverse("api:release_notice_template"),
        "progress_url": reverse("api:release_notice_import_progress", kwargs={"token": TOKEN_PLACEHOLDER}),
        "token_placeholder": TOKEN_PLACEHOLDER,
        "max_errors": importing.MAX_STORED_ERRORS,
    }
