"""The POSTs of the case page: one view answers every action of the table (``cases.views.case_actions``) through
``core.pages.act``; taking a member out of the group, and the visit form (a page of its own, made for a phone)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import services
from cases.forms import VisitForm
from cases.models import Case
from cases.views.case_actions import CASE_ACTIONS
from cases.views.common import _case, permissions, state_refusal
from cases.views.detail import CASE_PAGE
from core.actions import ActionView, action_view
from core.audit import Actor
from core.errors import DomainError
from core.forms import split_list
from core.pages import Deadline, act, audit_read, raise_refusal, refuse


def _action_view(name: str) -> ActionView:
    """The view of one action of the table (``core.actions.action_view``); done, back to the case page."""
    return action_view(CASE_PAGE, CASE_ACTIONS[name])


case_note = _action_view("note")
case_member_add = _action_view("member")
case_agreement = _action_view("agreement")
case_risk = _action_view("risk")
case_settlement = _action_view("settlement")
case_transfer = _action_view("transfer")
case_lost_contact = _action_view("lost_contact")
case_contact_restored = _action_view("restore")
case_trace = _action_view("trace")
case_close = _action_view("close")


@login_required
@require_POST
def case_member_remove(request: HttpRequest, case_id: int, member_id: int) -> HttpResponse:
    user, case = _case(request, case_id)
    member = case.group_members.filter(pk=member_id).first()
    if member is None:
        raise Http404
    can = permissions(user, case)
    if not can.officer:
        raise PermissionDenied
    if not can.manage:
        return refuse(request, state_refusal(case), reverse("cases:case", args=[case.pk]))
    try:
        services.remove_group_member(member=member, by=Actor.of(request))
    except DomainError as exc:
        raise_refusal(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s 已退出帮教小组。") % {"name": member.name})
    return redirect("cases:case", case_id=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def visit_form(request: HttpRequest, case_id: int) -> HttpResponse:
    """记录走访: filled in on a phone at the door. On a refusal the form comes back with each message next to its
    field and nothing written."""
    user, case = _case(request, case_id)
    can = permissions(user, case)
    if not can.may_visit:
        raise PermissionDenied
    if not can.visit:
        return refuse(request, state_refusal(case), reverse("cases:case", args=[case.pk]))
    visitor = user.full_name or user.username

    def page(form: VisitForm, status: int) -> HttpResponse:
        if form.is_bound and not form.non_field_errors():
            form.add_error(None, _("走访记录有误，请按提示修改。"))
        audit_read(request, person_id=case.person_id, via="case_visit_form", case=case.pk)
        return render(
            request,
            "cases/visit_form.html",
            {
                "case": case,
                "person": case.person,
                "form": form,
                "next_visit": Deadline.of(case.next_visit_due, running=True, today=timezone.localdate()),
            },
            status=status,
        )

    if request.method != "POST":
        return page(VisitForm(visitor=visitor), 200)
    form = VisitForm(request.POST, visitor=visitor)

    def run(data: Mapping[str, Any]) -> HttpResponse:
        services.record_visit(
            case=case,
            by=Actor.of(request),
            visited_on=data["visited_on"],
            method=data["method"],
            outcome=data["outcome"],
            notes=data["notes"],
            visitors=split_list(data["visitors"]),
            situation=form.situation(),
            needs=split_list(data["needs"]),
        )
        due = Case.objects.values_list("next_visit_due", flat=True).get(pk=case.pk)
        messages.success(request, _("走访已记录，下次走访 %(day)s。") % {"day": due.isoformat() if due else "—"})
        return redirect("cases:case", case_id=case.pk)

    return act(
        request,
        allowed=True,
        refusal=None,
        form=form,
        run=run,
        render=lambda bound, status: page(form, status),
        back=reverse("cases:case", args=[case.pk]),
    )
