"""Who may do what with a release notice: one rule each, asked by the pages (which forms the notice page offers)
and by the services (which refuse with 403), through ``core.areas.can`` / ``require``. Registered in
``handover/contrib.py``.

A rule decides who may take the action on the notice, whatever its status; whether the status allows it now is the
service's 409 and the page's refusal, not a permission.
"""

from __future__ import annotations

from typing import Any

from core.areas import Capability
from directory.models import Organisation, Role, User
from directory.reach import region_reach_prefix

SEND = "handover.send"  # obj: None
RELEASE = "handover.release"
WITHDRAW = "handover.withdraw"
VERIFY = "handover.verify"
CHECK_IN = "handover.check_in"
ROUTE = "handover.route"
BACKFILL = "handover.backfill"  # obj: None

FACILITY_KINDS = (Organisation.Kind.PRISON, Organisation.Kind.DETENTION_CENTER)
# county, city and province officers re-route notices within their reach
ROUTING_ROLES = frozenset({Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER})


def is_facility(user: User, obj: Any = None) -> bool:
    """A facility liaison of a prison or detention centre: sends notices."""
    org = user.organisation
    return user.role == Role.FACILITY_LIAISON and org is not None and org.kind in FACILITY_KINDS


def is_facility_of(user: User, notice: Any) -> bool:
    """The facility that sent the notice: records the release, withdraws the notice."""
    return (
        user.role == Role.FACILITY_LIAISON
        and notice.facility_id is not None
        and notice.facility_id == user.organisation_id
    )


def is_receiving(user: User, notice: Any) -> bool:
    """The receiving office's officers, or the county officers above it ("may act on any case", DESIGN §1)."""
    if user.role == Role.OFFICE_OFFICER:
        return bool(user.organisation_id == notice.receiving_office_id)
    prefix = region_reach_prefix(user)
    return user.role == Role.COUNTY_OFFICER and prefix is not None and notice.region_id.startswith(prefix)


def may_route(user: User, notice: Any) -> bool:
    return user.role in ROUTING_ROLES


def may_backfill(user: User, obj: Any = None) -> bool:
    """A justice office adds someone who came with no notice."""
    return user.role == Role.OFFICE_OFFICER and user.organisation_id is not None


CAPABILITIES = [
    Capability(SEND, is_facility),
    Capability(RELEASE, is_facility_of),
    Capability(WITHDRAW, is_facility_of),
    Capability(VERIFY, is_receiving),
    Capability(CHECK_IN, is_receiving),
    Capability(ROUTE, may_route),
    Capability(BACKFILL, may_backfill),
]
