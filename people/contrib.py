"""What people adds: the permission over records of inmates' minor children, named apart from the case's.

A child's record is sensitive in its own right (PIPL art. 28; a leak harms the child, not the parent), so reading
one is its own capability, never implied by reading the parent's case. The rule here is the role-level one; the
children area refines it per record (the office managing the child and the officers above it, the facility that
entered it until verified, an assigned social worker or volunteer, the 民政 partner of a referred child) by
registering a rule that looks at ``obj``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.areas import Area, Capability
from directory.models import OFFICER_ROLES, Role, User

CHILDREN_READERS = OFFICER_ROLES | {Role.FACILITY_LIAISON, Role.SOCIAL_WORKER, Role.VOLUNTEER, Role.PARTNER_OFFICER}


def may_read_children(user: User, obj: Any) -> bool:
    # police, base managers and the three administrators never read a child's record
    return user.role in CHILDREN_READERS


AREA = Area(
    name="people",
    capabilities=[Capability("children.read", may_read_children, _("查阅服刑人员未成年子女信息"))],
)
