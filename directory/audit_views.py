"""The audit log's page, for the audit administrator only (DESIGN §3 Audit, §8; 等保 三员分立).

The log itself is core's (``core.audit``); its page lives here, where users, roles and organisations are known."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core import exports
from core.areas import registry
from core.audit import Actor, first_bad_row, record_audit
from core.models import AuditEvent
from directory.models import Organisation, Role, User

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    """The audit log's filters. Kept beside its only view."""

    username = forms.CharField(label=gettext_lazy("用户名"), required=False, max_length=150)
    action = forms.CharField(
        label=gettext_lazy("操作"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "login / user / audit.view"}),
    )
    date_from = forms.DateField(
        label=gettext_lazy("起始日期"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("截止日期"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data


def filtered_events(data: dict[str, Any]) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if username := (data.get("username") or "").strip():
        # exact match: uses audit_user_idx (username, -id)
        events = events.filter(username=username)
    if action := (data.get("action") or "").strip():
        # "user" finds user.create, user.deactivate, ...; "user.create" finds just that
        events = events.filter(Q(action=action) | Q(action__startswith=f"{action}."))
    # Dates are China dates (DESIGN §3): a day runs from 00:00 to 24:00 Asia/Shanghai, whatever the server's zone.
    china = timezone.get_default_timezone()
    if start := data.get("date_from"):
        events = events.filter(at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=china))
    if end := data.get("date_to"):
        events = events.filter(at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=china))
    return events


@dataclass(frozen=True)
class Page:
    rows: list[AuditEvent]
    has_newer: bool
    has_older: bool


def page_of(events: QuerySet[AuditEvent], *, before: int | None, after: int | None) -> Page:
    """One page of ``events``, newest first, by keyset on the id.

    Keyset rather than page numbers: the log is append-only and grows with every read of a person record, so a
    page number would need a COUNT(*) over the whole log on each view, and the rows on "page 3" would shift while
    the auditor reads. ``before=<id>`` gives the next older page, ``after=<id>`` the next newer one.
    """
    if after is not None:
        chunk = list(events.filter(id__gt=after).order_by("id")[: PAGE_SIZE + 1])
        rows = chunk[:PAGE_SIZE][::-1]
        has_newer = len(chunk) > PAGE_SIZE
        has_older = events.filter(id__lt=rows[-1].id if rows else after + 1).exists()
        return Page(rows, has_newer, has_older)
    scope = events.filter(id__lt=before) if before is not None else events
    chunk = list(scope.order_by("-id")[: PAGE_SIZE + 1])
    rows = chunk[:PAGE_SIZE]
    has_older = len(chunk) > PAGE_SIZE
    has_newer = before is not None and events.filter(id__gt=rows[0].id if rows else before - 1).exists()
    return Page(rows, has_newer, has_older)


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    role: str | Promise
    organisation: str
    action: str | Promise


def _cursor(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else None


def _require_audit_admin(request: HttpRequest, *, action: str) -> None:
    """Only the audit administrator reads the log (separation of duties). A refusal is itself recorded."""
    user = request.user
    assert isinstance(user, User)
    if user.role != Role.AUDIT_ADMIN:
        record_audit(actor=Actor.of(request), action=action, outcome=AuditEvent.Outcome.DENIED)
        raise PermissionDenied


def audit_export() -> exports.ListExport[AuditEvent]:
    """The log as .xlsx: the page's columns, one row per event, newest first. Organisations by name (one query for
    all of them: a few thousand rows at most, against a log that may hold millions)."""
    names = dict(Organisation.objects.values_list("code", "name"))
    labels = registry.audit_labels()  # what each area says its actions mean; an action without one shows as its code
    roles: dict[str, str | Promise] = dict(Role.choices)
    column = exports.Column[AuditEvent]
    return exports.ListExport(
        name="core.audit_log",
        title=gettext_lazy("审计日志"),
        object_type="core.auditevent",
        columns=(
            column(gettext_lazy("编号"), lambda event: event.id, width=10),
            column(gettext_lazy("时间"), lambda event: event.at, width=20),
            column(gettext_lazy("用户"), lambda event: event.username or _("系统"), width=16),
            column(gettext_lazy("角色"), lambda event: roles.get(event.role, event.role), width=14),
            column(gettext_lazy("机构"), lambda event: names.get(event.organisation, event.organisation), width=24),
            column(gettext_lazy("操作"), lambda event: event.action, width=18),
            column(gettext_lazy("操作说明"), lambda event: labels.get(event.action, ""), width=16),
            column(gettext_lazy("对象类型"), lambda event: event.object_type, width=18),
            column(gettext_lazy("对象编号"), lambda event: event.object_id, width=10),
            column(gettext_lazy("来源 IP"), lambda event: event.ip, width=16),
            column(gettext_lazy("结果"), lambda event: event.get_outcome_display(), width=8),
        ),
    )


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponseBase:
    """The log, newest first, by keyset pages; ``?format=xlsx`` answers every event the filters match as .xlsx
    (audited as an export instead of as a view)."""
    _require_audit_admin(request, action="audit.view")
    form = AuditFilterForm(request.GET or None)
    before, after = _cursor(request.GET.get("before")), _cursor(request.GET.get("after"))
    valid = not form.is_bound or form.is_valid()
    data = form.cleaned_data if form.is_bound and valid else {}
    shown = {key: str(value) for key, value in data.items() if value}
    if exports.wants_xlsx(request) and valid:
        events = filtered_events(data).order_by("-id")
        return exports.xlsx_response(request=request, export=audit_export(), rows=events, filters=shown)
    record_audit(
        actor=Actor.of(request),
        action="audit.view",
        detail={"filters": shown, "before": before, "after": after},
    )
    page = page_of(filtered_events(data), before=before, after=after) if valid else Page([], False, False)
    codes = {row.organisation for row in page.rows if row.organisation}
    names = dict(Organisation.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    labels = registry.audit_labels()
    roles: dict[str, str | Promise] = dict(Role.choices)
    rows = [
        AuditRow(
            event=row,
            role=roles.get(row.role, row.role),
            organisation=names.get(row.organisation, row.organisation),
            action=labels.get(row.action, ""),
        )
        for row in page.rows
    ]
    return render(
        request,
        "directory/audit_log.html",
        {
            "form": form,
            "rows": rows,
            "has_newer": page.has_newer,
            "has_older": page.has_older,
            "newest_id": page.rows[0].id if page.rows else None,
            "oldest_id": page.rows[-1].id if page.rows else None,
            "is_first_page": before is None and after is None,
            "filtered": bool(shown),
        },
    )


@login_required
@require_POST
def verify_audit_log(request: HttpRequest) -> HttpResponse:
    """Walk the hash chain (the same check as ``manage.py verify_audit``) and say where it first breaks.

    It reads the whole log in batches; on a very large log the command, run off-peak, is the better tool.
    """
    _require_audit_admin(request, action="audit.verify")
    bad = first_bad_row()
    record_audit(
        actor=Actor.of(request),
        action="audit.verify",
        outcome=AuditEvent.Outcome.SUCCESS if bad is None else AuditEvent.Outcome.FAILURE,
        detail={"first_bad_row": bad},
    )
    if bad is None:
        messages.success(request, _("日志完整：哈希链逐行核验通过。"))
    else:
        messages.error(request, _("第 %(id)s 行被篡改：自该行起哈希链断开。") % {"id": bad})
    return redirect(reverse("core:audit_log"))
