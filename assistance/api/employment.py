"""The employment and aid-ledger operations (issue 11 items 6 to 8) under ``/api/v1/cases/{id}/``.

- ``PUT employment/profile`` replaces the whole profile: 201 when it creates it, 200 when it replaces it, with the
  profile as ``GET employment`` shows it;
- ``POST employment/services`` and ``POST employment/placements`` create one record each (201, the item as
  ``GET employment`` lists it; a placement also says what it did to the case's settlement);
- ``POST employment/placements/{pid}/end`` is an action on the placement: 200 with the placement;
- ``GET employment`` → ``{profile, services, placements, insurance_referrals}``;
- ``POST aid`` (201) and ``GET aid`` → ``{items, count, total}``.

A case outside the caller's reach, or one whose assistance they do not read (the police), is 404; one they read but
may not write is 403; the ledger is not the volunteer's to read (403).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from assistance.models import AidEntry, EmploymentProfile, EmploymentService, Placement, Referral
from assistance.schemas.employment import (
    AidIn,
    AidList,
    AidOut,
    EmploymentOut,
    PlacementCreated,
    PlacementEndIn,
    PlacementIn,
    PlacementOut,
    ProfileIn,
    ProfileOut,
    ServiceIn,
    ServiceOut,
)
from assistance.selectors.employment import employment_of, ledger_of, readable_case, require_ledger_reader
from assistance.services import aid, employment
from cases.models import Case
from core.audit import Actor
from core.errors import DomainError, NotFound
from core.events import actor_name
from directory.api_auth import current_user

router = Router(tags=["assistance"])


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def profile_out(profile: EmploymentProfile) -> dict[str, Any]:
    return {
        "skills": profile.skills,
        "certificates": profile.certificates,
        "schooling": profile.schooling,
        "wish": profile.wish,
        "pension_scheme": profile.pension_scheme,
        "pension_years_before": profile.pension_years_before,
        "pension_resumed_on": profile.pension_resumed_on,
        "retired": profile.retired,
        "pension_payment_resumed_on": profile.pension_payment_resumed_on,
        "updated_by": actor_name(profile.updated_by),
        "updated_at": profile.updated_at,
    }


def service_out(service: EmploymentService) -> dict[str, Any]:
    return {
        "id": service.pk,
        "kind": service.kind,
        "on": service.given_on,
        "provider": service.provider,
        "detail": service.detail,
        "course": service.course,
        "hours": None if service.hours is None else f"{service.hours:.1f}",
        "certificate": service.certificate,
        "bank": service.bank,
        "loan_amount": _money(service.loan_amount),
        "loan_term_months": service.loan_term_months,
        "recorded_by": actor_name(service.recorded_by),
    }


def placement_out(placement: Placement) -> dict[str, Any]:
    return {
        "id": placement.pk,
        "employer": placement.employer,
        "employer_credit_code": placement.employer_credit_code,
        "job": placement.job,
        "started_on": placement.started_on,
        "contract_months": placement.contract_months,
        "social_insurance": placement.social_insurance,
        "ended_on": placement.ended_on,
        "end_reason": placement.end_reason,
        "in_force": placement.ended_on is None,
    }


def referral_out(referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "scheme": referral.scheme,
        "status": referral.status,
        "to": {"code": referral.to_organisation.code, "name": referral.to_organisation.name},
        "submitted_on": referral.submitted_on,
        "respond_by": referral.respond_by,
        "decided_on": referral.decided_on,
        "starts_on": referral.starts_on,
    }


def aid_out(entry: AidEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "amount": _money(entry.amount),
        "given_on": entry.given_on,
        "purpose": entry.purpose,
        "need": entry.need,
        "approved_by": entry.approved_by,
        "budget_line": entry.budget_line,
        "recorded_by": actor_name(entry.recorded_by),
    }


def _case(request: HttpRequest, case_id: int) -> Case:
    return readable_case(current_user(request), case_id)


# --- employment -------------------------------------------------------------------------------------------------------


@router.get(
    "/cases/{int:case_id}/employment",
    response=EmploymentOut,
    summary="The case's employment support: profile, services, placements, insurance-continuity referrals",
)
def get_employment(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """Whoever reads the case's 救助与就业 tab: its officers, its county and those above, its group (the volunteer
    too). The insurance-continuity claims are referrals (read and answered under /referrals)."""
    found = employment_of(_case(request, case_id))
    return {
        "profile": profile_out(found.profile) if found.profile is not None else None,
        "services": [service_out(s) for s in found.services],
        "placements": [placement_out(p) for p in found.placements],
        "insurance_referrals": [referral_out(r) for r in found.insurance_referrals],
    }


@router.put(
    "/cases/{int:case_id}/employment/profile",
    response={200: ProfileOut, 201: ProfileOut},
    summary="Record the employment profile and pension record, replacing it whole (201 created, 200 replaced)",
)
def put_profile(request: HttpRequest, case_id: int, payload: ProfileIn) -> Status[dict[str, Any]]:
    """The managing office, its county, or a social worker of the case's group. The body is the whole profile: a
    field left out is cleared."""
    profile, created = employment.record_employment_profile(
        case=_case(request, case_id),
        by=Actor.of(request),
        skills=payload.skills,
        certificates=payload.certificates,
        schooling=payload.schooling,
        wish=payload.wish,
        pension_scheme=payload.pension_scheme,
        pension_years_before=payload.pension_years_before,
        pension_resumed_on=payload.pension_resumed_on,
        retired=payload.retired,
        pension_payment_resumed_on=payload.pension_payment_resumed_on,
    )
    return Status(201 if created else 200, profile_out(profile))


@router.post(
    "/cases/{int:case_id}/employment/services",
    response={201: ServiceOut},
    summary="Record an employment service given to the person (registration, guidance, training, a start-up loan...)",
)
def post_service(request: HttpRequest, case_id: int, payload: ServiceIn) -> Status[dict[str, Any]]:
    """The managing office, its county, or a social worker of the case's group. `on` is not before the release (the
    notice's release date, else the day the case opened) and not in the future."""
    service = employment.record_employment_service(
        case=_case(request, case_id),
        by=Actor.of(request),
        kind=payload.kind,
        on=payload.on,
        provider=payload.provider,
        detail=payload.detail,
        course=payload.course,
        hours=payload.hours,
        certificate=payload.certificate,
        bank=payload.bank,
        loan_amount=payload.loan_amount,
        loan_term_months=payload.loan_term_months,
    )
    return Status(201, service_out(service))


