"""The cases' worklist kinds (visits, risk reviews, trace responses, transfers to accept) and the counts the home
cards show that are not worklist kinds. Each kind is one query, scoped with ``visible_to``: the worklist lists its
rows and the home card counts them (``core.areas``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case, TraceRequest, Transfer
from core.areas import WorkItem, WorklistKind
from directory.models import Role, User

VISIT_HORIZON_DAYS = 7
RISK_HORIZON_DAYS = 14
R = Role


def _my_cases(user: User) -> Q:
    """The cases the user works on: their office's, their county's, or their group's."""
    if user.role == Role.OFFICE_OFFICER:
        return Q(managing_office_id=user.organisation_id)
    if user.role in (Role.SOCIAL_WORKER, Role.VOLUNTEER):
        return Q(group_members__user=user, group_members__removed_on__isnull=True)
    return Q()


def _open_cases(user: User) -> QuerySet[Case]:
    return Case.objects.visible_to(user).filter(_my_cases(user), status__in=Case.OPEN).select_related("person")


def visits_due(user: User, on: dt.date) -> QuerySet[Case]:
    """到期走访: the user's open cases whose next visit is due within a week or overdue; an office counts the cases it
    manages, not those it sees as the hukou office."""
    horizon = on + dt.timedelta(days=VISIT_HORIZON_DAYS)
    return _open_cases(user).filter(next_visit_due__lte=horizon).order_by("next_visit_due")


def visit_item(case: Case, on: dt.date) -> WorkItem:
    overdue = case.next_visit_due is not None and case.next_visit_due < on
    return WorkItem(
        "visit_overdue" if overdue else "visit_due",
        case.next_visit_due,
        overdue,
        _("Visit %(name)s") % {"name": case.person.name},
        reverse("cases:visit", args=[case.pk]),
        {"case_id": case.pk},
    )


def risk_reviews_due(user: User, on: dt.date) -> QuerySet[Case]:
    horizon = on + dt.timedelta(days=RISK_HORIZON_DAYS)
    return _open_cases(user).filter(next_risk_review__lte=horizon).order_by("next_risk_review")


def risk_item(case: Case, on: dt.date) -> WorkItem:
    due = case.next_risk_review
    return WorkItem(
        "risk_review_due",
        due,
        due is not None and due < on,
        _("Re-assess the risk of %(name)s") % {"name": case.person.name},
        f"{reverse('cases:case', args=[case.pk])}#risk",
        {"case_id": case.pk},
    )


def traces_to_answer(user: User, on: dt.date) -> QuerySet[TraceRequest]:
    """协查通报: requests sent to the user's organisation and not yet answered."""
    return (
        TraceRequest.objects.filter(to_organisation_id=user.organisation_id, status=TraceRequest.Status.OPEN)
        .filter(to_organisation_id__isnull=False)
        .select_related("case__person")
        .order_by("respond_by")
    )


def trace_item(trace: TraceRequest, on: dt.date) -> WorkItem:
    return WorkItem(
        "trace_response_due",
        trace.respond_by,
        trace.respond_by < on,
        _("Answer the trace request for %(name)s") % {"name": trace.case.person.name},
        f"{reverse('cases:traces_incoming')}#trace-{trace.pk}",
        {"case_id": trace.case_id, "trace_id": trace.pk},
    )


def transfers_to_accept(user: User, on: dt.date) -> QuerySet[Transfer]:
    """移交待接收."""
    return (
        Transfer.objects.filter(to_office_id=user.organisation_id, status=Transfer.Status.PENDING)
        .filter(to_office_id__isnull=False)
        .select_related("case__person")
        .order_by("requested_on")
    )


def transfer_item(transfer: Transfer, on: dt.date) -> WorkItem:
    return WorkItem(
        "transfer_to_accept",
        transfer.requested_on,
        False,
        _("Accept or decline the transfer of %(name)s") % {"name": transfer.case.person.name},
        reverse("cases:transfer", args=[transfer.pk]),
        {"case_id": transfer.case_id, "transfer_id": transfer.pk},
    )


WORKLIST = [
    WorklistKind(
        "cases.visits",
        {"visit_overdue": gettext_lazy("走访逾期"), "visit_due": gettext_lazy("走访到期")},
        frozenset({R.OFFICE_OFFICER, R.COUNTY_OFFICER, R.SOCIAL_WORKER, R.VOLUNTEER}),
        visits_due,
        visit_item,
        action=gettext_lazy("记录走访"),
        rank={"visit_overdue": 10, "visit_due": 70},
    ),
    WorklistKind(
        "cases.risk_reviews",
        {"risk_review_due": gettext_lazy("危险性复评")},
        frozenset({R.OFFICE_OFFICER, R.COUNTY_OFFICER}),
        risk_reviews_due,
        risk_item,
        action=gettext_lazy("评估"),
        rank={"risk_review_due": 60},
    ),
    WorklistKind(
        "cases.traces",
        {"trace_response_due": gettext_lazy("协查待回复")},
        frozenset({R.OFFICE_OFFICER, R.POLICE_OFFICER}),
        traces_to_answer,
        trace_item,
        action=gettext_lazy("回复"),
        rank={"trace_response_due": 20},
    ),
    WorklistKind(
        "cases.transfers",
        {"transfer_to_accept": gettext_lazy("移交待接收")},
        frozenset({R.OFFICE_OFFICER}),
        transfers_to_accept,
        transfer_item,
        action=gettext_lazy("接收或拒绝"),
        rank={"transfer_to_accept": 30},
    ),
]


def my_cases_count(user: User) -> int:
    """我的帮教对象 / 重点帮教对象: open cases within reach."""
    return Case.objects.visible_to(user).filter(status__in=Case.OPEN).count()
