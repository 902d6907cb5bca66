"""The referrals part's pages: its section of the case's 救助与就业 tab (the case's referrals with their clock, the
form to send one, the button that issues a one-time link), the referral inbox (incoming / outgoing, overdue first,
.xlsx), the referral page where the department decides, and the public one-time-link page (no sign-in, no
navigation: its own minimal template)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assistance import capabilities
from assistance.forms.referrals import (
    DECISION_CHOICES,
    LINK_CHOICES,
    DecisionForm,
    DepartmentEndForm,
    EndForm,
    InboxFilterForm,
    ReferralForm,
    RenewForm,
)
from assistance.models import DEPARTMENT, MONTHLY_SCHEMES, PartnerLink, Referral, Scheme
from assistance.partner_links import link_path
from assistance.selectors.referrals import case_referrals, get_referral_for_user, office_contact, referrals_for
from assistance.services import referrals as services
from cases.models import Case, CaseEvent
from core import areas, exports
from core.actions import ObjectPage, action_view, object_view
from core.audit import Actor
from core.errors import DomainError
from core.idnumbers import mask_id_number
from core.pages import Deadline, Filters, ListPage, audit_read, raise_refusal, refuse, show_list
from directory.models import Organisation, Role, User
from directory.pages import object_page, page_user

R = Role
PARTNER_ROLES = frozenset({R.PARTNER_OFFICER})
INBOX_ROLES = frozenset({R.PARTNER_OFFICER, R.OFFICE_OFFICER, R.COUNTY_OFFICER, R.CITY_OFFICER, R.PROVINCE_OFFICER})
REFERRAL_ROLES = INBOX_ROLES | {R.NATIONAL_OFFICER}
Data = dict[str, Any]


def _scheme(code: str) -> str:
    return str(Scheme(code).label) if code in Scheme.values else code


# --- the timeline ----------------------------------------------------------------------------------------------------


def _amount(data: Mapping[str, Any]) -> str:
    if not data.get("amount"):
        return ""
    return (_("%(a)s 元/月") if data.get("monthly") else _("%(a)s 元")) % {"a": data["amount"]}


def _submitted(event: CaseEvent) -> list[str]:
    d = event.data
    lines = [_("事项：%(s)s") % {"s": _scheme(d.get("scheme", ""))}, _("回复期限：%(d)s") % {"d": d.get("respond_by")}]
    if d.get("urgent"):
        lines.append(_("急难情形"))
    return lines


def _decided(event: CaseEvent) -> list[str]:
    d = event.data
    lines = [
        text
        for text in (
            _("文号：%(r)s") % {"r": d["reference"]} if d.get("reference") else "",
            _("金额：%(a)s") % {"a": _amount(d)} if d.get("amount") else "",
            _("起始：%(d)s") % {"d": d["starts_on"]} if d.get("starts_on") else "",
            _("复审：%(d)s") % {"d": d["review_on"]} if d.get("review_on") else "",
            _("理由：%(r)s") % {"r": d["reason"]} if d.get("reason") else "",
            _("经一次性链接办理") if d.get("link") else "",
        )
        if text
    ]
    return lines


EVENT_DETAILS: dict[str, Callable[[CaseEvent], list[str]]] = {
    "referral_submitted": _submitted,
    "referral_under_review": _decided,
    "referral_approved": _decided,
    "referral_rejected": _decided,
    "referral_review_due": lambda e: [_("复审日期：%(d)s") % {"d": e.data.get("review_on")}],
    "referral_renewed": lambda e: [_("复审后继续享受，下次复审：%(d)s") % {"d": e.data.get("review_on")}],
    "referral_ended": lambda e: [
        _("终止日期：%(d)s") % {"d": e.data.get("ended_on")},
        _("原因：%(r)s") % {"r": e.data.get("reason", "")},
    ],
    "referral_escalated": lambda e: [_("回复期限 %(d)s 已过，已上报县级安帮办督办") % {"d": e.data.get("respond_by")}],
    "partner_link_issued": lambda e: [_("有效期至：%(d)s") % {"d": str(e.data.get("expires_at", ""))[:10]}],
}


# --- the section of the 救助与就业 tab ------------------------------------------------------------------------------


def department_choices(case: Case) -> list[tuple[str, list[tuple[str, str]]]]:
    """The active partner departments of the case's province, grouped by kind, the case's own county first."""
    kinds = sorted(set(DEPARTMENT.values()))
    rows = list(
        Organisation.objects.filter(kind__in=kinds, is_active=True, region__code__startswith=case.region_id[:2])
        .order_by("kind", "region_id", "code")
        .values_list("code", "name", "kind", "region_id")
    )
    county = case.region_id[:6]
    rows.sort(key=lambda row: (row[2], not row[3].startswith(county), row[3], row[0]))
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, name, kind, _region in rows:
        groups.setdefault(str(Organisation.Kind(kind).label), []).append((code, name))
    return list(groups.items())


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    deadline: Deadline
    may_link: bool  # the button that issues a one-time link
    end_form: Form | None


def _end_form(referral: Referral, bound: Mapping[str, Form]) -> Form:
    posted = bound.get("referral_end_form")
    if posted is not None and str(posted.data.get("referral")) == str(referral.pk):
        return posted
    return EndForm(initial={"referral": referral.pk}, auto_id=f"id_end{referral.pk}_%s")


def _tab_rows(user: User, case: Case, today: dt.date, bound: Mapping[str, Form]) -> list[ReferralRow]:
    manage = case.status != Case.Status.CLOSED and areas.can(user, capabilities.MANAGE, case)
    rows = []
    for referral in case_referrals(case.pk):
        pending = referral.status in Referral.PENDING
        link = pending and manage
        end = _end_form(referral, bound) if manage and referral.status in Referral.IN_FORCE else None
        rows.append(ReferralRow(referral, Deadline.of(referral.respond_by, running=pending, today=today), link, end))
    return rows


def tab_section(request: HttpRequest, user: User, case: Case, bound: Mapping[str, Form]) -> str:
    """The case's referrals with their clock, status and decision; for the managing office the form to send one and
    a button per pending referral that issues a one-time link (the URL shown once, in the message on top)."""
    manage = case.status != Case.Status.CLOSED and areas.can(user, capabilities.MANAGE, case)
    form = None
    if manage:
        form = bound.get("referral_form") or ReferralForm(departments=department_choices(case))
    return render_to_string(
        "assistance/_referrals.html",
        {
            "case": case,
            "rows": _tab_rows(user, case, timezone.localdate(), bound),
            "referral_form": form,
            "open_form": next(iter(bound), ""),
            "monthly": MONTHLY_SCHEMES,
            "show_amounts": areas.can(user, capabilities.READ_AMOUNTS, case),
        },
        request=request,
    )


@dataclass(frozen=True)
class SendReferral:
    """送转介: the case tab's form (``assistance:case_referral``)."""

    name: str = "referral"
    capability: str = capabilities.MANAGE

    @property
    def form_name(self) -> str:
        return f"{self.name}_form"

    def refusal_for(self, user: User, case: Case) -> str | Promise | None:
        return _("档案已解除，不能再转介。") if case.status == Case.Status.CLOSED else None

    def bind(self, user: User, case: Case, data: QueryDict | None) -> Form:
        return ReferralForm(data, departments=department_choices(case))

    def perform(self, case: Case, data: Data, by: Actor) -> tuple[str, str]:
        referral = services.submit_referral(
            case=case, scheme=data["scheme"], to=data["to"], reason=data["reason"], urgent=data["urgent"], by=by
        )
        message = _("已向%(org)s转介%(scheme)s，回复期限 %(day)s。") % {
            "org": referral.to_organisation.name,
            "scheme": _scheme(referral.scheme),
            "day": referral.respond_by.isoformat(),
        }
        return message, reverse("assistance:case", args=[case.pk]) + f"#referral-{referral.pk}"


