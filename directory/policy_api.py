"""Policy parameters over the API: the values in force for a region and day, and setting a new value (DESIGN §4)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from core.audit import Actor
from core.errors import DomainError
from directory import policy
from directory.api_auth import current_user, require_role
from directory.models import Region, User
from directory.schemas import PolicyIn, PolicyList, PolicyQuery, PolicySetOut

router = Router(tags=["policy"])

# The operation ids these endpoints were published with while they lived in core.api: generated clients call them by
# these names, so they stay although the module moved.
LIST_POLICY_OPERATION = "core_api_list_policy"
SET_POLICY_OPERATION = "core_api_set_policy"

# Deadlines run on China's calendar whatever time zone a browser or server is set to.
CHINA = ZoneInfo("Asia/Shanghai")


def _region_ref(region: Region | None) -> dict[str, str] | None:
    return None if region is None else {"code": region.code, "name": region.name}


def _find_region(code: str) -> Region:
    region = Region.objects.filter(code=code).first() if len(code) == 12 and code.isdigit() else None
    if region is None:
        raise DomainError("invalid_region", _("Unknown region."), fields={"region": _("unknown region code")})
    return region


def _home_region(user: User) -> str:
    organisation = user.organisation
    return organisation.region_id if organisation is not None else Region.NATIONAL_CODE


@router.get(
    "/policy",
    response=PolicyList,
    summary="Policy parameters in force for a region (12-digit code) on a day",
    operation_id=LIST_POLICY_OPERATION,
)
def list_policy(request: HttpRequest, filters: Query[PolicyQuery]) -> dict[str, object]:
    user = current_user(request)
    region = _find_region(filters.region if filters.region is not None else _home_region(user))
    on = filters.on or timezone.localdate(timezone=CHINA)
    items = [
        {
            "name": v.parameter.name,
            "label": str(v.parameter.label),
            "value": v.value,
            "unit": v.parameter.unit.value,
            "source": v.source,
            "region": _region_ref(v.region),
            "effective_from": v.effective_from,
        }
        for v in policy.values_in_force(region=region, on=on)
    ]
    return {"items": items, "count": len(items)}


@router.post(
    "/policy",
    response={201: PolicySetOut},
    summary="Set a parameter's value for a province, city or county (null: national) from a date on",
    operation_id=SET_POLICY_OPERATION,
)
def set_policy(request: HttpRequest, body: PolicyIn) -> Status[dict[str, object]]:
    user = current_user(request)
    require_role(user, *policy.POLICY_SETTER_ROLES)
    region = _find_region(body.region) if body.region is not None else None
    policy.check_may_set_policy(user=user, region=region)
    row = policy.set_policy_value(
        name=body.name,
        region=region,
        value=body.value,
        effective_from=body.effective_from,
        note=body.note,
        by=Actor.of(request, user),
    )
    return Status(
        201,
        {
            "id": row.pk,
            "name": row.name,
            "region": _region_ref(row.region),
            "value": row.value,
            "unit": policy.parameter(row.name).unit.value,
            "effective_from": row.effective_from,
            "note": row.note,
        },
    )
