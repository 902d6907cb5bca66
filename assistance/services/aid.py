"""Writes of the aid ledger (帮扶台账, issue 11 item 8): every hand-out to the person, cash, voucher or in kind, with
its amount (yuan, two places), the day, the purpose, the need it answers and who approved it.

Only the managing office and its county write the ledger (``assistance.manage``): a social worker or volunteer of
the group hands out nothing on the office's account. ``budget_line`` stays blank until the reports area keeps
budget lines to draw on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from assistance import capabilities
from assistance.common import money, record_case_event
from assistance.models import AidEntry, Difficulty
from assistance.services.employment import check_day, choice, locked_case, refuse_if, released_on, text
from cases.models import Case
from core.audit import Actor


@transaction.atomic
def record_aid(
    *,
    case: Case,
    by: Actor,
    kind: str,
    amount: Any,
    given_on: dt.date | None,
    purpose: str,
    need: str = "",
    approved_by: str = "",
) -> AidEntry:
    """One hand-out, given on a day of the assistance period (not before the release, not in the future). The
    amount is more than zero with at most two places (``assistance.common.money``); in kind, the value of the goods.

    The timeline row names the kind and the need, not the amount: the group's volunteer reads the case timeline,
    and the ledger's amounts are not theirs to read (``selectors.employment.may_read_ledger``). The ledger row keeps
    the amount, and no service changes it afterwards."""
    case, user = locked_case(case, by=by, capability=capabilities.MANAGE)
    errors: dict[str, str] = {}
    kind = choice(kind, "kind", AidEntry.Kind.values, errors, required=True)
    value = money(amount, "amount", errors)
    check_day(given_on, "given_on", errors, since=released_on(case))
    purpose = text(purpose, "purpose", errors, max_length=200, required=True)
    need = choice(need, "need", Difficulty.values, errors, required=False)
    approved_by = text(approved_by, "approved_by", errors, max_length=64)
    refuse_if(errors, _("帮扶台账无法登记。"))
    assert value is not None and given_on is not None
    entry = AidEntry.objects.create(
        case=case,
        kind=kind,
        amount=value,
        given_on=given_on,
        purpose=purpose,
        need=need,
        approved_by=approved_by,
        recorded_by=user,
    )
    record_case_event(
        case=case,
        action="aid",
        by=by,
        data={"aid": entry.pk, "kind": kind, "need": need, "given_on": given_on.isoformat(), "purpose": purpose},
    )
    return entry
