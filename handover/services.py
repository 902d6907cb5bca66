"""The hand-over (衔接): every transition of a release notice, each writing one event row and one audit row.

Statuses (DESIGN §5): awaiting_verification → verified → released → handed_over, with returned (back up for
routing), missed (no check-in by the deadline) and withdrawn (the facility cancelled). Each transition locks its
notice row (``select_for_update``) and re-reads the status under the lock, so two officers acting on one notice at
once cannot both succeed: the second sees the new status and gets 409.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.areas import fire, require
from core.audit import Actor, record_audit
from core.errors import DomainError
from core.events import SYSTEM
from directory.models import Organisation, Region, User
from directory.policy import deadline
from directory.reach import region_reach_prefix
from directory.selectors import justice_office_of_township
from handover import capabilities
from handover.events import record_notice_event
from handover.models import Alert, NoticeEvent, ReleaseNotice
from people.models import Custody, PreReleaseEducation, RiskLevel
from people.services import CleanPerson, PersonData, RegionLookup, clean_person, find_or_create_person, find_region

S = ReleaseNotice.Status
# Fired inside check_in's transaction with notice=, checked_in_on=, by=; cases opens the case there.
CHECKED_IN = "handover.checked_in"
# Fired inside withdraw_notice's transaction with notice=, by=; the bases cancel a bed reserved for the notice.
WITHDRAWN = "handover.withdrawn"
FACILITY_KINDS = capabilities.FACILITY_KINDS
MAX_LIST_ITEMS = 20
# TextChoices.values builds a new list on every access; the list import validates each of its rows here
_RISK_LEVELS = frozenset(RiskLevel.values)
_EDUCATION = frozenset(PreReleaseEducation.values)


@dataclass
class NoticeData:
    """A notice as the facility sends it (API body, form, or one import row)."""

    person: PersonData
    expected_release_date: dt.date | None
    offence: str = ""
    sentence_months: int | None = None
    key_target: bool = False
    key_target_reasons: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    risk_level: str = ""
    sentence_start: dt.date | None = None
    sentence_end: dt.date | None = None
    pre_release_education: list[str] = field(default_factory=list)


@dataclass
class CleanNotice:
    person: CleanPerson
    expected_release_date: dt.date
    offence: str
    sentence_months: int
    key_target: bool
    key_target_reasons: list[str]
    needs: list[str]
    risk_level: str
    sentence_start: dt.date | None
    sentence_end: dt.date | None
    pre_release_education: list[str]


def _clean_list(values: list[str], name: str, errors: dict[str, str]) -> list[str]:
    if not values:
        return []
    items = [str(v).strip() for v in values if str(v).strip()]
    if len(items) > MAX_LIST_ITEMS or any(len(v) > 100 for v in items):
        errors[name] = _("at most 20 items of 100 characters")
    return items


def clean_notice(data: NoticeData, *, today: dt.date | None = None, regions: RegionLookup = find_region) -> CleanNotice:
    """Validate a notice; a DomainError names every bad field (``person.id_number``, ``expected_release_date``).

    ``regions`` looks the region codes up (``clean_person``); the list import passes its memo of the table."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    person = clean_person(data.person, errors=errors, today=today, regions=regions)
    if data.expected_release_date is None:
        errors["expected_release_date"] = _("required")
    elif data.expected_release_date < today:
        errors["expected_release_date"] = _("the release date is already past")
    offence = (data.offence or "").strip()
    if not offence:
        errors["offence"] = _("required")
    elif len(offence) > 128:
        errors["offence"] = _("at most 128 characters")
    if data.sentence_months is None:
        errors["sentence_months"] = _("required")
    elif not 0 < data.sentence_months <= 12 * 100:
        errors["sentence_months"] = _("between 1 and 1200 months")
    reasons = _clean_list(data.key_target_reasons, "key_target_reasons", errors)
    needs = _clean_list(data.needs, "needs", errors)
    if data.risk_level and data.risk_level not in _RISK_LEVELS:
        errors["risk_level"] = _("high, medium or low")
    education = _clean_list(data.pre_release_education, "pre_release_education", errors)
    if education and not _EDUCATION.issuperset(education):
        errors["pre_release_education"] = _("unknown kind of pre-release education")
    if data.sentence_start and data.sentence_end and data.sentence_start > data.sentence_end:
        errors["sentence_end"] = _("the sentence ends before it starts")
    if errors or person is None or data.expected_release_date is None or data.sentence_months is None:
        raise DomainError("invalid_notice", _("The release notice has errors."), fields=errors)
    return CleanNotice(
        person=person,
        expected_release_date=data.expected_release_date,
        offence=offence,
        sentence_months=data.sentence_months,
        key_target=bool(data.key_target),
        key_target_reasons=reasons,
        needs=needs,
        risk_level=data.risk_level,
        sentence_start=data.sentence_start,
        sentence_end=data.sentence_end,
        pre_release_education=education,
    )


