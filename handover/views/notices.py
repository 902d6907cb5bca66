"""The facility's pages and the notice list: each role's starting page, the notices within reach, the new notice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core import exports
from core.audit import Actor
from core.errors import DomainError
from core.forms import split_list
from core.idnumbers import mask_id_number
from core.pages import Deadline, audit_list, paginate, raise_refusal
from directory.models import Role
from directory.pages import page_user
from handover import exports as notice_exports
from handover import selectors, services
from handover.forms import (
    NoticeFilterForm,
    NoticeForm,
    add_domain_errors,
)
from handover.models import ReleaseNotice
from handover.views.common import (
    DUE_SOON_DAYS,
    FACILITY_ROLES,
    IMPORT_URL,
    LIST_ROLES,
    S,
    _export,
    _field_values,
    _person_data,
    _townships,
)


@dataclass(frozen=True)
class ListRow:
    notice: ReleaseNotice
    id_number: str  # masked
    deadline: Deadline


def _current_deadline(notice: ReleaseNotice, today: dt.date) -> Deadline:
    """The deadline the notice is waiting on now: verification, then check-in."""
    if notice.status == S.AWAITING_VERIFICATION:
        return Deadline.of(notice.verify_by, running=True, today=today, soon=DUE_SOON_DAYS)
    if notice.status == S.RELEASED:
        return Deadline.of(notice.check_in_by, running=True, today=today, soon=DUE_SOON_DAYS)
    return Deadline(None, "")


# --- the facility's pages --------------------------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """/handover/: each role's starting page."""
    user = page_user(request, LIST_ROLES)
    if user.role == Role.FACILITY_LIAISON:
        return redirect("handover:notices")
    return redirect("handover:inbox")


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponseBase:
    """The notices within reach (a facility: its own), filtered by status and searched by name, pinyin or ID."""
    user = page_user(request, LIST_ROLES)
    form = NoticeFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    status = data.get("status") or ""
    # The list shows no history: drop the selector's events prefetch (one query per page saved, and no event rows
    # loaded for 50 people).
    notices = selectors.list_notices(user=user, status=status or None, q=data.get("q") or None).prefetch_related(None)
    if exports.wants_xlsx(request):
        # what was searched for stays out of the audit row, as on the page: it may be an ID number
        filters = {"status": status, "q": bool(data.get("q"))}
        return _export(request, notice_exports.NOTICES, notices, filters)
    page = paginate(request, notices)
    today = timezone.localdate()
    rows = [ListRow(n, mask_id_number(n.person.id_number), _current_deadline(n, today)) for n in page.object_list]
    audit_list(
        request,
        via="handover.notice_list",
        rows=[r.notice for r in rows],
        key="notices",
        q=bool(data.get("q")),
        status=status,
    )
    return render(
        request,
        "handover/notice_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "today": today,
            "import_url": IMPORT_URL,
            "is_facility": user.role == Role.FACILITY_LIAISON,
            "is_office": user.role == Role.OFFICE_OFFICER,
            "filtered": bool(data.get("q") or status),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest) -> HttpResponse:
    """The single notice form: every field of the API body. Nothing is written unless every field is right."""
    user = page_user(request, FACILITY_ROLES)
    form = NoticeForm(request.POST or None)
    if request.method == "POST":
        data = _field_values(form)
        notice_data = services.NoticeData(
            person=_person_data(data),
            expected_release_date=data.get("expected_release_date"),
            offence=data.get("offence") or "",
            sentence_months=data.get("sentence_months"),
            key_target=bool(data.get("key_target")),
            key_target_reasons=split_list(data.get("key_target_reasons") or ""),
            needs=split_list(data.get("needs") or ""),
            risk_level=data.get("risk_level") or "",
            sentence_start=data.get("sentence_start"),
            sentence_end=data.get("sentence_end"),
            pre_release_education=list(data.get("pre_release_education") or []),
        )
        try:
            if form.errors:
                # the fields the form could not parse already have their messages: collect the service's messages
                # for the others too, so one submission shows every mistake (clean_notice writes nothing)
                services.clean_notice(notice_data)
            else:
                notice = services.send_release_notice(data=notice_data, by=Actor.of(request))
                messages.success(
                    request,
                    _("通知书已发送至%(office)s，核查期限 %(day)s。")
                    % {"office": notice.receiving_office.name, "day": notice.verify_by.isoformat()},
                )
                return redirect("handover:notice", notice_id=notice.pk)
        except DomainError as exc:
            raise_refusal(exc)
            add_domain_errors(form, exc)
        if not form.non_field_errors():
            form.add_error(None, _("通知书有误，请按提示修改。"))
    return render(
        request,
        "handover/notice_form.html",
        {"form": form, "townships": _townships(user), "import_url": IMPORT_URL},
        status=400 if form.is_bound else 200,
    )
