"""Referrals to partner departments (救助转介, seed §4): the office asks, the department decides, and the system keeps
both sides and the time between them.

``submitted → under_review → approved | rejected``; an approved benefit becomes ``review_due`` on its review date
(the nightly scan) and ``ended`` when it stops. Each transition is one ``ReferralEvent`` (the referral's history),
one row on the case timeline (``referral_<action>``) and its audit row. A department officer without an account
decides through a one-time link (``issue_partner_link`` / ``decide_through_link``): the token is the credential.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance import capabilities, partner_links
from assistance.common import money, record_case_event
from assistance.models import DEPARTMENT, MONTHLY_SCHEMES, PartnerLink, Referral, ReferralEvent, Scheme
from cases.models import Case, CaseEvent
from cases.services import settle_from_outcome
from core.areas import can, require
from core.audit import Actor, record_audit
from core.errors import DomainError, Forbidden, NotFound
from core.events import SYSTEM, record_event
from directory.models import Organisation, User
from directory.policy import deadline, policy_value

# An allowance does not replace work (issue 11 §4): these settlements stay when 低保 or 特困 is granted.
SETTLED_BY_WORK = ("employed", "self_employed", "flexible", "farming")
# The schemes whose approval is an allowance the person lives on (安置情况: 低保或供养).
ALLOWANCE_SCHEMES = frozenset({Scheme.DIBAO, Scheme.TEKUN})
# the decisions a one-time link takes (its one decision; "under review" is not one)
LINK_RESULTS = ("approved", "rejected")
RESULTS = ("under_review", "approved", "rejected")


def _raise(errors: dict[str, str], message: str, status: int = 422) -> None:
    if errors:
        raise DomainError("invalid_input", message, fields=errors, status=status)


# ``of=("self",)``: lock the row itself, not the joined ones (the department's organisation, the sender's user),
# which every other decision of that department, and the sender's sign-in, would otherwise queue behind.


def _locked_case(case_id: int) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case_id)


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case__person", "case__notice", "to_organisation", "from_office", "created_by")
        .get(pk=referral.pk)
    )


def response_deadline(*, scheme: str, urgent: bool, start: dt.date, region: str) -> dt.date:
    """``respond_by``: 低保 in ``referral_response_days_dibao`` working days (民发〔2021〕57号 第 19 条), an urgent
    temporary aid the same day (急难救助), every other scheme in ``referral_response_days``."""
    if scheme == Scheme.TEMPORARY_AID and urgent:
        return start
    name = "referral_response_days_dibao" if scheme == Scheme.DIBAO else "referral_response_days"
    return deadline(name, start=start, region=region)


def _link_name(referral: Referral) -> str:
    """Who acted through a one-time link: the department, by the link (no user)."""
    return _("%(org)s（一次性链接）") % {"org": referral.to_organisation.name}


def _event(referral: Referral, case_action: str, by: Actor, *, by_name: str = "", data: dict[str, Any]) -> None:
    """One row of the referral's history and one of the case timeline, ``case_action`` (with its audit row
    ``case.<case_action>``); the history's action is the same without its ``referral_`` prefix."""
    action = "link_issued" if case_action == "partner_link_issued" else case_action.removeprefix("referral_")
    row = record_event(ReferralEvent, referral=referral, action=action, user=by.user, data=data)
    # the case timeline carries no amount: a volunteer of the group reads it (assistance.amounts.read)
    shown = {key: value for key, value in data.items() if key != "amount"}
    case_event = record_case_event(
        case=referral.case, action=case_action, by=by, data={"referral": referral.pk, **shown}
    )
    if by_name:
        # a decision through a link has no user: name the department and the link rather than "system"
        row.by_name = case_event.by_name = by_name[:150]
        row.save(update_fields=["by_name"])
        case_event.save(update_fields=["by_name"])


# --- submitting -------------------------------------------------------------------------------------------------------