# --- routing -------------------------------------------------------------------------------------------------------


def county_bureau_for(region: Region) -> Organisation | None:
    county = region.code[:6] + "000000"
    return Organisation.objects.filter(kind=Organisation.Kind.COUNTY_BUREAU, region_id=county, is_active=True).first()


def receiving_office_for(region: Region) -> Organisation | None:
    """The justice office of the township (9-digit prefix of the hukou code), else the county bureau, who routes."""
    return justice_office_of_township(region) or county_bureau_for(region)


# --- who may act ---------------------------------------------------------------------------------------------------


def require_facility(user: User) -> Organisation:
    require(user, capabilities.SEND, message=_("Only a facility liaison may do this."))
    assert user.organisation is not None
    return user.organisation


def _require_facility_of(notice: ReleaseNotice, user: User, action: str) -> None:
    require(user, action, notice, message=_("Only the facility that sent the notice may do this."))


def _require_receiving(notice: ReleaseNotice, user: User, action: str) -> None:
    require(user, action, notice, message=_("Only the receiving office (or its county) may do this."))


def _locked(notice: ReleaseNotice) -> ReleaseNotice:
    return ReleaseNotice.objects.select_for_update().select_related("person", "receiving_office").get(pk=notice.pk)


def _conflict(notice: ReleaseNotice, action: str) -> DomainError:
    return DomainError(
        "invalid_transition",
        _("A notice that is %(status)s cannot be %(action)s.")
        % {"status": notice.get_status_display(), "action": action},
        status=409,
    )


def _raise_alert(notice: ReleaseNotice, kind: str, on: dt.date) -> None:
    Alert.objects.get_or_create(notice=notice, kind=kind, defaults={"region": notice.region, "raised_on": on})


def _resolve_alerts(notice: ReleaseNotice, on: dt.date, kinds: list[str] | None = None) -> None:
    qs = Alert.objects.filter(notice=notice, resolved_on__isnull=True)
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    qs.update(resolved_on=on)


# --- transitions ---------------------------------------------------------------------------------------------------


@transaction.atomic
def send_release_notice(*, data: NoticeData, by: Actor, today: dt.date | None = None) -> ReleaseNotice:
    """The facility's notice: validated, person matched by ID number, routed, verification deadline set."""
    assert by.user is not None
    facility = require_facility(by.user)
    clean = clean_notice(data, today=today)
    return _create_notice(clean=clean, facility=facility, by=by, today=today or timezone.localdate())


def _create_notice(*, clean: CleanNotice, facility: Organisation, by: Actor, today: dt.date) -> ReleaseNotice:
    assert clean.person.hukou_region is not None
    office = receiving_office_for(clean.person.hukou_region)
    if office is None:
        raise DomainError(
            "no_receiving_office",
            _("No justice office or county bureau receives people of this region."),
            fields={"person.hukou_region": _("no office receives this region")},
        )
    person, _created = find_or_create_person(clean.person)
    if ReleaseNotice.objects.filter(person=person, status__in=ReleaseNotice.OPEN).exists():
        raise DomainError(
            "duplicate_notice",
            _("This person already has an open release notice."),
            fields={"person.id_number": _("an open notice exists for this person")},
            status=409,
        )
    custody = Custody.objects.create(
        person=person,
        facility=facility,
        offence=clean.offence,
        sentence_months=clean.sentence_months,
        sentence_start=clean.sentence_start,
        sentence_end=clean.sentence_end or clean.expected_release_date,
        risk_level=clean.risk_level,
        key_target=clean.key_target,
        key_target_reasons=clean.key_target_reasons,
        needs=clean.needs,
        pre_release_education=clean.pre_release_education,
    )
    try:
        with transaction.atomic():
            notice = ReleaseNotice.objects.create(
                person=person,
                custody=custody,
                facility=facility,
                receiving_office=office,
                region=office.region,
                key_target=clean.key_target,
                expected_release_date=clean.expected_release_date,
                sent_on=today,
                verify_by=deadline("verify_within_days", start=today, region=office.region),
            )
    except IntegrityError:
        # a concurrent send of the same person won the race
        raise DomainError(
            "duplicate_notice",
            _("This person already has an open release notice."),
            fields={"person.id_number": _("an open notice exists for this person")},
            status=409,
        ) from None
    record_notice_event(notice=notice, action="sent", by=by, data={"receiving_office": office.code})
    record_audit(
        actor=by,
        action="notice.send",
        object_type="handover.releasenotice",
        object_id=notice.pk,
        detail={"person": person.pk, "receiving_office": office.code},
    )
    return notice