@login_required
@require_POST
def issue_link(request: HttpRequest, referral_id: int) -> HttpResponse:
    """生成一次性链接 for one pending referral (the tab's button): the absolute URL is shown once, in the message the
    tab shows next; only its hash is kept. A view of its own rather than a tab action: the URL needs the request's
    host. The managing office only (``LINK``, else 403); out of reach 404."""
    user = page_user(request, REFERRAL_ROLES)
    try:
        referral = get_referral_for_user(user, referral_id)
    except DomainError:
        raise Http404 from None
    back = reverse("assistance:case", args=[referral.case_id]) + f"#referral-{referral.pk}"
    if not areas.can(user, capabilities.LINK, referral):
        raise PermissionDenied
    try:
        link, token = services.issue_partner_link(referral=referral, by=Actor.of(request))
    except DomainError as exc:
        raise_refusal(exc)
        return refuse(request, exc.message, back)
    messages.success(
        request,
        _("一次性链接（仅显示这一次，请复制后发给%(org)s，%(day)s 前有效）：%(url)s")
        % {
            "org": referral.to_organisation.name,
            "day": timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M"),
            "url": request.build_absolute_uri(link_path(token)),
        },
    )
    return redirect(back)


@dataclass(frozen=True)
class EndBenefit:
    """终止救助: the managing office records that a benefit in force stopped (``assistance:case_referral_end``)."""

    name: str = "referral_end"
    capability: str = capabilities.MANAGE

    @property
    def form_name(self) -> str:
        return f"{self.name}_form"

    def refusal_for(self, user: User, case: Case) -> str | Promise | None:
        return _("档案已解除。") if case.status == Case.Status.CLOSED else None

    def bind(self, user: User, case: Case, data: QueryDict | None) -> Form:
        referral = data.get("referral", "") if data is not None else ""
        return EndForm(data, auto_id=f"id_end{referral}_%s")

    def perform(self, case: Case, data: Data, by: Actor) -> tuple[str, str]:
        referral = case.referrals.filter(pk=data["referral"]).first()
        if referral is None:
            raise DomainError("not_found", "not found", status=404)
        services.end_referral(referral=referral, ended_on=data["ended_on"], reason=data["reason"], by=by)
        return _("已记录救助终止。"), reverse("assistance:case", args=[case.pk]) + f"#referral-{referral.pk}"


