"""Each user's due and overdue items: visits, risk reviews, trace responses, transfers to accept, and the hand-over's
verifications and check-ins. Read on the home page and at ``GET /api/v1/worklist``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from cases.models import Case, TraceRequest, Transfer
from directory.models import Role, User
from handover.models import ReleaseNotice

VISIT_HORIZON_DAYS = 7
RISK_HORIZON_DAYS = 14
LIMIT_PER_KIND = 100


@dataclass(frozen=True)
class Item:
    kind: str
    due: dt.date | None
    overdue: bool
    title: str
    case_id: int | None = None
    notice_id: int | None = None
    trace_id: int | None = None
    transfer_id: int | None = None


def _my_cases(user: User) -> Q:
    """The cases the user works on: their office's, their county's, or their group's."""
    if user.role == Role.OFFICE_OFFICER:
        return Q(managing_office_id=user.organisation_id)
    if user.role in (Role.SOCIAL_WORKER, Role.VOLUNTEER):
        return Q(group_members__user=user, group_members__removed_on__isnull=True)
    return Q()


def worklist_for(user: User, *, on: dt.date) -> list[Item]:
    items: list[Item] = []
    works_cases = user.role in (Role.OFFICE_OFFICER, Role.COUNTY_OFFICER, Role.SOCIAL_WORKER, Role.VOLUNTEER)
    if works_cases:
        cases = Case.objects.visible_to(user).filter(_my_cases(user), status__in=Case.OPEN).select_related("person")
        for case in cases.filter(next_visit_due__lte=on + dt.timedelta(days=VISIT_HORIZON_DAYS)).order_by(
            "next_visit_due"
        )[:LIMIT_PER_KIND]:
            overdue = case.next_visit_due is not None and case.next_visit_due < on
            items.append(
                Item(
                    "visit_overdue" if overdue else "visit_due",
                    case.next_visit_due,
                    overdue,
                    _("Visit %(name)s") % {"name": case.person.name},
                    case_id=case.pk,
                )
            )
        if user.role in (Role.OFFICE_OFFICER, Role.COUNTY_OFFICER):
            for case in cases.filter(next_risk_review__lte=on + dt.timedelta(days=RISK_HORIZON_DAYS)).order_by(
                "next_risk_review"
            )[:LIMIT_PER_KIND]:
                due = case.next_risk_review
                items.append(
                    Item(
                        "risk_review_due",
                        due,
                        due is not None and due < on,
                        _("Re-assess the risk of %(name)s") % {"name": case.person.name},
                        case_id=case.pk,
                    )
                )
    if user.organisation_id and user.role in (Role.OFFICE_OFFICER, Role.POLICE_OFFICER):
        for trace in (
            TraceRequest.objects.filter(to_organisation_id=user.organisation_id, status=TraceRequest.Status.OPEN)
            .select_related("case__person")
            .order_by("respond_by")[:LIMIT_PER_KIND]
        ):
            items.append(
                Item(
                    "trace_response_due",
                    trace.respond_by,
                    trace.respond_by < on,
                    _("Answer the trace request for %(name)s") % {"name": trace.case.person.name},
                    case_id=trace.case_id,
                    trace_id=trace.pk,
                )
            )
    if user.role == Role.OFFICE_OFFICER and user.organisation_id:
        for transfer in (
            Transfer.objects.filter(to_office_id=user.organisation_id, status=Transfer.Status.PENDING)
            .select_related("case__person")
            .order_by("requested_on")[:LIMIT_PER_KIND]
        ):
            items.append(
                Item(
                    "transfer_to_accept",
                    transfer.requested_on,
                    False,
                    _("Accept or decline the transfer of %(name)s") % {"name": transfer.case.person.name},
                    case_id=transfer.case_id,
                    transfer_id=transfer.pk,
                )
            )
    if user.role in (Role.OFFICE_OFFICER, Role.COUNTY_OFFICER):
        notices = ReleaseNotice.objects.visible_to(user).select_related("person")
        if user.role == Role.OFFICE_OFFICER:
            notices = notices.filter(receiving_office_id=user.organisation_id)
        for notice in notices.filter(status=ReleaseNotice.Status.AWAITING_VERIFICATION).order_by("verify_by")[
            :LIMIT_PER_KIND
        ]:
            items.append(
                Item(
                    "verification_due",
                    notice.verify_by,
                    notice.verify_by < on,
                    _("Verify the notice for %(name)s") % {"name": notice.person.name},
                    notice_id=notice.pk,
                )
            )
        for notice in notices.filter(status__in=[ReleaseNotice.Status.RELEASED, ReleaseNotice.Status.MISSED]).order_by(
            "check_in_by"
        )[:LIMIT_PER_KIND]:
            due = notice.check_in_by
            items.append(
                Item(
                    "check_in_due",
                    due,
                    due is not None and due < on,
                    _("Check in %(name)s") % {"name": notice.person.name},
                    notice_id=notice.pk,
                )
            )
    items.sort(key=lambda item: (not item.overdue, item.due or dt.date.max))
    return items
