"""Reads that check permission. Missing and out-of-reach look the same (404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.errors import DomainError, Forbidden, NotFound
from directory.models import OFFICER_ROLES, Organisation, Region, User, level_of, region_prefix
from directory.reach import in_region_subtree, region_reach_prefix


def list_organisations(*, user: User, kind: str | None = None, region: str | None = None) -> QuerySet[Organisation]:
    qs = Organisation.objects.visible_to(user).filter(is_active=True).select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(in_region_subtree(region_prefix(region, level_of(region)), "region"))
    return qs


def get_organisation(*, user: User, code: str) -> Organisation:
    organisation = Organisation.objects.visible_to(user).select_related("region").filter(code=code).first()
    if organisation is None:
        raise NotFound()
    return organisation


def get_user_for_user(*, user: User, username: str) -> User:
    found = User.objects.visible_to(user).select_related("organisation").filter(username=username).first()
    if found is None:
        raise NotFound()
    return found


def get_region(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def justice_office_of_township(region: Region | str | None) -> Organisation | None:
    """The active justice office (司法所) of the township ``region`` lies in: a township's or a village's region
    (or 12-digit code), whose township is its code's first 9 digits. None above township level, or when the
    township has no active office. (Hand-over sends a notice there; a case is managed there.)"""
    if not region:
        return None
    code, level = (region.code, region.level) if isinstance(region, Region) else (region, level_of(region))
    if level not in (Region.Level.TOWNSHIP, Region.Level.VILLAGE):
        return None
    return (
        Organisation.objects.filter(kind=Organisation.Kind.JUSTICE_OFFICE, region_id=code[:9] + "000", is_active=True)
        .select_related("region")
        .first()
    )


# --- who reads statistics, and of which region (every metric family's pages and API, whichever layer it is in) ------


def require_stats_reader(user: User) -> None:
    """Officers of every level read the statistics of their subtree (DESIGN §1, §5); no other role does."""
    if user.role not in OFFICER_ROLES or region_reach_prefix(user) is None:
        raise Forbidden(_("Only officers read the statistics."))


def region_for(user: User, code: str | None) -> Region:
    """The region asked for (default: the caller's own), or 404 when it is unknown or outside the caller's reach."""
    prefix = region_reach_prefix(user)
    if prefix is None or user.organisation is None:
        raise NotFound()
    if not code:
        return user.organisation.region
    if len(code) != 12 or not code.isdigit():
        raise DomainError(
            "invalid_query", _("A region code has 12 digits."), fields={"region": _("a 12-digit code")}, status=422
        )
    if not code.startswith(prefix):
        raise NotFound()
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound()
    return region
