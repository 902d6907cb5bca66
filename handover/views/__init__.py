"""Pages of the hand-over (衔接), DESIGN §2 steps 2–5, by responsibility: the facility's pages and the notice list
(``notices``), the notice page (``detail``) and its actions (``notice_actions``, ``actions``: one table, one view),
the office's and county's queues (``queues``), the first 72 hours after release (``live``), and the alerts.

Every read goes through ``handover.selectors`` (one reach rule, ``visible_to``) and every write through
``handover.services``; who may act is the capability the service asks too (``handover.capabilities``). A
``DomainError`` from a service goes back onto the form it came from, each message next to its field. A page a role
has no part in answers 403; a notice outside the caller's reach answers 404, like a missing one. Every page that
shows people (names, masked ID numbers) writes one ``person.list`` or ``person.read`` audit row (DESIGN §8).
"""

from __future__ import annotations

from handover.views.actions import notice_check_in, notice_release, notice_route, notice_verify, notice_withdraw
from handover.views.alerts import alerts
from handover.views.detail import notice_detail
from handover.views.live import first_72_hours, first_72_hours_live
from handover.views.notices import index, notice_list, notice_new
from handover.views.queues import backfill, inbox, returned

__all__ = [
    "alerts",
    "backfill",
    "first_72_hours",
    "first_72_hours_live",
    "inbox",
    "index",
    "notice_check_in",
    "notice_detail",
    "notice_list",
    "notice_new",
    "notice_release",
    "notice_route",
    "notice_verify",
    "notice_withdraw",
    "returned",
]
