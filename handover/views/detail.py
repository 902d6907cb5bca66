"""The notice page: the person, the custody, the four steps of the hand-over, the history, and the forms the user
may send."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actions import ObjectPage, object_view
from core.areas import fire
from core.events import event_label
from core.idnumbers import mask_id_number
from core.pages import Deadline, TimelineEntry, audit_read
from directory.models import Organisation, User
from handover.forms import add_domain_errors
from handover.hooks import NOTICE_LINKS, NOTICE_SECTIONS
from handover.models import NoticeEvent, ReleaseNotice
from handover.views.common import (
    DUE_SOON_DAYS,
    S,
    _notice,
)
from handover.views.notice_actions import NOTICE_ACTIONS, permissions
from people.models import PreReleaseEducation, RiskLevel

# --- the notice page and its actions ---------------------------------------------------------------------------------


def _timeline(events: Sequence[NoticeEvent]) -> list[TimelineEntry]:
    codes = {str(e.data.get(k)) for e in events for k in ("receiving_office", "office") if e.data.get(k)}
    names = dict(Organisation.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    results = dict(ReleaseNotice.VerificationResult.choices)
    methods = dict(ReleaseNotice.CheckInMethod.choices)
    entries = []
    for event in events:
        data, details = event.data or {}, []
        office = data.get("receiving_office") or data.get("office")
        if office:
            details.append(_("接收单位：%(name)s") % {"name": names.get(office, office)})
        if data.get("result"):
            details.append(_("核查结果：%(result)s") % {"result": results.get(data["result"], data["result"])})
        if data.get("released_on"):
            details.append(_("释放日期：%(day)s") % {"day": data["released_on"]})
        if "escorted" in data:
            details.append(
                {True: _("必接必送：已接回"), False: _("必接必送：未接送"), None: _("未登记接送情况")}[data["escorted"]]
            )
        if data.get("checked_in_on"):
            details.append(_("报到日期：%(day)s") % {"day": data["checked_in_on"]})
        if data.get("method"):
            details.append(_("报到方式：%(method)s") % {"method": methods.get(data["method"], data["method"])})
        if data.get("late"):
            details.append(_("逾期报到（仍计入漏管）"))
        if data.get("facility"):
            details.append(_("原服刑监所：%(name)s") % {"name": data["facility"]})
        entries.append(TimelineEntry(event, event_label(event, prefix="notice"), details))
    return entries


@dataclass(frozen=True)
class Step:
    label: str | Promise
    state: str  # done / current / late / returned / todo
    day: dt.date | None


def _steps(notice: ReleaseNotice) -> list[Step]:
    """The four steps of the hand-over (DESIGN §2 steps 2–5) and where this notice stands on them."""
    confirmed = notice.verification_result == ReleaseNotice.VerificationResult.CONFIRMED
    if notice.status == S.RETURNED:
        verify = "returned"
    elif confirmed:
        verify = "done"
    elif notice.status == S.AWAITING_VERIFICATION:
        verify = "current"
    else:
        verify = "late" if notice.released_on else "todo"  # released before the office verified
    release = "done" if notice.released_on else ("current" if notice.status == S.VERIFIED else "todo")
    if notice.checked_in_on:
        check_in = "done"
    elif notice.status == S.MISSED:
        check_in = "late"
    else:
        check_in = "current" if notice.status == S.RELEASED else "todo"
    return [
        Step(gettext_lazy("发出通知"), "done", notice.sent_on),
        Step(gettext_lazy("核查"), verify, notice.verified_on),
        Step(gettext_lazy("释放"), release, notice.released_on),
        Step(gettext_lazy("报到衔接"), check_in, notice.checked_in_on),
    ]


def _render_notice(
    request: HttpRequest, user: User, notice: ReleaseNotice, *, bound: dict[str, Form] | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    can = permissions(user, notice)
    bound = bound or {}
    forms: dict[str, Form | None] = {
        action.form_name: (bound.get(action.form_name) or action.form(user, None)) if getattr(can, name) else None
        for name, action in NOTICE_ACTIONS.items()
    }
    audit_read(request, person_id=notice.person_id, via="handover.notice_page", notice=notice.pk)
    custody = notice.custody
    # the areas above (the cases) say what the page links to: the case opened at check-in
    links = fire(NOTICE_LINKS, user=user, notice=notice)
    sections = fire(NOTICE_SECTIONS, user=user, notice=notice)
    return render(
        request,
        "handover/notice_detail.html",
        {
            "notice": notice,
            "person": notice.person,
            "id_number": mask_id_number(notice.person.id_number),
            "steps": _steps(notice),
            "custody": custody,
            "risk_level": dict(RiskLevel.choices).get(custody.risk_level, "") if custody else "",
            "education": [dict(PreReleaseEducation.choices).get(e, e) for e in custody.pre_release_education]
            if custody
            else [],
            "case": links.get("case"),
            "case_url": links.get("case_url"),
            "sections": [sections[key] for key in sorted(sections)],
            "timeline": _timeline(list(notice.events.all())),
            "alerts": list(notice.alerts.filter(resolved_on__isnull=True).order_by("raised_on", "id")),
            "verify_by": Deadline.of(
                notice.verify_by, running=notice.status == S.AWAITING_VERIFICATION, today=today, soon=DUE_SOON_DAYS
            ),
            "check_in_by": Deadline.of(
                notice.check_in_by, running=notice.status == S.RELEASED, today=today, soon=DUE_SOON_DAYS
            ),
            "can": can,
            "today": today,
            **forms,
        },
        status=status,
    )


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


notice_detail = object_view(NOTICE_PAGE)
