"""Shapes of the statistics API. Each figure's description is its definition in ``stats.metrics`` (written once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from stats.metrics import COUNT_BY_NAME, RATE_BY_NAME, TARGETS

PERIOD = (
    "Figures count the notices released in the period (released_on from `from` to `to`, both included), in their "
    "state today."
)


def _count(name: str) -> Any:
    return Field(..., ge=0, description=f"Count: {COUNT_BY_NAME[name].definition}.")


def _rate(name: str) -> Any:
    metric = RATE_BY_NAME[name]
    target = TARGETS.get(name)
    text = f"Rate: {metric.definition}. A fraction in [0, 1]; null when the denominator is 0."
    if target is not None:
        text += f" Target (DESIGN §6): >= {target.minimum:g}."
    return Field(..., ge=0, le=1, description=text)


class Ref(Schema):
    code: str
    name: str


class HandoverFigures(Schema):
    # DESIGN §5, exactly these eight first
    released: int = _count("released")
    handed_over: int = _count("handed_over")
    missed: int = _count("missed")
    handover_rate: float | None = _rate("handover_rate")
    key_targets_released: int = _count("key_targets_released")
    key_targets_escorted: int = _count("key_targets_escorted")
    escort_rate: float | None = _rate("escort_rate")
    checked_in_on_time: int = _count("checked_in_on_time")
    # the key / ordinary split and the rest of the definitions
    key_handover_rate: float | None = _rate("key_handover_rate")
    ordinary_handover_rate: float | None = _rate("ordinary_handover_rate")
    on_time_rate: float | None = _rate("on_time_rate")
    not_handed_over: int = _count("not_handed_over")
    checked_in_late: int = _count("checked_in_late")
    key_targets_handed_over: int = _count("key_targets_handed_over")
    key_targets_not_handed_over: int = _count("key_targets_not_handed_over")
    key_targets_not_escorted: int = _count("key_targets_not_escorted")
    ordinary_released: int = _count("ordinary_released")
    ordinary_handed_over: int = _count("ordinary_handed_over")
    ordinary_not_handed_over: int = _count("ordinary_not_handed_over")


class HandoverOut(HandoverFigures):
    region: Ref = Field(..., description="The region whose subtree the figures cover.")
    from_: dt.date = Field(..., alias="from", description="First release date counted.")
    to: dt.date = Field(..., description="Last release date counted.")


class SubRegionFigures(HandoverFigures):
    region: Ref = Field(
        ...,
        description="A child region; the row for notices held at the asked region itself (not yet routed to a "
        "child) carries the asked region's own code.",
    )


class ByRegionOut(Schema):
    region: Ref
    from_: dt.date = Field(..., alias="from")
    to: dt.date
    items: list[SubRegionFigures]
    count: int


class MonthFigures(HandoverFigures):
    month: str = Field(..., description="YYYY-MM")
    from_: dt.date = Field(..., alias="from")
    to: dt.date


class TrendOut(Schema):
    region: Ref
    items: list[MonthFigures] = Field(..., description="One item per calendar month, oldest first.")
    count: int


class PeriodQuery(Schema):
    region: str | None = Field(None, description="12-digit region code within your reach; default: your region")
    from_: dt.date | None = Field(None, alias="from", description="YYYY-MM-DD; default: 1 January of this year")
    to: dt.date | None = Field(None, description="YYYY-MM-DD; default: today")


class TrendQuery(Schema):
    region: str | None = Field(None, description="12-digit region code within your reach; default: your region")
    months: int = Field(12, description="How many calendar months, 1 to 60, ending with the month of `to`")
    to: dt.date | None = Field(None, description="YYYY-MM-DD in the last month shown; default: today")
