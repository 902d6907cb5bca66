"""Pages of the assistance cases (帮教档案), DESIGN §2 steps 6–8 and 13: the case list, the case page with its action
forms, the visit form (made for a phone), transfers, the trace-request inbox and the worklist.

Every read goes through ``cases.selectors`` (one reach rule, ``Case.objects.visible_to``) and every write through
``cases.services``; a ``DomainError`` from a service goes back onto the form it came from, each message next to its
field, and nothing is written. A page a role has no part in answers 403; a case outside the caller's reach answers
404, like a missing one. Pages that show people write one ``person.list`` or ``person.read`` audit row (DESIGN §8).
What the page offers is display only: each service checks again under its row lock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, QuerySet, Value, When
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import capabilities, selectors, services
from cases.forms import (
    AgreementForm,
    CaseFilterForm,
    CloseForm,
    LostContactForm,
    MemberForm,
    NoteForm,
    RestoreForm,
    RiskForm,
    SettlementForm,
    TraceForm,
    TraceResponseForm,
    TransferDecisionForm,
    TransferForm,
    VisitForm,
)
from cases.models import Case, CaseEvent, GroupMember, SettlementRecord, TraceRequest, Transfer, Visit
from core import areas, exports
from core.areas import WorkItem, registry, worklist_for
from core.audit import Actor, record_audit
from core.errors import DomainError
from core.forms import split_list
from core.idnumbers import mask_id_number
from core.pages import PAGE_SIZE, Deadline, TimelineEntry, act, audit_list, audit_read, paginate, raise_refusal, refuse
from directory.models import OFFICER_ROLES, Organisation, Role, User
from directory.pages import page_user
from people.models import Person, RiskLevel
from people.selectors import person_matches

VISITS_SHOWN = 50
EVENTS_SHOWN = 200

GROUP_ROLES = frozenset({Role.SOCIAL_WORKER, Role.VOLUNTEER})
# who works with cases at all: officers reach them by region, the group by membership, the police by area and trace
CASE_ROLES = OFFICER_ROLES | GROUP_ROLES | {Role.POLICE_OFFICER}
TRACE_ROLES = OFFICER_ROLES | {Role.POLICE_OFFICER}
# respond_to_trace: the justice office or police organisation the request was sent to
TRACE_RECEIVER_ROLES = capabilities.TRACE_RECEIVER_ROLES
ESCALATION_ROLES = OFFICER_ROLES - {Role.OFFICE_OFFICER}

# How the timeline names each CaseEvent action (cases.services).
EVENT_LABELS: dict[str, Promise] = {
    "opened": gettext_lazy("报到建档"),
    "visit": gettext_lazy("走访"),
    "note": gettext_lazy("备注"),
    "group_member_added": gettext_lazy("帮教小组增加成员"),
    "group_member_removed": gettext_lazy("帮教小组成员退出"),
    "agreement_signed": gettext_lazy("签订帮教协议"),
    "risk": gettext_lazy("危险性评估"),
    "settlement": gettext_lazy("安置情况变更"),
    "transfer_requested": gettext_lazy("申请移交"),
    "transfer_accepted": gettext_lazy("移交已接收"),
    "transfer_declined": gettext_lazy("移交被拒绝"),
    "lost_contact": gettext_lazy("脱管"),
    "contact_restored": gettext_lazy("恢复联系"),
    "trace_sent": gettext_lazy("发出协查通报"),
    "trace_answered": gettext_lazy("协查反馈"),
    "closed": gettext_lazy("解除帮教"),
}


# --- who may see what ------------------------------------------------------------------------------------------------


def _case(request: HttpRequest, case_id: int) -> tuple[User, Case]:
    """The case, if within reach; missing, out of reach and a role with no part in cases all look the same (404)."""
    user = request.user
    assert isinstance(user, User)
    if user.role not in CASE_ROLES:
        raise Http404
    try:
        return user, selectors.get_case_for_user(user, case_id)
    except DomainError:
        raise Http404 from None


@dataclass(frozen=True)
class Permissions:
    """Which forms the case page offers: who may take each action (``cases.capabilities``, the rules the services
    refuse by) and whether the case's state allows it now (the services' 409s)."""

    officer: bool  # the managing office, or its county
    may_visit: bool  # the officers and the assistance group
    may_note: bool  # those, and the hukou office of a dual-managed case
    visit: bool
    note: bool
    manage: bool  # group, agreement, risk, settlement, trace, close
    lost_contact: bool
    restore: bool
    transfer: bool

    @property
    def any(self) -> bool:
        return self.visit or self.note or self.manage or self.restore


def permissions(user: User, case: Case, *, pending_transfer: Transfer | None = None) -> Permissions:
    # the group is prefetched with the case (selectors.case_queryset): the rules ask no query
    officer = areas.can(user, capabilities.MANAGE, case)
    may_visit = areas.can(user, capabilities.VISIT, case)
    may_note = areas.can(user, capabilities.NOTE, case)
    is_open = case.is_open  # closed cases are read-only: no form at all
    manage = is_open and officer
    return Permissions(
        officer=officer,
        may_visit=may_visit,
        may_note=may_note,
        visit=is_open and may_visit,
        note=is_open and may_note,
        manage=manage,
        lost_contact=manage and case.status == Case.Status.ACTIVE,
        restore=manage and case.status == Case.Status.LOST_CONTACT,
        transfer=manage and pending_transfer is None,
    )


def _members(case: Case) -> list[GroupMember]:
    members = getattr(case, "active_members", None)
    if members is None:
        members = list(case.group_members.filter(removed_on__isnull=True).select_related("user").order_by("id"))
    return list(members)


# --- small helpers for the templates ---------------------------------------------------------------------------------


# --- the case list ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    case: Case
    id_number: str  # masked
    next_visit: Deadline


def _list_title(user: User) -> str:
    if user.role in GROUP_ROLES:
        return _("我的帮教对象")
    if user.role == Role.POLICE_OFFICER:
        return _("重点帮教对象")
    return _("帮教档案")


def _closure(case: Case) -> str:
    return f"{case.get_closure_reason_display()} {case.closed_on:%Y-%m-%d}" if case.status == Case.Status.CLOSED else ""


# The case list as .xlsx: the page's columns, masked ID numbers, no offence (core.exports).
CASE_LIST_EXPORT: exports.ListExport[Case] = exports.ListExport(
    name="cases.case_list",
    title=gettext_lazy("帮教档案"),
    columns=(
        exports.Column(gettext_lazy("档案编号"), lambda case: case.pk, width=9),
        exports.Column(gettext_lazy("姓名"), lambda case: case.person.name, width=10),
        exports.id_number_column(gettext_lazy("公民身份号码（脱敏）"), lambda case: case.person.id_number),
        exports.Column(gettext_lazy("帮教等级"), lambda case: case.get_level_display(), width=10),
        exports.Column(gettext_lazy("状态"), lambda case: case.get_status_display(), width=10),
        exports.Column(gettext_lazy("管理司法所"), lambda case: case.managing_office.name, width=22),
        exports.Column(gettext_lazy("双列管"), lambda case: case.dual_managed, width=8),
        exports.Column(
            gettext_lazy("户籍地司法所"), lambda case: case.hukou_office.name if case.hukou_office else "", width=22
        ),
        exports.Column(gettext_lazy("建档日期"), lambda case: case.opened_on, width=11),
        exports.Column(gettext_lazy("下次走访"), lambda case: case.next_visit_due if case.is_open else None, width=11),
        exports.Column(gettext_lazy("安置情况"), lambda case: case.get_settlement_status_display(), width=14),
        exports.Column(gettext_lazy("安置起始"), lambda case: case.settlement_since, width=11),
        exports.Column(gettext_lazy("帮教期满"), lambda case: case.period_end, width=11),
        exports.Column(gettext_lazy("解除"), _closure, width=18),
    ),
    key=lambda case: case.person_id,
)


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponseBase:
    """The cases within reach, filtered by level, status, overdue visits, settlement and dual management, searched
    by name, pinyin, initials or ID number. Open cases (在册, 脱管) unless another status is asked for."""
    user = page_user(request, CASE_ROLES)
    query = request.GET.copy()
    query.setdefault("status", CaseFilterForm.OPEN)
    form = CaseFilterForm(query)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status", CaseFilterForm.OPEN)
    q = (data.get("q") or "").strip()
    dual = {"yes": True, "no": False}.get(data.get("dual_managed") or "")
    # officers search through list_cases (people within their reach); the others among their own cases' people
    search_by_selector = user.role in OFFICER_ROLES
    cases = selectors.list_cases(
        user=user,
        status=status if status in Case.Status.values else None,
        level=data.get("level") or None,
        q=(q or None) if search_by_selector else None,
        overdue=bool(data.get("overdue")) or None,
        dual_managed=dual,
        settlement=data.get("settlement") or None,
    )
    if status == CaseFilterForm.OPEN:
        cases = cases.filter(status__in=Case.OPEN)
    if q and not search_by_selector:
        cases = cases.filter(person_matches(q, path="person__"))
    cases = cases.select_related("person", "managing_office", "hukou_office")
    if exports.wants_xlsx(request):
        # officers and the police export; a social worker or volunteer reads their own cases but takes no lists away
        if not areas.can(user, capabilities.EXPORT):
            raise PermissionDenied
        filters = {k: query.get(k) for k in ("status", "level", "settlement", "dual_managed", "overdue")}
        return exports.xlsx_response(request=request, export=CASE_LIST_EXPORT, rows=cases, filters={**filters, "q": q})
    page = paginate(request, cases)
    today = timezone.localdate()
    rows = [
        ListRow(c, mask_id_number(c.person.id_number), Deadline.of(c.next_visit_due, running=c.is_open, today=today))
        for c in page.object_list
    ]
    audit_list(request, via="cases.case_list", rows=[r.case for r in rows], key="cases", q=bool(q), status=status)
    filtered = any(query.get(k) for k in ("q", "level", "settlement", "dual_managed", "overdue")) or (
        status != CaseFilterForm.OPEN
    )
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "title": _list_title(user),
            "role": user.role,
            "filtered": filtered,
            "many_offices": user.role != Role.OFFICE_OFFICER,
            "exports": areas.can(user, capabilities.EXPORT),
        },
    )


# --- the case page ---------------------------------------------------------------------------------------------------


def _event_details(event: CaseEvent, names: dict[str, str]) -> list[str]:
    data, details = event.data or {}, []
    action = event.action

    def office(code: object) -> str:
        return names.get(str(code), str(code))

    if action == "opened":
        details.append(_("管理司法所：%(name)s") % {"name": office(data.get("managing_office", ""))})
        if data.get("dual_managed"):
            details.append(_("双列管，户籍地司法所：%(name)s") % {"name": office(data.get("hukou_office", ""))})
    elif action == "visit":
        details.append(
            _("%(day)s，%(method)s，%(outcome)s")
            % {
                "day": data.get("visited_on", ""),
                "method": dict(Visit.Method.choices).get(data.get("method", ""), data.get("method", "")),
                "outcome": dict(Visit.Outcome.choices).get(data.get("outcome", ""), data.get("outcome", "")),
            }
        )
    elif action == "group_member_added":
        part = dict(GroupMember.Part.choices).get(data.get("part", ""), data.get("part", ""))
        details.append(_("%(part)s：%(name)s") % {"part": part, "name": data.get("name", "")})
    elif action == "risk":
        level = dict(RiskLevel.choices).get(data.get("risk_level", ""), data.get("risk_level", ""))
        details.append(_("危险性：%(level)s") % {"level": level})
        details.append(_("列为重点帮教对象") if data.get("key_target") else _("一般帮教对象"))
        if data.get("reasons"):
            details.append("；".join(str(r) for r in data["reasons"]))
    elif action == "settlement":
        status = dict(Case.Settlement.choices).get(data.get("status", ""), data.get("status", ""))
        details.append(_("%(status)s，自 %(day)s 起") % {"status": status, "day": data.get("since", "")})
    elif action in ("transfer_requested", "transfer_accepted") and data.get("to_office"):
        details.append(_("接收司法所：%(name)s") % {"name": office(data["to_office"])})
    elif action == "lost_contact":
        details.append(_("脱管日期：%(day)s") % {"day": data.get("noted_on", "")})
        if data.get("automatic"):
            details.append(_("系统按未联系天数自动列为脱管"))
    elif action == "contact_restored":
        details.append(_("恢复联系日期：%(day)s") % {"day": data.get("restored_on", "")})
    elif action == "trace_sent" and data.get("to"):
        details.append(_("协查单位：%(name)s") % {"name": office(data["to"])})
    elif action == "trace_answered":
        result = dict(TraceRequest.Result.choices).get(data.get("result", ""), data.get("result", ""))
        details.append(_("协查结果：%(result)s") % {"result": result})
        if data.get("address"):
            details.append(_("地址：%(address)s") % {"address": data["address"]})
    elif action == "closed":
        reason = dict(Case.ClosureReason.choices).get(data.get("reason", ""), data.get("reason", ""))
        details.append(_("%(reason)s，解除日期 %(day)s") % {"reason": reason, "day": data.get("closed_on", "")})
    return details


def _timeline(events: Sequence[CaseEvent], *, hide_offence: bool) -> list[TimelineEntry]:
    codes = {
        str(e.data.get(k))
        for e in events
        for k in ("managing_office", "hukou_office", "to_office", "to")
        if isinstance(e.data, dict) and e.data.get(k)
    }
    names = dict(Organisation.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    entries = []
    for event in events:
        note = event.note
        if hide_offence and event.action == "closed" and (event.data or {}).get("reason") == "reoffended":
            note = ""  # the new offence: a volunteer never sees an offence (issue 4 §3)
        entries.append(
            TimelineEntry(event, EVENT_LABELS.get(event.action, event.action), _event_details(event, names), note)
        )
    return entries


def _notice_url(user: User, case: Case) -> str | None:
    """The hand-over notice behind the case, for officers (the hand-over pages are theirs)."""
    if case.notice_id is None or user.role not in OFFICER_ROLES:
        return None
    try:
        return reverse("handover:notice", args=[case.notice_id])
    except NoReverseMatch:  # the hand-over pages are wired separately
        return None


def _organisation_choices(case: Case) -> tuple[list[tuple[str, str]], list[tuple[str, list[tuple[str, str]]]]]:
    """The justice offices a case can move to, and the organisations a trace request can go to (the police and the
    justice offices), within the case's province, in one query. Not the managing office itself."""
    rows = list(
        Organisation.objects.filter(
            kind__in=[Organisation.Kind.JUSTICE_OFFICE, Organisation.Kind.PUBLIC_SECURITY],
            is_active=True,
            region__code__startswith=case.region_id[:2],
        )
        .exclude(pk=case.managing_office_id)
        .order_by("kind", "region_id", "code")
        .values_list("code", "name", "kind")
    )
    offices = [(code, name) for code, name, kind in rows if kind == Organisation.Kind.JUSTICE_OFFICE]
    police = [(code, name) for code, name, kind in rows if kind == Organisation.Kind.PUBLIC_SECURITY]
    trace_to = [(str(_("公安机关")), police), (str(_("司法所")), offices)]
    return offices, trace_to


