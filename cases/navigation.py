"""The case pages' entries in the main navigation, per role, and the counts the home page's task cards can show.

``directory.navigation.nav_for`` can add ``cases_nav_items(user)`` after its 工作台 entry; a home ``Task`` can take one
of the ``*_count`` functions below as its ``count`` (each applies ``visible_to(user)``: one COUNT query).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, TraceRequest, Transfer
from directory.models import OFFICER_ROLES, Role, User

if TYPE_CHECKING:
    from directory.navigation import NavItem

WORKLIST_ROLES = frozenset({Role.OFFICE_OFFICER, Role.COUNTY_OFFICER, Role.SOCIAL_WORKER, Role.VOLUNTEER})


def cases_nav_items(user: User) -> list[NavItem]:
    # imported here: directory.navigation may import this module at its top
    from directory.navigation import NavItem

    items: list[NavItem] = []
    if user.role in OFFICER_ROLES:
        items.append(NavItem(_("帮教档案"), reverse("cases:list")))
    elif user.role in (Role.SOCIAL_WORKER, Role.VOLUNTEER):
        items.append(NavItem(_("我的帮教对象"), reverse("cases:list")))
    elif user.role == Role.POLICE_OFFICER:
        items.append(NavItem(_("协查通报"), reverse("cases:traces")))
        items.append(NavItem(_("重点帮教对象"), reverse("cases:list")))
    if user.role in WORKLIST_ROLES or user.role == Role.POLICE_OFFICER:
        items.append(NavItem(_("待办事项"), reverse("cases:worklist")))
    if user.role in OFFICER_ROLES:
        items.append(NavItem(_("协查通报"), reverse("cases:traces")))
    if user.role in (Role.OFFICE_OFFICER, Role.COUNTY_OFFICER):
        items.append(NavItem(_("档案移交"), reverse("cases:transfers")))
    return items


def visits_due_count(user: User) -> int:
    """到期走访: the user's open cases whose next visit is due within a week or overdue, as on the worklist (url
    ``cases:worklist``); an office counts the cases it manages, not those it sees as the hukou office."""
    horizon = timezone.localdate() + dt.timedelta(days=7)
    cases = Case.objects.visible_to(user).filter(status__in=Case.OPEN, next_visit_due__lte=horizon)
    if user.role == Role.OFFICE_OFFICER:
        cases = cases.filter(managing_office_id=user.organisation_id)
    return cases.count()


def my_cases_count(user: User) -> int:
    """我的帮教对象 / 重点帮教对象: open cases within reach (url ``cases:list``)."""
    return Case.objects.visible_to(user).filter(status__in=Case.OPEN).count()


def open_traces_count(user: User) -> int:
    """协查通报: requests sent to the user's organisation and not yet answered (url ``cases:traces``)."""
    if not user.organisation_id:
        return 0
    return TraceRequest.objects.filter(to_organisation_id=user.organisation_id, status=TraceRequest.Status.OPEN).count()


def lost_contact_count(user: User) -> int:
    """脱管 (预警督办): cases within reach that lost contact (url ``cases:list`` with ``?status=lost_contact``)."""
    return Case.objects.visible_to(user).filter(status=Case.Status.LOST_CONTACT).count()


def transfers_to_accept_count(user: User) -> int:
    """移交待接收 (url ``cases:transfers``)."""
    if user.role != Role.OFFICE_OFFICER or not user.organisation_id:
        return 0
    return Transfer.objects.filter(to_office_id=user.organisation_id, status=Transfer.Status.PENDING).count()
