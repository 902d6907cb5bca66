"""Writes of cases (帮教档案): every action is one service writing one timeline event and one audit row.

Who may act: the managing office's officers and the county officers above it (DESIGN §1: the county "may act on any
case"); social workers and volunteers of the case's group may record visits and notes; the hukou office of a
dual-managed case may add notes. Each write locks the case row and re-reads it, so two officers acting at once
cannot corrupt it; closed cases are read-only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import capabilities
from cases.models import (
    Agreement,
    Case,
    CaseEvent,
    ContactLoss,
    GroupMember,
    RiskAssessment,
    SettlementRecord,
    TraceRequest,
    Transfer,
    Visit,
)
from core.areas import require
from core.audit import Actor, record_audit
from core.errors import DomainError
from core.events import SYSTEM, record_event
from directory.models import Organisation, PolicyValue, Role, User, level_of, region_prefix
from directory.policy import add_in_unit, deadline, parameter, policy_value
from directory.reach import in_region_subtree
from directory.selectors import justice_office_of_township
from handover.models import ReleaseNotice
from people.models import Person, RiskLevel

# --- events and permissions -----------------------------------------------------------------------------------------


def record_case_event(
    *, case: Case, action: str, by: Actor, note: str = "", data: dict[str, Any] | None = None
) -> CaseEvent:
    """One timeline row and its audit row; the row written (its id is the event's, whoever writes next)."""
    event = record_event(CaseEvent, case=case, action=action, user=by.user, note=note, data=data)
    record_audit(actor=by, action=f"case.{action}", object_type="cases.case", object_id=case.pk, detail=data or {})
    return event


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("managing_office__region", "person").get(pk=case.pk)


def _require_officer(case: Case, user: User) -> None:
    require(user, capabilities.MANAGE, case, message=_("Only the managing office (or its county) may do this."))


def _require_open(case: Case) -> None:
    if case.status == Case.Status.CLOSED:
        raise DomainError("case_closed", _("The case is closed and read-only."), status=409)


def _not_future(day: dt.date | None, name: str, errors: dict[str, str]) -> None:
    if day is None:
        errors[name] = _("required")
    elif day > timezone.localdate():
        errors[name] = _("a date in the future is not allowed")


def _raise(errors: dict[str, str], message: str) -> None:
    if errors:
        raise DomainError("invalid_input", message, fields=errors)


def visit_interval(case: Case, on: dt.date) -> int:
    name = "visit_interval_days_key" if case.level == Case.Level.KEY else "visit_interval_days_ordinary"
    return policy_value(name, region=case.region_id, on=on)


# --- opening --------------------------------------------------------------------------------------------------------


def open_case(
    *,
    person: Person,
    office: Organisation,
    opened_on: dt.date,
    key_target: bool,
    by: Actor,
    notice_id: int | None = None,
    origin: str = Case.Origin.PRISON,
    risk_level: str = "",
) -> Case:
    """Open the case at check-in (inside the check-in's transaction).

    Dual management (双列管, DESIGN §2.7): when the residence township differs from the hukou township, the
    residence office manages the case and the hukou office keeps seeing it; the person counts once, where managed.
    """
    hukou_office = justice_office_of_township(person.hukou_region_id) or office
    managing = office
    residence = person.residence_region_id
    if residence and person.hukou_region_id and residence[:9] != person.hukou_region_id[:9]:
        managing = justice_office_of_township(residence) or office
    period_name = (
        "assistance_period_years" if origin == Case.Origin.PRISON else "assistance_period_years_after_correction"
    )
    period = policy_value(period_name, region=managing.region_id, on=opened_on)
    level = Case.Level.KEY if key_target else Case.Level.ORDINARY
    case = Case.objects.create(
        person=person,
        notice_id=notice_id,
        managing_office=managing,
        hukou_office=hukou_office,
        region=managing.region,
        hukou_region=person.hukou_region,
        origin=origin,
        opened_on=opened_on,
        level=level,
        risk_level=risk_level,
        period_end=add_in_unit(opened_on, period, parameter(period_name).unit),
        next_visit_due=deadline("first_visit_within_days", start=opened_on, region=managing.region_id),
        next_risk_review=deadline("risk_review_months", start=opened_on, region=managing.region_id),
        last_contact_on=opened_on,
    )
    record_case_event(
        case=case,
        action="opened",
        by=by,
        data={
            "notice": notice_id,
            "managing_office": managing.code,
            "hukou_office": hukou_office.code,
            "dual_managed": managing.pk != hukou_office.pk,
        },
    )
    return case


def open_case_at_check_in(*, notice: ReleaseNotice, checked_in_on: dt.date, by: Actor) -> dict[str, int]:
    """The ``handover.checked_in`` hook: the case opens in the check-in's transaction, so refusing it (the person
    already has an open case) refuses the check-in."""
    if Case.objects.filter(person=notice.person, status__in=[Case.Status.ACTIVE, Case.Status.LOST_CONTACT]).exists():
        raise DomainError("case_open", _("This person already has an open case."), status=409)
    case = open_case(
        person=notice.person,
        office=notice.receiving_office,
        opened_on=checked_in_on,
        key_target=notice.key_target,
        by=by,
        notice_id=notice.pk,
    )
    return {"case_id": case.pk}


# --- visits and notes -----------------------------------------------------------------------------------------------


@transaction.atomic
def record_visit(
    *,
    case: Case,
    by: Actor,
    visited_on: dt.date | None,
    method: str,
    outcome: str,
    notes: str = "",
    visitors: list[str] | None = None,
    situation: dict[str, str] | None = None,
    needs: list[str] | None = None,
) -> Visit:
    """A visit. ``met`` restores the contact clock; a visit that finds nobody counts toward lost contact (it does
    not move ``last_contact_on``). The next visit falls due one interval after the last visit."""
    assert by.user is not None
    case = _locked(case)
    require(
        by.user,
        capabilities.VISIT,
        case,
        message=_("Only the managing office or the assistance group may record a visit."),
    )
    _require_open(case)
    errors: dict[str, str] = {}
    _not_future(visited_on, "visited_on", errors)
    if visited_on is not None and visited_on < case.opened_on:
        errors["visited_on"] = _("before the case was opened")
    if method not in Visit.Method.values:
        errors["method"] = _("home, phone, video, office or workplace")
    if outcome not in Visit.Outcome.values:
        errors["outcome"] = _("met, not_found or refused")
    allowed_situation = {"living", "work", "family", "health", "mood"}
    if situation and set(situation) - allowed_situation:
        errors["situation"] = _("keys: living, work, family, health, mood")
    _raise(errors, _("The visit cannot be recorded."))
    assert visited_on is not None
    visit = Visit.objects.create(
        case=case,
        visited_on=visited_on,
        method=method,
        outcome=outcome,
        notes=notes[:5000],
        visitors=[v for v in (visitors or []) if v.strip()][:20],
        situation=situation or {},
        needs=[n for n in (needs or []) if n.strip()][:20],
        recorded_by=by.user,
    )
    latest = case.visits.order_by("-visited_on").values_list("visited_on", flat=True).first() or visited_on
    case.next_visit_due = latest + dt.timedelta(days=visit_interval(case, latest))
    case.last_visit_on = latest
    fields = ["next_visit_due", "last_visit_on"]
    if outcome == Visit.Outcome.MET and (case.last_contact_on is None or visited_on > case.last_contact_on):
        case.last_contact_on = visited_on
        fields.append("last_contact_on")
    case.save(update_fields=fields)
    record_case_event(
        case=case,
        action="visit",
        by=by,
        data={
            "visit": visit.pk,
            "visited_on": visited_on.isoformat(),
            "method": method,
            "outcome": outcome,
        },
    )
    return visit


@transaction.atomic
def add_note(*, case: Case, note: str, by: Actor) -> CaseEvent:
    """A note on the timeline: case officers, the group, and the hukou office of a dual-managed case. Returns the
    note's event row."""
    assert by.user is not None
    case = _locked(case)
    require(by.user, capabilities.NOTE, case, message=_("You may read this case but not add to it."))
    _require_open(case)
    if not note.strip():
        raise DomainError("invalid_input", _("The note is empty."), fields={"note": _("required")})
    return record_case_event(case=case, action="note", by=by, note=note.strip())


# --- group and agreement --------------------------------------------------------------------------------------------


@transaction.atomic
def add_group_member(
    *, case: Case, part: str, name: str, by: Actor, phone: str = "", username: str | None = None
) -> GroupMember:
    assert by.user is not None
    case = _locked(case)
    _require_officer(case, by.user)
    _require_open(case)
    errors: dict[str, str] = {}
    if part not in GroupMember.Part.values:
        errors["part"] = _("unknown part")
    member_user: User | None = None
    if username:
        member_user = User.objects.filter(username=username, is_active=True).first()
        if member_user is None:
            errors["username"] = _("no active user with this name")
        elif part == GroupMember.Part.SOCIAL_WORKER and member_user.role != Role.SOCIAL_WORKER:
            errors["username"] = _("this user is not a social worker")
        elif part == GroupMember.Part.VOLUNTEER and member_user.role != Role.VOLUNTEER:
            errors["username"] = _("this user is not a volunteer")
    name = (name or (member_user.full_name if member_user else "") or "").strip()
    if not name:
        errors["name"] = _("required")
    _raise(errors, _("The member cannot be added."))
    if member_user is not None and case.group_members.filter(user=member_user, removed_on__isnull=True).exists():
        raise DomainError(
            "already_member",
            _("This user is already in the group."),
            fields={"username": _("already in the group")},
            status=409,
        )
    member = GroupMember.objects.create(
        case=case, part=part, name=name[:64], phone=phone.strip()[:32], user=member_user, added_on=timezone.localdate()
    )
    record_case_event(
        case=case, action="group_member_added", by=by, data={"member": member.pk, "part": part, "name": member.name}
    )
    return member


@transaction.atomic
def remove_group_member(*, member: GroupMember, by: Actor) -> None:
    assert by.user is not None
    case = _locked(member.case)
    _require_officer(case, by.user)
    _require_open(case)
    if member.removed_on is not None:
        raise DomainError("already_removed", _("This member has left the group."), status=409)
    member.removed_on = timezone.localdate()
    member.save(update_fields=["removed_on"])
    record_case_event(case=case, action="group_member_removed", by=by, data={"member": member.pk})


@transaction.atomic
def record_agreement(*, case: Case, signed_on: dt.date | None, signatories: dict[str, str], by: Actor) -> Agreement:
    assert by.user is not None
    case = _locked(case)
    _require_officer(case, by.user)
    _require_open(case)
    errors: dict[str, str] = {}
    _not_future(signed_on, "signed_on", errors)
    missing = [k for k in ("office", "community", "family", "person") if not (signatories.get(k) or "").strip()]
    if missing:
        errors["signatories"] = _("the four parties sign: office, community, family, person (missing: %(m)s)") % {
            "m": ", ".join(missing)
        }
    _raise(errors, _("The agreement cannot be recorded."))
    assert signed_on is not None
    agreement = Agreement.objects.create(case=case, signed_on=signed_on, signatories=signatories, recorded_by=by.user)
    record_case_event(case=case, action="agreement_signed", by=by, data={"signed_on": signed_on.isoformat()})
    return agreement


# --- risk and settlement --------------------------------------------------------------------------------------------


@transaction.atomic
def assess_risk(
    *, case: Case, risk_level: str, key_target: bool, reasons: list[str], assessed_on: dt.date | None, by: Actor
) -> Case:
    assert by.user is not None
    case = _locked(case)
    _require_officer(case, by.user)
    _require_open(case)
    errors: dict[str, str] = {}
    if risk_level not in RiskLevel.values:
        errors["risk_level"] = _("high, medium or low")
    _not_future(assessed_on, "assessed_on", errors)
    if key_target and not [r for r in reasons if r.strip()]:
        errors["reasons"] = _("say why the person is a key target")
    _raise(errors, _("The assessment cannot be recorded."))
    assert assessed_on is not None
    RiskAssessment.objects.create(
        case=case,
        assessed_on=assessed_on,
        risk_level=risk_level,
        key_target=key_target,
        reasons=reasons,
        recorded_by=by.user,
    )
    case.risk_level = risk_level
    case.risk_reasons = reasons
    case.level = Case.Level.KEY if key_target else Case.Level.ORDINARY
    case.next_risk_review = deadline("risk_review_months", start=assessed_on, region=case.region_id)
    last_visit = case.visits.order_by("-visited_on").values_list("visited_on", flat=True).first()
    if last_visit is not None:
        case.next_visit_due = last_visit + dt.timedelta(days=visit_interval(case, last_visit))
    case.save(update_fields=["risk_level", "risk_reasons", "level", "next_risk_review", "next_visit_due"])
    record_case_event(
        case=case,
        action="risk",
        by=by,
        data={
            "risk_level": risk_level,
            "key_target": key_target,
            "reasons": reasons,
        },
    )
    return case


@transaction.atomic
def record_settlement(
    *, case: Case, status: str, since: dt.date | None, by: Actor, detail: str = "", reason: str = ""
) -> Case:
    assert by.user is not None
    case = _locked(case)
    _require_officer(case, by.user)
    _require_open(case)
    errors: dict[str, str] = {}
    if status not in Case.Settlement.values:
        errors["status"] = _("unknown settlement status")
    _not_future(since, "since", errors)
    if status == Case.Settlement.NOT_SETTLED and not reason.strip():
        errors["reason"] = _("say why the person is not settled")
    _raise(errors, _("The settlement cannot be recorded."))
    assert since is not None
    _settle(case, status=status, since=since, by=by, recorded_by=by.user, detail=detail, reason=reason)
    return case


def _settle(
    case: Case, *, status: str, since: dt.date, by: Actor, recorded_by: User, detail: str = "", reason: str = ""
) -> None:
    SettlementRecord.objects.create(
        case=case, status=status, since=since, detail=detail[:500], reason=reason[:500], recorded_by=recorded_by
    )
    current = case.settlements.order_by("-since", "-id").first()
    assert current is not None
    case.settlement_status, case.settlement_since = current.status, current.since
    case.save(update_fields=["settlement_status", "settlement_since"])
    data = {"status": status, "since": since.isoformat()}
    if by.user is None or by.user != recorded_by:
        data["source"] = detail[:200]
    record_case_event(case=case, action="settlement", by=by, data=data)


@transaction.atomic
def settle_from_outcome(
    *,
    case: Case,
    status: str,
    since: dt.date,
    by: Actor,
    recorded_by: User,
    detail: str = "",
    unless_settled_as: tuple[str, ...] = (),
) -> bool:
    """The settlement an outcome recorded in another area sets: a placement (employed), an allowance granted
    (allowance), a bed at a base (at_base). No permission of its own: the outcome's service has checked who may
    record the outcome (a department deciding a referral is not the managing office). ``recorded_by`` is the user
    the record is kept under (for a decision taken through a one-time link, whoever sent the referral).

    Nothing happens (False) on a closed case, when the case is already so settled, or when its current status is
    one of ``unless_settled_as`` (an allowance does not replace work)."""
    case = _locked(case)
    if case.status == Case.Status.CLOSED or case.settlement_status == status:
        return False
    if case.settlement_status in unless_settled_as:
        return False
    if status not in Case.Settlement.values:
        raise DomainError("invalid_input", _("unknown settlement status"), fields={"status": _("unknown")})
    _settle(case, status=status, since=since, by=by, recorded_by=recorded_by, detail=detail)
    return True


# --- transfers ------------------------------------------------------------------------------------------------------


@transaction.atomic
def request_transfer(*, case: Case, to_office: Organisation, reason: str, by: Actor, new_address: str = "") -> Transfer:
    """A move of residence: the receiving office accepts or declines; the history stays with the case."""
    assert by.user is not None
    case = _locked(case)
    _require_officer(case, by.user)
    _require_open(case)
    errors: dict[str, str] = {}
    if to_office.kind != Organisation.Kind.JUSTICE_OFFICE or not to_office.is_active:
        errors["to_office"] = _("not a justice office")
    elif to_office.pk == case.managing_office_id:
        errors["to_office"] = _("the case is already managed there")
    if not reason.strip():
        errors["reason"] = _("required")
    _raise(errors, _("The transfer cannot be requested."))
    if case.transfers.filter(status=Transfer.Status.PENDING).exists():
        raise DomainError("transfer_pending", _("A transfer is already waiting for an answer."), status=409)
    transfer = Transfer.objects.create(
        case=case,
        from_office=case.managing_office,
        to_office=to_office,
        reason=reason.strip()[:500],
        new_address=new_address.strip()[:200],
        requested_on=timezone.localdate(),
    )
    record_case_event(
        case=case, action="transfer_requested", by=by, data={"transfer": transfer.pk, "to_office": to_office.code}
    )
    return transfer


def _decide(transfer: Transfer, by: Actor) -> tuple[Transfer, Case]:
    assert by.user is not None
    transfer = Transfer.objects.select_for_update().select_related("to_office__region").get(pk=transfer.pk)
    case = _locked(transfer.case)
    require(
        by.user, capabilities.DECIDE_TRANSFER, transfer, message=_("Only the receiving office may answer a transfer.")
    )
    if transfer.status != Transfer.Status.PENDING:
        raise DomainError("transfer_decided", _("This transfer has been answered already."), status=409)
    _require_open(case)
    return transfer, case


@transaction.atomic
def accept_transfer(*, transfer: Transfer, by: Actor, note: str = "") -> Case:
    transfer, case = _decide(transfer, by)
    transfer.status, transfer.decided_on, transfer.decided_by = Transfer.Status.ACCEPTED, timezone.localdate(), by.user
    transfer.decision_note = note[:500]
    transfer.save(update_fields=["status", "decided_on", "decided_by", "decision_note"])
    case.managing_office = transfer.to_office
    case.region = transfer.to_office.region
    case.save(update_fields=["managing_office", "region"])
    person = case.person
    person.residence_region = transfer.to_office.region
    if transfer.new_address:
        person.residence_address = transfer.new_address
    person.save(update_fields=["residence_region", "residence_address"])
    record_case_event(
        case=case,
        action="transfer_accepted",
        by=by,
        data={"transfer": transfer.pk, "to_office": transfer.to_office.code},
    )
    return case


@transaction.atomic
def decline_transfer(*, transfer: Transfer, by: Actor, note: str = "") -> Case:
    transfer, case = _decide(transfer, by)
    if not note.strip():
        raise DomainError("invalid_input", _("Say why the transfer is declined."), fields={"note": _("required")})
    transfer.status, transfer.decided_on, transfer.decided_by = Transfer.Status.DECLINED, timezone.localdate(), by.user
    transfer.decision_note = note[:500]
    transfer.save(update_fields=["status", "decided_on", "decided_by", "decision_note"])
    record_case_event(case=case, action="transfer_declined", by=by, note=note, data={"transfer": transfer.pk})
    return case


# --- lost contact and traces ----------------------------------------------------------------------------------------


@transaction.atomic
def mark_lost_contact(*, case: Case, noted_on: dt.date | None, reason: str, by: Actor) -> Case:
    assert by.user is not None
    case = _locked(case)
    _require_officer(case, by.user)
    _require_open(case)
    errors: dict[str, str] = {}
    _not_future(noted_on, "noted_on", errors)
    if not reason.strip():
        errors["reason"] = _("required")
    _raise(errors, _("Lost contact cannot be recorded."))
    if case.status == Case.Status.LOST_CONTACT:
        raise DomainError("already_lost", _("Contact is already recorded as lost."), status=409)
    assert noted_on is not None
    ContactLoss.objects.create(case=case, noted_on=noted_on, reason=reason.strip()[:500])
    case.status = Case.Status.LOST_CONTACT
    case.save(update_fields=["status"])
    record_case_event(case=case, action="lost_contact", by=by, note=reason, data={"noted_on": noted_on.isoformat()})
    return case


@transaction.atomic
def restore_contact(*, case: Case, restored_on: dt.date | None, note: str, by: Actor) -> Case:
    assert by.user is not None
    case = _locked(case)
    _require_officer(case, by.user)
    errors: dict[str, str] = {}
    _not_future(restored_on, "restored_on", errors)
    _raise(errors, _("Restored contact cannot be recorded."))
    if case.status != Case.Status.LOST_CONTACT:
        raise DomainError("not_lost", _("Contact is not recorded as lost."), status=409)
    assert restored_on is not None
    loss = case.contact_losses.filter(restored_on__isnull=True).order_by("-noted_on").first()
    if loss is not None:
        if restored_on < loss.noted_on:
            raise DomainError(
                "invalid_input",
                _("Contact cannot come back before it was lost."),
                fields={"restored_on": _("before the contact was lost on %(d)s") % {"d": loss.noted_on.isoformat()}},
            )
        loss.restored_on = restored_on
        loss.save(update_fields=["restored_on"])
    case.status = Case.Status.ACTIVE
    case.last_contact_on = restored_on
    case.next_visit_due = restored_on + dt.timedelta(days=visit_interval(case, restored_on))
    case.save(update_fields=["status", "last_contact_on", "next_visit_due"])
    record_case_event(
        case=case, action="contact_restored", by=by, note=note, data={"restored_on": restored_on.isoformat()}
    )
    return case


@transaction.atomic
def send_trace_request(
    *, case: Case, to: Organisation, reason: str, last_known_address: str, by: Actor
) -> TraceRequest:
    """协查通报 to another justice office or a police organisation, answered within ``trace_response_days``."""
    assert by.user is not None
    case = _locked(case)
    _require_officer(case, by.user)
    _require_open(case)
    errors: dict[str, str] = {}
    if to.kind not in (Organisation.Kind.JUSTICE_OFFICE, Organisation.Kind.PUBLIC_SECURITY) or not to.is_active:
        errors["to"] = _("a justice office or a police organisation")
    elif to.pk == case.managing_office_id:
        errors["to"] = _("that is the managing office itself")
    if not reason.strip():
        errors["reason"] = _("required")
    _raise(errors, _("The trace request cannot be sent."))
    today = timezone.localdate()
    trace = TraceRequest.objects.create(
        case=case,
        from_office=case.managing_office,
        to_organisation=to,
        reason=reason.strip()[:500],
        last_known_address=last_known_address.strip()[:200],
        sent_on=today,
        respond_by=deadline("trace_response_days", start=today, region=case.region_id),
    )
    record_case_event(case=case, action="trace_sent", by=by, data={"trace": trace.pk, "to": to.code})
    return trace


@transaction.atomic
def respond_to_trace(*, trace: TraceRequest, result: str, by: Actor, address: str = "", note: str = "") -> TraceRequest:
    assert by.user is not None
    trace = TraceRequest.objects.select_for_update().get(pk=trace.pk)
    require(
        by.user,
        capabilities.RESPOND_TO_TRACE,
        trace,
        message=_("Only the organisation the request was sent to may answer it."),
    )
    errors: dict[str, str] = {}
    if result not in TraceRequest.Result.values:
        errors["result"] = _("located or not_located")
    elif result == TraceRequest.Result.LOCATED and not address.strip():
        errors["address"] = _("where was the person found?")
    _raise(errors, _("The answer cannot be recorded."))
    if trace.status != TraceRequest.Status.OPEN:
        raise DomainError("trace_answered", _("This request has been answered already."), status=409)
    trace.status, trace.result, trace.address, trace.note = TraceRequest.Status.ANSWERED, result, address, note
    trace.answered_on, trace.answered_by = timezone.localdate(), by.user
    trace.save(update_fields=["status", "result", "address", "note", "answered_on", "answered_by"])
    case = Case.objects.select_for_update().get(pk=trace.case_id)
    record_case_event(
        case=case,
        action="trace_answered",
        by=by,
        note=note,
        data={"trace": trace.pk, "result": result, "address": address},
    )
    return trace


# --- closure --------------------------------------------------------------------------------------------------------


@transaction.atomic
def close_case(*, case: Case, reason: str, closed_on: dt.date | None, by: Actor, detail: str = "") -> Case:
    assert by.user is not None
    case = _locked(case)
    _require_officer(case, by.user)
    if case.status == Case.Status.CLOSED:
        raise DomainError("case_closed", _("The case is closed already."), status=409)
    errors: dict[str, str] = {}
    if reason not in Case.ClosureReason.values:
        errors["reason"] = _("unknown closure reason")
    _not_future(closed_on, "closed_on", errors)
    if closed_on is not None and closed_on < case.opened_on:
        errors["closed_on"] = _("before the case was opened")
    if reason == Case.ClosureReason.REOFFENDED and not detail.strip():
        errors["detail"] = _("record the new offence")
    _raise(errors, _("The case cannot be closed."))
    assert closed_on is not None
    _close(case, reason, closed_on, detail)
    record_case_event(
        case=case, action="closed", by=by, note=detail, data={"reason": reason, "closed_on": closed_on.isoformat()}
    )
    return case


def _close(case: Case, reason: str, closed_on: dt.date, detail: str) -> None:
    case.status, case.closure_reason, case.closed_on = Case.Status.CLOSED, reason, closed_on
    case.closure_detail = detail[:500]
    case.save(update_fields=["status", "closure_reason", "closed_on", "closure_detail"])
    ContactLoss.objects.filter(case=case, restored_on__isnull=True).update(restored_on=closed_on)
    Transfer.objects.filter(case=case, status=Transfer.Status.PENDING).update(
        status=Transfer.Status.DECLINED, decided_on=closed_on, decision_note="case closed"
    )


# --- the nightly scan -----------------------------------------------------------------------------------------------


def scan_cases(*, as_of: dt.date) -> dict[str, int]:
    """Set-based: close cases whose period has run out, mark lost contact after ``lost_contact_after_days`` without a
    successful contact past the visit interval (see ``_lose_contact``), escalate overdue trace
    requests to the county. Claims rows with conditional UPDATEs, so it is safe to run twice."""
    counts: dict[str, int] = {}
    now = timezone.now()
    with transaction.atomic():
        expired = list(Case.objects.filter(status__in=Case.OPEN, period_end__lt=as_of).values_list("id", "period_end"))
        ids = [i for i, _ in expired]
        counts["period_expired"] = Case.objects.filter(id__in=ids, status__in=Case.OPEN).update(
            status=Case.Status.CLOSED,
            closure_reason=Case.ClosureReason.PERIOD_EXPIRED,
            closed_on=as_of,
            closure_detail="",
        )
        ContactLoss.objects.filter(case_id__in=ids, restored_on__isnull=True).update(restored_on=as_of)
        Transfer.objects.filter(case_id__in=ids, status=Transfer.Status.PENDING).update(
            status=Transfer.Status.DECLINED, decided_on=as_of, decision_note="case closed"
        )
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case_id=i,
                    at=now,
                    action=CaseEvent.Action.CLOSED,
                    by_name=SYSTEM,
                    data={"reason": "period_expired", "closed_on": as_of.isoformat()},
                )
                for i in ids
            ],
            batch_size=1000,
        )
        lost = _lose_contact(as_of)
        counts["lost_contact"] = Case.objects.filter(id__in=list(lost), status=Case.Status.ACTIVE).update(
            status=Case.Status.LOST_CONTACT
        )
        ContactLoss.objects.bulk_create(
            [
                ContactLoss(case_id=i, noted_on=as_of, automatic=True, reason=f"no successful contact for {days} days")
                for i, days in lost.items()
            ],
            batch_size=1000,
        )
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case_id=i,
                    at=now,
                    action=CaseEvent.Action.LOST_CONTACT,
                    by_name=SYSTEM,
                    data={"noted_on": as_of.isoformat(), "automatic": True},
                )
                for i in lost
            ],
            batch_size=1000,
        )
        counts["traces_escalated"] = TraceRequest.objects.filter(
            status=TraceRequest.Status.OPEN, respond_by__lt=as_of, escalated_on__isnull=True
        ).update(escalated_on=as_of)
        if any(counts.values()):
            record_audit(
                actor=Actor.system(),
                action="case.scan",
                object_type="cases.case",
                detail={**counts, "as_of": as_of.isoformat()},
            )
    return counts