def _group_users(case: Case) -> list[tuple[str, str]]:
    """Social workers and volunteers of the case's county, to add to its group by their account."""
    users = (
        User.objects.filter(
            role__in=[Role.SOCIAL_WORKER, Role.VOLUNTEER],
            is_active=True,
            organisation__region__code__startswith=case.region_id[:6],
        )
        .select_related("organisation")
        .order_by("role", "full_name", "username")
    )
    return [(u.username, f"{u.full_name or u.username}（{u.get_role_display()} · {u.organisation}）") for u in users]


CASE_FORMS: dict[str, type[Form]] = {
    "note_form": NoteForm,
    "member_form": MemberForm,
    "agreement_form": AgreementForm,
    "risk_form": RiskForm,
    "settlement_form": SettlementForm,
    "transfer_form": TransferForm,
    "lost_contact_form": LostContactForm,
    "restore_form": RestoreForm,
    "trace_form": TraceForm,
    "close_form": CloseForm,
}


def _render_case(
    request: HttpRequest, user: User, case: Case, *, bound: dict[str, Form] | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    bound = bound or {}
    transfers = list(case.transfers.select_related("from_office", "to_office").order_by("-id"))
    pending = next((t for t in transfers if t.status == Transfer.Status.PENDING), None)
    can = permissions(user, case, pending_transfer=pending)
    offices: list[tuple[str, str]] = []
    trace_to: list[tuple[str, list[tuple[str, str]]]] = []
    group_users: list[tuple[str, str]] = []
    if can.manage:
        offices, trace_to = _organisation_choices(case)
        group_users = _group_users(case)
    allowed = {
        "note_form": can.note,
        "member_form": can.manage,
        "agreement_form": can.manage,
        "risk_form": can.manage,
        "settlement_form": can.manage,
        "transfer_form": can.transfer,
        "lost_contact_form": can.lost_contact,
        "restore_form": can.restore,
        "trace_form": can.manage,
        "close_form": can.manage,
    }
    kwargs: dict[str, dict[str, Any]] = {
        "member_form": {"users": group_users},
        "transfer_form": {"offices": offices},
        "trace_form": {
            "organisations": trace_to,
            "initial": {"last_known_address": case.person.residence_address},
        },
    }
    forms: dict[str, Form | None] = {
        name: (bound.get(name) or form_class(**kwargs.get(name, {}))) if allowed[name] else None
        for name, form_class in CASE_FORMS.items()
    }
    hide_offence = user.role == Role.VOLUNTEER
    visits = list(case.visits.select_related("recorded_by").order_by("-visited_on", "-id")[: VISITS_SHOWN + 1])
    events = list(case.events.order_by("-id")[: EVENTS_SHOWN + 1])
    custody = case.notice.custody if case.notice is not None else None
    audit_read(request, person_id=case.person_id, via="case_page", case=case.pk)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "person": case.person,
            "id_number": mask_id_number(case.person.id_number),
            "custody": None if hide_offence else custody,
            "hide_offence": hide_offence,
            "members": _members(case),
            "agreement": case.agreements.order_by("-signed_on", "-id").first(),
            "settlements": list(
                SettlementRecord.objects.filter(case=case).select_related("recorded_by").order_by("-since", "-id")
            ),
            "visits": visits[:VISITS_SHOWN],
            "more_visits": len(visits) > VISITS_SHOWN,
            "timeline": _timeline(events[:EVENTS_SHOWN], hide_offence=hide_offence),
            "more_events": len(events) > EVENTS_SHOWN,
            "transfers": transfers,
            "pending_transfer": pending,
            "decides_transfer": pending is not None and areas.can(user, capabilities.DECIDE_TRANSFER, pending),
            "traces": list(case.trace_requests.select_related("to_organisation").order_by("-id")),
            "next_visit": Deadline.of(case.next_visit_due, running=case.is_open, today=today),
            "next_review": Deadline.of(case.next_risk_review, running=case.is_open, today=today),
            "risk_level": dict(RiskLevel.choices).get(case.risk_level, ""),
            "show_closure_detail": not (hide_offence and case.closure_reason == Case.ClosureReason.REOFFENDED),
            "notice_url": _notice_url(user, case),
            "can": can,
            "open_form": next(iter(bound), ""),
            "today": today,
            **forms,
        },
        status=status,
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    user, case = _case(request, case_id)
    return _render_case(request, user, case)


