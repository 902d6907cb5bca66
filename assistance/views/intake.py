"""The intake part's pages: the pre-release education on the notice page (its section, and the facility's page to
record it), and its section of the case's 救助与就业 tab: the education the facility recorded, the briefing at
check-in and the needs assessments with their eligibility hints, with the forms of the managing office."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assistance import capabilities
from assistance.forms.intake import BriefingForm, EducationForm, NeedsAssessmentForm
from assistance.models import Briefing, Difficulty, NeedsAssessment, ReleaseEducation, Scheme
from assistance.services import intake as services
from assistance.views.actions import TabAction
from cases.models import Case, CaseEvent
from core import areas
from core.actions import ObjectAction
from core.audit import Actor
from core.errors import DomainError
from core.pages import act
from directory.models import OFFICER_ROLES, User
from directory.pages import object_page
from handover import selectors as notices
from handover.models import ReleaseNotice
from handover.views.common import LIST_ROLES
from people.models import PreReleaseEducation

ASSESSMENTS_SHOWN = 3
SCHEMES = dict(Scheme.choices)
KINDS = dict(PreReleaseEducation.choices)
DIFFICULTIES = dict(Difficulty.choices)


def scheme_names(codes: list[str]) -> str:
    return "、".join(str(SCHEMES.get(code, code)) for code in codes)


# --- the pre-release education: on the notice page, and the facility's page to record it -------------------------


def _education_context(education: ReleaseEducation | None) -> dict[str, Any]:
    if education is None:
        return {"education": None, "courses": [], "difficulties": []}
    return {
        "education": education,
        "courses": [
            {"kind": KINDS.get(c["kind"], c["kind"]), "on": c["on"], "hours": c["hours"]} for c in education.courses
        ],
        "difficulties": [DIFFICULTIES.get(d, d) for d in education.difficulties],
    }


def notice_section(user: User, notice: ReleaseNotice) -> str:
    """The pre-release education and difficulties on the notice page (handover.hooks.NOTICE_SECTIONS), for the
    facility and the receiving office ("" for others, or when nothing is recorded and the user may not record)."""
    facility = areas.can(user, capabilities.EDUCATE, notice)
    if not (facility or user.role in OFFICER_ROLES):
        return ""
    may_record = facility and notice.status != ReleaseNotice.Status.WITHDRAWN
    education = ReleaseEducation.objects.filter(notice=notice).first()
    if education is None and not may_record:
        return ""
    return render_to_string(
        "assistance/_intake_notice.html",
        {
            **_education_context(education),
            "notice": notice,
            "record_url": reverse("assistance:notice_education", args=[notice.pk]) if may_record else "",
        },
    )


def _course_field(name: str, rows: list[int]) -> str:
    """The form's field for the service's ``courses.<i>.<part>`` (the i-th course filled in, from row ``rows[i]``)."""
    parts = name.split(".")
    if len(parts) == 3 and parts[0] == "courses" and parts[1].isdigit() and int(parts[1]) < len(rows):
        return f"{parts[2]}_{rows[int(parts[1])]}"
    return name


@login_required
@require_http_methods(["GET", "POST"])
def notice_education(request: HttpRequest, notice_id: int) -> HttpResponse:
    """The facility records the courses it gave and the difficulties the inmate reported (replacing the record),
    then goes back to the notice page. Others who reach the notice: 403; others: 404."""
    user, notice = object_page(request, LIST_ROLES, notices.get_notice_for_user, notice_id)
    back = reverse("handover:notice", args=[notice.pk])
    education = ReleaseEducation.objects.filter(notice=notice).first()
    rows: list[int] = []

    def page(form: Form, status: int) -> HttpResponse:
        return render(
            request,
            "assistance/intake_education.html",
            {"notice": notice, "person": notice.person, "form": form, "back": back, **_education_context(education)},
            status=status,
        )

    def run(data: Mapping[str, Any]) -> HttpResponse:
        courses, filled = form.courses()
        rows.extend(filled)
        services.record_release_education(
            notice=notice, courses=courses, difficulties=list(data["difficulties"]), by=Actor.of(request)
        )
        messages.success(request, _("出监教育已登记，接收司法所可在通知书中查看。"))
        return redirect(back)

    def errors_onto(form: Form, exc: DomainError) -> None:
        form.add_error(None, exc.message)
        for name, message in exc.fields.items():
            target = _course_field(name, rows)
            form.add_error(target if target in form.fields else None, message)

    refusal = _("通知书已撤回，不能登记出监教育。") if notice.status == ReleaseNotice.Status.WITHDRAWN else None
    if request.method == "GET":
        if not areas.can(user, capabilities.EDUCATE, notice) or refusal:
            return redirect(back)
        initial = EducationForm.initial_from(education.courses, education.difficulties) if education else {}
        return page(EducationForm(initial=initial), 200)
    form = EducationForm(request.POST)
    return act(
        request,
        allowed=areas.can(user, capabilities.EDUCATE, notice),
        refusal=refusal,
        form=form,
        run=run,
        render=page,
        back=back,
        errors_onto=errors_onto,
    )


urlpatterns: list[URLPattern] = [
    path("notices/<int:notice_id>/education/", notice_education, name="notice_education"),
]


# --- the section of the case's tab and its action forms ----------------------------------------------------------


Data = dict[str, Any]


def _brief(case: Case, data: Data, by: Actor) -> str:
    briefing = services.record_briefing(
        case=case,
        briefed_on=data["briefed_on"],
        schemes=list(data["schemes"]),
        acknowledged=bool(data["acknowledged"]),
        by=by,
    )
    return _("政策告知已登记：%(schemes)s。") % {"schemes": scheme_names(briefing.schemes)}


def _assess(case: Case, data: Data, by: Actor) -> str:
    assessment = services.record_needs_assessment(
        case=case,
        assessed_on=data["assessed_on"],
        income_monthly=data["income_monthly"],
        household_size=data["household_size"],
        can_work=bool(data["can_work"]),
        disability=bool(data["disability"]),
        chronic_illness=bool(data["chronic_illness"]),
        housing=data["housing"],
        has_supporter=bool(data["has_supporter"]),
        sudden_hardship=bool(data["sudden_hardship"]),
        unemployed={"yes": True, "no": False}.get(data.get("unemployed") or ""),
        by=by,
    )
    if not assessment.hints:
        return _("需求评估已记录，未发现符合条件的救助项目。")
    names = scheme_names([hint["scheme"] for hint in assessment.hints])
    return _("需求评估已记录。可能符合：%(schemes)s（仅为提示，由主管部门审核认定）。") % {"schemes": names}


ACTIONS: list[ObjectAction[Case]] = [
    TabAction("briefing", lambda case, data: BriefingForm(data), _brief),
    TabAction("needs_assessment", lambda case, data: NeedsAssessmentForm(data), _assess),
]


def _briefing_details(event: CaseEvent) -> list[str]:
    data = event.data or {}
    details = [_("已讲解：%(schemes)s") % {"schemes": scheme_names(list(data.get("schemes") or []))}]
    details.append(_("本人已确认") if data.get("acknowledged") else _("本人未确认"))
    return details


def _assessment_details(event: CaseEvent) -> list[str]:
    hinted = list((event.data or {}).get("hints") or [])
    if not hinted:
        return [_("无资格提示")]
    return [_("资格提示：%(schemes)s") % {"schemes": scheme_names(hinted)}]


# Timeline details of this part's rows on the case timeline, by action (cases.hooks.CASE_EVENT_DETAILS).
EVENT_DETAILS: dict[str, Callable[[CaseEvent], list[str]]] = {
    "briefing": _briefing_details,
    "needs_assessment": _assessment_details,
}


def _assessment_rows(assessments: list[NeedsAssessment]) -> list[dict[str, Any]]:
    return [
        {
            "row": row,
            "hints": [{"name": SCHEMES.get(h["scheme"], h["scheme"]), "rule": h["rule"]} for h in row.hints],
        }
        for row in assessments
    ]


def tab_section(request: HttpRequest, user: User, case: Case, bound: Mapping[str, Form]) -> str:
    """This part's section of the tab, rendered with the bound forms of a failed post ("" when nothing to show)."""
    education = ReleaseEducation.objects.filter(notice_id=case.notice_id).first() if case.notice_id else None
    briefing: Briefing | None = case.briefings.order_by("-briefed_on", "-id").first()
    assessments = list(case.needs_assessments.order_by("-assessed_on", "-id")[: ASSESSMENTS_SHOWN + 1])
    manage = case.is_open and areas.can(user, capabilities.MANAGE, case)
    forms = {
        action.form_name: (bound.get(action.form_name) or action.bind(user, case, None)) if manage else None
        for action in ACTIONS
    }
    return render_to_string(
        "assistance/_intake.html",
        {
            **_education_context(education),
            "case": case,
            "briefing": briefing,
            "briefing_schemes": scheme_names(briefing.schemes) if briefing else "",
            "briefings": case.briefings.count() if briefing else 0,
            "assessments": _assessment_rows(assessments[:ASSESSMENTS_SHOWN]),
            "more_assessments": len(assessments) > ASSESSMENTS_SHOWN,
            "manage": manage,
            "open_form": next(iter(bound), ""),
            **forms,
        },
        request=request,
    )
