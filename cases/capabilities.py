"""Who may do what with a case: one rule each, asked by the pages (which forms the case page offers) and by the
services (which refuse with 403), through ``core.areas.can`` / ``require``. Registered in ``cases/contrib.py``.

A rule decides who may take the action on the object, whatever its state; whether the case's state allows it now
(closed, in lost contact, a transfer waiting) is the service's 409 and the page's refusal, not a permission.
"""

from __future__ import annotations

from typing import Any

from core.areas import Capability
from directory.models import OFFICER_ROLES, Role, User
from directory.reach import region_reach_prefix

# What the case page and the services ask.
MANAGE = "cases.manage"  # group, agreement, risk, settlement, transfer, lost contact, trace, close
VISIT = "cases.visit"
NOTE = "cases.note"
DECIDE_TRANSFER = "cases.transfer.decide"  # obj: the Transfer
RESPOND_TO_TRACE = "cases.trace.respond"  # obj: the TraceRequest
EXPORT = "cases.export"  # take a list of cases (or the worklist) away as .xlsx; obj: None
READ_OFFENCE = "cases.offence.read"  # the offence and a reoffence's details on the case page

EXPORT_ROLES = OFFICER_ROLES | {Role.POLICE_OFFICER}
TRACE_RECEIVER_ROLES = frozenset({Role.OFFICE_OFFICER, Role.POLICE_OFFICER})


def is_case_officer(user: User, case: Any) -> bool:
    """The managing office's officers, or a county officer whose county holds the case ("may act on any case")."""
    if user.role == Role.OFFICE_OFFICER and user.organisation_id == case.managing_office_id:
        return True
    prefix = region_reach_prefix(user)
    return user.role == Role.COUNTY_OFFICER and prefix is not None and case.region_id.startswith(prefix)


def in_group(user: User, case: Any) -> bool:
    """In the case's assistance group. The case page prefetches the group (``active_members``): no query there."""
    members = getattr(case, "active_members", None)
    if members is not None:
        return any(member.user_id == user.pk for member in members)
    return bool(case.group_members.filter(user=user, removed_on__isnull=True).exists())


def is_hukou_office(user: User, case: Any) -> bool:
    """The hukou office of a dual-managed case: it reads the case and adds notes, nothing else."""
    return user.role == Role.OFFICE_OFFICER and user.organisation_id == case.hukou_office_id


def may_visit(user: User, case: Any) -> bool:
    return is_case_officer(user, case) or in_group(user, case)


def may_note(user: User, case: Any) -> bool:
    return is_case_officer(user, case) or in_group(user, case) or is_hukou_office(user, case)


def may_decide_transfer(user: User, transfer: Any) -> bool:
    """The receiving office answers a transfer, no one else (not even the county above it)."""
    return user.role == Role.OFFICE_OFFICER and user.organisation_id == transfer.to_office_id


def may_respond_to_trace(user: User, trace: Any) -> bool:
    """The justice office or police organisation the request was sent to."""
    return user.role in TRACE_RECEIVER_ROLES and user.organisation_id == trace.to_organisation_id


def may_export(user: User, obj: Any) -> bool:
    # officers and the police export; a social worker or volunteer reads their own cases but takes no lists away
    return user.role in EXPORT_ROLES


def may_read_offence(user: User, case: Any) -> bool:
    # a volunteer helps the person and never sees what they were convicted of
    return user.role != Role.VOLUNTEER


CAPABILITIES = [
    Capability(MANAGE, is_case_officer),
    Capability(VISIT, may_visit),
    Capability(NOTE, may_note),
    Capability(DECIDE_TRANSFER, may_decide_transfer),
    Capability(RESPOND_TO_TRACE, may_respond_to_trace),
    Capability(EXPORT, may_export),
    Capability(READ_OFFENCE, may_read_offence),
]
