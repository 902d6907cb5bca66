"""What the assistance area adds to the pages below it, through their hooks: the 救助与就业 tab of the case page
(``cases.case_tabs``), the details of its rows on the case timeline (``cases.event_details``) and the pre-release
education on the notice page (``handover.notice_sections``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assistance import capabilities
from assistance.views import employment, intake, referrals
from cases.hooks import CaseTab
from cases.models import Case, CaseEvent
from core import areas
from directory.models import User
from handover.models import ReleaseNotice

DETAILS = {**intake.EVENT_DETAILS, **referrals.EVENT_DETAILS, **employment.EVENT_DETAILS}


def case_tab(*, user: User, case: Case) -> dict[str, Any]:
    if not areas.can(user, capabilities.READ, case):
        return {}
    return {"assistance": CaseTab(_("救助与就业"), reverse("assistance:case", args=[case.pk]), order=100)}


def event_details(*, events: list[CaseEvent]) -> dict[str, Any]:
    return {str(event.pk): DETAILS[event.action](event) for event in events if event.action in DETAILS}


def notice_sections(*, user: User, notice: ReleaseNotice) -> dict[str, Any]:
    html = intake.notice_section(user, notice)
    return {"assistance.education": html} if html else {}