# The action forms of this part's section of the tab; each posts to assistance:case_<name> (views.case_tab).
ACTIONS: list[Any] = [SendReferral(), EndBenefit()]


# --- the inbox -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxTab:
    slug: str
    label: str | Promise
    note: str | Promise


INBOX_TABS = {
    "incoming": InboxTab(
        "incoming", gettext_lazy("收到的转介"), gettext_lazy("转介到本部门的救助事项：请在回复期限内受理并作出决定。")
    ),
    "outgoing": InboxTab(
        "outgoing", gettext_lazy("发出的转介"), gettext_lazy("辖区帮教对象转介到协作部门的救助事项及其结果。")
    ),
}


def inbox_tabs_for(user: User) -> list[InboxTab]:
    if user.role == R.PARTNER_OFFICER:
        return [INBOX_TABS["incoming"]]
    return [INBOX_TABS["outgoing"]]


@dataclass(frozen=True)
class InboxRow:
    referral: Referral
    deadline: Deadline
    id_number: str


REFERRAL_EXPORT: exports.ListExport[Referral] = exports.ListExport(
    name="assistance.referrals",
    title=gettext_lazy("救助转介"),
    columns=(
        exports.Column(gettext_lazy("姓名"), lambda r: r.case.person.name, width=10),
        exports.id_number_column(gettext_lazy("公民身份号码（脱敏）"), lambda r: r.case.person.id_number),
        exports.Column(gettext_lazy("救助事项"), lambda r: r.get_scheme_display(), width=16),
        exports.Column(gettext_lazy("转介单位"), lambda r: r.from_office.name, width=22),
        exports.Column(gettext_lazy("转介部门"), lambda r: r.to_organisation.name, width=22),
        exports.Column(gettext_lazy("转介日期"), lambda r: r.submitted_on, width=11),
        exports.Column(gettext_lazy("回复期限"), lambda r: r.respond_by, width=11),
        exports.Column(gettext_lazy("状态"), lambda r: r.get_status_display(), width=8),
        exports.Column(gettext_lazy("决定日期"), lambda r: r.decided_on, width=11),
        exports.Column(gettext_lazy("文号"), lambda r: r.reference, width=16),
        exports.Column(gettext_lazy("金额（元）"), lambda r: r.amount, width=10),
        exports.Column(gettext_lazy("起始日期"), lambda r: r.starts_on, width=11),
        exports.Column(gettext_lazy("复审日期"), lambda r: r.review_on, width=11),
        exports.Column(gettext_lazy("逾期督办"), lambda r: r.escalated_on, width=11),
        exports.Column(gettext_lazy("转介理由"), lambda r: r.reason, width=30),
    ),
    key=lambda r: r.case.person_id,
)


