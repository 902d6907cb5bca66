"""What every part of the assistance area shares: the case within reach, the case-timeline writer, money."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent
from cases.selectors import get_case_for_user
from cases.services import record_case_event as _record_case_event
from core.audit import Actor
from directory.models import User

CENT = Decimal("0.01")


def case_for(user: User, case_id: int) -> Case:
    """The case within ``user``'s reach, else 404 (missing and out of reach look the same)."""
    return get_case_for_user(user, case_id)


def record_case_event(
    *, case: Case, action: str, by: Actor, note: str = "", data: dict[str, Any] | None = None
) -> CaseEvent:
    """One row on the case timeline and its audit row ``case.<action>``; the label of ``action`` is the audit label
    this area declares for ``case.<action>`` (``assistance/contrib.py``)."""
    return _record_case_event(case=case, action=action, by=by, note=note, data=data)


def money(value: Any, field: str, errors: dict[str, str], *, positive: bool = True) -> Decimal | None:
    """``value`` as yuan with two places (rounded half up), or an error for ``field``: not a number, more than two
    places after rounding noise, zero or negative when ``positive``."""
    if value is None or value == "":
        errors[field] = _("required")
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = _("a number of yuan, such as 1200.50")
        return None
    if not amount.is_finite():
        errors[field] = _("a number of yuan, such as 1200.50")
        return None
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        errors[field] = _("at most two decimal places")
        return None
    if positive and amount <= 0:
        errors[field] = _("must be more than zero")
        return None
    if not positive and amount < 0:
        errors[field] = _("must not be negative")
        return None
    if amount >= Decimal("10000000000"):
        errors[field] = _("too large")
        return None
    return amount.quantize(CENT)
