"""The intake part's pages and its section of the case's 救助与就业 tab (stub: filled in by the intake work)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.forms import Form
from django.http import HttpRequest
from django.urls import URLPattern

from cases.models import Case, CaseEvent
from core.actions import ObjectAction
from directory.models import User
from handover.models import ReleaseNotice

# This part's own pages (not the tab's action forms: those are ACTIONS).
urlpatterns: list[URLPattern] = []

# The action forms of this part's section of the tab; each posts to assistance:case_<name> (views.case_tab).
ACTIONS: list[ObjectAction[Case]] = []

# Timeline details of this part's rows on the case timeline, by action (cases.hooks.CASE_EVENT_DETAILS).
EVENT_DETAILS: dict[str, Callable[[CaseEvent], list[str]]] = {}


def tab_section(request: HttpRequest, user: User, case: Case, bound: Mapping[str, Form]) -> str:
    """This part's section of the tab, rendered with the bound forms of a failed post ("" when nothing to show)."""
    return ""


def notice_section(user: User, notice: ReleaseNotice) -> str:
    """The pre-release education and difficulties on the notice page (handover.hooks.NOTICE_SECTIONS), for the
    facility and the receiving office ("" for others, or when nothing is recorded and the user may not record)."""
    return ""