def _inbox_rows(slug: str) -> Callable[[User, Filters], Any]:
    def rows(user: User, data: Filters) -> Any:
        return referrals_for(user, slug, status=data.get("status") or None, scheme=data.get("scheme") or None)

    return rows


def _inbox_page_rows(referrals: Sequence[Referral], today: dt.date, context: Mapping[str, Any]) -> list[Any]:
    return [
        InboxRow(
            r,
            Deadline.of(r.respond_by, running=r.status in Referral.PENDING, today=today),
            mask_id_number(r.case.person.id_number),
        )
        for r in referrals
    ]


def _inbox_context(slug: str) -> Callable[[User, Filters, QueryDict], dict[str, Any]]:
    def context(user: User, data: Filters, raw: QueryDict) -> dict[str, Any]:
        return {"tab": INBOX_TABS[slug], "tabs": inbox_tabs_for(user)}

    return context


def _inbox(slug: str) -> ListPage[Referral]:
    return ListPage(
        template="assistance/referral_inbox.html",
        filters=lambda query: InboxFilterForm(query or None),
        rows=_inbox_rows(slug),
        page_rows=_inbox_page_rows,
        audited=lambda row: row.referral.case,
        audit_via=f"assistance.referrals.{slug}",
        audit_key="cases",
        export=REFERRAL_EXPORT,
        export_filters=lambda data, raw: {"tab": slug, "status": data.get("status"), "scheme": data.get("scheme")},
        context=_inbox_context(slug),
    )


INBOX: dict[str, ListPage[Referral]] = {slug: _inbox(slug) for slug in INBOX_TABS}


@login_required
@require_GET
def inbox(request: HttpRequest) -> Any:
    """转介: a department's incoming referrals, an office's (or the county's and above) outgoing ones; pending first,
    the oldest deadline first, so the overdue lead."""
    user = page_user(request, INBOX_ROLES)
    tab = inbox_tabs_for(user)[0]
    return show_list(request, INBOX[tab.slug], user=user)


# --- the referral page -----------------------------------------------------------------------------------------------


def _load(request: HttpRequest, referral_id: int) -> tuple[User, Referral]:
    return object_page(request, REFERRAL_ROLES, get_referral_for_user, referral_id)


def _render(
    request: HttpRequest, user: User, referral: Referral, bound: Mapping[str, Form], status: int
) -> HttpResponse:
    pending = referral.status in Referral.PENDING
    department = areas.can(user, capabilities.RESPOND, referral)
    form = None
    if pending and department:
        form = bound.get("respond_form") or DecisionForm(results=_results(referral))
    # a benefit in force: the department's review continues it (复审) or it ends
    in_force = department and referral.status in Referral.IN_FORCE
    renew_form = (bound.get("renew_form") or RenewForm()) if in_force else None
    end_form = (bound.get("department_end_form") or DepartmentEndForm()) if in_force else None
    audit_read(request, person_id=referral.case.person_id, via="assistance.referral", referral=referral.pk)
    return render(
        request,
        "assistance/referral_detail.html",
        {
            "referral": referral,
            "person": referral.case.person,
            "id_number": mask_id_number(referral.case.person.id_number),
            "contact": office_contact(referral),
            "deadline": Deadline.of(referral.respond_by, running=pending, today=timezone.localdate()),
            "events": list(referral.events.all()),
            "respond_form": form,
            "renew_form": renew_form,
            "department_end_form": end_form,
            "monthly": referral.scheme in MONTHLY_SCHEMES,
            # a department never follows a link into the case; an officer within reach does
            "case_link": user.role != R.PARTNER_OFFICER,
        },
        status=status,
    )


def _decision(data: Data) -> services.Decision:
    return services.Decision(
        result=data["result"],
        reference=data.get("reference") or "",
        amount=data.get("amount") or None,
        starts_on=data.get("starts_on"),
        review_on=data.get("review_on"),
        reason=data.get("reason") or "",
    )


