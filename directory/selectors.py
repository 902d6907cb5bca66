"""Reads that check permission. Missing and out-of-reach look the same (404)."""

from __future__ import annotations

from django.db.models import QuerySet

from core.errors import NotFound
from directory.models import Organisation, Region, User, level_of, region_prefix
from directory.reach import in_region_subtree


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
