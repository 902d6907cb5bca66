"""Assistance cases API: a case action answers 200 with the case as GET returns it; a creation 201."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import Status

from cases import capabilities, selectors, services
from cases.models import Case, TraceRequest, Transfer
from cases.schemas import (
    AgreementIn,
    CaseList,
    CaseOut,
    CloseIn,
    Created,
    DecisionIn,
    EventList,
    LostContactIn,
    MemberIn,
    NoteIn,
    RespondIn,
    RestoredIn,
    RiskIn,
    SettlementIn,
    TraceCreated,
    TraceIn,
    TraceList,
    TraceOut,
    TransferCreated,
    TransferIn,
    TransferList,
    VisitCreated,
    VisitIn,
    Worklist,
)
from core.areas import can, worklist_for
from core.audit import Actor, record_audit
from core.errors import DomainError
from core.idnumbers import mask_id_number
from directory.api_auth import current_user
from directory.models import Organisation, Region, User

router = Router(tags=["cases"])


def _ref(obj: Organisation | Region | None) -> dict[str, str] | None:
    return None if obj is None else {"code": obj.code, "name": obj.name}


def case_out(case: Case, *, for_user: User) -> dict[str, Any]:
    offence_shown = can(for_user, capabilities.READ_OFFENCE, case)
    person = case.person
    custody = case.notice.custody if case.notice is not None else None
    members = getattr(case, "active_members", None)
    if members is None:
        members = list(case.group_members.filter(removed_on__isnull=True).select_related("user"))
    return {
        "id": case.pk,
        "person": {
            "id": person.pk,
            "name": person.name,
            "gender": person.gender,
            "birth_date": person.birth_date,
            "id_number": mask_id_number(person.id_number),
            "hukou_region": _ref(person.hukou_region),
            "residence_region": _ref(person.residence_region),
            "residence_address": person.residence_address,
        },
        "status": case.status,
        "level": case.level,
        "risk_level": case.risk_level,
        "risk_reasons": case.risk_reasons,
        "next_risk_review": case.next_risk_review,
        "managing_office": _ref(case.managing_office),
        "hukou_office": _ref(case.hukou_office),
        "dual_managed": case.dual_managed,
        "opened_on": case.opened_on,
        "period_end": case.period_end,
        "next_visit_due": case.next_visit_due,
        "last_contact_on": case.last_contact_on,
        # a volunteer never sees the offence
        "offence": custody.offence if offence_shown and custody is not None else None,
        "settlement": {"status": case.settlement_status, "since": case.settlement_since}
        if case.settlement_status and case.settlement_since
        else None,
        "group": [
            {
                "id": m.pk,
                "part": m.part,
                "name": m.name,
                "phone": m.phone,
                "username": m.user.username if m.user else None,
            }
            for m in members
        ],
        # the detail of a reoffence is the new offence: not for volunteers either
        "closure": {
            "reason": case.closure_reason,
            "closed_on": case.closed_on,
            "detail": case.closure_detail if offence_shown else "",
        }
        if case.status == Case.Status.CLOSED and case.closed_on
        else None,
    }


def _read(request: HttpRequest, case_id: int, *, acted: bool = False) -> dict[str, Any]:
    """The case as GET returns it; reading the person record is audited (DESIGN §8). After an action that moved the
    case out of the caller's reach (a declined transfer), ``acted`` still answers with the case acted on."""
    user = current_user(request)
    case = selectors.case_queryset().get(pk=case_id) if acted else selectors.get_case_for_user(user, case_id)
    # record_audit runs in its own transaction (core.audit): no outer one, no extra SAVEPOINT round trips
    record_audit(
        actor=Actor.of(request),
        action="person.read",
        object_type="people.person",
        object_id=case.person_id,
        detail={"via": "case", "case": case.pk},
    )
    return case_out(case, for_user=user)


def _case(request: HttpRequest, case_id: int) -> Case:
    return selectors.get_case_for_user(current_user(request), case_id)


