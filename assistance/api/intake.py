"""The intake part's API operations: the pre-release education on a release notice (the facility), the briefing
at check-in and the needs assessment with its eligibility hints (the managing office or its county)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from assistance import capabilities
from assistance.common import case_for
from assistance.models import Briefing, NeedsAssessment, ReleaseEducation
from assistance.schemas.intake import (
    AssessmentCreated,
    AssessmentIn,
    AssessmentList,
    BriefingIn,
    BriefingList,
    BriefingOut,
    EducationIn,
    EducationOut,
)
from assistance.services import intake as services
from cases.models import Case
from core.areas import can
from core.audit import Actor, record_audit
from core.errors import DomainError, NotFound
from directory.api_auth import current_user
from handover import selectors as notices
from handover.api import notice_out
from handover.schemas import NoticeOut

router = Router(tags=["assistance"])


def _page(limit: int, offset: int) -> slice:
    if not 1 <= limit <= 500 or offset < 0:
        raise DomainError("invalid_query", "limit is 1 to 500", fields={"limit": "1 to 500"})
    return slice(offset, offset + limit)


# --- pre-release education -------------------------------------------------------------------------------------------


@router.post(
    "/release-notices/{int:notice_id}/education",
    response=NoticeOut,
    summary="出监教育: the courses given before release and the difficulties reported (the facility; replaces)",
)
def record_education(request: HttpRequest, notice_id: int, payload: EducationIn) -> dict[str, Any]:
    user = current_user(request)
    services.record_release_education(
        notice=notices.get_notice_for_user(user, notice_id),
        courses=[services.Course(kind=c.kind, on=c.on, hours=c.hours) for c in payload.courses],
        difficulties=payload.difficulties,
        by=Actor.of(request),
    )
    # the notice as GET /release-notices/{id} answers it (handover's serializer), its person read audited as there
    notice = notices.notice_queryset().get(pk=notice_id)
    record_audit(
        actor=Actor.of(request),
        action="person.read",
        object_type="people.person",
        object_id=notice.person_id,
        detail={"via": "release_notice", "notice": notice.pk},
    )
    return notice_out(notice)


@router.get(
    "/release-notices/{int:notice_id}/education",
    response=EducationOut,
    summary="The pre-release education of a notice within reach (404 when none is recorded)",
)
def get_education(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    notice = notices.get_notice_for_user(current_user(request), notice_id)
    education = ReleaseEducation.objects.filter(notice=notice).first()
    if education is None:
        raise NotFound()
    return {"courses": education.courses, "difficulties": education.difficulties, "recorded_at": education.recorded_at}


def _readable_case(request: HttpRequest, case_id: int) -> Case:
    """The case within reach whose assistance the caller may read (the police reach key targets, not their
    assistance: 404, as on the tab)."""
    user = current_user(request)
    case = case_for(user, case_id)
    if not can(user, capabilities.READ, case):
        raise NotFound()
    return case


# --- briefing at check-in --------------------------------------------------------------------------------------------


def briefing_out(briefing: Briefing) -> dict[str, Any]:
    return {
        "id": briefing.pk,
        "briefed_on": briefing.briefed_on,
        "schemes": briefing.schemes,
        "acknowledged": briefing.acknowledged,
    }


@router.post(
    "/cases/{int:case_id}/briefing",
    response={201: BriefingOut},
    summary="政策告知 at check-in: the schemes explained and the person's acknowledgement (managing office)",
)
def record_briefing(request: HttpRequest, case_id: int, payload: BriefingIn) -> Status[dict[str, Any]]:
    briefing = services.record_briefing(
        case=case_for(current_user(request), case_id),
        briefed_on=payload.briefed_on,
        schemes=payload.schemes,
        acknowledged=payload.acknowledged,
        by=Actor.of(request),
    )
    return Status(201, briefing_out(briefing))


@router.get("/cases/{int:case_id}/briefings", response=BriefingList, summary="The case's briefings, latest first")
def list_briefings(request: HttpRequest, case_id: int, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    window = _page(limit, offset)
    case = _readable_case(request, case_id)
    qs = case.briefings.order_by("-briefed_on", "-id")
    return {"items": [briefing_out(b) for b in qs[window]], "count": qs.count()}


# --- needs assessment ------------------------------------------------------------------------------------------------


def assessment_out(row: NeedsAssessment) -> dict[str, Any]:
    return {
        "id": row.pk,
        "assessed_on": row.assessed_on,
        "income_monthly": f"{row.income_monthly:.2f}",
        "household_size": row.household_size,
        "can_work": row.can_work,
        "disability": row.disability,
        "chronic_illness": row.chronic_illness,
        "housing": row.housing,
        "has_supporter": row.has_supporter,
        "sudden_hardship": row.sudden_hardship,
        "unemployed": row.unemployed,
        "age": row.age,
        "hints": row.hints,
    }


@router.post(
    "/cases/{int:case_id}/needs-assessments",
    response={201: AssessmentCreated},
    summary="Record a needs assessment; answers the eligibility hints (hints, never decisions) with their rules",
)
def record_assessment(request: HttpRequest, case_id: int, payload: AssessmentIn) -> Status[dict[str, Any]]:
    row = services.record_needs_assessment(
        case=case_for(current_user(request), case_id),
        assessed_on=payload.assessed_on,
        income_monthly=payload.income_monthly,
        household_size=payload.household_size,
        can_work=payload.can_work,
        disability=payload.disability,
        chronic_illness=payload.chronic_illness,
        housing=payload.housing,
        has_supporter=payload.has_supporter,
        sudden_hardship=payload.sudden_hardship,
        unemployed=payload.unemployed,
        by=Actor.of(request),
    )
    return Status(201, {"id": row.pk, "hints": row.hints})


@router.get(
    "/cases/{int:case_id}/needs-assessments",
    response=AssessmentList,
    summary="The case's needs assessments with their hints, latest first",
)
def list_assessments(request: HttpRequest, case_id: int, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    window = _page(limit, offset)
    case = _readable_case(request, case_id)
    qs = case.needs_assessments.order_by("-assessed_on", "-id")
    return {"items": [assessment_out(a) for a in qs[window]], "count": qs.count()}
