"""Pages of the assistance cases (帮教档案), DESIGN §2 steps 6–8 and 13, by responsibility: the case list
(``lists``), the case page (``detail``) and its actions (``case_actions``, ``actions``: one table, one view), the
visit form (``actions``), transfers, the trace-request inbox and the worklist.

Every read goes through ``cases.selectors`` (one reach rule, ``Case.objects.visible_to``) and every write through
``cases.services``; who may act is the capability the service asks too (``cases.capabilities``). A ``DomainError``
from a service goes back onto the form it came from, each message next to its field, and nothing is written. A page
a role has no part in answers 403; a case outside the caller's reach answers 404, like a missing one. Pages that
show people write one ``person.list`` or ``person.read`` audit row (DESIGN §8).
"""

from __future__ import annotations

from cases.views.actions import (
    case_agreement,
    case_close,
    case_contact_restored,
    case_lost_contact,
    case_member_add,
    case_member_remove,
    case_note,
    case_risk,
    case_settlement,
    case_trace,
    case_transfer,
    visit_form,
)
from cases.views.detail import case_detail
from cases.views.lists import case_list
from cases.views.traces import trace_respond, traces
from cases.views.transfers import transfer_accept, transfer_decline, transfer_detail, transfer_list
from cases.views.worklist import worklist

__all__ = [
    "case_agreement",
    "case_close",
    "case_contact_restored",
    "case_detail",
    "case_list",
    "case_lost_contact",
    "case_member_add",
    "case_member_remove",
    "case_note",
    "case_risk",
    "case_settlement",
    "case_trace",
    "case_transfer",
    "trace_respond",
    "traces",
    "transfer_accept",
    "transfer_decline",
    "transfer_detail",
    "transfer_list",
    "visit_form",
    "worklist",
]
