"""The hand-over's worklist kinds (notices to verify, people to check in) and the counts the home cards show that
are not worklist kinds. Each kind is one query, scoped with ``visible_to``: the worklist lists its rows and the home
card counts them (``core.areas``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.areas import WorkItem, WorklistKind
from directory.models import Role, User
from handover.models import Alert, ReleaseNotice

S = ReleaseNotice.Status


def _notices(user: User) -> QuerySet[ReleaseNotice]:
    """The notices the user acts on: an office's own (received), a county's within reach."""
    notices = ReleaseNotice.objects.visible_to(user).select_related("person")
    if user.role == Role.OFFICE_OFFICER:
        notices = notices.filter(receiving_office_id=user.organisation_id)
    return notices


def to_verify(user: User, on: dt.date) -> QuerySet[ReleaseNotice]:
    """待核查通知."""
    return _notices(user).filter(status=S.AWAITING_VERIFICATION).order_by("verify_by")


def verify_item(notice: ReleaseNotice, on: dt.date) -> WorkItem:
    return WorkItem(
        "verification_due",
        notice.verify_by,
        notice.verify_by < on,
        _("Verify the notice for %(name)s") % {"name": notice.person.name},
        f"{reverse('handover:notice', args=[notice.pk])}#verify",
        {"notice_id": notice.pk},
    )


def to_check_in(user: User, on: dt.date) -> QuerySet[ReleaseNotice]:
    """待报到人员: released (or past the deadline, still taken late) and not yet checked in."""
    return _notices(user).filter(status__in=[S.RELEASED, S.MISSED]).order_by("check_in_by")


def check_in_item(notice: ReleaseNotice, on: dt.date) -> WorkItem:
    due = notice.check_in_by
    return WorkItem(
        "check_in_due",
        due,
        due is not None and due < on,
        _("Check in %(name)s") % {"name": notice.person.name},
        f"{reverse('handover:notice', args=[notice.pk])}#check-in",
        {"notice_id": notice.pk},
    )


WORKLIST = [
    WorklistKind(
        "handover.verification",
        {"verification_due": gettext_lazy("通知书待核查")},
        frozenset({Role.OFFICE_OFFICER, Role.COUNTY_OFFICER}),
        to_verify,
        verify_item,
        action=gettext_lazy("核查"),
        rank={"verification_due": 50},
    ),
    WorklistKind(
        "handover.check_in",
        {"check_in_due": gettext_lazy("待报到")},
        frozenset({Role.OFFICE_OFFICER, Role.COUNTY_OFFICER}),
        to_check_in,
        check_in_item,
        action=gettext_lazy("登记报到"),
        rank={"check_in_due": 40},
    ),
]


def returned_count(user: User) -> int:
    """退回待改派."""
    return ReleaseNotice.objects.visible_to(user).filter(status=S.RETURNED).count()


def open_notices_count(user: User) -> int:
    """A facility's notices not yet released."""
    open_before_release = [s for s in ReleaseNotice.OPEN if s != S.RELEASED]
    return ReleaseNotice.objects.visible_to(user).filter(status__in=open_before_release).count()


def open_alerts_count(user: User) -> int:
    """预警督办."""
    return Alert.objects.visible_to(user).filter(resolved_on__isnull=True).count()
