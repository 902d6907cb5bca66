"""The stays at a base: a bed reserved (from the hand-over or for a case), the admission, the daily log, extensions,
the discharge and the follow-ups after it, the cancellation and the no-show.

Every write locks the base (``bases.beds.lock_base``) before it counts the beds, so no day is ever overbooked; every
stay action writes one event on the case timeline when the stay has a case (``case.stay_<action>``) and one audit
row ``stay.<action>``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bases import beds, capabilities
from bases.models import Base, Stay
from cases.models import Case
from cases.selectors import get_case_for_user
from cases.services import record_case_event
from core.areas import require
from core.audit import Actor, record_audit
from core.errors import DomainError
from directory.models import User
from handover.models import ReleaseNotice
from handover.selectors import get_notice_for_user

MAX_TEXT = 500


def stay_event(stay: Stay, action: str, by: Actor, *, note: str = "", data: dict[str, Any] | None = None) -> None:
    """The stay's audit row, and its row on the case timeline when the stay has a case."""
    detail = {"stay": stay.pk, "base": stay.base_id, **(data or {})}
    if stay.case_id is not None:
        case = stay.case if stay.case is not None else Case.objects.get(pk=stay.case_id)
        record_case_event(case=case, action=f"stay_{action}", by=by, note=note, data=detail)
    record_audit(actor=by, action=f"stay.{action}", object_type="bases.stay", object_id=stay.pk, detail=detail)


@dataclass
class Reservation:
    """What ``POST /stays`` carries: the base, exactly one of the notice or the case, the first night, why."""

    base: int | None
    planned_from: dt.date | None
    reason: str
    notice: int | None = None
    case: int | None = None
    reasons: list[str] = field(default_factory=list)
    shared_note: str = ""


def _text(value: str, name: str, errors: dict[str, str], *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = _("required")
    elif len(value) > MAX_TEXT:
        errors[name] = _("at most %(n)d characters") % {"n": MAX_TEXT}
    return value


@transaction.atomic
def reserve_bed(*, data: Reservation, by: Actor) -> Stay:
    """A bed at ``data.base`` from ``data.planned_from`` for the person of a release notice (its expected release
    by default) or of a case. Refused, naming the field and writing nothing, for a base not operating, a withdrawn
    or finished notice, a closed case, a person who already holds a bed, or a base with no bed free on one of the
    days the stay would hold (409)."""
    assert by.user is not None
    user: User = by.user
    errors: dict[str, str] = {}
    if (data.notice is None) == (data.case is None):
        raise DomainError(
            "invalid_stay", _("Give exactly one of the notice or the case."), fields={"notice": _("notice or case")}
        )
    notice: ReleaseNotice | None = None
    planned_from: dt.date | None
    case: Case | None = None
    if data.notice is not None:
        notice = get_notice_for_user(user, data.notice)
        require(user, capabilities.RESERVE, notice, message=_("Only the receiving office (or its county) may do this."))
        if not notice.is_open:
            errors["notice"] = _("the notice is %(status)s") % {"status": notice.get_status_display()}
        person_id, office_id, region_id = notice.person_id, notice.receiving_office_id, notice.region_id
        planned_from = data.planned_from or max(notice.expected_release_date, timezone.localdate())
    else:
        assert data.case is not None
        case = get_case_for_user(user, data.case)
        require(user, capabilities.RESERVE, case, message=_("Only the managing office (or its county) may do this."))
        if case.status == Case.Status.CLOSED:
            errors["case"] = _("the case is closed")
        person_id, office_id, region_id = case.person_id, case.managing_office_id, case.region_id
        planned_from = data.planned_from
    reason = _text(data.reason, "reason", errors, required=True)
    shared_note = _text(data.shared_note, "shared_note", errors, required=False)
    unknown = [r for r in data.reasons if r not in Stay.Reason.values]
    if unknown:
        errors["reasons"] = _("unknown: %(values)s") % {"values": ", ".join(unknown)}
    today = timezone.localdate()
    if planned_from is None:
        errors["planned_from"] = _("required")
    elif planned_from < today:
        errors["planned_from"] = _("a reservation starts today or later")
    base = Base.objects.visible_to(user).filter(pk=data.base).first() if data.base is not None else None
    if base is None:
        errors["base"] = _("unknown base") if data.base is not None else _("required")
    elif base.status not in Base.OPEN:
        errors["base"] = _("the base is %(status)s and takes no reservation") % {"status": base.get_status_display()}
    if errors:
        raise DomainError("invalid_stay", _("The bed cannot be reserved."), fields=errors)
    assert base is not None and planned_from is not None
    if Stay.objects.filter(person_id=person_id, status__in=Stay.HOLDING).exists():
        raise DomainError(
            "already_holding",
            _("The person already has a bed reserved or is staying at a base."),
            fields={"notice" if notice else "case": _("already holds a bed")},
            status=409,
        )
    base = beds.lock_base(base)
    until = planned_from + dt.timedelta(days=beds.max_stay_days(base, on=today))
    if not beds.has_room(base, planned_from, until, today=today):
        raise DomainError(
            "no_bed_free",
            _("No bed is free at %(base)s from %(day)s.") % {"base": base.name, "day": planned_from.isoformat()},
            fields={"planned_from": _("no bed is free on this day")},
            status=409,
        )
    try:
        with transaction.atomic():
            stay = Stay.objects.create(
                base=base,
                person_id=person_id,
                notice=notice,
                case=case,
                office_id=office_id,
                region_id=region_id,
                reasons=list(dict.fromkeys(data.reasons)),
                reason=reason,
                shared_note=shared_note,
                planned_from=planned_from,
                holds_until=until,
                reserved_by=user,
            )
    except IntegrityError as exc:  # the same person reserved by another request at the same moment
        raise DomainError(
            "already_holding", _("The person already has a bed reserved or is staying at a base."), status=409
        ) from exc
    stay_event(stay, "reserved", by, note=reason, data={"planned_from": planned_from.isoformat()})
    return stay
