"""The employment part of the 救助与就业 tab: the employment profile with the pension record, the services given,
the placements (those in force first, each with its end form), the insurance-continuity referrals (read only: the
referrals part sends and tracks them) and the aid ledger with its total, each with its forms for those who may.

Who sees what: every reader of the tab reads the employment part; the ledger is shown to the officers and the
group's social worker, not to the volunteer (``selectors.employment.may_read_ledger``), and no timeline row of
this part carries an amount. The forms are offered on an open case to those who hold their capability: the
profile and the services ``assistance.employment`` (the office, its county, the group's social worker), the
placements and the ledger ``assistance.manage`` (the office and its county).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms import Form
from django.http import HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.urls import URLPattern
from django.utils.translation import gettext as _

from assistance import capabilities
from assistance.forms.employment import AidForm, PlacementEndForm, PlacementForm, ProfileForm, ServiceForm
from assistance.models import AidEntry, Difficulty, EmploymentProfile, EmploymentService, Scheme
from assistance.selectors.employment import employment_of, ledger_of, may_read_ledger
from assistance.services import aid, employment
from assistance.views.actions import TabAction
from cases.models import Case, CaseEvent
from core import areas
from core.actions import ObjectAction
from core.audit import Actor
from core.errors import DomainError
from core.forms import split_list
from directory.models import User

# This part's own pages (not the tab's action forms: those are ACTIONS).
urlpatterns: list[URLPattern] = []

Data = dict[str, Any]


def _profile_form(case: Case, data: QueryDict | None) -> Form:
    profile = EmploymentProfile.objects.filter(case=case).first() if data is None else None
    return ProfileForm(data, initial=ProfileForm.initial_of(profile))


def _record_profile(case: Case, data: Data, by: Actor) -> str:
    _profile, created = employment.record_employment_profile(
        case=case,
        by=by,
        skills=split_list(data["skills"]),
        certificates=split_list(data["certificates"]),
        schooling=data["schooling"],
        wish=data["wish"],
        pension_scheme=data["pension_scheme"],
        pension_years_before=data["pension_years_before"],
        pension_resumed_on=data["pension_resumed_on"],
        retired=bool(data["retired"]),
        pension_payment_resumed_on=data["pension_payment_resumed_on"],
    )
    return _("就业帮扶档案已建立。") if created else _("就业帮扶档案已更新。")


def _record_service(case: Case, data: Data, by: Actor) -> str:
    service = employment.record_employment_service(
        case=case,
        by=by,
        kind=data["kind"],
        on=data["on"],
        provider=data["provider"],
        detail=data["detail"],
        course=data["course"],
        hours=data["hours"],
        certificate=data["certificate"],
        bank=data["bank"],
        loan_amount=data["loan_amount"],
        loan_term_months=data["loan_term_months"],
    )
    return _("已登记就业服务：%(kind)s。") % {"kind": service.get_kind_display()}


def _record_placement(case: Case, data: Data, by: Actor) -> str:
    placement, settled = employment.record_placement(
        case=case,
        by=by,
        employer=data["employer"],
        employer_credit_code=data["employer_credit_code"],
        job=data["job"],
        started_on=data["started_on"],
        contract_months=data["contract_months"],
        social_insurance=bool(data["social_insurance"]),
    )
    done = _("已登记安置就业：%(employer)s %(job)s。") % {"employer": placement.employer, "job": placement.job}
    return done + (_("安置情况已改为“就业”。") if settled else "")


def _end_placement(case: Case, data: Data, by: Actor) -> str:
    placement = case.placements.filter(pk=data["placement"]).first()
    if placement is None:
        raise DomainError("invalid_input", _("找不到这份工作。"), fields={"placement": _("找不到这份工作")})
    employment.end_placement(placement=placement, by=by, ended_on=data["ended_on"], reason=data["reason"])
    return _("已登记就业结束。如安置情况有变化，请在帮教档案页登记。")


def _record_aid(case: Case, data: Data, by: Actor) -> str:
    entry = aid.record_aid(
        case=case,
        by=by,
        kind=data["kind"],
        amount=data["amount"],
        given_on=data["given_on"],
        purpose=data["purpose"],
        need=data["need"],
        approved_by=data["approved_by"],
    )
    return _("已记入帮扶台账：%(kind)s %(amount)s 元。") % {"kind": entry.get_kind_display(), "amount": entry.amount}


AT = "#employment"
PROFILE = TabAction("employment_profile", _profile_form, _record_profile, capabilities.EMPLOYMENT, AT)
SERVICE = TabAction("employment_service", lambda c, d: ServiceForm(d), _record_service, capabilities.EMPLOYMENT, AT)
PLACEMENT = TabAction("placement", lambda c, d: PlacementForm(d), _record_placement, anchor=AT)
PLACEMENT_END = TabAction("placement_end", lambda c, d: PlacementEndForm(d), _end_placement, anchor=AT)
AID = TabAction("aid", lambda c, d: AidForm(d), _record_aid, anchor=AT)

# The action forms of this part's section of the tab; each posts to assistance:case_<name> (views.case_tab).
ACTIONS: list[ObjectAction[Case]] = [PROFILE, SERVICE, PLACEMENT, PLACEMENT_END, AID]


# --- the timeline ---------------------------------------------------------------------------------------------------


def _label(choices: Any, value: Any) -> str:
    return str(dict(choices).get(value, value or ""))


def _profile_details(event: CaseEvent) -> list[str]:
    data = event.data or {}
    details = []
    if data.get("schooling"):
        details.append(_("文化程度：%(s)s") % {"s": _label(EmploymentProfile.Schooling.choices, data["schooling"])})
    if data.get("pension_scheme"):
        scheme = _label(EmploymentProfile.PensionScheme.choices, data["pension_scheme"])
        details.append(_("养老保险：%(s)s") % {"s": scheme})
    if data.get("pension_resumed_on"):
        details.append(_("养老保险 %(day)s 接续") % {"day": data["pension_resumed_on"]})
    if data.get("pension_payment_resumed_on"):
        details.append(_("养老金 %(day)s 恢复发放") % {"day": data["pension_payment_resumed_on"]})
    return details


def _service_details(event: CaseEvent) -> list[str]:
    data = event.data or {}
    line = _("%(kind)s，%(day)s") % {
        "kind": _label(EmploymentService.Kind.choices, data.get("kind")),
        "day": data.get("on", ""),
    }
    details = [line]
    if data.get("course"):
        details.append(_("培训课程：%(course)s") % {"course": data["course"]})
    if data.get("provider"):
        details.append(_("服务机构：%(provider)s") % {"provider": data["provider"]})
    return details


def _placement_details(event: CaseEvent) -> list[str]:
    data = event.data or {}
    return [
        _("%(employer)s，%(job)s，%(day)s 入职")
        % {"employer": data.get("employer", ""), "job": data.get("job", ""), "day": data.get("started_on", "")}
    ]


def _placement_ended_details(event: CaseEvent) -> list[str]:
    data = event.data or {}
    return [_("%(employer)s，%(day)s 离职") % {"employer": data.get("employer", ""), "day": data.get("ended_on", "")}]


def _aid_details(event: CaseEvent) -> list[str]:
    # no amount: the group's volunteer reads the timeline, not the ledger
    data = event.data or {}
    line = _("%(kind)s：%(purpose)s") % {
        "kind": _label(AidEntry.Kind.choices, data.get("kind")),
        "purpose": data.get("purpose", ""),
    }
    details = [line]
    if data.get("need"):
        details.append(_("针对困难：%(need)s") % {"need": _label(Difficulty.choices, data["need"])})
    return details


# Timeline details of this part's rows on the case timeline, by action (cases.hooks.CASE_EVENT_DETAILS).
EVENT_DETAILS: dict[str, Callable[[CaseEvent], list[str]]] = {
    "employment_profile": _profile_details,
    "employment_service": _service_details,
    "placement": _placement_details,
    "placement_ended": _placement_ended_details,
    "aid": _aid_details,
}


# --- the section ----------------------------------------------------------------------------------------------------


def _form(action: TabAction, user: User, case: Case, bound: Mapping[str, Form]) -> Form | None:
    if not case.is_open or not areas.can(user, action.capability, case):
        return None
    return bound.get(action.form_name) or action.bind(user, case, None)


def tab_section(request: HttpRequest, user: User, case: Case, bound: Mapping[str, Form]) -> str:
    """This part's section of the tab, rendered with the bound forms of a failed post ("" when nothing to show)."""
    if not areas.can(user, capabilities.READ, case):
        return ""
    found = employment_of(case)
    ledger = ledger_of(case) if may_read_ledger(user, case) else None
    may_end = _form(PLACEMENT_END, user, case, bound) is not None
    failed_end = bound.get(PLACEMENT_END.form_name)
    placements = []
    for placement in found.placements:
        end_form: Form | None = None
        if may_end and placement.ended_on is None:
            if failed_end is not None and str(failed_end.data.get("placement")) == str(placement.pk):
                end_form = failed_end
            else:
                end_form = PlacementEndForm(
                    initial={"placement": placement.pk}, auto_id=f"id_placement_end_{placement.pk}_%s"
                )
        placements.append({"placement": placement, "end_form": end_form, "anchor": f"placement-end-{placement.pk}"})
    context = {
        "case": case,
        "profile": found.profile,
        "services": found.services,
        "placements": placements,
        "insurance_referrals": found.insurance_referrals,
        "insurance_schemes": [Scheme.PENSION_CONTINUATION.label, Scheme.UNEMPLOYMENT_INSURANCE.label],
        "ledger": ledger,
        "profile_form": _form(PROFILE, user, case, bound),
        "service_form": _form(SERVICE, user, case, bound),
        "placement_form": _form(PLACEMENT, user, case, bound),
        "aid_form": _form(AID, user, case, bound),
        "open_form": next(iter(bound), ""),
    }
    return render_to_string("assistance/_employment.html", context, request=request)
