"""The POSTs of the notice page: one view answers every action of the table (``handover.views.notice_actions``)
through ``core.actions.action_view``."""

from __future__ import annotations

from django.urls import reverse

from core.actions import ActionView, ObjectPage, action_view
from handover.forms import add_domain_errors
from handover.models import ReleaseNotice
from handover.views.common import _notice
from handover.views.detail import _render_notice
from handover.views.notice_actions import NOTICE_ACTIONS

NOTICE_PAGE: ObjectPage[ReleaseNotice] = ObjectPage(
    load=_notice,
    render=lambda request, user, notice, bound, status: _render_notice(
        request, user, notice, bound=bound, status=status
    ),
    url=lambda notice: reverse("handover:notice", args=[notice.pk]),
    pk_name="notice_id",
    view_prefix="notice",
    errors_onto=add_domain_errors,
)


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