@transaction.atomic
def verify_notice(*, notice: ReleaseNotice, result: str, note: str = "", by: Actor) -> ReleaseNotice:
    """核查反馈: confirmed, or returned up as not ours / identity mismatch."""
    assert by.user is not None
    notice = _locked(notice)
    _require_receiving(notice, by.user, capabilities.VERIFY)
    if result not in ReleaseNotice.VerificationResult.values:
        raise DomainError(
            "invalid_result",
            _("Unknown verification result."),
            fields={"result": _("confirmed, not_ours or identity_mismatch")},
        )
    releasable_unverified = notice.status == S.RELEASED and not notice.verification_result
    if notice.status != S.AWAITING_VERIFICATION and not releasable_unverified:
        raise _conflict(notice, _("verified"))
    today = timezone.localdate()
    notice.verification_result = result
    notice.verification_note = (note or "")[:500]
    notice.verified_on = today
    fields = ["verification_result", "verification_note", "verified_on", "updated_at"]
    if result == ReleaseNotice.VerificationResult.CONFIRMED:
        if notice.status == S.AWAITING_VERIFICATION:
            notice.status = S.VERIFIED
            fields.append("status")
        action = "verified"
    else:
        if not note.strip():
            raise DomainError("note_required", _("Say why the notice goes back."), fields={"note": _("required")})
        bureau = county_bureau_for(notice.region)
        if bureau is None:
            raise DomainError("no_county_bureau", _("No county bureau to return the notice to."), status=409)
        notice.status = S.RETURNED
        notice.receiving_office = bureau
        notice.region = bureau.region
        fields += ["status", "receiving_office", "region"]
        action = "returned"
    notice.save(update_fields=fields)
    _resolve_alerts(notice, today, [Alert.Kind.VERIFICATION_DUE, Alert.Kind.VERIFICATION_OVERDUE])
    record_notice_event(notice=notice, action=action, by=by, note=note, data={"result": result})
    record_audit(
        actor=by,
        action=f"notice.{action}",
        object_type="handover.releasenotice",
        object_id=notice.pk,
        detail={"result": result},
    )
    return notice


@transaction.atomic
def route_notice(*, notice: ReleaseNotice, office: Organisation, by: Actor, note: str = "") -> ReleaseNotice:
    """A county or city officer sends a notice to the right justice office within their reach: one an office
    returned up, or one that came to the county bureau because the hukou township was unknown (DESIGN §2.2)."""
    assert by.user is not None
    notice = _locked(notice)
    require(by.user, capabilities.ROUTE, notice, message=_("Only a county or city officer may route a notice."))
    prefix = region_reach_prefix(by.user) or "\x00"
    if office.kind != Organisation.Kind.JUSTICE_OFFICE or not office.is_active:
        raise DomainError(
            "invalid_office", _("Route to a justice office."), fields={"office": _("not a justice office")}
        )
    if not office.region_id.startswith(prefix):
        raise DomainError(
            "invalid_office", _("That office is outside your region."), fields={"office": _("outside your region")}
        )
    held_by_county = (
        notice.status == S.AWAITING_VERIFICATION and notice.receiving_office.kind == Organisation.Kind.COUNTY_BUREAU
    )
    if notice.status != S.RETURNED and not held_by_county:
        raise _conflict(notice, _("routed"))
    today = timezone.localdate()
    notice.receiving_office = office
    notice.region = office.region
    notice.status = S.AWAITING_VERIFICATION
    notice.verification_result = ""
    notice.verify_by = deadline("verify_within_days", start=today, region=office.region)
    notice.save(
        update_fields=["receiving_office", "region", "status", "verification_result", "verify_by", "updated_at"]
    )
    Alert.objects.filter(notice=notice, resolved_on__isnull=True).update(region=office.region)
    record_notice_event(notice=notice, action="routed", by=by, note=note, data={"office": office.code})
    record_audit(
        actor=by,
        action="notice.route",
        object_type="handover.releasenotice",
        object_id=notice.pk,
        detail={"office": office.code},
    )
    return notice


