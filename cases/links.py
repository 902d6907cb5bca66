"""What the cases add to the pages of the layers below them, through their hooks."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from directory.models import OFFICER_ROLES, User
from handover.models import ReleaseNotice


def notice_links(*, user: User, notice: ReleaseNotice) -> dict[str, Any]:
    """The ``handover.notice_links`` hook: the case opened at the notice's check-in, and its page for the officers
    who may open it (a facility has no case pages)."""
    case = getattr(notice, "case", None)
    if case is None:
        return {}
    url = None
    if user.role in OFFICER_ROLES:
        try:
            url = reverse("cases:case", args=[case.pk])
        except NoReverseMatch:  # the case pages are wired separately
            url = None
    return {"case": case, "case_url": url}