def _results(referral: Referral) -> tuple[str, ...] | None:
    """The answers the referral's state still allows: under review only once."""
    return DECISION_CHOICES if referral.status == Referral.Status.UNDER_REVIEW else None


@dataclass(frozen=True)
class Respond:
    """The department's decision on the referral page (``assistance:referral_respond``)."""

    name: str = "respond"
    capability: str = capabilities.RESPOND

    @property
    def form_name(self) -> str:
        return f"{self.name}_form"

    def refusal_for(self, user: User, referral: Referral) -> str | Promise | None:
        return None if referral.status in Referral.PENDING else _("此转介已有处理结果。")

    def bind(self, user: User, referral: Referral, data: QueryDict | None) -> Form:
        return DecisionForm(data, results=_results(referral))

    def perform(self, referral: Referral, data: Data, by: Actor) -> tuple[str, str]:
        done = services.respond_to_referral(referral=referral, decision=_decision(data), by=by)
        return _("已记录：%(status)s。") % {"status": done.get_status_display()}, reverse(
            "assistance:referral", args=[done.pk]
        )


@dataclass(frozen=True)
class InForceAction:
    """An action of the department on a benefit in force (approved, or due for review), on the referral page."""

    name: str
    capability: str = capabilities.RESPOND

    @property
    def form_name(self) -> str:
        return f"{self.name}_form"

    def refusal_for(self, user: User, referral: Referral) -> str | Promise | None:
        return None if referral.status in Referral.IN_FORCE else _("此救助不在享受期内。")


@dataclass(frozen=True)
class Renew(InForceAction):
    """The department's review continues the benefit (``assistance:referral_renew``)."""

    name: str = "renew"

    def bind(self, user: User, referral: Referral, data: QueryDict | None) -> Form:
        return RenewForm(data)

    def perform(self, referral: Referral, data: Data, by: Actor) -> tuple[str, str]:
        done = services.renew_referral(
            referral=referral,
            review_on=data["review_on"],
            amount=data.get("amount") or None,
            reference=data.get("reference") or "",
            by=by,
        )
        return _("已记录复审结果：继续享受。"), reverse("assistance:referral", args=[done.pk])


@dataclass(frozen=True)
class DepartmentEnd(InForceAction):
    """The department ends the benefit (``assistance:referral_department_end``)."""

    name: str = "department_end"

    def bind(self, user: User, referral: Referral, data: QueryDict | None) -> Form:
        return DepartmentEndForm(data)

    def perform(self, referral: Referral, data: Data, by: Actor) -> tuple[str, str]:
        done = services.end_referral(referral=referral, ended_on=data["ended_on"], reason=data["reason"], by=by)
        return _("已记录救助终止。"), reverse("assistance:referral", args=[done.pk])


REFERRAL_PAGE: ObjectPage[Referral] = ObjectPage(
    load=_load,
    render=_render,
    url=lambda referral: reverse("assistance:referral", args=[referral.pk]),
    pk_name="referral_id",
    view_prefix="assistance_referral",
)


# --- the public one-time-link page -----------------------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or request.content_type == "application/json"


