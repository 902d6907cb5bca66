"""Pages of the hand-over (衔接), DESIGN §2 steps 2–5: the facility's notices, the office's inbox and notice page, the
county's returned queue, the first 72 hours after release, and the alerts.

Every read goes through ``handover.selectors`` (one reach rule, ``visible_to``) and every write through
``handover.services``; a ``DomainError`` from a service goes back onto the form it came from, each message next to
its field. A page a role has no part in answers 403; a notice outside the caller's reach answers 404, like a missing
one. Every page that shows people (names, masked ID numbers) writes one ``person.list`` or ``person.read`` audit row
(DESIGN §8).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.db.models import Count, Q, QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import areas, exports
from core.areas import fire
from core.audit import Actor, client_ip
from core.errors import DomainError
from core.forms import split_list
from core.idnumbers import mask_id_number
from core.pages import Deadline, TimelineEntry, act, audit_list, audit_read, paginate, raise_refusal
from directory.models import OFFICER_ROLES, Organisation, Region, Role, User
from directory.pages import page_user
from directory.reach import in_region_subtree, region_reach_prefix
from directory.services import record_sign_out
from handover import capabilities, selectors, services
from handover import exports as notice_exports
from handover.forms import (
    BackfillForm,
    CheckInForm,
    NoticeFilterForm,
    NoticeForm,
    ReleaseForm,
    RouteForm,
    VerifyForm,
    WithdrawForm,
    add_domain_errors,
)
from handover.hooks import NOTICE_LINKS
from handover.models import Alert, NoticeEvent, ReleaseNotice
from people.models import PreReleaseEducation, RiskLevel
from people.services import PersonData

S = ReleaseNotice.Status
# a deadline this close is flagged, as the nightly scan raises its "due" work items
DUE_SOON_DAYS = services.DUE_SOON_DAYS
RECENT_DAYS = 90  # the inbox's 已衔接 tab: people checked in within this many days
IMPORT_URL = "/handover/import/"  # built by the import page's own module
UNMATCHED_URL = "/api/v1/release-notices/unmatched.xlsx"  # 未衔接: released and not handed over (import_api)
LIVE_SEEN_SALT = "handover.first_72_hours.seen"
LIVE_SEEN_MAX_AGE = 3600  # a poll re-audits at least hourly even when nothing changed
LIVE_OPENED_KEY = "handover.first_72_hours.opened_at"  # when the user last loaded the page itself (not a poll)

FACILITY_ROLES = frozenset({Role.FACILITY_LIAISON})
LIST_ROLES = FACILITY_ROLES | OFFICER_ROLES
ROUTING_ROLES = capabilities.ROUTING_ROLES
FIRST_72_ALERT_KINDS = (
    Alert.Kind.KEY_TARGET_NO_ESCORT,
    Alert.Kind.KEY_TARGET_NOT_CHECKED_IN,
    Alert.Kind.RELEASED_UNVERIFIED,
)
# the alerts that need someone to act now, shown in red; the others are reminders
URGENT_ALERT_KINDS = frozenset({*FIRST_72_ALERT_KINDS, Alert.Kind.MISSED_INTAKE, Alert.Kind.VERIFICATION_OVERDUE})

# How the history timeline names each event row's action (handover.events / services).
EVENT_LABELS: dict[str, Promise] = {
    "sent": gettext_lazy("监所发出通知书"),
    "verified": gettext_lazy("司法所核查确认"),
    "returned": gettext_lazy("退回上级"),
    "routed": gettext_lazy("改派"),
    "withdrawn": gettext_lazy("监所撤回"),
    "released": gettext_lazy("刑满释放"),
    "checked_in": gettext_lazy("报到衔接"),
    "missed": gettext_lazy("逾期未报到，列为漏管"),
    "backfilled": gettext_lazy("司法所补录"),
}


# --- who may see what ------------------------------------------------------------------------------------------------


def _notice(request: HttpRequest, notice_id: int) -> tuple[User, ReleaseNotice]:
    """The notice, if within reach; missing, out of reach and a role with no part in hand-over all look the same."""
    user = request.user
    assert isinstance(user, User)
    if user.role not in LIST_ROLES:
        raise Http404
    try:
        return user, selectors.get_notice_for_user(user, notice_id)
    except DomainError:
        raise Http404 from None


# The capability (handover.capabilities) each form of the notice page asks, as its service does.
FORM_CAPABILITIES = {
    "release_form": capabilities.RELEASE,
    "withdraw_form": capabilities.WITHDRAW,
    "verify_form": capabilities.VERIFY,
    "check_in_form": capabilities.CHECK_IN,
    "route_form": capabilities.ROUTE,
}


@dataclass
class Permissions:
    release: bool
    withdraw: bool
    verify: bool
    check_in: bool
    route: bool

    @property
    def any(self) -> bool:
        return self.release or self.withdraw or self.verify or self.check_in or self.route


def permissions(user: User, notice: ReleaseNotice) -> Permissions:
    """Which forms the notice page offers: who may take each action (``handover.capabilities``, the rules the
    services refuse by) and whether the notice's status allows it now."""
    may = {name.removesuffix("_form"): areas.can(user, cap, notice) for name, cap in FORM_CAPABILITIES.items()}
    before_release = notice.status in (S.AWAITING_VERIFICATION, S.VERIFIED, S.RETURNED)
    return Permissions(
        release=may["release"] and before_release,
        withdraw=may["withdraw"] and before_release,
        verify=may["verify"]
        and (
            notice.status == S.AWAITING_VERIFICATION or (notice.status == S.RELEASED and not notice.verification_result)
        ),
        check_in=may["check_in"] and notice.status in (S.RELEASED, S.MISSED),
        route=may["route"] and notice.status == S.RETURNED,
    )


