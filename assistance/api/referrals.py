"""The referrals part's API operations: send a referral, the department's inbox and decision, the end of a
benefit, and the one-time link for a department without an account (the link itself is a page:
``assistance.views.referrals.partner_link``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status

from assistance.common import case_for
from assistance.models import Referral
from assistance.partner_links import link_path
from assistance.schemas.referrals import (
    DecisionIn,
    EndIn,
    LinkOut,
    ReferralCreated,
    ReferralIn,
    ReferralList,
    ReferralOut,
    RenewIn,
)
from assistance.selectors.referrals import get_referral_for_user, office_contact, referrals_for
from assistance.services import referrals as services
from core.audit import Actor, record_audit
from core.errors import DomainError
from core.idnumbers import mask_id_number
from directory.api_auth import current_user

router = Router(tags=["assistance"])


def decision_out(referral: Referral) -> dict[str, Any] | None:
    if referral.decided_on is None:
        return None
    return {
        "result": Referral.Status.APPROVED if referral.starts_on else Referral.Status.REJECTED,
        "reference": referral.reference,
        "amount": str(referral.amount) if referral.amount is not None else None,
        "starts_on": referral.starts_on,
        "review_on": referral.review_on,
        "reason": referral.decision_reason,
    }


def referral_out(referral: Referral) -> dict[str, Any]:
    """The referral as ``GET /referrals/{id}`` answers it: to a department only the minimum of the case (name,
    masked ID, scheme, reason, the office's contact), never the offence or the visits."""
    person = referral.case.person
    return {
        "id": referral.pk,
        "case_id": referral.case_id,
        "scheme": referral.scheme,
        "status": referral.status,
        "to": {"code": referral.to_organisation.code, "name": referral.to_organisation.name},
        "respond_by": referral.respond_by,
        "decision": decision_out(referral),
        "history": [{"at": e.at, "action": e.action, "by": e.by_name} for e in referral.events.all()],
        "person": {"name": person.name, "id_number": mask_id_number(person.id_number)},
        "reason": referral.reason,
        "urgent": referral.urgent,
        "office": {
            "code": referral.from_office.code,
            "name": referral.from_office.name,
            "contact": office_contact(referral),
        },
        "submitted_on": referral.submitted_on,
        "decided_on": referral.decided_on,
        "escalated_on": referral.escalated_on,
        "ended_on": referral.ended_on,
        "end_reason": referral.end_reason,
    }


def _read(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    referral = get_referral_for_user(current_user(request), referral_id)
    # record_audit runs in its own transaction (core.audit)
    record_audit(
        actor=Actor.of(request),
        action="person.read",
        object_type="people.person",
        object_id=referral.case.person_id,
        detail={"via": "referral", "referral": referral.pk},
    )
    return referral_out(referral)


@router.post(
    "/cases/{int:case_id}/referrals",
    response={201: ReferralCreated},
    summary="Refer the case to a partner department for a scheme (救助转介)",
)
def submit(request: HttpRequest, case_id: int, payload: ReferralIn) -> Status[dict[str, Any]]:
    referral = services.submit_referral(
        case=case_for(current_user(request), case_id),
        scheme=payload.scheme,
        to=payload.to,
        reason=payload.reason,
        urgent=payload.urgent,
        by=Actor.of(request),
    )
    return Status(201, {"id": referral.pk, "status": referral.status, "respond_by": referral.respond_by})


class ReferralFilter(Schema):
    direction: str = "incoming"
    status: str | None = None
    scheme: str | None = None
    limit: int = 50
    offset: int = 0


@router.get("/referrals", response=ReferralList, summary="Referrals addressed to you (incoming) or sent (outgoing)")
def list_referrals(request: HttpRequest, filters: Query[ReferralFilter]) -> dict[str, Any]:
    if not 1 <= filters.limit <= 500 or filters.offset < 0:
        raise DomainError("invalid_query", "limit is 1 to 500", fields={"limit": "1 to 500"})
    if filters.status and filters.status not in Referral.Status.values:
        raise DomainError("invalid_query", "unknown status", fields={"status": "unknown status"})
    rows = referrals_for(current_user(request), filters.direction, status=filters.status, scheme=filters.scheme)
    page = list(rows.prefetch_related("events")[filters.offset : filters.offset + filters.limit])
    if page:
        with transaction.atomic():
            record_audit(
                actor=Actor.of(request),
                action="person.list",
                object_type="people.person",
                detail={
                    "via": "referrals",
                    "referrals": [r.pk for r in page],
                    "persons": [r.case.person_id for r in page],
                },
            )
    return {"items": [referral_out(r) for r in page], "count": rows.count()}


@router.get("/referrals/{int:referral_id}", response=ReferralOut, summary="One referral with its decision and history")
def get_referral(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    return _read(request, referral_id)


def _decision(payload: DecisionIn) -> services.Decision:
    return services.Decision(
        result=payload.result,
        reference=payload.reference,
        amount=payload.amount,
        starts_on=payload.starts_on,
        review_on=payload.review_on,
        reason=payload.reason,
    )


@router.post(
    "/referrals/{int:referral_id}/respond",
    response=ReferralOut,
    summary="The addressed department's decision: under review, approved or rejected",
)
def respond(request: HttpRequest, referral_id: int, payload: DecisionIn) -> dict[str, Any]:
    referral = get_referral_for_user(current_user(request), referral_id)
    services.respond_to_referral(referral=referral, decision=_decision(payload), by=Actor.of(request))
    return _read(request, referral_id)


@router.post(
    "/referrals/{int:referral_id}/end",
    response=ReferralOut,
    summary="End a benefit in force (the department or the managing office)",
)
def end(request: HttpRequest, referral_id: int, payload: EndIn) -> dict[str, Any]:
    referral = get_referral_for_user(current_user(request), referral_id)
    services.end_referral(referral=referral, ended_on=payload.ended_on, reason=payload.reason, by=Actor.of(request))
    return _read(request, referral_id)


@router.post(
    "/referrals/{int:referral_id}/renew",
    response=ReferralOut,
    summary="The department's review continues a benefit in force until the next review date (复审)",
)
def renew(request: HttpRequest, referral_id: int, payload: RenewIn) -> dict[str, Any]:
    referral = get_referral_for_user(current_user(request), referral_id)
    services.renew_referral(
        referral=referral,
        review_on=payload.review_on,
        amount=payload.amount,
        reference=payload.reference,
        by=Actor.of(request),
    )
    return _read(request, referral_id)


@router.post(
    "/referrals/{int:referral_id}/partner-link",
    response={201: LinkOut},
    summary="Issue a one-time link for a department officer without an account (the URL is shown once)",
    description=(
        "The managing office only; a pending referral only (409 otherwise). The link expires after "
        "`partner_link_days` (14). `GET <url>` needs no sign-in: an HTML page with only what the department needs, "
        "or with `Accept: application/json` `{scheme, person: {name, id_number (masked)}, reason, office}`. "
        "`POST <url>` with the body of `/referrals/{id}/respond` (JSON, or the page's form) records one decision, "
        "`approved` or `rejected` (`under_review` is 422 naming `result`: it would use the link up): 200 once, "
        "then 410; an expired link, or a referral decided meanwhile, 410; an unknown token 404. Every "
        "opening and the decision are audited with the link's id. Only the token's SHA-256 is stored."
    ),
)
def partner_link(request: HttpRequest, referral_id: int) -> Status[dict[str, Any]]:
    referral = get_referral_for_user(current_user(request), referral_id)
    link, token = services.issue_partner_link(referral=referral, by=Actor.of(request))
    return Status(201, {"url": request.build_absolute_uri(link_path(token)), "expires_at": link.expires_at})