@transaction.atomic
def withdraw_notice(*, notice: ReleaseNotice, reason: str, by: Actor) -> ReleaseNotice:
    """The facility cancels a notice it sent (a pardon, a transfer to another facility, a new sentence)."""
    assert by.user is not None
    notice = _locked(notice)
    _require_facility_of(notice, by.user, capabilities.WITHDRAW)
    if not reason.strip():
        raise DomainError("reason_required", _("Say why the notice is withdrawn."), fields={"reason": _("required")})
    if notice.status not in (S.AWAITING_VERIFICATION, S.VERIFIED, S.RETURNED):
        raise _conflict(notice, _("withdrawn"))
    notice.status = S.WITHDRAWN
    notice.save(update_fields=["status", "updated_at"])
    _resolve_alerts(notice, timezone.localdate())
    fire(WITHDRAWN, notice=notice, by=by)
    record_notice_event(notice=notice, action="withdrawn", by=by, note=reason)
    record_audit(actor=by, action="notice.withdraw", object_type="handover.releasenotice", object_id=notice.pk)
    return notice


@dataclass
class Escort:
    escorted: bool
    staff: list[str] = field(default_factory=list)
    family: list[str] = field(default_factory=list)
    vehicle: str = ""


@transaction.atomic
def record_release(
    *, notice: ReleaseNotice, released_on: dt.date | None, escort: Escort | None, by: Actor
) -> ReleaseNotice:
    """The release is a fact, not a permission: recorded from any open status (DESIGN §5). A release before
    verification alerts the office and county; a key target released with no escort record alerts them too."""
    assert by.user is not None
    notice = _locked(notice)
    _require_facility_of(notice, by.user, capabilities.RELEASE)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if released_on is None:
        errors["released_on"] = _("required")
    elif released_on > today:
        errors["released_on"] = _("a release is recorded when it has happened, not before")
    elif notice.custody is not None and notice.custody.sentence_start and released_on < notice.custody.sentence_start:
        errors["released_on"] = _("before the sentence started")
    if escort is not None:
        staff = _clean_list(escort.staff, "escort.staff", errors)
        family = _clean_list(escort.family, "escort.family", errors)
        if escort.escorted and not (staff or family):
            errors["escort.staff"] = _("name who came to fetch the person")
    if errors or released_on is None:
        raise DomainError("invalid_release", _("The release cannot be recorded."), fields=errors)
    if notice.status not in (S.AWAITING_VERIFICATION, S.VERIFIED, S.RETURNED):
        raise _conflict(notice, _("released"))
    was_verified = notice.status == S.VERIFIED
    notice.status = S.RELEASED
    notice.released_on = released_on
    notice.check_in_by = deadline("check_in_within_days", start=released_on, region=notice.region)
    fields = ["status", "released_on", "check_in_by", "updated_at"]
    if escort is not None:
        notice.escorted = escort.escorted
        notice.escort_staff = [s.strip() for s in escort.staff if s.strip()]
        notice.escort_family = [s.strip() for s in escort.family if s.strip()]
        notice.escort_vehicle = (escort.vehicle or "").strip()[:64]
        fields += ["escorted", "escort_staff", "escort_family", "escort_vehicle"]
    notice.save(update_fields=fields)
    if not was_verified:
        _raise_alert(notice, Alert.Kind.RELEASED_UNVERIFIED, today)
    if notice.key_target and not notice.escorted:
        _raise_alert(notice, Alert.Kind.KEY_TARGET_NO_ESCORT, today)
    record_notice_event(
        notice=notice,
        action="released",
        by=by,
        data={
            "released_on": released_on.isoformat(),
            "escorted": notice.escorted,
        },
    )
    record_audit(actor=by, action="notice.release", object_type="handover.releasenotice", object_id=notice.pk)
    return notice


