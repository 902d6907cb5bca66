"""The one reach rule: what a user may see, by the region their organisation sits in.

Officers (township office up to national) and the three administrators reach every record whose region lies in
their organisation's region subtree: a 12-digit code starting with the region's significant digits. Every other role
reaches only what is addressed to them, which each model adds to its own ``visible_to`` through ``addressed_to``.
Lists, pages, API calls, exports and statistics all go through ``visible_to``; nothing filters by region by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    # directory.models builds its querysets on ReachQuerySet, so this module never imports it back: the user model is
    # named through settings.AUTH_USER_MODEL (django-stubs' ``_User``, which its mypy plugin resolves to
    # directory.models.User) and asked only for its own properties (``is_officer``, ``is_administrator``).
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.auth.models import _User as User

_M = TypeVar("_M", bound=models.Model)
NOTHING = Q(pk__in=[])


def region_reach_prefix(user: User | AnonymousUser, *, admins: bool = False) -> str | None:
    """The code prefix of the region subtree ``user`` reaches, or None when the role reaches nothing by region.

    The three administrators reach their region only where ``admins`` is asked for: users and organisations
    (system administrator), policy (security administrator). They never reach the records of people: separation of
    duties (等保 level 3) keeps case data with the officers who work on it.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    organisation = user.organisation
    if organisation is None or not organisation.is_active:
        return None
    if user.is_officer or (admins and user.is_administrator):
        return organisation.region.prefix
    return None


def in_region_subtree(prefix: str, region_field: str) -> Q:
    """Records whose region (a foreign key holding the 12-digit code) lies under ``prefix``.

    The code is the key, so this is ``region_id LIKE 'prefix%'`` on the record's own column: no join, and the
    column's index (varchar_pattern_ops on PostgreSQL) serves it.
    """
    if prefix == "":
        return ~Q(**{f"{region_field}__isnull": True})
    return Q(**{f"{region_field}__code__startswith": prefix})


class ReachQuerySet(models.QuerySet[_M]):
    """Base queryset with ``visible_to``. Subclasses set ``region_fields`` (a record in any of those regions is
    within reach: a person is reached by the office of the hukou place and of the residence) and may override
    ``addressed_to``."""

    region_fields: tuple[str, ...] = ("region",)
    # whether the administrators reach these records by region (only the directory's own models)
    admins_reach: bool = False

    def addressed_to(self, user: User) -> Q:
        """What ``user`` reaches besides their region subtree (things addressed to their organisation, say)."""
        return NOTHING

    def visible_to(self, user: User | AnonymousUser | Any) -> models.QuerySet[_M]:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        condition = self.addressed_to(user)  # type: ignore[arg-type]  # authenticated: a User
        prefix = region_reach_prefix(user, admins=self.admins_reach)
        if prefix is not None:
            for field in self.region_fields:
                condition |= in_region_subtree(prefix, field)
        return self.filter(condition)
