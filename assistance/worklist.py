"""The referrals on the worklist of both sides (issue 11 §4): the department's referrals to decide (due within a
week, or overdue) and its benefits due for review, the sending office's overdue referrals and benefits due for
review, and the county's escalated referrals. Each kind is one query scoped with ``Referral.objects.visible_to``:
the worklist lists its rows and the home card counts them."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assistance.models import Referral, Scheme
from core.areas import WorkItem, WorklistKind
from directory.models import Role, User

DUE_SOON_DAYS = 7
R = Role


def _rows(user: User) -> QuerySet[Referral]:
    return Referral.objects.visible_to(user).select_related("case__person")


def to_decide(user: User, on: dt.date) -> QuerySet[Referral]:
    """待办转介: the pending referrals addressed to the department, due within a week or overdue."""
    if not user.organisation_id:
        return Referral.objects.none()
    return (
        _rows(user)
        .filter(
            to_organisation_id=user.organisation_id,
            status__in=Referral.PENDING,
            respond_by__lte=on + dt.timedelta(days=DUE_SOON_DAYS),
        )
        .order_by("respond_by", "id")
    )


def to_decide_item(referral: Referral, on: dt.date) -> WorkItem:
    overdue = referral.respond_by < on
    return WorkItem(
        "referral_response_overdue" if overdue else "referral_response_due",
        referral.respond_by,
        overdue,
        _("Decide the %(scheme)s referral of %(name)s")
        % {"scheme": Scheme(referral.scheme).label, "name": referral.case.person.name},
        reverse("assistance:referral", args=[referral.pk]),
        {"case_id": referral.case_id, "referral_id": referral.pk},
    )


def to_review(user: User, on: dt.date) -> QuerySet[Referral]:
    """待复审: the benefits the department granted whose review date has come (the nightly scan set them
    ``review_due``); the department continues them (renew) or ends them on the referral page."""
    if not user.organisation_id:
        return Referral.objects.none()
    return (
        _rows(user)
        .filter(to_organisation_id=user.organisation_id, status=Referral.Status.REVIEW_DUE)
        .order_by("review_on", "id")
    )


def to_review_item(referral: Referral, on: dt.date) -> WorkItem:
    return WorkItem(
        "referral_review_to_do",
        referral.review_on,
        True,
        _("%(name)s的%(scheme)s待复审") % {"scheme": Scheme(referral.scheme).label, "name": referral.case.person.name},
        reverse("assistance:referral", args=[referral.pk]) + "#renew",
        {"case_id": referral.case_id, "referral_id": referral.pk},
    )


def office_follow_up(user: User, on: dt.date) -> QuerySet[Referral]:
    """The office's referrals the department has not answered in time, and its benefits whose review is due."""
    if not user.organisation_id:
        return Referral.objects.none()
    overdue = Q(status__in=Referral.PENDING, respond_by__lt=on)
    review = Q(status=Referral.Status.REVIEW_DUE)
    # the office that manages the case now (a transfer brings the case's referrals with it)
    rows = _rows(user).filter(overdue | review, case__managing_office_id=user.organisation_id)
    return rows.order_by("respond_by", "id")


def office_item(referral: Referral, on: dt.date) -> WorkItem:
    names = {"scheme": Scheme(referral.scheme).label, "name": referral.case.person.name}
    url = reverse("assistance:case", args=[referral.case_id]) + f"#referral-{referral.pk}"
    ref = {"case_id": referral.case_id, "referral_id": referral.pk}
    if referral.status == Referral.Status.REVIEW_DUE:
        return WorkItem(
            "referral_review_due", referral.review_on, True, _("%(name)s的%(scheme)s待复审") % names, url, ref
        )
    return WorkItem(
        "referral_overdue", referral.respond_by, True, _("%(name)s的%(scheme)s转介逾期未回复") % names, url, ref
    )


def escalated(user: User, on: dt.date) -> QuerySet[Referral]:
    """逾期督办: the county's pending referrals escalated by the nightly scan."""
    return (
        _rows(user)
        .filter(status__in=Referral.PENDING, escalated_on__isnull=False)
        .select_related("to_organisation")
        .order_by("respond_by", "id")
    )


def escalated_item(referral: Referral, on: dt.date) -> WorkItem:
    return WorkItem(
        "referral_escalated",
        referral.respond_by,
        True,
        _("督办%(org)s：%(name)s的%(scheme)s转介")
        % {
            "org": referral.to_organisation.name,
            "name": referral.case.person.name,
            "scheme": Scheme(referral.scheme).label,
        },
        reverse("assistance:referral", args=[referral.pk]),
        {"case_id": referral.case_id, "referral_id": referral.pk},
    )


WORKLIST = [
    WorklistKind(
        "assistance.referrals_incoming",
        {
            "referral_response_overdue": gettext_lazy("转介逾期未办"),
            "referral_response_due": gettext_lazy("转介即将到期"),
        },
        frozenset({R.PARTNER_OFFICER}),
        to_decide,
        to_decide_item,
        action=gettext_lazy("办理"),
        rank={"referral_response_overdue": 10, "referral_response_due": 40},
    ),
    WorklistKind(
        "assistance.referrals_reviews",
        {"referral_review_to_do": gettext_lazy("救助待复审")},
        frozenset({R.PARTNER_OFFICER}),
        to_review,
        to_review_item,
        action=gettext_lazy("复审"),
        rank={"referral_review_to_do": 60},
    ),
    WorklistKind(
        "assistance.referrals_outgoing",
        {"referral_overdue": gettext_lazy("转介逾期未回复"), "referral_review_due": gettext_lazy("救助待复审")},
        frozenset({R.OFFICE_OFFICER}),
        office_follow_up,
        office_item,
        action=gettext_lazy("跟进"),
        rank={"referral_overdue": 25, "referral_review_due": 65},
    ),
    WorklistKind(
        "assistance.referrals_escalated",
        {"referral_escalated": gettext_lazy("转介逾期督办")},
        frozenset({R.COUNTY_OFFICER}),
        escalated,
        escalated_item,
        action=gettext_lazy("督办"),
        rank={"referral_escalated": 15},
    ),
]
