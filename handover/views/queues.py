"""The office's and county's queues: the inbox's tabs, the returned notices to route, and the backfill form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core import areas
from core.audit import Actor
from core.errors import DomainError
from core.idnumbers import mask_id_number
from core.pages import Deadline, Filters, ListPage, raise_refusal, show_list
from directory.models import OFFICER_ROLES, Role, User
from directory.pages import page_user
from handover import capabilities, services
from handover import exports as notice_exports
from handover.forms import (
    BackfillForm,
    RouteForm,
    add_domain_errors,
)
from handover.models import NoticeEvent, ReleaseNotice
from handover.views.common import (
    DUE_SOON_DAYS,
    RECENT_DAYS,
    ROUTING_ROLES,
    UNMATCHED_URL,
    S,
    _field_values,
    _person_data,
    _townships,
)
from handover.views.notice_actions import _route_offices

# --- the office's and county's pages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    slug: str
    url_name: str
    label: str | Promise
    condition: Q
    order: tuple[str, ...]
    deadline: str | None  # the notice field whose date the tab is worked by
    note: str | Promise


def _inbox_tabs(today: dt.date) -> list[Tab]:
    return [
        Tab(
            "verify",
            "handover:inbox",
            gettext_lazy("待核查"),
            Q(status=S.AWAITING_VERIFICATION),
            ("verify_by", "id"),
            "verify_by",
            gettext_lazy("按核查期限排序，逾期的标红，三日内到期的标黄。"),
        ),
        Tab(
            "check_in",
            "handover:inbox_check_in",
            gettext_lazy("待报到"),
            Q(status=S.RELEASED),
            ("check_in_by", "id"),
            "check_in_by",
            gettext_lazy("已释放、尚未报到，按报到期限排序，逾期的标红。"),
        ),
        Tab(
            "missed",
            "handover:inbox_missed",
            gettext_lazy("漏管"),
            Q(status=S.MISSED),
            ("-missed_on", "-id"),
            None,
            gettext_lazy("报到期限已过仍未报到。本人前来报到时仍可登记，该人员计为逾期衔接。"),
        ),
        Tab(
            "done",
            "handover:inbox_done",
            gettext_lazy("已衔接"),
            Q(status=S.HANDED_OVER, checked_in_on__gte=today - dt.timedelta(days=RECENT_DAYS)),
            ("-checked_in_on", "-id"),
            None,
            gettext_lazy("近 90 天内报到衔接的人员。"),
        ),
    ]


@dataclass(frozen=True)
class InboxRow:
    notice: ReleaseNotice
    id_number: str  # masked
    deadline: Deadline


def _tab(slug: str) -> Tab:
    return next(t for t in _inbox_tabs(timezone.localdate()) if t.slug == slug)


def _inbox_notices(slug: str) -> Callable[[User, Filters], QuerySet[ReleaseNotice]]:
    def notices(user: User, data: Filters) -> QuerySet[ReleaseNotice]:
        current = _tab(slug)
        return (
            ReleaseNotice.objects.visible_to(user)
            .filter(current.condition)
            .select_related("person", "receiving_office", "facility")
            .order_by(*current.order)
        )

    return notices


def _inbox_row(slug: str) -> Callable[[ReleaseNotice, dt.date], InboxRow]:
    current = _tab(slug)  # for its deadline field, which is the same whatever the day
    running = slug in ("verify", "check_in")

    def row(notice: ReleaseNotice, today: dt.date) -> InboxRow:
        day = getattr(notice, current.deadline) if current.deadline else None
        deadline = Deadline.of(day, running=running, today=today, soon=DUE_SOON_DAYS)
        return InboxRow(notice, mask_id_number(notice.person.id_number), deadline)

    return row


def _inbox_context(slug: str) -> Callable[[User, Filters, QueryDict], dict[str, Any]]:
    def context(user: User, data: Filters, raw: QueryDict) -> dict[str, Any]:
        tabs = _inbox_tabs(timezone.localdate())
        # the four tab counts in one query
        counts = ReleaseNotice.objects.visible_to(user).aggregate(
            **{t.slug: Count("id", filter=t.condition) for t in tabs}
        )
        return {
            "tabs": [(t, counts[t.slug]) for t in tabs],
            "tab": next(t for t in tabs if t.slug == slug),
            "many_offices": user.role != Role.OFFICE_OFFICER,
            "can_backfill": areas.can(user, capabilities.BACKFILL),
            "can_route": areas.can(user, capabilities.ROUTE),
            # 未衔接 (released, not yet handed over: the 待报到 and 漏管 tabs together), within the same reach
            "unmatched_url": UNMATCHED_URL if slug in ("check_in", "missed") else None,
        }

    return context


def _inbox_list(slug: str) -> ListPage[ReleaseNotice]:
    return ListPage(
        template="handover/inbox.html",
        rows=_inbox_notices(slug),
        row=_inbox_row(slug),
        audited=lambda row: row.notice,
        audit_via=f"handover.inbox.{slug}",
        audit_key="notices",
        export=notice_exports.INBOX[slug],
        export_filters=lambda data, raw: {"tab": slug},
        export_rows=notice_exports.with_export_relations,
        context=_inbox_context(slug),
    )


# the inbox's tabs, one list each
INBOX: dict[str, ListPage[ReleaseNotice]] = {slug: _inbox_list(slug) for slug in notice_exports.INBOX}


@login_required
@require_GET
def inbox(request: HttpRequest, tab: str = "verify") -> HttpResponseBase:
    """The office's work (``INBOX``): notices to verify, people to check in, missed intakes, and recent hand-overs.
    A county or city officer sees the same for every office of their region."""
    return show_list(request, INBOX[tab], user=page_user(request, OFFICER_ROLES))


@dataclass(frozen=True)
class ReturnedRow:
    notice: ReleaseNotice
    id_number: str  # masked
    returned: NoticeEvent | None
    form: RouteForm


def _returned_notices(user: User, data: Filters) -> QuerySet[ReleaseNotice]:
    return (
        ReleaseNotice.objects.visible_to(user)
        .filter(status=S.RETURNED)
        .select_related("person__hukou_region", "facility", "receiving_office")
        .prefetch_related("events")  # who returned it and why: one query for the page
        .order_by("updated_at", "id")
    )


def _returned_rows(notices: Sequence[ReleaseNotice], today: dt.date, context: Mapping[str, Any]) -> list[Any]:
    rows = []
    for notice in notices:
        last_return = next((e for e in reversed(list(notice.events.all())) if e.action == "returned"), None)
        form = RouteForm(offices=context["offices"], auto_id=f"id_route{notice.pk}_%s")
        rows.append(ReturnedRow(notice, mask_id_number(notice.person.id_number), last_return, form))
    return rows


def _returned_context(user: User, data: Filters, raw: QueryDict) -> dict[str, Any]:
    offices = _route_offices(user)
    return {"offices": offices, "has_offices": bool(offices)}


RETURNED: ListPage[ReleaseNotice] = ListPage(
    template="handover/returned.html",
    rows=_returned_notices,
    page_rows=_returned_rows,
    audited=lambda row: row.notice,
    audit_via="handover.returned",
    audit_key="notices",
    export=notice_exports.RETURNED,
    # who returned each notice and when: the events, one query per chunk of rows
    export_rows=lambda notices: notice_exports.with_export_relations(notices).prefetch_related("events"),
    context=_returned_context,
)


@login_required
@require_GET
def returned(request: HttpRequest) -> HttpResponseBase:
    """退回待改派 (``RETURNED``): notices an office sent back (not its person, identity mismatch), each with its
    routing form."""
    return show_list(request, RETURNED, user=page_user(request, ROUTING_ROLES))


@login_required
@require_http_methods(["GET", "POST"])
def backfill(request: HttpRequest) -> HttpResponse:
    """补录: someone who came to the office with no notice; recorded as released and checked in at once."""
    user = page_user(request, frozenset({Role.OFFICE_OFFICER}))
    form = BackfillForm(request.POST or None)
    if request.method == "POST":
        data = _field_values(form)
        if not form.errors:
            try:
                opened = services.backfill(
                    data=services.BackfillData(
                        person=_person_data(data),
                        released_on=data.get("released_on"),
                        checked_in_on=data.get("checked_in_on"),
                        method=data.get("method") or "",
                        offence=data.get("offence") or "",
                        facility_name=data.get("facility_name") or "",
                        key_target=bool(data.get("key_target")),
                    ),
                    by=Actor.of(request),
                )
            except DomainError as exc:
                raise_refusal(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(
                    request, _("已补录并报到，帮教档案已建立（档案编号 %(id)s）。") % {"id": opened["case_id"]}
                )
                return redirect("handover:notice", notice_id=opened["notice_id"])
        if not form.non_field_errors():
            form.add_error(None, _("补录信息有误，请按提示修改。"))
    return render(
        request,
        "handover/backfill.html",
        {"form": form, "townships": _townships(user)},
        status=400 if form.is_bound else 200,
    )
