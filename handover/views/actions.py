"""The POSTs of the notice page: one view answers every action of the table (``handover.views.notice_actions``)
through ``core.actions.action_view``."""

from __future__ import annotations

from core.actions import ActionView, action_view
from handover.views.detail import NOTICE_PAGE
from handover.views.notice_actions import NOTICE_ACTIONS


def _action_view(name: str) -> ActionView:
    """The view of one action of the table (``core.actions.action_view``): a role that may never take it on this
    notice is refused (403); a form the page no longer offers (the notice moved on) goes back to the notice page
    with the reason on top; then the form, then the service."""
    return action_view(NOTICE_PAGE, NOTICE_ACTIONS[name])


notice_verify = _action_view("verify")
notice_check_in = _action_view("check_in")
notice_release = _action_view("release")
notice_withdraw = _action_view("withdraw")
notice_route = _action_view("route")