# --- small helpers for the templates ---------------------------------------------------------------------------------


def _townships(user: User) -> list[tuple[str, str]]:
    """Townships for the region inputs' datalist: those of the user's province (a facility sends mostly there; any
    other 12-digit code may still be typed). Capped: a datalist of every township in China would be 40k rows."""
    code = user.region_code or ""
    qs = Region.objects.filter(level=Region.Level.TOWNSHIP)
    if code:
        qs = qs.filter(code__startswith=code[:2])
    return list(qs.order_by("code").values_list("code", "name")[:2000])


def _person_data(data: dict[str, Any]) -> PersonData:
    return PersonData(
        name=data.get("name") or "",
        gender=data.get("gender") or "",
        birth_date=data.get("birth_date"),
        id_number=data.get("id_number") or "",
        hukou_region=(data.get("hukou_region") or "").strip(),
        residence_region=(data.get("residence_region") or "").strip(),
        residence_address=data.get("residence_address") or "",
        former_names=data.get("former_names") or "",
        ethnicity=data.get("ethnicity") or "",
        phone=data.get("phone") or "",
    )


def _field_values(form: Form) -> dict[str, Any]:
    """What the form could parse, for the service's validation: a field the form refused counts as empty, and keeps
    the form's own message (``add_domain_errors`` does not overwrite it)."""
    form.is_valid()
    return dict(getattr(form, "cleaned_data", {}))


def _export(
    request: HttpRequest,
    export: exports.ListExport[ReleaseNotice],
    notices: QuerySet[ReleaseNotice],
    filters: dict[str, Any],
) -> FileResponse:
    """The page's list as .xlsx: the very queryset the page pages (its reach and filters), every page of it, with
    the relations the columns read. The export's audit row replaces the page's ``person.list`` row."""
    rows = notice_exports.with_export_relations(notices)
    return exports.xlsx_response(request=request, export=export, rows=rows, filters=filters)


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


# --- the notice page and its actions ---------------------------------------------------------------------------------


