"""The hand-over statistics API (DESIGN §5, §6): officers read the figures of their region subtree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from directory.api_auth import current_user
from directory.models import Region, User
from stats import selectors
from stats.schemas import PERIOD, ByRegionOut, HandoverOut, PeriodQuery, TrendOut, TrendQuery

router = Router(tags=["stats"])

WHO = "Officers (office, county, city, province, national); other roles 403; a region outside your reach 404."


def _ref(region: Region) -> dict[str, str]:
    return {"code": region.code, "name": region.name}


def _scope(request: HttpRequest, region: str | None) -> tuple[User, Region]:
    user = current_user(request)
    selectors.require_stats_reader(user)
    return user, selectors.region_for(user, region)


def _period(query: PeriodQuery) -> tuple[dt.date, dt.date]:
    default_start, default_end = selectors.default_period()
    start, end = query.from_ or default_start, query.to or default_end
    selectors.check_period(start, end)
    return start, end


@router.get(
    "/stats/handover",
    response=HandoverOut,
    by_alias=True,
    summary="Hand-over figures of a region subtree over a period (衔接率, 接送率, 漏管, 按期报到)",
    description=f"{PERIOD} {WHO}",
)
def handover(request: HttpRequest, query: Query[PeriodQuery]) -> dict[str, Any]:
    user, region = _scope(request, query.region)
    start, end = _period(query)
    figures = selectors.figures(user=user, region=region, start=start, end=end)
    return {**figures.as_dict(), "region": _ref(region), "from": start, "to": end}


@router.get(
    "/stats/handover/by-region",
    response=ByRegionOut,
    by_alias=True,
    summary="The same figures for each child region of a region",
    description=f"{PERIOD} {WHO}",
)
def handover_by_region(request: HttpRequest, query: Query[PeriodQuery]) -> dict[str, Any]:
    user, region = _scope(request, query.region)
    start, end = _period(query)
    rows = selectors.figures_by_subregion(user=user, region=region, start=start, end=end)
    items = [{"region": {"code": row.code, "name": row.name}, **row.figures.as_dict()} for row in rows]
    return {"region": _ref(region), "from": start, "to": end, "items": items, "count": len(items)}


@router.get(
    "/stats/handover/trend",
    response=TrendOut,
    by_alias=True,
    summary="The same figures for each calendar month (released in that month)",
    description=f"{PERIOD} Each month is its own period. {WHO}",
)
def handover_trend(request: HttpRequest, query: Query[TrendQuery]) -> dict[str, Any]:
    user, region = _scope(request, query.region)
    months = selectors.figures_by_month(
        user=user, region=region, end=query.to or timezone.localdate(), months=query.months
    )
    items = [
        {"month": month.label, "from": month.start, "to": month.end, **month.figures.as_dict()} for month in months
    ]
    return {"region": _ref(region), "items": items, "count": len(items)}