@transaction.atomic
def submit_referral(*, case: Case, scheme: str, to: str, reason: str, by: Actor, urgent: bool = False) -> Referral:
    """A referral of ``case`` for ``scheme`` to the organisation coded ``to``, which must be an active department
    of the kind the scheme needs (``DEPARTMENT``) in the case's province. One pending referral per case and scheme."""
    assert by.user is not None
    case = _locked_case(case.pk)
    require(by.user, capabilities.MANAGE, case, message=_("Only the managing office (or its county) may refer."))
    if case.status == Case.Status.CLOSED:
        raise DomainError("case_closed", _("The case is closed and read-only."), status=409)
    errors: dict[str, str] = {}
    target: Organisation | None = None
    if scheme not in Scheme.values:
        errors["scheme"] = _("unknown scheme")
    target = Organisation.objects.filter(code=(to or "").strip()).first()
    if target is None:
        errors["to"] = _("unknown organisation code")
    elif not target.is_active:
        errors["to"] = _("this organisation is no longer active")
    elif target.region_id[:2] != case.region_id[:2]:
        errors["to"] = _("outside the case's province")
    elif scheme in Scheme.values and target.kind != DEPARTMENT[scheme]:
        errors["to"] = _("not a department that decides this scheme (%(kind)s)") % {
            "kind": Organisation.Kind(DEPARTMENT[scheme]).label
        }
    if not (reason or "").strip():
        errors["reason"] = _("required")
    _raise(errors, _("The referral cannot be sent."))
    assert target is not None
    if Referral.objects.filter(case=case, scheme=scheme, status__in=Referral.PENDING).exists():
        raise DomainError(
            "referral_pending",
            _("A referral for this scheme is already waiting for an answer."),
            fields={"scheme": _("already pending")},
            status=409,
        )
    today = timezone.localdate()
    assert case.managing_office_id is not None
    referral = Referral.objects.create(
        case=case,
        scheme=scheme,
        from_office_id=case.managing_office_id,
        to_organisation=target,
        reason=reason.strip()[:500],
        urgent=bool(urgent),
        submitted_on=today,
        respond_by=response_deadline(scheme=scheme, urgent=bool(urgent), start=today, region=case.region_id),
        created_by=by.user,
    )
    _event(
        referral,
        "referral_submitted",
        by,
        data={
            "scheme": scheme,
            "to": target.code,
            "urgent": referral.urgent,
            "respond_by": referral.respond_by.isoformat(),
        },
    )
    return referral


# --- the department's decision ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What the department answers (``POST /referrals/{id}/respond``)."""

    result: str
    reference: str = ""
    amount: Any = None
    starts_on: dt.date | None = None
    review_on: dt.date | None = None
    reason: str = ""


# A benefit starts on the decision's day or soon after it (低保 from the month after approval); a start further ahead
# is a typing slip, and it would become the case's settlement date.
START_AHEAD_DAYS = 62


def _released_on(case: Case) -> dt.date:
    """The person's release: the notice's, else the day the case was opened (a backfilled case)."""
    notice = case.notice
    return (notice.released_on if notice is not None else None) or case.opened_on


def _checked(decision: Decision, referral: Referral) -> Decimal | None:
    # the state first: a decided referral is a conflict whatever the body says
    if referral.status not in Referral.PENDING:
        raise DomainError("referral_decided", _("This referral has been decided already."), status=409)
    if decision.result == "under_review" and referral.status != Referral.Status.SUBMITTED:
        raise DomainError("referral_under_review", _("This referral is under review already."), status=409)
    errors: dict[str, str] = {}
    amount: Decimal | None = None
    if decision.result not in RESULTS:
        errors["result"] = _("under_review, approved or rejected")
    if decision.result == "rejected" and not decision.reason.strip():
        errors["reason"] = _("say why the referral is rejected")
    if decision.result == "approved" and decision.starts_on is None:
        errors["starts_on"] = _("required: the day the benefit starts")
    if decision.amount not in (None, ""):
        amount = money(decision.amount, "amount", errors)
    if decision.review_on is not None and decision.starts_on is not None and decision.review_on <= decision.starts_on:
        errors["review_on"] = _("after the start date")
    if decision.review_on is not None and decision.starts_on is None:
        errors["starts_on"] = _("required with a review date")
    if len(decision.reference) > 64:
        errors["reference"] = _("at most 64 characters")
    today = timezone.localdate()
    released = _released_on(referral.case)
    if decision.starts_on is not None and decision.starts_on < released:
        errors["starts_on"] = _("not before the release (%(day)s)") % {"day": released.isoformat()}
    elif decision.starts_on is not None and decision.starts_on > today + dt.timedelta(days=START_AHEAD_DAYS):
        errors["starts_on"] = _("at most %(n)s days from today") % {"n": START_AHEAD_DAYS}
    if decision.review_on is not None and decision.review_on <= today and "review_on" not in errors:
        errors["review_on"] = _("a day after today")
    _raise(errors, _("The decision cannot be recorded."))
    return amount