@transaction.atomic
def check_in(*, notice: ReleaseNotice, checked_in_on: dt.date | None, method: str, by: Actor) -> dict[str, Any]:
    """报到: the person reports; the case opens (the ``handover.checked_in`` hook). A late check-in is still taken
    (the notice stays a missed intake for its period). Returns ``notice_id`` and what the hooks opened (``case_id``).
    """
    assert by.user is not None
    notice = _locked(notice)
    _require_receiving(notice, by.user, capabilities.CHECK_IN)
    errors: dict[str, str] = {}
    if method not in ReleaseNotice.CheckInMethod.values:
        errors["method"] = _("escorted, self_reported or family_accompanied")
    if checked_in_on is None:
        errors["checked_in_on"] = _("required")
    elif checked_in_on > timezone.localdate():
        errors["checked_in_on"] = _("a check-in date cannot be in the future")
    elif notice.released_on is not None and checked_in_on < notice.released_on:
        errors["checked_in_on"] = _("before the release on %(day)s") % {"day": notice.released_on.isoformat()}
    if notice.status in (S.AWAITING_VERIFICATION, S.VERIFIED, S.RETURNED):
        raise DomainError(
            "not_released",
            _("The person has not been released yet: the facility records the release first."),
            status=409,
        )
    if notice.status not in (S.RELEASED, S.MISSED):
        raise _conflict(notice, _("checked in"))
    if errors or checked_in_on is None:
        raise DomainError("invalid_check_in", _("The check-in cannot be recorded."), fields=errors)
    notice.status = S.HANDED_OVER
    notice.checked_in_on = checked_in_on
    notice.check_in_method = method
    notice.save(update_fields=["status", "checked_in_on", "check_in_method", "updated_at"])
    _resolve_alerts(notice, timezone.localdate())
    # The areas above that start work at check-in (cases opens the case) run here, in this transaction: a refusal
    # of theirs (an open case already) rolls the check-in back. They answer with what the event row should note.
    opened = fire(CHECKED_IN, notice=notice, checked_in_on=checked_in_on, by=by)
    record_notice_event(
        notice=notice,
        action="checked_in",
        by=by,
        data={
            "checked_in_on": checked_in_on.isoformat(),
            "method": method,
            "case": opened.get("case_id"),
            "late": notice.missed_on is not None,
        },
    )
    record_audit(
        actor=by,
        action="notice.check_in",
        object_type="handover.releasenotice",
        object_id=notice.pk,
        detail={"case": opened.get("case_id")},
    )
    return {"notice_id": notice.pk, **opened}


@dataclass
class BackfillData:
    person: PersonData
    released_on: dt.date | None
    checked_in_on: dt.date | None
    method: str
    offence: str = ""
    facility_name: str = ""
    key_target: bool = False


@transaction.atomic
def backfill(*, data: BackfillData, by: Actor) -> dict[str, Any]:
    """补录: an office adds someone who arrived with no notice; the notice is recorded as released and handed over
    at once, so the person counts in the period's rates like everyone else."""
    assert by.user is not None
    user = by.user
    require(user, capabilities.BACKFILL, message=_("Only a justice office may add a person who came without a notice."))
    assert user.organisation is not None
    office = user.organisation
    errors: dict[str, str] = {}
    person = clean_person(data.person, errors=errors)
    today = timezone.localdate()
    if data.released_on is None:
        errors["released_on"] = _("required")
    elif data.released_on > today:
        errors["released_on"] = _("a release date cannot be in the future")
    if data.checked_in_on is None:
        errors["checked_in_on"] = _("required")
    elif data.checked_in_on > today:
        errors["checked_in_on"] = _("a check-in date cannot be in the future")
    elif data.released_on and data.checked_in_on < data.released_on:
        errors["checked_in_on"] = _("before the release")
    if data.method not in ReleaseNotice.CheckInMethod.values:
        errors["method"] = _("escorted, self_reported or family_accompanied")
    if errors or person is None or data.released_on is None or data.checked_in_on is None:
        raise DomainError("invalid_backfill", _("The person cannot be added."), fields=errors)
    found, _created = find_or_create_person(person)
    if ReleaseNotice.objects.filter(person=found, status__in=ReleaseNotice.OPEN).exists():
        raise DomainError(
            "notice_exists",
            _("This person has an open release notice: check them in on it."),
            fields={"person.id_number": _("an open notice exists")},
            status=409,
        )
    check_in_by = deadline("check_in_within_days", start=data.released_on, region=office.region)
    late = data.checked_in_on > check_in_by
    notice = ReleaseNotice.objects.create(
        person=found,
        receiving_office=office,
        region=office.region,
        status=S.RELEASED,
        backfilled=True,
        key_target=data.key_target,
        expected_release_date=data.released_on,
        sent_on=today,
        verify_by=today,
        verification_result=ReleaseNotice.VerificationResult.CONFIRMED,
        verified_on=today,
        released_on=data.released_on,
        check_in_by=check_in_by,
        missed_on=check_in_by if late else None,
        verification_note=(f"{data.facility_name} {data.offence}").strip()[:500],
    )
    record_notice_event(notice=notice, action="backfilled", by=by, data={"facility": data.facility_name})
    record_audit(actor=by, action="notice.backfill", object_type="handover.releasenotice", object_id=notice.pk)
    return check_in(notice=notice, checked_in_on=data.checked_in_on, method=data.method, by=by)


