"""Who may do what with the bases: one rule each, asked by pages and services alike through ``core.areas.can`` /
``require`` (registered in ``bases/contrib.py``).

The county and above keep the register of bases in their region (create, edit, evaluate, approve extensions); the
office that manages a person reserves a bed for them, cancels it and follows up after the exit; the base's manager
runs the stay (admission, daily log, discharge) and sees nothing of the case beyond what the office shared.
"""

from __future__ import annotations

from typing import Any

from core.areas import Capability
from directory.models import OFFICER_ROLES, Role, User
from directory.reach import region_reach_prefix

READ = "bases.read"  # obj: None: the list of bases and the bases pages
MANAGE = "bases.manage"  # obj: a Base, or a region code for a new one: create, edit, staff, certification
EVALUATE = "bases.evaluate"  # obj: the Base: the yearly evaluation
RESERVE = "bases.reserve"  # obj: the ReleaseNotice or the Case a bed is reserved for
RUN = "bases.stay.run"  # obj: the Stay: admission, daily log, discharge (the base's manager)
EXTEND = "bases.stay.extend"  # obj: the Stay: an extension beyond the maximum stay (the county)
CANCEL = "bases.stay.cancel"  # obj: the Stay: the reserving office (and its county) or the base's manager
FOLLOW_UP = "bases.stay.follow_up"  # obj: the Stay: the follow-ups after the exit (the reserving office)
STATS = "bases.stats"  # obj: None: the bases dashboard, its figures and the forecast

REGISTER_ROLES = (Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER, Role.NATIONAL_OFFICER)


def _reaches(user: User, region_code: str) -> bool:
    prefix = region_reach_prefix(user)
    return prefix is not None and region_code.startswith(prefix)


def _region_of(obj: Any) -> str:
    return obj if isinstance(obj, str) else str(obj.region_id)


def may_read(user: User, obj: Any) -> bool:
    return user.role in OFFICER_ROLES or user.role == Role.BASE_MANAGER


def may_manage(user: User, obj: Any) -> bool:
    return user.role in REGISTER_ROLES and _reaches(user, _region_of(obj))


def may_reserve(user: User, obj: Any) -> bool:
    """A notice: its receiving office, or the county (and above) over it. A case: its managing office, or the county
    (and above) over it."""
    office = getattr(obj, "receiving_office_id", None) or getattr(obj, "managing_office_id", None)
    if user.role == Role.OFFICE_OFFICER:
        return user.organisation_id == office
    return user.role in REGISTER_ROLES and _reaches(user, _region_of(obj))


def is_base_manager(user: User, stay: Any) -> bool:
    return user.role == Role.BASE_MANAGER and user.organisation_id == stay.base.operator_id


def is_stay_officer(user: User, stay: Any) -> bool:
    """The reserving office, or an officer of the county (and above) over the person's office or over the base."""
    if user.role == Role.OFFICE_OFFICER:
        return bool(user.organisation_id == stay.office_id)
    return user.role in REGISTER_ROLES and (_reaches(user, stay.region_id) or _reaches(user, stay.base.region_id))


def may_extend(user: User, stay: Any) -> bool:
    return user.role in REGISTER_ROLES and is_stay_officer(user, stay)


def may_cancel(user: User, stay: Any) -> bool:
    return is_stay_officer(user, stay) or is_base_manager(user, stay)


def may_follow_up(user: User, stay: Any) -> bool:
    return is_stay_officer(user, stay)


def may_read_stats(user: User, obj: Any) -> bool:
    return user.role in REGISTER_ROLES


CAPABILITIES = [
    Capability(READ, may_read),
    Capability(MANAGE, may_manage),
    Capability(EVALUATE, may_manage),
    Capability(RESERVE, may_reserve),
    Capability(RUN, is_base_manager),
    Capability(EXTEND, may_extend),
    Capability(CANCEL, may_cancel),
    Capability(FOLLOW_UP, may_follow_up),
    Capability(STATS, may_read_stats),
]