def _state_refusal(case: Case) -> str:
    """Why the case page no longer offers a form to a user who may take the action (core.pages.act)."""
    if not case.is_open:
        return _("该帮教档案已解除，只能查阅。")
    return _("您不能对此档案进行该操作。")


def _act(
    request: HttpRequest,
    case_id: int,
    *,
    form_name: str,
    make_form: Callable[[Case], Form],
    allowed: Callable[[Permissions], bool],
    action: Callable[[Case, dict[str, Any]], str],
    who: Callable[[Permissions], bool] = lambda can: can.officer,
) -> HttpResponse:
    """POST of one of the case page's forms (``core.pages.act``): ``who`` may take the action at all (else 403),
    ``allowed`` whether the page offers the form now; ``action`` calls the service and answers the success message,
    and the browser goes back to the case page."""
    user, case = _case(request, case_id)
    pending = case.transfers.filter(status=Transfer.Status.PENDING).first()
    can = permissions(user, case, pending_transfer=pending)

    def run(data: Mapping[str, Any]) -> HttpResponse:
        messages.success(request, action(case, dict(data)))
        return redirect("cases:case", case_id=case.pk)

    def render(form: Form, status: int) -> HttpResponse:
        # the service rolled back, or nothing ran: the case as it now is
        now_user, now_case = _case(request, case_id)
        return _render_case(request, now_user, now_case, bound={form_name: form}, status=status)

    return act(
        request,
        allowed=who(can),
        refusal=None if allowed(can) else _state_refusal(case),
        form=make_form(case),
        run=run,
        render=render,
        back=reverse("cases:case", args=[case.pk]),
    )


