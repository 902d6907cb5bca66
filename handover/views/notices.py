"""The facility's pages and the notice list: each role's starting page, the notices within reach, the new notice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.audit import Actor
from core.errors import DomainError
from core.forms import split_list
from core.idnumbers import mask_id_number
from core.pages import Deadline, Filters, ListPage, raise_refusal, show_list
from directory.models import Role, User
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


def _notices(user: User, data: Filters) -> QuerySet[ReleaseNotice]:
    """The notices within reach (a facility: its own), filtered by status and searched by name, pinyin or ID."""
    status = data.get("status") or None
    # The list shows no history: drop the selector's events prefetch (one query per page saved, and no event rows
    # loaded for 50 people).
    return selectors.list_notices(user=user, status=status, q=data.get("q") or None).prefetch_related(None)


def _filters(data: Filters, raw: QueryDict) -> dict[str, Any]:
    # what was searched for stays out of the audit rows: it may be an ID number
    return {"q": bool(data.get("q")), "status": data.get("status") or ""}


NOTICE_LIST: ListPage[ReleaseNotice] = ListPage(
    template="handover/notice_list.html",
    filters=lambda query: NoticeFilterForm(query or None),
    rows=_notices,
    row=lambda notice, today: ListRow(
        notice, mask_id_number(notice.person.id_number), _current_deadline(notice, today)
    ),
    audited=lambda row: row.notice,
    audit_via="handover.notice_list",
    audit_key="notices",
    audit_filters=_filters,
    export=notice_exports.NOTICES,
    export_filters=lambda data, raw: {"status": data.get("status") or "", "q": bool(data.get("q"))},
    export_rows=notice_exports.with_export_relations,
    context=lambda user, data, raw: {
        "import_url": IMPORT_URL,
        "is_facility": user.role == Role.FACILITY_LIAISON,
        "is_office": user.role == Role.OFFICE_OFFICER,
        "filtered": bool(data.get("q") or data.get("status")),
    },
)


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponseBase:
    """The notice list (``NOTICE_LIST``)."""
    return show_list(request, NOTICE_LIST, user=page_user(request, LIST_ROLES))


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