def _timeline(events: Sequence[NoticeEvent]) -> list[TimelineEntry]:
    codes = {str(e.data.get(k)) for e in events for k in ("receiving_office", "office") if e.data.get(k)}
    names = dict(Organisation.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    results = dict(ReleaseNotice.VerificationResult.choices)
    methods = dict(ReleaseNotice.CheckInMethod.choices)
    entries = []
    for event in events:
        data, details = event.data or {}, []
        office = data.get("receiving_office") or data.get("office")
        if office:
            details.append(_("接收单位：%(name)s") % {"name": names.get(office, office)})
        if data.get("result"):
            details.append(_("核查结果：%(result)s") % {"result": results.get(data["result"], data["result"])})
        if data.get("released_on"):
            details.append(_("释放日期：%(day)s") % {"day": data["released_on"]})
        if "escorted" in data:
            details.append(
                {True: _("必接必送：已接回"), False: _("必接必送：未接送"), None: _("未登记接送情况")}[data["escorted"]]
            )
        if data.get("checked_in_on"):
            details.append(_("报到日期：%(day)s") % {"day": data["checked_in_on"]})
        if data.get("method"):
            details.append(_("报到方式：%(method)s") % {"method": methods.get(data["method"], data["method"])})
        if data.get("late"):
            details.append(_("逾期报到（仍计入漏管）"))
        if data.get("facility"):
            details.append(_("原服刑监所：%(name)s") % {"name": data["facility"]})
        entries.append(TimelineEntry(event, EVENT_LABELS.get(event.action, event.action), details))
    return entries


@dataclass(frozen=True)
class Step:
    label: str | Promise
    state: str  # done / current / late / returned / todo
    day: dt.date | None


def _steps(notice: ReleaseNotice) -> list[Step]:
    """The four steps of the hand-over (DESIGN §2 steps 2–5) and where this notice stands on them."""
    confirmed = notice.verification_result == ReleaseNotice.VerificationResult.CONFIRMED
    if notice.status == S.RETURNED:
        verify = "returned"
    elif confirmed:
        verify = "done"
    elif notice.status == S.AWAITING_VERIFICATION:
        verify = "current"
    else:
        verify = "late" if notice.released_on else "todo"  # released before the office verified
    release = "done" if notice.released_on else ("current" if notice.status == S.VERIFIED else "todo")
    if notice.checked_in_on:
        check_in = "done"
    elif notice.status == S.MISSED:
        check_in = "late"
    else:
        check_in = "current" if notice.status == S.RELEASED else "todo"
    return [
        Step(gettext_lazy("发出通知"), "done", notice.sent_on),
        Step(gettext_lazy("核查"), verify, notice.verified_on),
        Step(gettext_lazy("释放"), release, notice.released_on),
        Step(gettext_lazy("报到衔接"), check_in, notice.checked_in_on),
    ]


def _route_offices(user: User) -> list[tuple[str, str]]:
    """The active justice offices within the officer's reach, to route a returned notice to (one query)."""
    prefix = region_reach_prefix(user)
    if prefix is None:
        return []
    return list(
        Organisation.objects.filter(kind=Organisation.Kind.JUSTICE_OFFICE, is_active=True)
        .filter(in_region_subtree(prefix, "region"))
        .order_by("region_id", "code")
        .values_list("code", "name")
    )


def _render_notice(
    request: HttpRequest, user: User, notice: ReleaseNotice, *, bound: dict[str, Form] | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    can = permissions(user, notice)
    bound = bound or {}
    forms: dict[str, Form | None] = {
        "verify_form": (bound.get("verify_form") or VerifyForm()) if can.verify else None,
        "check_in_form": (bound.get("check_in_form") or CheckInForm()) if can.check_in else None,
        "release_form": (bound.get("release_form") or ReleaseForm()) if can.release else None,
        "withdraw_form": (bound.get("withdraw_form") or WithdrawForm()) if can.withdraw else None,
        "route_form": (bound.get("route_form") or RouteForm(offices=_route_offices(user))) if can.route else None,
    }
    audit_read(request, person_id=notice.person_id, via="handover.notice_page", notice=notice.pk)
    custody = notice.custody
    # the areas above (the cases) say what the page links to: the case opened at check-in
    links = fire(NOTICE_LINKS, user=user, notice=notice)
    return render(
        request,
        "handover/notice_detail.html",
        {
            "notice": notice,
            "person": notice.person,
            "id_number": mask_id_number(notice.person.id_number),
            "steps": _steps(notice),
            "custody": custody,
            "risk_level": dict(RiskLevel.choices).get(custody.risk_level, "") if custody else "",
            "education": [dict(PreReleaseEducation.choices).get(e, e) for e in custody.pre_release_education]
            if custody
            else [],
            "case": links.get("case"),
            "case_url": links.get("case_url"),
            "timeline": _timeline(list(notice.events.all())),
            "alerts": list(notice.alerts.filter(resolved_on__isnull=True).order_by("raised_on", "id")),
            "verify_by": Deadline.of(
                notice.verify_by, running=notice.status == S.AWAITING_VERIFICATION, today=today, soon=DUE_SOON_DAYS
            ),
            "check_in_by": Deadline.of(
                notice.check_in_by, running=notice.status == S.RELEASED, today=today, soon=DUE_SOON_DAYS
            ),
            "can": can,
            "today": today,
            **forms,
        },
        status=status,
    )


@login_required
@require_GET
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    user, notice = _notice(request, notice_id)
    return _render_notice(request, user, notice)


# What each notice form does, in the words of the service's conflict ("状态为“已核查”的通知书不能核查").
ACTION_VERBS: dict[str, Promise] = {
    "verify_form": gettext_lazy("verified"),
    "check_in_form": gettext_lazy("checked in"),
    "release_form": gettext_lazy("released"),
    "withdraw_form": gettext_lazy("withdrawn"),
    "route_form": gettext_lazy("routed"),
}


def _state_refusal(notice: ReleaseNotice, form_name: str) -> str:
    """Why the notice page no longer offers a form to a user who may take the action: the service's own words."""
    return _("A notice that is %(status)s cannot be %(action)s.") % {
        "status": notice.get_status_display(),
        "action": ACTION_VERBS[form_name],
    }


def _act(
    request: HttpRequest,
    notice_id: int,
    *,
    form_name: str,
    form: Form,
    action: Callable[[ReleaseNotice, dict[str, Any]], HttpResponse],
) -> HttpResponse:
    """POST of one of the notice page's forms (``core.pages.act``): a role that may never take this action on this
    notice is refused (403); a form the page no longer offers (the notice moved on) goes back to the notice page with
    the reason on top; then the form, then ``action`` (a service call answering a redirect)."""
    user, notice = _notice(request, notice_id)
    offered = getattr(permissions(user, notice), form_name.removesuffix("_form"))

    def render(bound: Form, status: int) -> HttpResponse:
        # the service rolled back, or nothing ran: the notice as it now is
        now_user, now_notice = _notice(request, notice_id)
        return _render_notice(request, now_user, now_notice, bound={form_name: bound}, status=status)

    return act(
        request,
        allowed=areas.can(user, FORM_CAPABILITIES[form_name], notice),
        refusal=None if offered else _state_refusal(notice, form_name),
        form=form,
        run=lambda data: action(notice, dict(data)),
        render=render,
        back=reverse("handover:notice", args=[notice.pk]),
        errors_onto=add_domain_errors,
    )


@login_required
@require_POST
def notice_verify(request: HttpRequest, notice_id: int) -> HttpResponse:
    def action(notice: ReleaseNotice, data: dict[str, Any]) -> HttpResponse:
        notice = services.verify_notice(notice=notice, result=data["result"], note=data["note"], by=Actor.of(request))
        if notice.status == S.RETURNED:
            # returned up: the office no longer reaches it, so it goes back to the inbox
            messages.success(request, _("已退回%(office)s改派。") % {"office": notice.receiving_office.name})
            return redirect("handover:inbox")
        messages.success(request, _("核查结果已反馈：核实无误。"))
        return redirect("handover:notice", notice_id=notice.pk)

    return _act(
        request,
        notice_id,
        form_name="verify_form",
        form=VerifyForm(request.POST),
        action=action,
    )


@login_required
@require_POST
def notice_check_in(request: HttpRequest, notice_id: int) -> HttpResponse:
    def action(notice: ReleaseNotice, data: dict[str, Any]) -> HttpResponse:
        opened = services.check_in(
            notice=notice, checked_in_on=data["checked_in_on"], method=data["method"], by=Actor.of(request)
        )
        messages.success(request, _("已报到，帮教档案已建立（档案编号 %(id)s）。") % {"id": opened["case_id"]})
        return redirect("handover:notice", notice_id=notice.pk)

    return _act(
        request,
        notice_id,
        form_name="check_in_form",
        form=CheckInForm(request.POST),
        action=action,
    )


@login_required
@require_POST
def notice_release(request: HttpRequest, notice_id: int) -> HttpResponse:
    def action(notice: ReleaseNotice, data: dict[str, Any]) -> HttpResponse:
        staff, family = split_list(data["escort_staff"]), split_list(data["escort_family"])
        vehicle = (data["escort_vehicle"] or "").strip()
        escort = services.Escort(escorted=bool(data["escorted"]), staff=staff, family=family, vehicle=vehicle)
        notice = services.record_release(
            notice=notice, released_on=data["released_on"], escort=escort, by=Actor.of(request)
        )
        messages.success(
            request,
            _("释放已登记，报到期限 %(day)s。")
            % {"day": notice.check_in_by.isoformat() if notice.check_in_by else "—"},
        )
        return redirect("handover:notice", notice_id=notice.pk)

    return _act(
        request,
        notice_id,
        form_name="release_form",
        form=ReleaseForm(request.POST),
        action=action,
    )


@login_required
@require_POST
def notice_withdraw(request: HttpRequest, notice_id: int) -> HttpResponse:
    def action(notice: ReleaseNotice, data: dict[str, Any]) -> HttpResponse:
        services.withdraw_notice(notice=notice, reason=data["reason"], by=Actor.of(request))
        messages.success(request, _("通知书已撤回。"))
        return redirect("handover:notice", notice_id=notice.pk)

    return _act(
        request,
        notice_id,
        form_name="withdraw_form",
        form=WithdrawForm(request.POST),
        action=action,
    )


@login_required
@require_POST
def notice_route(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)

    def action(notice: ReleaseNotice, data: dict[str, Any]) -> HttpResponse:
        office = Organisation.objects.select_related("region").get(code=data["office"])
        notice = services.route_notice(notice=notice, office=office, note=data["note"], by=Actor.of(request))
        messages.success(
            request,
            _("已改派至%(office)s，核查期限 %(day)s。") % {"office": office.name, "day": notice.verify_by.isoformat()},
        )
        return redirect("handover:returned")

    return _act(
        request,
        notice_id,
        form_name="route_form",
        form=RouteForm(request.POST, offices=_route_offices(user)),
        action=action,
    )


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


@login_required
@require_GET
def inbox(request: HttpRequest, tab: str = "verify") -> HttpResponseBase:
    """The office's work: notices to verify, people to check in, missed intakes, and recent hand-overs. A county or
    city officer sees the same for every office of their region."""
    user = page_user(request, OFFICER_ROLES)
    today = timezone.localdate()
    tabs = _inbox_tabs(today)
    current = next(t for t in tabs if t.slug == tab)
    notices = (
        ReleaseNotice.objects.visible_to(user)
        .filter(current.condition)
        .select_related("person", "receiving_office", "facility")
        .order_by(*current.order)
    )
    if exports.wants_xlsx(request):
        return _export(request, notice_exports.INBOX[current.slug], notices, {"tab": current.slug})
    # the four tab counts in one query
    counts = ReleaseNotice.objects.visible_to(user).aggregate(**{t.slug: Count("id", filter=t.condition) for t in tabs})
    page = paginate(request, notices)
    running = current.slug in ("verify", "check_in")
    rows = [
        InboxRow(
            n,
            mask_id_number(n.person.id_number),
            Deadline.of(
                getattr(n, current.deadline) if current.deadline else None,
                running=running,
                today=today,
                soon=DUE_SOON_DAYS,
            ),
        )
        for n in page.object_list
    ]
    audit_list(request, via=f"handover.inbox.{current.slug}", rows=[r.notice for r in rows], key="notices")
    return render(
        request,
        "handover/inbox.html",
        {
            "tabs": [(t, counts[t.slug]) for t in tabs],
            "tab": current,
            "page": page,
            "rows": rows,
            "today": today,
            "many_offices": user.role != Role.OFFICE_OFFICER,
            "can_backfill": areas.can(user, capabilities.BACKFILL),
            "can_route": areas.can(user, capabilities.ROUTE),
            # 未衔接 (released, not yet handed over: the 待报到 and 漏管 tabs together), within the same reach
            "unmatched_url": UNMATCHED_URL if current.slug in ("check_in", "missed") else None,
        },
    )


@dataclass(frozen=True)
class ReturnedRow:
    notice: ReleaseNotice
    id_number: str  # masked
    returned: NoticeEvent | None
    form: RouteForm


@login_required
@require_GET
def returned(request: HttpRequest) -> HttpResponseBase:
    """退回待改派: notices an office sent back (not its person, identity mismatch), each with its routing form."""
    user = page_user(request, ROUTING_ROLES)
    offices = _route_offices(user)
    notices = (
        ReleaseNotice.objects.visible_to(user)
        .filter(status=S.RETURNED)
        .select_related("person__hukou_region", "facility", "receiving_office")
        .prefetch_related("events")  # who returned it and why: one query for the page
        .order_by("updated_at", "id")
    )
    if exports.wants_xlsx(request):
        # who returned each notice and when: the events, one query per chunk of rows
        returned_notices = notice_exports.with_export_relations(notices).prefetch_related("events")
        return exports.xlsx_response(request=request, export=notice_exports.RETURNED, rows=returned_notices, filters={})
    page = paginate(request, notices)
    rows = []
    for notice in page.object_list:
        last_return = next((e for e in reversed(list(notice.events.all())) if e.action == "returned"), None)
        form = RouteForm(offices=offices, auto_id=f"id_route{notice.pk}_%s")
        rows.append(ReturnedRow(notice, mask_id_number(notice.person.id_number), last_return, form))
    audit_list(request, via="handover.returned", rows=[r.notice for r in rows], key="notices")
    return render(request, "handover/returned.html", {"page": page, "rows": rows, "has_offices": bool(offices)})


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


# --- the first 72 hours ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveRow:
    notice: ReleaseNotice
    day: int  # 1 on the release day
    state: str  # handed_over / escorted / no_escort / waiting
    alerts: list[Alert]


def _live(user: User, *, export: bool = False) -> dict[str, Any]:
    today = timezone.localdate()
    notices = selectors.released_today(user=user, on=today).prefetch_related(None)
    # the export's columns read every relation of the notice; the page (polled every 30 s) only these three
    notices = (
        notice_exports.with_export_relations(notices)
        if export
        else notices.select_related("person", "receiving_office", "facility")
    )
    alerts = list(
        selectors.open_alerts_for(user)
        .filter(kind__in=FIRST_72_ALERT_KINDS)
        .select_related("notice__receiving_office")
        .order_by("-raised_on", "-id")[:200]
    )
    by_notice: dict[int, list[Alert]] = {}
    for alert in alerts:
        by_notice.setdefault(alert.notice_id, []).append(alert)
    rows = []
    for notice in list(notices):
        if notice.status == S.HANDED_OVER:
            state = "handed_over"
        elif notice.escorted:
            state = "escorted"
        elif notice.key_target:
            state = "no_escort"
        else:
            state = "waiting"
        assert notice.released_on is not None
        rows.append(LiveRow(notice, (today - notice.released_on).days + 1, state, by_notice.get(notice.pk, [])))
    ids = sorted({row.notice.pk for row in rows} | {a.notice_id for a in alerts})
    return {
        "rows": rows,
        "alerts": alerts,
        "summary": {
            "released": len(rows),
            "handed_over": sum(r.state == "handed_over" for r in rows),
            "escorted": sum(bool(r.notice.escorted) for r in rows),
            "waiting": sum(r.state != "handed_over" for r in rows),
            "no_escort": sum(r.state == "no_escort" for r in rows),
        },
        "ids": ids,
        "seen": signing.dumps(ids, salt=LIVE_SEEN_SALT),
        "updated_at": timezone.localtime(),
        "since": today - dt.timedelta(days=2),
        "today": today,
    }


def _audit_live(request: HttpRequest, context: dict[str, Any], *, via: str) -> None:
    notices = [row.notice for row in context["rows"]] + [a.notice for a in context["alerts"]]
    audit_list(request, via=via, rows=list({n.pk: n for n in notices}.values()), key="notices")


@login_required
@require_GET
def first_72_hours(request: HttpRequest) -> HttpResponseBase:
    """释放后72小时: the people released in the last three days and how their hand-over stands, refreshed live."""
    user = page_user(request, OFFICER_ROLES)
    if exports.wants_xlsx(request):
        # the people released in the last three days (the page's list), each with its open alerts
        live = _live(user, export=True)
        filters = {"from": live["since"], "to": live["today"]}
        return exports.xlsx_response(
            request=request, export=notice_exports.FIRST_72_HOURS, rows=live["rows"], filters=filters
        )
    request.session[LIVE_OPENED_KEY] = time.time()
    context = _live(user)
    _audit_live(request, context, via="handover.first_72_hours")
    return render(request, "handover/first_72_hours.html", context)


@require_GET
def first_72_hours_live(request: HttpRequest) -> HttpResponse:
    """The 30-second refresh of the first-72-hours page (htmx polls it and swaps it in).

    Audit: the poll re-shows what the page already recorded, so it writes a row only when the people shown change.
    It learns what was shown from ``seen``, the list of notice ids it signed into the previous answer; a client
    cannot forge it to hide a read, and it expires after an hour, after which the poll records again.
    """
    opened = request.session.get(LIVE_OPENED_KEY)
    if request.user.is_authenticated and opened is not None and time.time() - opened > settings.SESSION_COOKIE_AGE:
        # Every request renews the session (SESSION_SAVE_EVERY_REQUEST is the idle timeout), so a poll every 30 s
        # would keep an unattended screen signed in for ever. A poll is not the user's activity: once the page has
        # sat untouched for the idle timeout, sign the user out as the timeout would have.
        assert isinstance(request.user, User)
        sign_out_user = request.user
        logout(request)
        record_sign_out(user=sign_out_user, ip=client_ip(request))
    if not request.user.is_authenticated:
        # the session ran out while the page sat open: take the whole tab to the sign-in page, not just the panel
        if request.headers.get("HX-Request"):
            login = f"{reverse('directory:login')}?next={reverse('handover:first_72_hours')}"
            return HttpResponse(headers={"HX-Redirect": login})
        return redirect_to_login(request.get_full_path())
    user = page_user(request, OFFICER_ROLES)
    context = _live(user)
    try:
        seen = signing.loads(request.GET.get("seen", ""), salt=LIVE_SEEN_SALT, max_age=LIVE_SEEN_MAX_AGE)
    except signing.BadSignature:
        seen = None
    if seen != context["ids"]:
        _audit_live(request, context, via="handover.first_72_hours.live")
    return render(request, "handover/_first_72_hours_live.html", context)


# --- alerts ----------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponseBase:
    """Open hand-over alerts and work items within reach, newest first, filtered by kind."""
    user = page_user(request, OFFICER_ROLES)
    kind = request.GET.get("kind", "")
    if kind not in Alert.Kind.values:
        kind = ""
    open_alerts = selectors.open_alerts_for(user).select_related("notice__receiving_office")
    shown = (open_alerts.filter(kind=kind) if kind else open_alerts).order_by("-raised_on", "-id")
    if exports.wants_xlsx(request):
        rows_shown = notice_exports.alerts_with_export_relations(shown)
        return exports.xlsx_response(
            request=request, export=notice_exports.ALERTS, rows=rows_shown, filters={"kind": kind}
        )
    counts = dict(open_alerts.order_by().values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    page = paginate(request, shown)
    rows = list(page.object_list)
    audit_list(request, via="handover.alerts", rows=[a.notice for a in rows], key="notices", kind=kind)
    return render(
        request,
        "handover/alerts.html",
        {
            "page": page,
            "rows": rows,
            "kind": kind,
            "kinds": [(value, label, counts.get(value, 0)) for value, label in Alert.Kind.choices],
            "total": sum(counts.values()),
            "urgent": URGENT_ALERT_KINDS,
        },
    )