@router.post(
    "/cases/{int:case_id}/employment/placements",
    response={201: PlacementCreated},
    summary="Record a job the person started; it sets the case's settlement to employed",
)
def post_placement(request: HttpRequest, case_id: int, payload: PlacementIn) -> Status[dict[str, Any]]:
    """The managing office or its county. `started_on` before the release is refused naming it. The case's
    settlement becomes `employed` from `started_on` (a `settlement` row on the timeline besides `placement`)."""
    placement, changed = employment.record_placement(
        case=_case(request, case_id),
        by=Actor.of(request),
        employer=payload.employer,
        employer_credit_code=payload.employer_credit_code,
        job=payload.job,
        started_on=payload.started_on,
        contract_months=payload.contract_months,
        social_insurance=payload.social_insurance,
    )
    status, since = Case.objects.values_list("settlement_status", "settlement_since").get(pk=case_id)
    return Status(
        201,
        {
            **placement_out(placement),
            "settlement": {"status": status, "since": since} if status and since else None,
            "settlement_changed": changed,
        },
    )


@router.post(
    "/cases/{int:case_id}/employment/placements/{int:placement_id}/end",
    response=PlacementOut,
    summary="Record that a job ended (the settlement is left to the officer)",
)
def end_placement(request: HttpRequest, case_id: int, placement_id: int, payload: PlacementEndIn) -> dict[str, Any]:
    """The managing office or its county; a placement already ended is 409. The settlement stays as it is: the
    officer records the new one (`POST /cases/{id}/settlement`)."""
    case = _case(request, case_id)
    placement = case.placements.filter(pk=placement_id).first()
    if placement is None:
        raise NotFound()
    placement = employment.end_placement(
        placement=placement, by=Actor.of(request), ended_on=payload.ended_on, reason=payload.reason
    )
    return placement_out(placement)


# --- the aid ledger ---------------------------------------------------------------------------------------------------


@router.post(
    "/cases/{int:case_id}/aid",
    response={201: AidOut},
    summary="Record a hand-out in the aid ledger (帮扶台账): cash, voucher or in kind",
)
def post_aid(request: HttpRequest, case_id: int, payload: AidIn) -> Status[dict[str, Any]]:
    """The managing office or its county only (a social worker or volunteer gets 403). `budget_line` stays blank
    until budget lines exist."""
    entry = aid.record_aid(
        case=_case(request, case_id),
        by=Actor.of(request),
        kind=payload.kind,
        amount=payload.amount,
        given_on=payload.given_on,
        purpose=payload.purpose,
        need=payload.need,
        approved_by=payload.approved_by,
    )
    return Status(201, aid_out(entry))


@router.get(
    "/cases/{int:case_id}/aid",
    response=AidList,
    summary="The case's aid ledger, latest first, with the count and the total of all its entries",
)
def get_aid(request: HttpRequest, case_id: int, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """The case's officers, its county and those above, and the group's social worker; not the volunteer (403)."""
    if not 1 <= limit <= 500:
        raise DomainError("invalid_query", "limit is 1 to 500", fields={"limit": "1 to 500"})
    if offset < 0:
        raise DomainError("invalid_query", "offset is 0 or more", fields={"offset": "0 or more"})
    user = current_user(request)
    case = readable_case(user, case_id)
    require_ledger_reader(user, case)
    ledger = ledger_of(case, limit=limit, offset=offset)
    return {"items": [aid_out(e) for e in ledger.entries], "count": ledger.count, "total": f"{ledger.total:.2f}"}
