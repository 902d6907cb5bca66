"""The hand-over exchange API (DESIGN §5): a contract other systems call. Keep the shapes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status

from core.audit import Actor, record_audit
from core.errors import DomainError
from core.idnumbers import mask_id_number
from directory.api_auth import current_user
from directory.models import Organisation, Region
from handover import selectors, services
from handover.models import ReleaseNotice
from handover.schemas import (
    AlertList,
    BackfillIn,
    BackfillOut,
    CaseCreated,
    CheckInIn,
    NoticeCreated,
    NoticeIn,
    NoticeList,
    NoticeOut,
    PersonIn,
    ReleaseIn,
    RouteIn,
    VerifyIn,
    WithdrawIn,
)
from people.models import Person
from people.services import PersonData

router = Router(tags=["handover"])


def _ref(obj: Organisation | Region | None) -> dict[str, str] | None:
    return None if obj is None else {"code": obj.code, "name": obj.name}


def person_out(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "name": person.name,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "id_number": mask_id_number(person.id_number),
        "id_verified": person.id_verified,
        "hukou_region": _ref(person.hukou_region),
        "residence_region": _ref(person.residence_region),
        "residence_address": person.residence_address,
    }


def notice_out(notice: ReleaseNotice) -> dict[str, Any]:
    custody = notice.custody
    case = getattr(notice, "case", None)
    return {
        "id": notice.pk,
        "status": notice.status,
        "person": person_out(notice.person),
        "facility": _ref(notice.facility),
        "receiving_office": _ref(notice.receiving_office),
        "region": _ref(notice.region),
        "key_target": notice.key_target,
        "key_target_reasons": custody.key_target_reasons if custody else [],
        "needs": custody.needs if custody else [],
        "offence": custody.offence if custody else "",
        "sentence_months": custody.sentence_months if custody else None,
        "expected_release_date": notice.expected_release_date,
        "sent_on": notice.sent_on,
        "verify_by": notice.verify_by,
        "verification_result": notice.verification_result,
        "released_on": notice.released_on,
        "check_in_by": notice.check_in_by,
        "escort": {
            "escorted": notice.escorted,
            "staff": notice.escort_staff,
            "family": notice.escort_family,
            "vehicle": notice.escort_vehicle,
        },
        "checked_in_on": notice.checked_in_on,
        "check_in_method": notice.check_in_method,
        "missed": notice.missed_on is not None,
        "backfilled": notice.backfilled,
        "case_id": case.pk if case is not None else None,
        "history": [{"at": e.at, "action": e.action, "by": e.by_name, "note": e.note} for e in notice.events.all()],
    }


def _read(request: HttpRequest, notice_id: int, *, acted: bool = False) -> dict[str, Any]:
    """The notice as GET returns it; reading a person record is audited (DESIGN §8).

    After an action (``acted``) the caller gets the notice back even when the action moved it out of their reach
    (an office that returns a notice up no longer reaches it, but its answer is still the notice it acted on).
    """
    user = current_user(request)
    if acted:
        notice = selectors.notice_queryset().get(pk=notice_id)
    else:
        notice = selectors.get_notice_for_user(user, notice_id)
    # record_audit runs in its own transaction (core.audit): no outer one, no extra SAVEPOINT round trips
    record_audit(
        actor=Actor.of(request),
        action="person.read",
        object_type="people.person",
        object_id=notice.person_id,
        detail={"via": "release_notice", "notice": notice.pk},
    )
    return notice_out(notice)


def person_data(body: PersonIn) -> PersonData:
    return PersonData(
        name=body.name,
        gender=body.gender,
        birth_date=body.birth_date,
        id_number=body.id_number,
        hukou_region=body.hukou_region,
        residence_region=body.residence_region,
        residence_address=body.residence_address,
        former_names=body.former_names,
        ethnicity=body.ethnicity,
        phone=body.phone,
    )


def notice_data(body: NoticeIn) -> services.NoticeData:
    return services.NoticeData(
        person=person_data(body.person),
        expected_release_date=body.expected_release_date,
        offence=body.offence,
        sentence_months=body.sentence_months,
        key_target=body.key_target,
        key_target_reasons=body.key_target_reasons,
        needs=body.needs,
        risk_level=body.risk_level,
        sentence_start=body.sentence_start,
        sentence_end=body.sentence_end,
        pre_release_education=body.pre_release_education,
    )


@router.post(
    "/release-notices",
    response={201: NoticeCreated},
    summary="Send a release notice (facility liaison); routed to the hukou township's justice office",
)
def send_notice(request: HttpRequest, payload: NoticeIn) -> Status[dict[str, Any]]:
    notice = services.send_release_notice(data=notice_data(payload), by=Actor.of(request))
    return Status(
        201,
        {
            "id": notice.pk,
            "status": notice.status,
            "receiving_office": _ref(notice.receiving_office),
            "verify_by": notice.verify_by,
        },
    )


class NoticeFilter(Schema):
    status: str | None = None
    region: str | None = None
    q: str | None = None
    limit: int = 50
    offset: int = 0


@router.get(
    "/release-notices",
    response=NoticeList,
    summary="Notices within the caller's reach; status may list several, comma-separated",
)
def list_notices(request: HttpRequest, filters: Query[NoticeFilter]) -> dict[str, Any]:
    if not 1 <= filters.limit <= 500 or filters.offset < 0:
        raise DomainError("invalid_query", "limit is 1 to 500", fields={"limit": "1 to 500"})
    qs = selectors.list_notices(user=current_user(request), status=filters.status, region=filters.region, q=filters.q)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    with transaction.atomic():
        record_audit(
            actor=Actor.of(request),
            action="notice.list",
            object_type="handover.releasenotice",
            detail={"ids": [n.pk for n in page]},
        )
    items = [
        {
            "id": n.pk,
            "status": n.status,
            "person": person_out(n.person),
            "receiving_office": _ref(n.receiving_office),
            "key_target": n.key_target,
            "expected_release_date": n.expected_release_date,
            "verify_by": n.verify_by,
            "released_on": n.released_on,
            "check_in_by": n.check_in_by,
            "checked_in_on": n.checked_in_on,
        }
        for n in page
    ]
    return {"items": items, "count": qs.count()}


@router.get("/release-notices/{int:notice_id}", response=NoticeOut, summary="One notice with its history")
def get_notice(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    return _read(request, notice_id)


def _notice(request: HttpRequest, notice_id: int) -> ReleaseNotice:
    return selectors.get_notice_for_user(current_user(request), notice_id)


@router.post(
    "/release-notices/{int:notice_id}/verify",
    response=NoticeOut,
    summary="核查反馈 by the receiving office: confirmed, or returned up (not_ours / identity_mismatch)",
)
def verify(request: HttpRequest, notice_id: int, payload: VerifyIn) -> dict[str, Any]:
    services.verify_notice(
        notice=_notice(request, notice_id), result=payload.result, note=payload.note, by=Actor.of(request)
    )
    return _read(request, notice_id, acted=True)


@router.post(
    "/release-notices/{int:notice_id}/route",
    response=NoticeOut,
    summary="Re-route a returned notice to a justice office (county or city officer)",
)
def route(request: HttpRequest, notice_id: int, payload: RouteIn) -> dict[str, Any]:
    notice = _notice(request, notice_id)
    office = Organisation.objects.filter(code=payload.office).select_related("region").first()
    if office is None:
        raise DomainError("invalid_office", "unknown office", fields={"office": "unknown organisation code"})
    services.route_notice(notice=notice, office=office, note=payload.note, by=Actor.of(request))
    return _read(request, notice_id, acted=True)


@router.post(
    "/release-notices/{int:notice_id}/withdraw",
    response=NoticeOut,
    summary="The facility withdraws a notice it sent (before the release)",
)
def withdraw(request: HttpRequest, notice_id: int, payload: WithdrawIn) -> dict[str, Any]:
    services.withdraw_notice(notice=_notice(request, notice_id), reason=payload.reason, by=Actor.of(request))
    return _read(request, notice_id, acted=True)


@router.post(
    "/release-notices/{int:notice_id}/release",
    response=NoticeOut,
    summary="Record the actual release and the escort (必接必送) (facility liaison)",
)
def release(request: HttpRequest, notice_id: int, payload: ReleaseIn) -> dict[str, Any]:
    escort = None
    if payload.escort is not None:
        escort = services.Escort(
            escorted=payload.escort.escorted,
            staff=payload.escort.staff,
            family=payload.escort.family,
            vehicle=payload.escort.vehicle,
        )
    services.record_release(
        notice=_notice(request, notice_id), released_on=payload.released_on, escort=escort, by=Actor.of(request)
    )
    return _read(request, notice_id, acted=True)


@router.post(
    "/release-notices/{int:notice_id}/check-in",
    response={201: CaseCreated},
    summary="报到: the person reports to the receiving office; opens the case",
)
def check_in(request: HttpRequest, notice_id: int, payload: CheckInIn) -> Status[dict[str, int]]:
    opened = services.check_in(
        notice=_notice(request, notice_id),
        checked_in_on=payload.checked_in_on,
        method=payload.method,
        by=Actor.of(request),
    )
    return Status(201, {"case_id": opened["case_id"]})


@router.post(
    "/release-notices/backfill",
    response={201: BackfillOut},
    summary="补录: an office adds a person who arrived with no notice (checked in at once)",
)
def backfill(request: HttpRequest, payload: BackfillIn) -> Status[dict[str, int]]:
    opened = services.backfill(
        data=services.BackfillData(
            person=person_data(payload.person),
            released_on=payload.released_on,
            checked_in_on=payload.checked_in_on,
            method=payload.method,
            offence=payload.offence,
            facility_name=payload.facility_name,
            key_target=payload.key_target,
        ),
        by=Actor.of(request),
    )
    return Status(201, {"case_id": opened["case_id"], "notice_id": opened["notice_id"]})


@router.get("/alerts", response=AlertList, summary="Open hand-over alerts and work items within reach")
def alerts(request: HttpRequest, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    qs = selectors.open_alerts_for(current_user(request)).order_by("-raised_on", "-id")
    page = qs[offset : offset + min(max(limit, 1), 500)]
    return {
        "items": [
            {
                "id": a.pk,
                "kind": a.kind,
                "notice_id": a.notice_id,
                "person_name": a.notice.person.name,
                "raised_on": a.raised_on,
            }
            for a in page
        ],
        "count": qs.count(),
    }