def _decide(
    referral: Referral, decision: Decision, by: Actor, *, recorded_by: User, link: PartnerLink | None = None
) -> Referral:
    amount = _checked(decision, referral)
    data: dict[str, Any] = {"result": decision.result}
    if link is not None:
        data["link"] = link.pk
    if decision.result == "under_review":
        referral.status = Referral.Status.UNDER_REVIEW
        if decision.reference:
            referral.reference = decision.reference.strip()
        referral.save(update_fields=["status", "reference"])
    else:
        referral.status = decision.result
        referral.decided_on = timezone.localdate()
        referral.decided_by = by.user
        referral.reference = decision.reference.strip() or referral.reference
        referral.decision_reason = decision.reason.strip()[:500]
        if decision.result == "approved":
            referral.amount, referral.starts_on, referral.review_on = amount, decision.starts_on, decision.review_on
        referral.save(
            update_fields=[
                "status",
                "decided_on",
                "decided_by",
                "reference",
                "decision_reason",
                "amount",
                "starts_on",
                "review_on",
            ]
        )
        data.update(
            {
                "reference": referral.reference,
                "amount": str(referral.amount) if referral.amount is not None else None,
                "monthly": referral.scheme in MONTHLY_SCHEMES,
                "starts_on": referral.starts_on.isoformat() if referral.starts_on else None,
                "review_on": referral.review_on.isoformat() if referral.review_on else None,
                "reason": referral.decision_reason,
            }
        )
    by_name = _link_name(referral) if by.user is None else ""
    case_action = (
        "referral_approved"
        if decision.result == "approved"
        else "referral_rejected"
        if decision.result == "rejected"
        else "referral_under_review"
    )
    _event(referral, case_action, by, by_name=by_name, data=data)
    if decision.result == "approved" and referral.scheme in ALLOWANCE_SCHEMES:
        assert referral.starts_on is not None
        settle_from_outcome(
            case=referral.case,
            status=Case.Settlement.ALLOWANCE,
            since=referral.starts_on,
            by=by,
            recorded_by=recorded_by,
            detail=_("%(scheme)s获批（转介 %(id)s）") % {"scheme": Scheme(referral.scheme).label, "id": referral.pk},
            unless_settled_as=SETTLED_BY_WORK,
        )
    return referral


@transaction.atomic
def respond_to_referral(*, referral: Referral, decision: Decision, by: Actor) -> Referral:
    """The addressed department's answer: under review, approved (with its start, amount and review date) or
    rejected (with the reason). An approval of 低保 or 特困 settles the case as ``allowance`` unless it is settled
    by work. A second decision is 409."""
    assert by.user is not None
    referral = _locked(referral)
    require(
        by.user,
        capabilities.RESPOND,
        referral,
        message=_("Only the department the referral is addressed to may decide it."),
    )
    return _decide(referral, decision, by, recorded_by=by.user)


@transaction.atomic
def end_referral(*, referral: Referral, ended_on: dt.date | None, reason: str, by: Actor) -> Referral:
    """A benefit in force stops (终止): the department, or the managing office that learns it (the person found
    work, moved away, died). Ends an approved or review-due referral only."""
    assert by.user is not None
    referral = _locked(referral)
    if not (can(by.user, capabilities.RESPOND, referral) or can(by.user, capabilities.MANAGE, referral.case)):
        raise Forbidden(_("Only the department or the managing office may end a benefit."))
    errors: dict[str, str] = {}
    if ended_on is None:
        errors["ended_on"] = _("required")
    elif ended_on > timezone.localdate():
        errors["ended_on"] = _("a date in the future is not allowed")
    elif referral.starts_on is not None and ended_on < referral.starts_on:
        errors["ended_on"] = _("before the benefit started")
    if not (reason or "").strip():
        errors["reason"] = _("required")
    _raise(errors, _("The benefit cannot be ended."))
    if referral.status not in Referral.IN_FORCE:
        raise DomainError("referral_not_in_force", _("Only a benefit in force can be ended."), status=409)
    assert ended_on is not None
    referral.status, referral.ended_on, referral.end_reason = Referral.Status.ENDED, ended_on, reason.strip()[:500]
    referral.save(update_fields=["status", "ended_on", "end_reason"])
    _event(
        referral,
        "referral_ended",
        by,
        data={"ended_on": ended_on.isoformat(), "reason": referral.end_reason},
    )
    return referral


