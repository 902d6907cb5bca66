"""The hand-over pages' entries in the main navigation, per role, and the counts the home page's task cards can show.

``directory.navigation.nav_for`` adds ``handover_nav_items(user)`` after its 工作台 entry; a home ``Task`` can take
one of the ``*_count`` functions below as its ``count`` (each applies ``visible_to(user)``: one COUNT query).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.models import OFFICER_ROLES, Role, User
from handover.models import Alert, ReleaseNotice

if TYPE_CHECKING:
    from directory.navigation import NavItem

IMPORT_URL = "/handover/import/"  # the import page, built by its own module
ROUTING_ROLES = frozenset({Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER})


def handover_nav_items(user: User) -> list[NavItem]:
    # imported here: directory.navigation imports this module, and may do so at its top
    from directory.navigation import NavItem

    if user.role == Role.FACILITY_LIAISON:
        return [
            NavItem(_("释放通知书"), reverse("handover:notices")),
            NavItem(_("新建通知书"), reverse("handover:notice_new")),
            NavItem(_("批量导入"), IMPORT_URL),
        ]
    if user.role not in OFFICER_ROLES:
        return []
    items = [NavItem(_("衔接工作"), reverse("handover:inbox"))]
    if user.role in ROUTING_ROLES:
        items.append(NavItem(_("退回待改派"), reverse("handover:returned")))
    items += [
        NavItem(_("释放后72小时"), reverse("handover:first_72_hours")),
        NavItem(_("预警"), reverse("handover:alerts")),
        NavItem(_("通知书查询"), reverse("handover:notices")),
    ]
    if user.role == Role.OFFICE_OFFICER:
        items.append(NavItem(_("补录"), reverse("handover:backfill")))
    return items


def awaiting_verification_count(user: User) -> int:
    """待核查通知 (url_name ``handover:inbox``)."""
    return ReleaseNotice.objects.visible_to(user).filter(status=ReleaseNotice.Status.AWAITING_VERIFICATION).count()


def awaiting_check_in_count(user: User) -> int:
    """待报到人员 (url_name ``handover:inbox_check_in``)."""
    return ReleaseNotice.objects.visible_to(user).filter(status=ReleaseNotice.Status.RELEASED).count()


def returned_count(user: User) -> int:
    """退回待改派 (url_name ``handover:returned``)."""
    return ReleaseNotice.objects.visible_to(user).filter(status=ReleaseNotice.Status.RETURNED).count()


def open_notices_count(user: User) -> int:
    """A facility's notices not yet released (url_name ``handover:notices``)."""
    open_before_release = [s for s in ReleaseNotice.OPEN if s != ReleaseNotice.Status.RELEASED]
    return ReleaseNotice.objects.visible_to(user).filter(status__in=open_before_release).count()


def open_alerts_count(user: User) -> int:
    """预警督办 (url_name ``handover:alerts``)."""
    return Alert.objects.visible_to(user).filter(resolved_on__isnull=True).count()
