"""``GET /api/v1/stats/register``: the register figures of DESIGN §6 (issue 4) for a region as of a date."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from core.errors import DomainError
from directory.api_auth import current_user
from directory.models import Region
from stats import selectors
from stats.register import DEFINITIONS, EMPTY, SOURCES, default_day, register_by_child, register_figures

router = Router(tags=["stats"])
_DEF = {d.name: d.definition for d in DEFINITIONS}
CHILD_LENGTH = {"national": 2, "province": 4, "city": 6, "county": 9, "township": 12}


def _count(name: str) -> Any:
    return Field(..., description=_DEF[name])


def _rate(name: str) -> Any:
    return Field(..., description=_DEF[name] + "; a fraction in [0, 1], null when the denominator is 0")


class RegisterFigures(Schema):
    on_register: int = _count("on_register")
    key_targets: int = _count("key_targets")
    settled: int = _count("settled")
    settlement_rate: float | None = _rate("settlement_rate")
    assisted: int = _count("assisted")
    assistance_rate: float | None = _rate("assistance_rate")
    lost_contact: int = _count("lost_contact")
    reoffended: int = _count("reoffended")
    reoffence_rate: float | None = _rate("reoffence_rate")
    dual_managed: int = _count("dual_managed")


_SOURCE = "; ".join(f"`{name}`: {meaning}" for name, meaning in SOURCES.items())


class Provenance(Schema):
    source: Literal["rollup", "live"] = Field(..., description=f"where the figures come from: {_SOURCE}")
    computed_at: dt.datetime = Field(
        ..., description="when the figures were computed: the roll-up's time (the oldest one used), or now when live"
    )


class RegionRef(Schema):
    code: str
    name: str


class RegisterOut(RegisterFigures, Provenance):
    region: RegionRef
    on: dt.date
    from_: dt.date = Field(..., alias="from")


class RegisterChild(RegisterFigures):
    region: RegionRef


class RegisterByRegion(Provenance):
    items: list[RegisterChild]
    count: int


class RegisterQuery(Schema):
    region: str | None = Field(None, description="12-digit code within your reach; default your own region")
    on: dt.date | None = Field(
        None,
        description="register as of this date; default yesterday once last night's roll-up is made (answered from "
        "the roll-up in milliseconds, as the dashboard opens), else today; today's date asks for today's live figures",
    )
    from_: dt.date | None = Field(None, alias="from", description="start of the period (default 1 January of `on`)")


ROLLUP_NOTE = (
    "A closed day is rolled up by the nightly job (`run_jobs`), and its figures are then sums of the stored counts "
    "(`source: rollup`): the register as recorded the night after `on`, unchanged by later corrections dated "
    "before it. A day not rolled up (today, or before the roll-ups began) is computed from the cases "
    "(`source: live`). A period (`from`) reaching into an earlier year also needs the roll-up of 31 December of "
    "each year it covers, and a `from` other than 1 January the roll-up of the day before it."
)


def _scope(request: HttpRequest, query: RegisterQuery) -> tuple[Region, dt.date, dt.date]:
    user = current_user(request)
    selectors.require_stats_reader(user)
    region = selectors.region_for(user, query.region)
    on = query.on or default_day(timezone.localdate())
    start = query.from_ or on.replace(month=1, day=1)
    if start > on:
        raise DomainError("invalid_query", "from is after on", fields={"from": "must not be after on"})
    return region, on, start


@router.get(
    "/stats/register",
    response=RegisterOut,
    by_alias=True,
    summary="Register figures of a region subtree as of a date (安置率, 帮教率, 脱管, 重新犯罪率)",
    description=ROLLUP_NOTE,
)
def register(request: HttpRequest, query: Query[RegisterQuery]) -> dict[str, Any]:
    region, on, start = _scope(request, query)
    figures = register_figures(prefix=region.prefix, on=on, start=start)
    return {**figures, "region": {"code": region.code, "name": region.name}, "on": on, "from": start}


@router.get(
    "/stats/register/by-region",
    response=RegisterByRegion,
    summary="Register figures of each sub-region (one GROUP BY query)",
    description=ROLLUP_NOTE,
)
def register_by_region(request: HttpRequest, query: Query[RegisterQuery]) -> dict[str, Any]:
    region, on, start = _scope(request, query)
    length = CHILD_LENGTH.get(region.level)
    if length is None:
        return {"items": [], "count": 0, "source": "live", "computed_at": timezone.now()}
    by_child = register_by_child(prefix=region.prefix, child_length=length, on=on, start=start)
    children = Region.objects.filter(parent=region).order_by("code")
    items = [
        {**by_child.get(child.prefix, EMPTY), "region": {"code": child.code, "name": child.name}} for child in children
    ]
    return {"items": items, "count": len(items), "source": by_child.source, "computed_at": by_child.computed_at}
