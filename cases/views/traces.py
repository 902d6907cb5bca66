"""Trace requests (协查通报): the tabs of requests received, sent and escalated, and the answer to one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, QuerySet, Value, When
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cases import capabilities, selectors, services
from cases.forms import (
    TraceResponseForm,
)
from cases.models import TraceRequest
from cases.views.common import (
    ESCALATION_ROLES,
    TRACE_RECEIVER_ROLES,
    TRACE_ROLES,
)
from core import areas, exports
from core.audit import Actor
from core.errors import DomainError
from core.pages import Deadline, Filters, ListPage, act, show_list
from directory.models import OFFICER_ROLES, User
from directory.pages import page_user

# --- trace requests --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TraceTab:
    slug: str
    url_name: str
    label: str | Promise
    note: str | Promise


TRACE_TABS = {
    "incoming": TraceTab(
        "incoming",
        "cases:traces_incoming",
        gettext_lazy("收到的协查"),
        gettext_lazy("发给本单位的协查通报：查找后反馈找到的地址，或未找到。逾期未回复的标红，并上报县级安帮办督办。"),
    ),
    "outgoing": TraceTab(
        "outgoing",
        "cases:traces_outgoing",
        gettext_lazy("发出的协查"),
        gettext_lazy("辖区帮教档案发出的协查通报及其回复。"),
    ),
    "escalated": TraceTab(
        "escalated",
        "cases:traces_escalated",
        gettext_lazy("逾期督办"),
        gettext_lazy("超过回复期限仍未回复、已上报县级安帮办的协查通报。"),
    ),
}


def trace_tabs_for(user: User) -> list[TraceTab]:
    slugs = []
    if user.role in TRACE_RECEIVER_ROLES:
        slugs.append("incoming")
    if user.role in OFFICER_ROLES:
        slugs.append("outgoing")
    if user.role in ESCALATION_ROLES:
        slugs.append("escalated")
    return [TRACE_TABS[s] for s in slugs]


def _trace_rows(user: User, slug: str) -> QuerySet[TraceRequest]:
    open_first = SqlCase(
        When(status=TraceRequest.Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    if slug == "escalated":
        qs = TraceRequest.objects.visible_to(user).filter(status=TraceRequest.Status.OPEN, escalated_on__isnull=False)
    else:
        qs = selectors.traces_for(user, slug)
    return qs.select_related("case__person", "from_office", "to_organisation", "answered_by").order_by(
        open_first, "respond_by", "id"
    )


@dataclass(frozen=True)
class TraceRow:
    trace: TraceRequest
    deadline: Deadline
    form: TraceResponseForm | None


# A tab of trace requests as .xlsx: the cards' facts, one row each, masked ID numbers (core.exports).
TRACE_EXPORT: exports.ListExport[TraceRequest] = exports.ListExport(
    name="cases.traces",
    title=gettext_lazy("协查通报"),
    columns=(
        exports.Column(gettext_lazy("姓名"), lambda t: t.case.person.name, width=10),
        exports.id_number_column(gettext_lazy("公民身份号码（脱敏）"), lambda t: t.case.person.id_number),
        exports.Column(gettext_lazy("发出单位"), lambda t: t.from_office.name, width=22),
        exports.Column(gettext_lazy("协查单位"), lambda t: t.to_organisation.name, width=22),
        exports.Column(gettext_lazy("发出日期"), lambda t: t.sent_on, width=11),
        exports.Column(gettext_lazy("回复期限"), lambda t: t.respond_by, width=11),
        exports.Column(gettext_lazy("事由"), lambda t: t.reason, width=30),
        exports.Column(gettext_lazy("最后已知住址"), lambda t: t.last_known_address, width=30),
        exports.Column(gettext_lazy("状态"), lambda t: t.get_status_display(), width=8),
        exports.Column(gettext_lazy("协查结果"), lambda t: t.get_result_display() if t.result else "", width=10),
        exports.Column(gettext_lazy("查找到的住址"), lambda t: t.address, width=30),
        exports.Column(gettext_lazy("回复日期"), lambda t: t.answered_on, width=11),
        exports.Column(gettext_lazy("逾期督办"), lambda t: t.escalated_on, width=11),
    ),
    key=lambda t: t.case.person_id,
)


def _trace_page_rows(slug: str) -> Callable[[Sequence[TraceRequest], dt.date, Mapping[str, Any]], list[Any]]:
    def page_rows(traces: Sequence[TraceRequest], today: dt.date, context: Mapping[str, Any]) -> list[Any]:
        bound: tuple[int, TraceResponseForm] | None = context.get("bound")
        rows = []
        for trace in traces:
            is_open = trace.status == TraceRequest.Status.OPEN
            form = None
            if slug == "incoming" and is_open:
                if bound is not None and bound[0] == trace.pk:
                    form = bound[1]
                else:
                    form = TraceResponseForm(auto_id=f"id_trace{trace.pk}_%s")
            rows.append(TraceRow(trace, Deadline.of(trace.respond_by, running=is_open, today=today), form))
        return rows

    return page_rows


def _trace_context(slug: str) -> Callable[[User, Filters, QueryDict], dict[str, Any]]:
    def context(user: User, data: Filters, raw: QueryDict) -> dict[str, Any]:
        tabs = trace_tabs_for(user)
        counts = {t.slug: _trace_rows(user, t.slug).filter(status=TraceRequest.Status.OPEN).count() for t in tabs}
        return {"tabs": [(t, counts[t.slug]) for t in tabs], "tab": TRACE_TABS[slug]}

    return context


def _trace_list(slug: str) -> ListPage[TraceRequest]:
    return ListPage(
        template="cases/traces.html",
        rows=lambda user, data: _trace_rows(user, slug),
        page_rows=_trace_page_rows(slug),
        audited=lambda row: row.trace.case,
        audit_via=f"cases.traces.{slug}",
        audit_key="cases",
        export=TRACE_EXPORT,
        export_filters=lambda data, raw: {"tab": slug},
        context=_trace_context(slug),
    )


# the tabs of trace requests, one list each
TRACES: dict[str, ListPage[TraceRequest]] = {slug: _trace_list(slug) for slug in TRACE_TABS}


def _render_traces(
    request: HttpRequest,
    user: User,
    slug: str,
    *,
    bound: tuple[int, TraceResponseForm] | None = None,
    status: int = 200,
) -> HttpResponseBase:
    """The tab ``slug`` (the user's first by default) of ``TRACES``; ``bound``: a posted answer to show again with
    its errors, on its trace's card."""
    tabs = trace_tabs_for(user)
    if not tabs:
        raise PermissionDenied
    tab = TRACE_TABS[slug] if slug else tabs[0]
    if tab not in tabs:
        raise PermissionDenied
    return show_list(request, TRACES[tab.slug], user=user, extra={"bound": bound}, status=status)


@login_required
@require_GET
def traces(request: HttpRequest, tab: str = "") -> HttpResponseBase:
    """协查通报: requests sent to the user's office or police organisation (to answer), those sent about the cases
    within reach, and, for the county and above, the overdue ones escalated to them."""
    user = page_user(request, TRACE_ROLES)
    return _render_traces(request, user, tab)


@login_required
@require_POST
def trace_respond(request: HttpRequest, trace_id: int) -> HttpResponseBase:
    user = page_user(request, TRACE_RECEIVER_ROLES)
    try:
        trace = selectors.get_trace_for_user(user, trace_id)
    except DomainError:
        raise Http404 from None
    # visible (a case of the office's own), but not addressed to it: 403

    def run(data: Mapping[str, Any]) -> HttpResponse:
        services.respond_to_trace(
            trace=trace, result=data["result"], address=data["address"], note=data["note"], by=Actor.of(request)
        )
        messages.success(request, _("已回复%(name)s的协查通报。") % {"name": trace.case.person.name})
        return redirect("cases:traces_incoming")

    def page(form: Form, status: int) -> HttpResponse:
        assert isinstance(form, TraceResponseForm)
        response = _render_traces(request, user, "incoming", bound=(trace.pk, form), status=status)
        assert isinstance(response, HttpResponse)
        return response

    return act(
        request,
        allowed=areas.can(user, capabilities.RESPOND_TO_TRACE, trace),
        refusal=None if trace.status == TraceRequest.Status.OPEN else _("此协查通报已回复。"),
        form=TraceResponseForm(request.POST, auto_id=f"id_trace{trace.pk}_%s"),
        run=run,
        render=page,
        back=reverse("cases:traces_incoming"),
    )