class CaseFilter(Schema):
    status: str | None = None
    level: str | None = None
    region: str | None = None
    q: str | None = None
    overdue: bool | None = None
    dual_managed: bool | None = None
    settlement: str | None = None
    limit: int = 50
    offset: int = 0


@router.get("/cases", response=CaseList, summary="Cases within reach, filtered")
def list_cases(request: HttpRequest, filters: Query[CaseFilter]) -> dict[str, Any]:
    if not 1 <= filters.limit <= 500 or filters.offset < 0:
        raise DomainError("invalid_query", "limit is 1 to 500", fields={"limit": "1 to 500"})
    qs = selectors.list_cases(
        user=current_user(request),
        status=filters.status,
        level=filters.level,
        region=filters.region,
        q=filters.q,
        overdue=filters.overdue,
        dual_managed=filters.dual_managed,
        settlement=filters.settlement,
    )
    page = list(qs[filters.offset : filters.offset + filters.limit])
    with transaction.atomic():
        record_audit(
            actor=Actor.of(request), action="case.list", object_type="cases.case", detail={"ids": [c.pk for c in page]}
        )
    return {
        "items": [
            {
                "id": c.pk,
                "person_name": c.person.name,
                "status": c.status,
                "level": c.level,
                "managing_office": _ref(c.managing_office),
                "opened_on": c.opened_on,
                "next_visit_due": c.next_visit_due,
                "settlement_status": c.settlement_status,
            }
            for c in page
        ],
        "count": qs.count(),
    }


@router.get("/cases/{int:case_id}", response=CaseOut, summary="One case: person (masked ID), group, status")
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    return _read(request, case_id)