LOST_CONTACT_PARAMETERS = ("lost_contact_after_days", "visit_interval_days_key", "visit_interval_days_ordinary")


def _lose_contact(as_of: dt.date) -> dict[int, int]:
    """The active cases to mark lost on ``as_of``, each with the days without contact that put it there.

    The rule (DESIGN §2 step 8): lost when there was no successful contact for ``lost_contact_after_days`` past the
    date the next contact was due, i.e. for the level's visit interval plus ``lost_contact_after_days`` (key 30 + 60,
    ordinary 90 + 60 by the national values). Counting from the last contact alone would mark every ordinary case
    visited on its 90-day schedule as lost on day 61. Failed visits do not move ``last_contact_on``, so they count
    toward it.

    Set-based: one UPDATE-sized query per level and per policy scope (the country, then every province, city or
    county that overrides one of the three values; a nearer override wins, so a scope excludes the subtrees of the
    scopes nested in it). With no overrides that is two queries.
    """
    scopes = sorted(
        set(
            PolicyValue.objects.filter(
                name__in=LOST_CONTACT_PARAMETERS, region__isnull=False, effective_from__lte=as_of
            ).values_list("region_id", flat=True)
        )
    )
    prefixes = {code: region_prefix(code, level_of(code)) for code in scopes}
    lost: dict[int, int] = {}
    for scope in [None, *scopes]:
        prefix = "" if scope is None else prefixes[scope]
        nested = [p for code, p in prefixes.items() if code != scope and p.startswith(prefix) and p != prefix]
        for level, interval_name in (
            (Case.Level.KEY, "visit_interval_days_key"),
            (Case.Level.ORDINARY, "visit_interval_days_ordinary"),
        ):
            days = policy_value("lost_contact_after_days", region=scope, on=as_of) + policy_value(
                interval_name, region=scope, on=as_of
            )
            cases = Case.objects.filter(
                status=Case.Status.ACTIVE, level=level, last_contact_on__lt=as_of - dt.timedelta(days=days)
            )
            if prefix:
                cases = cases.filter(in_region_subtree(prefix, "region"))
            for inner in nested:
                cases = cases.exclude(in_region_subtree(inner, "region"))
            lost.update(dict.fromkeys(cases.values_list("id", flat=True), days))
    return lost
