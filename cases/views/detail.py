"""The case page: the case, its group, visits, transfers, traces and timeline, and the forms the user may send."""

from __future__ import annotations

from collections.abc import Sequence

from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import capabilities
from cases.hooks import CASE_EVENT_DETAILS
from cases.models import Case, CaseEvent, GroupMember, SettlementRecord, TraceRequest, Transfer, Visit
from cases.views.case_actions import CASE_ACTIONS, FormChoices
from cases.views.common import _case, _members, case_tabs, permissions
from core import areas
from core.actions import ObjectPage, object_view
from core.areas import fire
from core.events import event_label
from core.idnumbers import mask_id_number
from core.pages import Deadline, TimelineEntry, audit_read
from directory.models import OFFICER_ROLES, Organisation, User
from people.models import RiskLevel

VISITS_SHOWN = 50
EVENTS_SHOWN = 200


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
    # the details of the rows the areas above write (a referral sent, a placement), from those areas
    more = fire(CASE_EVENT_DETAILS, events=[e for e in events if e.action not in CaseEvent.Action.values])
    entries = []
    for event in events:
        note = event.note
        if hide_offence and event.action == "closed" and (event.data or {}).get("reason") == "reoffended":
            note = ""  # the new offence: a volunteer never sees an offence (cases.offence.read)
        details = _event_details(event, names) + list(more.get(str(event.pk), ()))
        entries.append(TimelineEntry(event, event_label(event, prefix="case"), details, note))
    return entries


def _notice_url(user: User, case: Case) -> str | None:
    """The hand-over notice behind the case, for officers (the hand-over pages are theirs)."""
    if case.notice_id is None or user.role not in OFFICER_ROLES:
        return None
    try:
        return reverse("handover:notice", args=[case.notice_id])
    except NoReverseMatch:  # the hand-over pages are wired separately
        return None


def _render_case(
    request: HttpRequest, user: User, case: Case, *, bound: dict[str, Form] | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    bound = bound or {}
    transfers = list(case.transfers.select_related("from_office", "to_office").order_by("-id"))
    pending = next((t for t in transfers if t.status == Transfer.Status.PENDING), None)
    can = permissions(user, case, pending_transfer=pending)
    choices = FormChoices(case)
    forms: dict[str, Form | None] = {
        action.form_name: (bound.get(action.form_name) or action.form(choices, None)) if action.offered(can) else None
        for action in CASE_ACTIONS.values()
    }
    hide_offence = not areas.can(user, capabilities.READ_OFFENCE, case)
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
            "tabs": case_tabs(user, case, current="case"),
            "can": can,
            "open_form": next(iter(bound), ""),
            "today": today,
            **forms,
        },
        status=status,
    )


CASE_PAGE: ObjectPage[Case] = ObjectPage(
    load=_case,
    render=lambda request, user, case, bound, status: _render_case(request, user, case, bound=bound, status=status),
    url=lambda case: reverse("cases:case", args=[case.pk]),
    pk_name="case_id",
    view_prefix="case",
)


case_detail = object_view(CASE_PAGE)