@transaction.atomic
def renew_referral(
    *, referral: Referral, review_on: dt.date | None, by: Actor, amount: Any = None, reference: str = ""
) -> Referral:
    """The department's review continues a benefit in force (复审后继续享受, e.g. 低保 reviewed each year): the
    referral is ``approved`` again until ``review_on``, with the amount and file number of the review when they
    change. Only the addressed department; only an approved or review-due benefit (409 otherwise)."""
    assert by.user is not None
    referral = _locked(referral)
    require(
        by.user,
        capabilities.RESPOND,
        referral,
        message=_("Only the department the referral is addressed to may decide it."),
    )
    errors: dict[str, str] = {}
    if review_on is None:
        errors["review_on"] = _("required: the day of the next review")
    elif review_on <= timezone.localdate():
        errors["review_on"] = _("a day after today")
    new_amount = money(amount, "amount", errors) if amount not in (None, "") else None
    if len(reference) > 64:
        errors["reference"] = _("at most 64 characters")
    _raise(errors, _("The review cannot be recorded."))
    if referral.status not in Referral.IN_FORCE:
        raise DomainError("referral_not_in_force", _("Only a benefit in force can be renewed."), status=409)
    assert review_on is not None
    referral.status, referral.review_on = Referral.Status.APPROVED, review_on
    if new_amount is not None:
        referral.amount = new_amount
    if reference.strip():
        referral.reference = reference.strip()
    referral.save(update_fields=["status", "review_on", "amount", "reference"])
    data = {
        "review_on": review_on.isoformat(),
        "amount": str(referral.amount) if referral.amount is not None else None,
        "reference": referral.reference,
    }
    _event(referral, "referral_renewed", by, data=data)
    return referral


# --- one-time links for a department without an account --------------------------------------------------------------


class LinkGone(DomainError):
    """The link was used, has expired, or its referral was decided meanwhile: 410."""

    def __init__(self, message: str) -> None:
        super().__init__("link_gone", message, status=410)


@transaction.atomic
def issue_partner_link(*, referral: Referral, by: Actor) -> tuple[PartnerLink, str]:
    """A one-time link for ``referral`` (the managing office): the token, shown once, and its row (only the
    token's SHA-256 is kept). Expires after ``partner_link_days``."""
    assert by.user is not None
    referral = _locked(referral)
    require(by.user, capabilities.LINK, referral, message=_("Only the managing office may issue a link."))
    if referral.case.status == Case.Status.CLOSED:
        raise DomainError("case_closed", _("The case is closed and read-only."), status=409)
    if referral.status not in Referral.PENDING:
        raise DomainError("referral_decided", _("This referral has been decided already."), status=409)
    now = timezone.now()
    days = policy_value("partner_link_days", region=referral.case.region_id, on=timezone.localdate())
    token = partner_links.new_token()
    link = PartnerLink.objects.create(
        referral=referral,
        token_hash=partner_links.token_hash(token),
        expires_at=now + dt.timedelta(days=days),
        issued_by=by.user,
        issued_at=now,
    )
    _event(
        referral,
        "partner_link_issued",
        by,
        data={"link": link.pk, "expires_at": link.expires_at.isoformat()},
    )
    return link, token


def _link(token: str, *, lock: bool) -> PartnerLink:
    rows = PartnerLink.objects.select_related(
        "referral__case__person", "referral__to_organisation", "referral__from_office", "referral__created_by"
    )
    if lock:
        rows = rows.select_for_update(of=("self",))
    link = rows.filter(token_hash=partner_links.token_hash(token or "")).first()
    if link is None:
        raise NotFound()
    return link


def link_gone_reason(link: PartnerLink) -> str | None:
    """Why ``link`` no longer opens (used, expired, its referral decided), or None while it does."""
    if link.used_at is not None:
        return _("此链接已使用，不能再次打开。")
    if link.expires_at <= timezone.now():
        return _("此链接已过期。")
    if link.referral.status not in Referral.PENDING:
        return _("此转介已有处理结果，链接已失效。")
    return None


def open_partner_link(*, token: str, by: Actor) -> PartnerLink:
    """The link behind ``token`` (404 unknown), each opening audited with the link's id; 410 once it is gone (the
    refused opening is audited too)."""
    with transaction.atomic():
        link = _link(token, lock=False)
        gone = link_gone_reason(link)
        record_audit(
            actor=by,
            action="referral.link_opened",
            object_type="assistance.referral",
            object_id=link.referral_id,
            outcome="denied" if gone else "success",
            detail={"link": link.pk, **({"gone": gone} if gone else {})},
        )
        if gone is None:
            ReferralEvent.objects.create(
                referral=link.referral,
                at=timezone.now(),
                action=ReferralEvent.Action.LINK_OPENED,
                by_name=_link_name(link.referral),
                data={"link": link.pk},
            )
    if gone is not None:
        raise LinkGone(gone)
    return link


