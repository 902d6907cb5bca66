"""What the case pages share: who takes part in them, the case within reach, and which forms the case page
offers (``cases.capabilities`` and the case's state)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import capabilities, selectors
from cases.hooks import CASE_TABS, CaseTab
from cases.models import Case, GroupMember, Transfer
from core import areas
from core.areas import fire
from directory.models import OFFICER_ROLES, Role, User
from directory.pages import object_page

GROUP_ROLES = frozenset({Role.SOCIAL_WORKER, Role.VOLUNTEER})
# who works with cases at all: officers reach them by region, the group by membership, the police by area and trace
CASE_ROLES = OFFICER_ROLES | GROUP_ROLES | {Role.POLICE_OFFICER}
TRACE_ROLES = OFFICER_ROLES | {Role.POLICE_OFFICER}
# respond_to_trace: the justice office or police organisation the request was sent to
TRACE_RECEIVER_ROLES = capabilities.TRACE_RECEIVER_ROLES
ESCALATION_ROLES = OFFICER_ROLES - {Role.OFFICE_OFFICER}


# --- who may see what ------------------------------------------------------------------------------------------------


def _case(request: HttpRequest, case_id: int) -> tuple[User, Case]:
    """The case, if within reach; missing, out of reach and a role with no part in cases all look the same (404)."""
    return object_page(request, CASE_ROLES, selectors.get_case_for_user, case_id)


@dataclass(frozen=True)
class Permissions:
    """Which forms the case page offers: who may take each action (``cases.capabilities``, the rules the services
    refuse by) and whether the case's state allows it now (the services' 409s)."""

    officer: bool  # the managing office, or its county
    may_visit: bool  # the officers and the assistance group
    may_note: bool  # those, and the hukou office of a dual-managed case
    visit: bool
    note: bool
    manage: bool  # group, agreement, risk, settlement, trace, close
    lost_contact: bool
    restore: bool
    transfer: bool

    @property
    def any(self) -> bool:
        return self.visit or self.note or self.manage or self.restore


def permissions(user: User, case: Case, *, pending_transfer: Transfer | None = None) -> Permissions:
    # the group is prefetched with the case (selectors.case_queryset): the rules ask no query
    officer = areas.can(user, capabilities.MANAGE, case)
    may_visit = areas.can(user, capabilities.VISIT, case)
    may_note = areas.can(user, capabilities.NOTE, case)
    is_open = case.is_open  # closed cases are read-only: no form at all
    manage = is_open and officer
    return Permissions(
        officer=officer,
        may_visit=may_visit,
        may_note=may_note,
        visit=is_open and may_visit,
        note=is_open and may_note,
        manage=manage,
        lost_contact=manage and case.status == Case.Status.ACTIVE,
        restore=manage and case.status == Case.Status.LOST_CONTACT,
        transfer=manage and pending_transfer is None,
    )


def _members(case: Case) -> list[GroupMember]:
    members = getattr(case, "active_members", None)
    if members is None:
        members = list(case.group_members.filter(removed_on__isnull=True).select_related("user").order_by("id"))
    return list(members)


def state_refusal(case: Case) -> str:
    """Why the case page no longer offers a form to a user who may take the action (core.pages.act)."""
    if not case.is_open:
        return _("该帮教档案已解除，只能查阅。")
    return _("您不能对此档案进行该操作。")


def case_tabs(user: User, case: Case, *, current: str) -> list[dict[str, object]]:
    """The case page's tab bar: the case itself, then the tabs the areas above add (``CASE_TABS``), each marked
    ``current`` when it is the page shown (``current`` is its key; the case's own tab is ``"case"``)."""
    tabs = {"case": CaseTab(gettext_lazy("帮教档案"), reverse("cases:case", args=[case.pk]), order=0)}
    tabs.update(fire(CASE_TABS, user=user, case=case))
    ordered = sorted(tabs.items(), key=lambda item: item[1].order)
    return [{"key": key, "label": tab.label, "url": tab.url, "current": key == current} for key, tab in ordered]