# --- the nightly scan ----------------------------------------------------------------------------------------------

DUE_SOON_DAYS = 3
KEY_TARGET_CHECK_IN_DAYS = 3


def scan_deadlines(*, as_of: dt.date) -> dict[str, int]:
    """Mark missed intakes and raise the work items; set-based SQL, safe to run twice.

    - released, not checked in, check-in deadline before ``as_of`` → ``missed`` (missed_on = as_of), alert
    - awaiting verification, deadline within 3 days → verification_due; past → verification_overdue
    - released key target not checked in 3 days after release → key_target_not_checked_in
    """
    counts: dict[str, int] = {}
    with transaction.atomic():
        # Claim the rows with a conditional UPDATE: a second run (or a second server) finds none left.
        missed_ids = list(
            ReleaseNotice.objects.filter(status=S.RELEASED, check_in_by__lt=as_of).values_list("id", flat=True)
        )
        claimed = ReleaseNotice.objects.filter(id__in=missed_ids, status=S.RELEASED).update(
            status=S.MISSED, missed_on=as_of, updated_at=timezone.now()
        )
        counts["missed"] = claimed
        if missed_ids:
            now = timezone.now()
            NoticeEvent.objects.bulk_create(
                [
                    NoticeEvent(notice_id=i, at=now, action=NoticeEvent.Action.MISSED, by_name=SYSTEM)
                    for i in missed_ids
                ],
                batch_size=1000,
            )
            record_audit(
                actor=Actor.system(),
                action="notice.mark_missed",
                object_type="handover.releasenotice",
                detail={"count": claimed, "as_of": as_of.isoformat()},
            )
        counts["missed_intake"] = _bulk_alerts(
            Q(status=S.MISSED, missed_on__isnull=False), Alert.Kind.MISSED_INTAKE, as_of
        )
        counts["verification_due"] = _bulk_alerts(
            Q(
                status=S.AWAITING_VERIFICATION,
                verify_by__gte=as_of,
                verify_by__lte=as_of + dt.timedelta(days=DUE_SOON_DAYS),
            ),
            Alert.Kind.VERIFICATION_DUE,
            as_of,
        )
        counts["verification_overdue"] = _bulk_alerts(
            Q(status=S.AWAITING_VERIFICATION, verify_by__lt=as_of), Alert.Kind.VERIFICATION_OVERDUE, as_of
        )
        counts["check_in_due"] = _bulk_alerts(
            Q(status=S.RELEASED, check_in_by__gte=as_of, check_in_by__lte=as_of + dt.timedelta(days=DUE_SOON_DAYS)),
            Alert.Kind.CHECK_IN_DUE,
            as_of,
        )
        counts["key_target_not_checked_in"] = _bulk_alerts(
            Q(
                status__in=[S.RELEASED, S.MISSED],
                key_target=True,
                released_on__lt=as_of - dt.timedelta(days=KEY_TARGET_CHECK_IN_DAYS - 1),
            ),
            Alert.Kind.KEY_TARGET_NOT_CHECKED_IN,
            as_of,
        )
    return counts


def _bulk_alerts(condition: Q, kind: str, as_of: dt.date) -> int:
    rows = ReleaseNotice.objects.filter(condition).exclude(alerts__kind=kind).values_list("id", "region_id")
    created = Alert.objects.bulk_create(
        [Alert(notice_id=i, region_id=r, kind=kind, raised_on=as_of) for i, r in rows],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return len(created)