@login_required
@require_POST
def case_note(request: HttpRequest, case_id: int) -> HttpResponse:
    def action(case: Case, data: dict[str, Any]) -> str:
        services.add_note(case=case, note=data["note"], by=Actor.of(request))
        return _("备注已记录。")

    return _act(
        request,
        case_id,
        form_name="note_form",
        make_form=lambda case: NoteForm(request.POST),
        allowed=lambda can: can.note,
        action=action,
        who=lambda can: can.may_note,
    )


@login_required
@require_POST
def case_member_add(request: HttpRequest, case_id: int) -> HttpResponse:
    def action(case: Case, data: dict[str, Any]) -> str:
        member = services.add_group_member(
            case=case,
            part=data["part"],
            name=data["name"],
            phone=data["phone"],
            username=data["username"] or None,
            by=Actor.of(request),
        )
        return _("%(name)s 已加入帮教小组。") % {"name": member.name}

    return _act(
        request,
        case_id,
        form_name="member_form",
        make_form=lambda case: MemberForm(request.POST, users=_group_users(case)),
        allowed=lambda can: can.manage,
        action=action,
    )


@login_required
@require_POST
def case_member_remove(request: HttpRequest, case_id: int, member_id: int) -> HttpResponse:
    user, case = _case(request, case_id)
    member = case.group_members.filter(pk=member_id).first()
    if member is None:
        raise Http404
    can = permissions(user, case)
    if not can.officer:
        raise PermissionDenied
    if not can.manage:
        return refuse(request, _state_refusal(case), reverse("cases:case", args=[case.pk]))
    try:
        services.remove_group_member(member=member, by=Actor.of(request))
    except DomainError as exc:
        raise_refusal(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s 已退出帮教小组。") % {"name": member.name})
    return redirect("cases:case", case_id=case.pk)


@login_required
@require_POST
def case_agreement(request: HttpRequest, case_id: int) -> HttpResponse:
    def action(case: Case, data: dict[str, Any]) -> str:
        signatories = {key: data[key].strip() for key in AgreementForm.SIGNATORIES}
        services.record_agreement(case=case, signed_on=data["signed_on"], signatories=signatories, by=Actor.of(request))
        return _("帮教协议已登记。")

    return _act(
        request,
        case_id,
        form_name="agreement_form",
        make_form=lambda case: AgreementForm(request.POST),
        allowed=lambda can: can.manage,
        action=action,
    )


@login_required
@require_POST
def case_risk(request: HttpRequest, case_id: int) -> HttpResponse:
    def action(case: Case, data: dict[str, Any]) -> str:
        case = services.assess_risk(
            case=case,
            risk_level=data["risk_level"],
            key_target=bool(data["key_target"]),
            reasons=split_list(data["reasons"]),
            assessed_on=data["assessed_on"],
            by=Actor.of(request),
        )
        review = case.next_risk_review.isoformat() if case.next_risk_review else "—"
        return _("危险性评估已记录，下次评估 %(day)s。") % {"day": review}

    return _act(
        request,
        case_id,
        form_name="risk_form",
        make_form=lambda case: RiskForm(request.POST),
        allowed=lambda can: can.manage,
        action=action,
    )


@login_required
@require_POST
def case_settlement(request: HttpRequest, case_id: int) -> HttpResponse:
    def action(case: Case, data: dict[str, Any]) -> str:
        services.record_settlement(
            case=case,
            status=data["status"],
            since=data["since"],
            detail=data["detail"],
            reason=data["reason"],
            by=Actor.of(request),
        )
        return _("安置情况已记录。")

    return _act(
        request,
        case_id,
        form_name="settlement_form",
        make_form=lambda case: SettlementForm(request.POST),
        allowed=lambda can: can.manage,
        action=action,
    )


@login_required
@require_POST
def case_transfer(request: HttpRequest, case_id: int) -> HttpResponse:
    def action(case: Case, data: dict[str, Any]) -> str:
        office = Organisation.objects.select_related("region").filter(code=data["to_office"]).first()
        if office is None:
            raise DomainError("invalid_input", _("移交无法申请。"), fields={"to_office": _("请选择司法所")})
        services.request_transfer(
            case=case, to_office=office, reason=data["reason"], new_address=data["new_address"], by=Actor.of(request)
        )
        return _("已向%(office)s申请移交，待对方接收。") % {"office": office.name}

    return _act(
        request,
        case_id,
        form_name="transfer_form",
        make_form=lambda case: TransferForm(request.POST, offices=_organisation_choices(case)[0]),
        allowed=lambda can: can.transfer,
        action=action,
    )


@login_required
@require_POST
def case_lost_contact(request: HttpRequest, case_id: int) -> HttpResponse:
    def action(case: Case, data: dict[str, Any]) -> str:
        services.mark_lost_contact(case=case, noted_on=data["noted_on"], reason=data["reason"], by=Actor.of(request))
        return _("已列为脱管。可向公安机关或其他司法所发出协查通报。")

    return _act(
        request,
        case_id,
        form_name="lost_contact_form",
        make_form=lambda case: LostContactForm(request.POST),
        allowed=lambda can: can.lost_contact,
        action=action,
    )


@login_required
@require_POST
def case_contact_restored(request: HttpRequest, case_id: int) -> HttpResponse:
    def action(case: Case, data: dict[str, Any]) -> str:
        case = services.restore_contact(
            case=case, restored_on=data["restored_on"], note=data["note"], by=Actor.of(request)
        )
        due = case.next_visit_due.isoformat() if case.next_visit_due else "—"
        return _("已恢复联系，下次走访 %(day)s。") % {"day": due}

    return _act(
        request,
        case_id,
        form_name="restore_form",
        make_form=lambda case: RestoreForm(request.POST),
        allowed=lambda can: can.restore,
        action=action,
    )


@login_required
@require_POST
def case_trace(request: HttpRequest, case_id: int) -> HttpResponse:
    def action(case: Case, data: dict[str, Any]) -> str:
        target = Organisation.objects.filter(code=data["to"]).first()
        if target is None:
            raise DomainError("invalid_input", _("协查通报无法发出。"), fields={"to": _("请选择协查单位")})
        trace = services.send_trace_request(
            case=case,
            to=target,
            reason=data["reason"],
            last_known_address=data["last_known_address"],
            by=Actor.of(request),
        )
        return _("协查通报已发给%(org)s，回复期限 %(day)s。") % {
            "org": target.name,
            "day": trace.respond_by.isoformat(),
        }

    return _act(
        request,
        case_id,
        form_name="trace_form",
        make_form=lambda case: TraceForm(request.POST, organisations=_organisation_choices(case)[1]),
        allowed=lambda can: can.manage,
        action=action,
    )


@login_required
@require_POST
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    def action(case: Case, data: dict[str, Any]) -> str:
        services.close_case(
            case=case, reason=data["reason"], closed_on=data["closed_on"], detail=data["detail"], by=Actor.of(request)
        )
        return _("帮教档案已解除，此后只能查阅。")

    return _act(
        request,
        case_id,
        form_name="close_form",
        make_form=lambda case: CloseForm(request.POST),
        allowed=lambda can: can.manage,
        action=action,
    )


# --- the visit form (a page of its own, made for a phone) ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_form(request: HttpRequest, case_id: int) -> HttpResponse:
    """记录走访: filled in on a phone at the door. On a refusal the form comes back with each message next to its
    field and nothing written."""
    user, case = _case(request, case_id)
    can = permissions(user, case)
    if not can.may_visit:
        raise PermissionDenied
    if not can.visit:
        return refuse(request, _state_refusal(case), reverse("cases:case", args=[case.pk]))
    visitor = user.full_name or user.username

    def page(form: VisitForm, status: int) -> HttpResponse:
        if form.is_bound and not form.non_field_errors():
            form.add_error(None, _("走访记录有误，请按提示修改。"))
        audit_read(request, person_id=case.person_id, via="case_visit_form", case=case.pk)
        return render(
            request,
            "cases/visit_form.html",
            {
                "case": case,
                "person": case.person,
                "form": form,
                "next_visit": Deadline.of(case.next_visit_due, running=True, today=timezone.localdate()),
            },
            status=status,
        )

    if request.method != "POST":
        return page(VisitForm(visitor=visitor), 200)
    form = VisitForm(request.POST, visitor=visitor)

    def run(data: Mapping[str, Any]) -> HttpResponse:
        services.record_visit(
            case=case,
            by=Actor.of(request),
            visited_on=data["visited_on"],
            method=data["method"],
            outcome=data["outcome"],
            notes=data["notes"],
            visitors=split_list(data["visitors"]),
            situation=form.situation(),
            needs=split_list(data["needs"]),
        )
        due = Case.objects.values_list("next_visit_due", flat=True).get(pk=case.pk)
        messages.success(request, _("走访已记录，下次走访 %(day)s。") % {"day": due.isoformat() if due else "—"})
        return redirect("cases:case", case_id=case.pk)

    return act(
        request,
        allowed=True,
        refusal=None,
        form=form,
        run=run,
        render=lambda bound, status: page(form, status),
        back=reverse("cases:case", args=[case.pk]),
    )


# --- transfers -------------------------------------------------------------------------------------------------------


def _transfer(request: HttpRequest, transfer_id: int) -> tuple[User, Transfer]:
    user = request.user
    assert isinstance(user, User)
    if user.role not in OFFICER_ROLES:
        raise Http404
    try:
        transfer = selectors.get_transfer_for_user(user, transfer_id)
    except DomainError:
        raise Http404 from None
    return user, transfer


def _decides(user: User, transfer: Transfer) -> bool:
    return transfer.status == Transfer.Status.PENDING and areas.can(user, capabilities.DECIDE_TRANSFER, transfer)


def _render_transfer(
    request: HttpRequest, user: User, transfer: Transfer, *, form: TransferDecisionForm | None = None, status: int = 200
) -> HttpResponse:
    case = transfer.case
    person = Person.objects.select_related("hukou_region", "residence_region").get(pk=case.person_id)
    audit_read(request, person_id=person.pk, via="case_transfer_page", case=case.pk, transfer=transfer.pk)
    decides = _decides(user, transfer)
    return render(
        request,
        "cases/transfer_detail.html",
        {
            "transfer": transfer,
            "case": case,
            "person": person,
            "id_number": mask_id_number(person.id_number),
            "form": (form or TransferDecisionForm()) if decides else None,
            # the receiving office reads the case while the transfer waits; afterwards only if it accepted
            "case_visible": Case.objects.visible_to(user).filter(pk=case.pk).exists(),
        },
        status=status,
    )


@login_required
@require_GET
def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    user, transfer = _transfer(request, transfer_id)
    return _render_transfer(request, user, transfer)


def _decide(request: HttpRequest, transfer_id: int, *, accept: bool) -> HttpResponse:
    user, transfer = _transfer(request, transfer_id)

    def run(data: Mapping[str, Any]) -> HttpResponse:
        if accept:
            case = services.accept_transfer(transfer=transfer, by=Actor.of(request), note=data["note"])
            messages.success(request, _("已接收移交，本所开始管理此帮教档案。"))
            return redirect("cases:case", case_id=case.pk)
        services.decline_transfer(transfer=transfer, by=Actor.of(request), note=data["note"])
        messages.success(request, _("已拒绝接收，档案仍由原司法所管理。"))
        return redirect("cases:transfers")

    def page(form: Form, status: int) -> HttpResponse:
        now_user, now_transfer = _transfer(request, transfer_id)
        assert isinstance(form, TransferDecisionForm)
        return _render_transfer(request, now_user, now_transfer, form=form, status=status)

    pending = transfer.status == Transfer.Status.PENDING
    return act(
        request,
        allowed=areas.can(user, capabilities.DECIDE_TRANSFER, transfer),
        refusal=None if pending else _("此移交已处理，或不是发给本所的。"),
        form=TransferDecisionForm(request.POST),
        run=run,
        render=page,
        back=reverse("cases:transfer", args=[transfer.pk]),
    )


@login_required
@require_POST
def transfer_accept(request: HttpRequest, transfer_id: int) -> HttpResponse:
    return _decide(request, transfer_id, accept=True)


@login_required
@require_POST
def transfer_decline(request: HttpRequest, transfer_id: int) -> HttpResponse:
    return _decide(request, transfer_id, accept=False)


@login_required
@require_GET
def transfer_list(request: HttpRequest) -> HttpResponse:
    """Transfers to the user's office (to accept or decline) and those of the cases within reach."""
    user = page_user(request, OFFICER_ROLES)
    visible = Transfer.objects.visible_to(user).select_related("case__person", "from_office", "to_office")
    pending_first = SqlCase(
        When(status=Transfer.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    incoming: list[Transfer] = []
    if user.role == Role.OFFICE_OFFICER:
        incoming = list(visible.filter(to_office_id=user.organisation_id).order_by(pending_first, "-id")[:PAGE_SIZE])
    outgoing = list(visible.exclude(to_office_id=user.organisation_id or 0).order_by(pending_first, "-id")[:PAGE_SIZE])
    shown = {t.case_id: t.case for t in [*incoming, *outgoing]}
    audit_list(request, via="cases.transfer_list", rows=list(shown.values()), key="cases")
    return render(
        request,
        "cases/transfer_list.html",
        {"incoming": incoming, "outgoing": outgoing, "is_office": user.role == Role.OFFICE_OFFICER},
    )


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


def _render_traces(
    request: HttpRequest,
    user: User,
    slug: str,
    *,
    bound: tuple[int, TraceResponseForm] | None = None,
    status: int = 200,
) -> HttpResponseBase:
    tabs = trace_tabs_for(user)
    if not tabs:
        raise PermissionDenied
    tab = TRACE_TABS[slug] if slug else tabs[0]
    if tab not in tabs:
        raise PermissionDenied
    if exports.wants_xlsx(request) and bound is None:
        return exports.xlsx_response(
            request=request, export=TRACE_EXPORT, rows=_trace_rows(user, tab.slug), filters={"tab": tab.slug}
        )
    today = timezone.localdate()
    counts = {t.slug: _trace_rows(user, t.slug).filter(status=TraceRequest.Status.OPEN).count() for t in tabs}
    page = paginate(request, _trace_rows(user, tab.slug))
    rows = []
    for trace in page.object_list:
        is_open = trace.status == TraceRequest.Status.OPEN
        form = None
        if tab.slug == "incoming" and is_open:
            if bound is not None and bound[0] == trace.pk:
                form = bound[1]
            else:
                form = TraceResponseForm(auto_id=f"id_trace{trace.pk}_%s")
        rows.append(TraceRow(trace, Deadline.of(trace.respond_by, running=is_open, today=today), form))
    audit_list(request, via=f"cases.traces.{tab.slug}", rows=[r.trace.case for r in rows], key="cases")
    return render(
        request,
        "cases/traces.html",
        {"tabs": [(t, counts[t.slug]) for t in tabs], "tab": tab, "page": page, "rows": rows, "today": today},
        status=status,
    )


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


# --- the worklist ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkRow:
    item: WorkItem
    url: str | None
    action: str | Promise


@dataclass(frozen=True)
class WorkGroup:
    kind: str
    label: str | Promise
    rows: list[WorkRow]
    overdue: int


def _work_groups(items: Sequence[WorkItem]) -> list[WorkGroup]:
    """The worklist's sections, most pressing first (each kind's ``rank``); each section keeps the worklist's order
    (overdue, then by date)."""
    by_kind: dict[str, list[WorkRow]] = {}
    for item in items:
        source = registry.work_kind_of(item.kind)
        by_kind.setdefault(item.kind, []).append(WorkRow(item, item.url, source.action if source else ""))
    labels = registry.work_labels()
    kinds = sorted(by_kind, key=lambda kind: (registry.work_rank(kind), kind))
    return [WorkGroup(k, labels.get(k, k), by_kind[k], sum(1 for r in by_kind[k] if r.item.overdue)) for k in kinds]


# The worklist as .xlsx, in the page's order (kind, then overdue first): what to do, for whom, by when.
WORKLIST_EXPORT: exports.ListExport[WorkItem] = exports.ListExport(
    name="cases.worklist",
    title=gettext_lazy("待办事项"),
    columns=(
        exports.Column(gettext_lazy("事项"), lambda item: registry.work_labels().get(item.kind, item.kind), width=16),
        exports.Column(gettext_lazy("内容"), lambda item: item.title, width=30),
        exports.Column(gettext_lazy("期限"), lambda item: item.due, width=11),
        exports.Column(gettext_lazy("逾期"), lambda item: item.overdue, width=8),
    ),
    object_type="cases.worklist",
    key=lambda item: item.ref.get("case_id") or item.ref.get("notice_id"),
)


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponseBase:
    """待办事项: the user's due and overdue items (cases.worklist) by kind, each linking to where it is done."""
    user = page_user(request, CASE_ROLES)
    today = timezone.localdate()
    items = worklist_for(user, on=today)
    if exports.wants_xlsx(request):
        if not areas.can(user, capabilities.EXPORT):
            raise PermissionDenied  # as on the case list: the group reads, officers take lists away
        rows = [row.item for group in _work_groups(items) for row in group.rows]
        return exports.xlsx_response(request=request, export=WORKLIST_EXPORT, rows=rows, filters={})
    case_ids = sorted({i.ref["case_id"] for i in items if "case_id" in i.ref})
    notice_ids = sorted({i.ref["notice_id"] for i in items if "notice_id" in i.ref})
    if items:
        with transaction.atomic():
            record_audit(
                actor=Actor.of(request),
                action="person.list",
                object_type="people.person",
                detail={"via": "cases.worklist", "cases": case_ids, "notices": notice_ids},
            )
    return render(
        request,
        "cases/worklist.html",
        {
            "groups": _work_groups(items),
            "total": len(items),
            "overdue": sum(1 for i in items if i.overdue),
            "today": today,
            "exports": areas.can(user, capabilities.EXPORT),
        },
    )
