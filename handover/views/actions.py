"""The POSTs of the notice page: one view answers every action of the table (``handover.views.notice_actions``)
through ``core.pages.act``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import areas
from core.audit import Actor
from core.pages import act
from handover.forms import add_domain_errors
from handover.views.common import _notice
from handover.views.detail import _render_notice
from handover.views.notice_actions import NOTICE_ACTIONS

NoticeView = Callable[[HttpRequest, int], HttpResponse]


def _action_view(name: str) -> NoticeView:
    """The view of one action of the table: a role that may never take it on this notice is refused (403); a form
    the page no longer offers (the notice moved on) goes back to the notice page with the reason on top; then the
    form, then the service."""
    action = NOTICE_ACTIONS[name]

    @login_required
    @require_POST
    def view(request: HttpRequest, notice_id: int) -> HttpResponse:
        user, notice = _notice(request, notice_id)

        def run(data: Mapping[str, Any]) -> HttpResponse:
            message, to = action.done(notice, action.run(notice, dict(data), Actor.of(request)))
            messages.success(request, message)
            return redirect(to)

        def page(form: Form, status: int) -> HttpResponse:
            # the service rolled back, or nothing ran: the notice as it now is
            now_user, now_notice = _notice(request, notice_id)
            return _render_notice(request, now_user, now_notice, bound={action.form_name: form}, status=status)

        return act(
            request,
            allowed=areas.can(user, action.capability, notice),
            refusal=None if action.offered(notice) else action.refusal(notice),
            form=action.form(user, request.POST),
            run=run,
            render=page,
            back=reverse("handover:notice", args=[notice.pk]),
            errors_onto=add_domain_errors,
        )

    view.__name__ = view.__qualname__ = f"notice_{name}"
    return view


notice_verify = _action_view("verify")
notice_check_in = _action_view("check_in")
notice_release = _action_view("release")
notice_withdraw = _action_view("withdraw")
notice_route = _action_view("route")