@router.get("/cases/{int:case_id}/events", response=EventList, summary="The case timeline, oldest first")
def events(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = _case(request, case_id)
    rows = list(case.events.order_by("id"))
    return {
        "items": [
            {"id": e.pk, "at": e.at, "action": e.action, "by": e.by_name, "note": e.note, "data": e.data} for e in rows
        ],
        "count": len(rows),
    }


@router.post(
    "/cases/{int:case_id}/visits",
    response={201: VisitCreated},
    summary="Record a visit (managing office, county, or the assistance group)",
)
def visit(request: HttpRequest, case_id: int, payload: VisitIn) -> Status[dict[str, Any]]:
    row = services.record_visit(
        case=_case(request, case_id),
        by=Actor.of(request),
        visited_on=payload.visited_on,
        method=payload.method,
        outcome=payload.outcome,
        notes=payload.notes,
        visitors=payload.visitors,
        situation=payload.situation,
        needs=payload.needs,
    )
    next_due = Case.objects.values_list("next_visit_due", flat=True).get(pk=case_id)
    return Status(201, {"id": row.pk, "next_visit_due": next_due})


@router.post("/cases/{int:case_id}/group", response={201: Created}, summary="Add an assistance group member")
def add_member(request: HttpRequest, case_id: int, payload: MemberIn) -> Status[dict[str, int]]:
    member = services.add_group_member(
        case=_case(request, case_id),
        part=payload.part,
        name=payload.name,
        username=payload.username,
        phone=payload.phone,
        by=Actor.of(request),
    )
    return Status(201, {"id": member.pk})


@router.post(
    "/cases/{int:case_id}/group/{int:member_id}/remove", response=CaseOut, summary="Remove a member from the group"
)
def remove_member(request: HttpRequest, case_id: int, member_id: int) -> dict[str, Any]:
    case = _case(request, case_id)
    member = case.group_members.filter(pk=member_id).first()
    if member is None:
        raise DomainError("not_found", "not found", status=404)
    services.remove_group_member(member=member, by=Actor.of(request))
    return _read(request, case_id)


@router.post(
    "/cases/{int:case_id}/agreement",
    response={201: Created},
    summary="Record the signed four-party assistance agreement",
)
def agreement(request: HttpRequest, case_id: int, payload: AgreementIn) -> Status[dict[str, int]]:
    row = services.record_agreement(
        case=_case(request, case_id), signed_on=payload.signed_on, signatories=payload.signatories, by=Actor.of(request)
    )
    return Status(201, {"id": row.pk})


@router.post(
    "/cases/{int:case_id}/notes",
    response={201: Created},
    summary="Add a note to the timeline (also the hukou office of a dual-managed case)",
)
def note(request: HttpRequest, case_id: int, payload: NoteIn) -> Status[dict[str, int]]:
    event = services.add_note(case=_case(request, case_id), note=payload.note, by=Actor.of(request))
    return Status(201, {"id": event.pk})


@router.post("/cases/{int:case_id}/risk", response=CaseOut, summary="Record a risk assessment (and key-target flag)")
def risk(request: HttpRequest, case_id: int, payload: RiskIn) -> dict[str, Any]:
    services.assess_risk(
        case=_case(request, case_id),
        risk_level=payload.risk_level,
        key_target=payload.key_target,
        reasons=payload.reasons,
        assessed_on=payload.assessed_on,
        by=Actor.of(request),
    )
    return _read(request, case_id)


@router.post("/cases/{int:case_id}/settlement", response=CaseOut, summary="Record the settlement status (安置情况)")
def settlement(request: HttpRequest, case_id: int, payload: SettlementIn) -> dict[str, Any]:
    services.record_settlement(
        case=_case(request, case_id),
        status=payload.status,
        since=payload.since,
        detail=payload.detail,
        reason=payload.reason,
        by=Actor.of(request),
    )
    return _read(request, case_id)


@router.post(
    "/cases/{int:case_id}/transfer",
    response={201: TransferCreated},
    summary="Ask another justice office to take the case over (a move of residence)",
)
def transfer(request: HttpRequest, case_id: int, payload: TransferIn) -> Status[dict[str, int]]:
    office = Organisation.objects.filter(code=payload.to_office).select_related("region").first()
    if office is None:
        raise DomainError("invalid_input", "unknown office", fields={"to_office": "unknown organisation code"})
    row = services.request_transfer(
        case=_case(request, case_id),
        to_office=office,
        reason=payload.reason,
        new_address=payload.new_address,
        by=Actor.of(request),
    )
    return Status(201, {"transfer_id": row.pk})


@router.get("/transfers", response=TransferList, summary="Transfers in (to your office) or out (of your cases)")
def transfers(request: HttpRequest, direction: str = "incoming") -> dict[str, Any]:
    user = current_user(request)
    qs = Transfer.objects.visible_to(user).select_related("from_office", "to_office")
    if direction == "incoming":
        qs = qs.filter(to_office_id=user.organisation_id)
    elif direction == "outgoing":
        qs = qs.exclude(to_office_id=user.organisation_id)
    else:
        raise DomainError("invalid_query", "direction", fields={"direction": "incoming or outgoing"})
    rows = list(qs.order_by("-id")[:200])
    return {
        "items": [
            {
                "id": t.pk,
                "case_id": t.case_id,
                "from_office": _ref(t.from_office),
                "to_office": _ref(t.to_office),
                "reason": t.reason,
                "requested_on": t.requested_on,
                "status": t.status,
            }
            for t in rows
        ],
        "count": len(rows),
    }


@router.post("/transfers/{int:transfer_id}/accept", response=CaseOut, summary="Accept a transfer (receiving office)")
def accept(request: HttpRequest, transfer_id: int, payload: DecisionIn | None = None) -> dict[str, Any]:
    row = selectors.get_transfer_for_user(current_user(request), transfer_id)
    case = services.accept_transfer(transfer=row, by=Actor.of(request), note=payload.note if payload else "")
    return _read(request, case.pk)


@router.post("/transfers/{int:transfer_id}/decline", response=CaseOut, summary="Decline a transfer, saying why")
def decline(request: HttpRequest, transfer_id: int, payload: DecisionIn) -> dict[str, Any]:
    row = selectors.get_transfer_for_user(current_user(request), transfer_id)
    case = services.decline_transfer(transfer=row, by=Actor.of(request), note=payload.note)
    return _read(request, case.pk, acted=True)


@router.post("/cases/{int:case_id}/lost-contact", response=CaseOut, summary="Record lost contact (脱管)")
def lost_contact(request: HttpRequest, case_id: int, payload: LostContactIn) -> dict[str, Any]:
    services.mark_lost_contact(
        case=_case(request, case_id), noted_on=payload.noted_on, reason=payload.reason, by=Actor.of(request)
    )
    return _read(request, case_id)


@router.post("/cases/{int:case_id}/contact-restored", response=CaseOut, summary="Contact restored: back to active")
def contact_restored(request: HttpRequest, case_id: int, payload: RestoredIn) -> dict[str, Any]:
    services.restore_contact(
        case=_case(request, case_id), restored_on=payload.restored_on, note=payload.note, by=Actor.of(request)
    )
    return _read(request, case_id)


def trace_out(t: TraceRequest) -> dict[str, Any]:
    return {
        "id": t.pk,
        "case_id": t.case_id,
        "person_name": t.case.person.name,
        "from_office": _ref(t.from_office),
        "to": _ref(t.to_organisation),
        "reason": t.reason,
        "last_known_address": t.last_known_address,
        "sent_on": t.sent_on,
        "respond_by": t.respond_by,
        "status": t.status,
        "result": t.result,
        "address": t.address,
        "note": t.note,
        "escalated_on": t.escalated_on,
    }


@router.post(
    "/cases/{int:case_id}/trace-requests",
    response={201: TraceCreated},
    summary="Send a trace request (协查通报) to another justice office or the police",
)
def send_trace(request: HttpRequest, case_id: int, payload: TraceIn) -> Status[dict[str, Any]]:
    target = Organisation.objects.filter(code=payload.to).first()
    if target is None:
        raise DomainError("invalid_input", "unknown organisation", fields={"to": "unknown organisation code"})
    trace = services.send_trace_request(
        case=_case(request, case_id),
        to=target,
        reason=payload.reason,
        last_known_address=payload.last_known_address,
        by=Actor.of(request),
    )
    return Status(201, {"id": trace.pk, "respond_by": trace.respond_by})


@router.get("/trace-requests", response=TraceList, summary="Trace requests sent to you, or sent about your cases")
def traces(request: HttpRequest, direction: str = "incoming") -> dict[str, Any]:
    rows = list(selectors.traces_for(current_user(request), direction).order_by("respond_by", "id")[:200])
    return {"items": [trace_out(t) for t in rows], "count": len(rows)}


@router.post(
    "/trace-requests/{int:trace_id}/respond",
    response=TraceOut,
    summary="Answer a trace request: located (with the address) or not located",
)
def respond(request: HttpRequest, trace_id: int, payload: RespondIn) -> dict[str, Any]:
    trace = selectors.get_trace_for_user(current_user(request), trace_id)
    services.respond_to_trace(
        trace=trace, result=payload.result, address=payload.address, note=payload.note, by=Actor.of(request)
    )
    return trace_out(selectors.get_trace_for_user(current_user(request), trace_id))


@router.post("/cases/{int:case_id}/close", response=CaseOut, summary="Close the case with its reason")
def close(request: HttpRequest, case_id: int, payload: CloseIn) -> dict[str, Any]:
    services.close_case(
        case=_case(request, case_id),
        reason=payload.reason,
        closed_on=payload.closed_on,
        detail=payload.detail,
        by=Actor.of(request),
    )
    return _read(request, case_id)


@router.get("/worklist", response=Worklist, summary="Your due and overdue items, overdue first")
def worklist(request: HttpRequest) -> dict[str, Any]:
    items = worklist_for(current_user(request), on=timezone.localdate())
    rows = [
        {"kind": i.kind, "due": i.due, "overdue": i.overdue, "title": i.title, "url": i.url, **i.ref} for i in items
    ]
    return {"items": rows, "count": len(rows)}