def _gone(request: HttpRequest, message: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(DomainError("link_gone", message).as_dict(), status=410)
    return render(request, "assistance/partner_gone.html", {"message": message}, status=410)


def _link_page(request: HttpRequest, link: PartnerLink, form: DecisionForm, status: int = 200) -> HttpResponse:
    referral = link.referral
    return render(
        request,
        "assistance/partner_link.html",
        {
            "referral": referral,
            "person": referral.case.person,
            "id_number": mask_id_number(referral.case.person.id_number),
            "contact": office_contact(referral),
            "form": form,
            "monthly": referral.scheme in MONTHLY_SCHEMES,
        },
        status=status,
    )


def _link_json(link: PartnerLink) -> dict[str, Any]:
    referral = link.referral
    person = referral.case.person
    return {
        "scheme": referral.scheme,
        "person": {"name": person.name, "id_number": mask_id_number(person.id_number)},
        "reason": referral.reason,
        "office": {
            "code": referral.from_office.code,
            "name": referral.from_office.name,
            "contact": office_contact(referral),
        },
    }


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise DomainError("invalid_input", _("not JSON"), fields={"body": _("a JSON object")}) from None
    if not isinstance(body, dict):
        raise DomainError("invalid_input", _("not JSON"), fields={"body": _("a JSON object")})
    return body


def _json_decision(body: dict[str, Any]) -> services.Decision:
    errors: dict[str, str] = {}
    days: dict[str, dt.date | None] = {}
    for name in ("starts_on", "review_on"):
        value = body.get(name)
        days[name] = None
        if value:
            try:
                days[name] = dt.date.fromisoformat(str(value))
            except ValueError:
                errors[name] = _("a date, YYYY-MM-DD")
    if errors:
        raise DomainError("invalid_input", _("The decision cannot be recorded."), fields=errors, status=422)
    return services.Decision(
        result=str(body.get("result") or ""),
        reference=str(body.get("reference") or ""),
        amount=body.get("amount"),
        starts_on=days["starts_on"],
        review_on=days["review_on"],
        reason=str(body.get("reason") or ""),
    )


@never_cache  # a name and a phone number, without sign-in: no browser or proxy keeps a copy
@csrf_exempt
@require_http_methods(["GET", "POST"])
def partner_link(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link: no sign-in, no navigation. GET shows the minimum (HTML, or JSON on ``Accept:
    application/json``); POST takes one decision. 404 for an unknown token, 410 once used, expired or decided.

    CSRF: the token in the URL is the credential, so a JSON POST from a department's client needs no CSRF token
    (this view alone is exempt); the HTML form still posts with Django's token, checked here."""
    by = Actor.of(request, user=None)
    by = Actor(user=None, ip=by.ip)  # whoever holds the link, never a signed-in user who happens to open it
    try:
        if request.method == "GET":
            link = services.open_partner_link(token=token, by=by)
            if _wants_json(request):
                return JsonResponse(_link_json(link), json_dumps_params={"ensure_ascii": False})
            return _link_page(request, link, DecisionForm(results=LINK_CHOICES))
        if request.content_type == "application/json":
            referral = services.decide_through_link(token=token, decision=_json_decision(_json_body(request)), by=by)
            return JsonResponse(
                {"id": referral.pk, "status": referral.status}, json_dumps_params={"ensure_ascii": False}
            )
        refused = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, lambda r: HttpResponse(), (), {})
        if refused is not None:
            return refused
        form = DecisionForm(request.POST, results=LINK_CHOICES)
        if not form.is_valid():
            link = services.usable_link(token=token, by=by)  # shown again: not another opening
            return _link_page(request, link, form, status=400)
        try:
            referral = services.decide_through_link(token=token, decision=_decision(form.cleaned_data), by=by)
        except services.LinkGone:
            raise
        except DomainError as exc:
            if exc.status in (404, 410):
                raise
            link = services.usable_link(token=token, by=by)
            form.add_error(None, exc.message)
            for name, message in exc.fields.items():
                form.add_error(name if name in form.fields else None, message)
            return _link_page(request, link, form, status=exc.status)
        return render(request, "assistance/partner_done.html", {"referral": referral})
    except services.LinkGone as exc:
        return _gone(request, exc.message)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        if _wants_json(request):
            return JsonResponse(exc.as_dict(), status=exc.status)
        raise PermissionDenied from exc


# This part's own pages (not the tab's action forms: those are ACTIONS).
urlpatterns: list[URLPattern] = [
    path("referrals/", inbox, name="referrals"),
    path("referrals/<int:referral_id>/", object_view(REFERRAL_PAGE), name="referral"),
    path("referrals/<int:referral_id>/respond/", action_view(REFERRAL_PAGE, Respond()), name="referral_respond"),
    path("referrals/<int:referral_id>/renew/", action_view(REFERRAL_PAGE, Renew()), name="referral_renew"),
    path(
        "referrals/<int:referral_id>/end/",
        action_view(REFERRAL_PAGE, DepartmentEnd()),
        name="referral_department_end",
    ),
    path("referrals/<int:referral_id>/partner-link/", issue_link, name="referral_link"),
    path("partner/<str:token>/", partner_link, name="partner_link"),
]
