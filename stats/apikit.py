"""The statistics API of every metric family: who may call it and for which region, and the family's operations
mounted on the router (``stats.api``). A family's operations parse their own time filter and answer its figures;
the scope is checked here, once."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from core.metrics import MetricFamily
from directory.api_auth import current_user
from directory.models import Region, User
from directory.selectors import region_for, require_stats_reader

WHO = "Officers (office, county, city, province, national); other roles 403; a region outside your reach 404."


def scope(request: HttpRequest, region: str | None) -> tuple[User, Region]:
    """The caller (an officer, else 403) and the region asked (default their own; outside their reach 404)."""
    user = current_user(request)
    require_stats_reader(user)
    return user, region_for(user, region)


def region_ref(region: Region) -> dict[str, str]:
    return {"code": region.code, "name": region.name}


def mount(router: Router, family: MetricFamily) -> None:
    """Add the family's GET operations to ``router``."""
    for operation in family.operations:
        router.get(
            operation.path,
            response=operation.response,
            by_alias=operation.by_alias,
            summary=operation.summary,
            description=operation.description,
            operation_id=operation.operation_id or None,
        )(operation.handler)