def usable_link(*, token: str, by: Actor) -> PartnerLink:
    """The link behind ``token`` while it still takes its decision (404 unknown, 410 gone), read again to show its
    page once more after a refused form: not an opening of its own (nothing audited, no history row)."""
    link = _link(token, lock=False)
    gone = link_gone_reason(link)
    if gone is not None:
        raise LinkGone(gone)
    return link


def decide_through_link(*, token: str, decision: Decision, by: Actor) -> Referral:
    """The one decision a link takes (the atomic part: ``_decide_through_link``); a refusal because the link is
    gone (410) is audited with the link's id, after the rolled-back attempt, as a refused opening is."""
    try:
        return _decide_through_link(token=token, decision=decision, by=by)
    except LinkGone as gone:
        link = PartnerLink.objects.filter(token_hash=partner_links.token_hash(token or "")).first()
        if link is not None:
            record_audit(
                actor=Actor(user=None, ip=by.ip),
                action="referral.link_decided",
                object_type="assistance.referral",
                object_id=link.referral_id,
                outcome="denied",
                detail={"link": link.pk, "gone": gone.message},
            )
        raise


@transaction.atomic
def _decide_through_link(*, token: str, decision: Decision, by: Actor) -> Referral:
    """The one decision a link takes, recorded as the department's answer (``respond_to_referral``) with the
    referral's sender as the user a record needs (the settlement's ``recorded_by``). 410 once used or expired."""
    link = _link(token, lock=True)
    referral = _locked(link.referral)
    link.referral = referral
    gone = link_gone_reason(link)
    if gone is not None:
        raise LinkGone(gone)
    if decision.result not in LINK_RESULTS:
        # "under review" is no decision: it would use the link up and leave the referral waiting with no way to answer
        _raise({"result": _("approved or rejected")}, _("The decision cannot be recorded."))
    anonymous = Actor(user=None, ip=by.ip)
    referral = _decide(referral, decision, anonymous, recorded_by=referral.created_by, link=link)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    record_audit(
        actor=anonymous,
        action="referral.link_decided",
        object_type="assistance.referral",
        object_id=referral.pk,
        detail={"link": link.pk, "result": decision.result},
    )
    return referral


# --- the nightly scan -------------------------------------------------------------------------------------------------


def scan_referrals(*, as_of: dt.date) -> dict[str, int]:
    """Set-based, safe to run twice: pending referrals past ``respond_by`` are escalated to the county
    (``escalated_on``, once), approved benefits whose ``review_on`` has come are ``review_due``. Each claims its
    rows with a conditional UPDATE over the ids it read (locked, so it changes exactly those), then writes one event
    per row."""
    now = timezone.now()
    counts: dict[str, int] = {}
    with transaction.atomic():
        overdue = Referral.objects.filter(status__in=Referral.PENDING, respond_by__lt=as_of, escalated_on__isnull=True)
        escalated = list(overdue.select_for_update().values_list("id", "case_id", "respond_by"))
        counts["referrals_escalated"] = Referral.objects.filter(
            id__in=[row[0] for row in escalated], status__in=Referral.PENDING, escalated_on__isnull=True
        ).update(escalated_on=as_of)
        due = Referral.objects.filter(status=Referral.Status.APPROVED, review_on__lte=as_of)
        reviews = list(due.select_for_update().values_list("id", "case_id", "review_on"))
        counts["reviews_due"] = Referral.objects.filter(
            id__in=[row[0] for row in reviews], status=Referral.Status.APPROVED
        ).update(status=Referral.Status.REVIEW_DUE)
        for action, rows, day_name in (
            (ReferralEvent.Action.ESCALATED, escalated, "respond_by"),
            (ReferralEvent.Action.REVIEW_DUE, reviews, "review_on"),
        ):
            ReferralEvent.objects.bulk_create(
                [
                    ReferralEvent(
                        referral_id=i,
                        at=now,
                        action=action,
                        by_name=SYSTEM,
                        data={day_name: day.isoformat() if day else None},
                    )
                    for i, _case, day in rows
                ],
                batch_size=1000,
            )
            CaseEvent.objects.bulk_create(
                [
                    CaseEvent(
                        case_id=case_id,
                        at=now,
                        action=f"referral_{action}",
                        by_name=SYSTEM,
                        data={"referral": i, day_name: day.isoformat() if day else None},
                    )
                    for i, case_id, day in rows
                ],
                batch_size=1000,
            )
        if any(counts.values()):
            record_audit(
                actor=Actor.system(),
                action="referral.scan",
                object_type="assistance.referral",
                detail={**counts, "as_of": as_of.isoformat()},
            )
    return counts
