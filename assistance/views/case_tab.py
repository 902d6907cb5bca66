"""The 救助与就业 tab of the case page (``/cases/<id>/assistance/``): the case's head and tab bar, then one section
per part of the work (intake: education, briefing and assessment; referrals; employment and the ledger), each with
its action forms. The forms post to ``assistance:case_<action>`` and come back here (``core.actions``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.safestring import mark_safe

from assistance import capabilities
from assistance.common import case_for
from assistance.views import employment, intake, referrals
from cases.models import Case
from cases.views.common import CASE_ROLES, case_tabs
from core import areas
from core.actions import ObjectPage, action_view, object_view
from core.pages import audit_read
from directory.models import User
from directory.pages import object_page

PARTS = (intake, referrals, employment)


def _load(request: HttpRequest, case_id: int) -> tuple[User, Case]:
    user, case = object_page(request, CASE_ROLES, case_for, case_id)
    if not areas.can(user, capabilities.READ, case):
        raise Http404  # the police reach key targets, not their assistance
    return user, case


def _render(request: HttpRequest, user: User, case: Case, bound: Mapping[str, Form], status: int) -> HttpResponse:
    sections = [part.tab_section(request, user, case, bound) for part in PARTS]
    audit_read(request, person_id=case.person_id, via="assistance.case_tab", case=case.pk)
    return render(
        request,
        "assistance/case_tab.html",
        {
            "case": case,
            "person": case.person,
            "tabs": case_tabs(user, case, current="assistance"),
            # each part renders (and escapes) its own section
            "sections": [mark_safe(section) for section in sections if section],  # noqa: S308
            "open_form": next(iter(bound), ""),
        },
        status=status,
    )


TAB_PAGE: ObjectPage[Case] = ObjectPage(
    load=_load,
    render=lambda request, user, case, bound, status: _render(request, user, case, bound, status),
    url=lambda case: reverse("assistance:case", args=[case.pk]),
    pk_name="case_id",
    view_prefix="assistance_case",
)

urlpatterns: list[URLPattern] = [
    path("<int:case_id>/assistance/", object_view(TAB_PAGE), name="case"),
    *(
        path(f"<int:case_id>/assistance/{action.name}/", action_view(TAB_PAGE, action), name=f"case_{action.name}")
        for part in PARTS
        for action in part.ACTIONS
    ),
]
