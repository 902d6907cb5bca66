"""A test area with a metric family of its own, as a new area would declare one: this module and nothing else.

"Escorts" (接送情况): of the notices released by a day, how many were escorted from the gate, and the share; the list
behind each number, the key figures, the table and one API operation. ``test_new_family.py`` registers the area and
finds the family on the dashboard (a tab of its own), on its list page and in the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Schema

from core.areas import Area
from core.metrics import (
    Column,
    CountMetric,
    DateInput,
    Dates,
    Figures,
    KeyFigure,
    MetricFamily,
    Metrics,
    Operation,
    RateMetric,
    SubRegion,
    Target,
)
from directory.models import Region, User
from directory.reach import in_region_subtree
from handover import exports as notice_exports
from handover.models import ReleaseNotice
from stats import apikit

# (a count is an aggregate of the notices, named apart from their fields: ``escorted`` is one)
METRICS = Metrics(
    counts=(
        CountMetric("released", "已释放", "notices released on or before `on`"),
        CountMetric("with_escort", "已接送", "released and escorted", condition=Q(escorted=True)),
        CountMetric("without_escort", "未接送", "released and not escorted", condition=~Q(escorted=True)),
    ),
    rates=(
        RateMetric(
            "escort_share",
            "接送比例",
            "with_escort",
            "released",
            "without_escort",
            "escorted ÷ released",
            "已接送 ÷ 已释放",
            Target(50),
        ),
    ),
)


def _released(user: User, region: Region, dates: Dates) -> QuerySet[ReleaseNotice]:
    notices = ReleaseNotice.objects.visible_to(user).filter(in_region_subtree(region.prefix, "region"))
    return notices.filter(released_on__lte=dates["on"])


def _aggregates() -> dict[str, Any]:
    return {
        count.key: Count("id", filter=count.condition) if count.condition is not None else Count("id")
        for count in METRICS.counts
    }


def _figures(user: User, region: Region, dates: Dates) -> Figures:
    return METRICS.figures_of(_released(user, region, dates).aggregate(**_aggregates()))


def _by_subregion(user: User, region: Region, dates: Dates) -> list[SubRegion]:
    children = Region.objects.filter(parent=region).order_by("code")
    return [SubRegion(child.code, child.name, True, _figures(user, child, dates)) for child in children]


def _behind(user: User, region: Region, dates: Dates, figure: str, own: bool) -> QuerySet[ReleaseNotice]:
    condition = METRICS.figures[figure].condition
    notices = _released(user, region, dates).filter(condition if condition is not None else Q())
    return notices.select_related("person", "receiving_office").order_by("-released_on", "-id")


def _defaults(query: Mapping[str, str]) -> dict[str, str]:
    return {} if query.get("on") else {"on": timezone.localdate().isoformat()}


class EscortsOut(Schema):
    released: int
    with_escort: int
    escort_share: float | None


class EscortsQuery(Schema):
    region: str | None = None
    on: dt.date | None = None


def api_escorts(request: HttpRequest, query: Query[EscortsQuery]) -> dict[str, Any]:
    user, region = apikit.scope(request, query.region)
    return _figures(user, region, {"on": query.on or timezone.localdate()}).as_dict()


FAMILY = MetricFamily(
    key="escorts",
    label="接送情况",
    title="接送情况统计",
    intro="%(name)s的接送情况。",
    metrics=METRICS,
    dates=(DateInput("on", "截至日期"),),
    defaults=_defaults,
    check=lambda values: {},
    population=("released",),
    figures=_figures,
    by_subregion=_by_subregion,
    behind=_behind,
    list_template="stats/_list.html",
    list_row=lambda notice: notice,
    list_export=notice_exports.notice_export("escorts", "接送名单"),
    columns=(
        Column("released", "已释放"),
        Column("with_escort", "已接送"),
        Column("escort_share", "接送比例"),
    ),
    key_figures=(KeyFigure("released"), KeyFigure("escort_share")),
    context=lambda dates: {"on": dates["on"]},
    page_date=lambda dates, totals: (f"截至 {dates['on']:%Y-%m-%d}", ""),
    scope_note=lambda dates: "",
    operations=(Operation("/stats/escorts", api_escorts, EscortsOut, "Escorts of a region subtree"),),
)

AREA = Area(name="escorts", metrics=[FAMILY])
