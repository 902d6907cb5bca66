"""The hand-over metrics of DESIGN §6, each defined once: what it counts, in words beside the code.

Every figure is computed from the notice rows themselves (the facts the hand-over services record: ``released_on``,
``checked_in_on``, ``check_in_by``, ``missed_on``, ``key_target``, ``escorted``), never from a stored total, so any
region subtree and any period can be asked. The population of every figure is the same: **notices released in the
period**, i.e. ``from <= released_on <= to`` (both ends included; a notice not yet released has no ``released_on``
and counts nowhere, a withdrawn one was never released). Backfilled notices (补录) were released too and count like
every other. Each figure is the state of those notices as the database holds it now: a person released in March and
checked in late in May counts as handed over for March.

A count is ``Count("id", filter=<condition>)`` over that population, so every figure of a region comes from one
aggregate query, every sub-region's from one GROUP BY query, and the list of people behind a number is the same
condition as a filter (``list_condition``): the number and its list cannot disagree.

Rates are fractions in [0, 1], ``None`` when the denominator is 0 (DESIGN §5); they are not rounded here (a rate of
0.99996 must not read as meeting a 100 % target).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CountMetric:
    """A number of notices released in the period that also meet ``condition``."""

    name: str  # the API field
    slug: str  # the ``figure=`` of the list behind the number
    label: str | Promise
    definition: str  # numerator in words; the denominator of a count is none (it is a count)
    condition: Q | None  # None: every notice released in the period
    note: str | Promise = ""  # what the dashboard says about the figure, where its label is not enough


@dataclass(frozen=True)
class RateMetric:
    """``numerator ÷ denominator`` of two counts above; ``gap`` is the list of those in the denominator but not in
    the numerator (the people a rate below target asks the officer to look at)."""

    name: str
    label: str | Promise
    numerator: str
    denominator: str
    gap: str  # slug of the count listing the shortfall
    definition: str
    formula: str | Promise  # the definition as the dashboard shows it


CHECKED_IN = Q(checked_in_on__isnull=False)
NOT_CHECKED_IN = Q(checked_in_on__isnull=True)
KEY = Q(key_target=True)
ORDINARY = Q(key_target=False)
# ``escorted`` is NULL when the facility recorded no escort at all: that is "not escorted" too (~Q keeps NULLs).
ESCORTED = Q(escorted=True)

COUNTS: tuple[CountMetric, ...] = (
    CountMetric(
        "released",
        "released",
        _("释放人数"),
        "notices released in the period (released_on within [from, to]), backfilled ones included",
        None,
    ),
    CountMetric(
        "handed_over",
        "handed_over",
        _("已衔接"),
        "released in the period and checked in (报到) at the office, on time or late",
        CHECKED_IN,
    ),
    CountMetric(
        "not_handed_over",
        "not_handed_over",
        _("未衔接"),
        "released in the period and not (yet) checked in",
        NOT_CHECKED_IN,
    ),
    CountMetric(
        "missed",
        "missed",
        _("漏管"),
        "released in the period and not checked in by the check-in deadline (missed intake, 漏管); a late check-in "
        "stays counted here as well as in handed_over",
        Q(missed_on__isnull=False),
        _("期内释放、报到期限届满仍未报到的人数；此后补报到的，既计入已衔接，也仍计入漏管。"),
    ),
    CountMetric(
        "checked_in_on_time",
        "on_time",
        _("按期报到"),
        "released in the period and checked in on or before the check-in deadline (checked_in_on <= check_in_by)",
        Q(checked_in_on__isnull=False, checked_in_on__lte=F("check_in_by")),
    ),
    CountMetric(
        "checked_in_late",
        "late",
        _("逾期报到"),
        "released in the period, missed the check-in deadline and checked in afterwards (counted in handed_over "
        "and in missed)",
        Q(missed_on__isnull=False, checked_in_on__isnull=False),
    ),
    CountMetric(
        "key_targets_released",
        "key_released",
        _("重点对象释放"),
        "key targets (重点帮教对象) released in the period",
        KEY,
    ),
    CountMetric(
        "key_targets_handed_over",
        "key_handed_over",
        _("重点对象已衔接"),
        "key targets released in the period and checked in",
        KEY & CHECKED_IN,
    ),
    CountMetric(
        "key_targets_not_handed_over",
        "key_not_handed_over",
        _("重点对象未衔接"),
        "key targets released in the period and not (yet) checked in",
        KEY & NOT_CHECKED_IN,
    ),
    CountMetric(
        "key_targets_escorted",
        "escorted",
        _("必接必送"),
        "key targets released in the period whose release recorded an escort (必接必送: fetched at the gate)",
        KEY & ESCORTED,
    ),
    CountMetric(
        "key_targets_not_escorted",
        "not_escorted",
        _("未接送"),
        "key targets released in the period with no escort recorded (escort refused, absent, or not entered)",
        KEY & ~ESCORTED,
    ),
    CountMetric(
        "ordinary_released",
        "ordinary_released",
        _("一般对象释放"),
        "people released in the period who are not key targets",
        ORDINARY,
    ),
    CountMetric(
        "ordinary_handed_over",
        "ordinary_handed_over",
        _("一般对象已衔接"),
        "people released in the period who are not key targets and checked in",
        ORDINARY & CHECKED_IN,
    ),
    CountMetric(
        "ordinary_not_handed_over",
        "ordinary_not_handed_over",
        _("一般对象未衔接"),
        "people released in the period who are not key targets and not (yet) checked in",
        ORDINARY & NOT_CHECKED_IN,
    ),
)

RATES: tuple[RateMetric, ...] = (
    RateMetric(
        "handover_rate",
        _("衔接率"),
        "handed_over",
        "released",
        "not_handed_over",
        "衔接率: released in the period and checked in ÷ released in the period",
        _("期内释放且已报到人数 ÷ 期内释放人数"),
    ),
    RateMetric(
        "key_handover_rate",
        _("重点对象衔接率"),
        "key_targets_handed_over",
        "key_targets_released",
        "key_not_handed_over",
        "key targets released in the period and checked in ÷ key targets released in the period",
        _("期内释放的重点帮教对象中已报到人数 ÷ 期内释放的重点帮教对象人数"),
    ),
    RateMetric(
        "ordinary_handover_rate",
        _("一般对象衔接率"),
        "ordinary_handed_over",
        "ordinary_released",
        "ordinary_not_handed_over",
        "ordinary (not key) people released in the period and checked in ÷ ordinary people released in the period",
        _("期内释放的一般对象中已报到人数 ÷ 期内释放的一般对象人数"),
    ),
    RateMetric(
        "escort_rate",
        _("接送率"),
        "key_targets_escorted",
        "key_targets_released",
        "not_escorted",
        "接送率: key targets released in the period with an escort recorded ÷ key targets released in the period",
        _("期内释放的重点帮教对象中有必接必送记录的人数 ÷ 期内释放的重点帮教对象人数"),
    ),
    RateMetric(
        "on_time_rate",
        _("按期报到率"),
        "checked_in_on_time",
        "released",
        "not_handed_over",
        "released in the period and checked in by the deadline ÷ released in the period",
        _("期内释放且在报到期限内报到的人数 ÷ 期内释放人数"),
    ),
)

COUNT_BY_NAME: dict[str, CountMetric] = {metric.name: metric for metric in COUNTS}
COUNT_BY_SLUG: dict[str, CountMetric] = {metric.slug: metric for metric in COUNTS}
RATE_BY_NAME: dict[str, RateMetric] = {metric.name: metric for metric in RATES}


# --- targets ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    rate: str
    minimum: float  # met when rate >= minimum
    threshold: str  # "100%", "≥ 80%"

    @property
    def label(self) -> str:
        return f"{RATE_BY_NAME[self.rate].label}{self.threshold}"


# The targets of DESIGN §6 (Guangdong 2011–15 evaluation): the one place to change them. A rate of None (nobody in
# the denominator) neither meets nor misses its target.
TARGETS: dict[str, Target] = {
    "key_handover_rate": Target("key_handover_rate", 1.0, "100%"),
    "ordinary_handover_rate": Target("ordinary_handover_rate", 0.8, "≥ 80%"),
    "escort_rate": Target("escort_rate", 1.0, "100%"),
}


def target_state(rate_name: str, value: float | None) -> str:
    """``met`` / ``missed`` against the rate's target, ``none`` without a target or without a value."""
    target = TARGETS.get(rate_name)
    if target is None or value is None:
        return "none"
    return "met" if value >= target.minimum else "missed"


# --- computing --------------------------------------------------------------------------------------------------------


def rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


def in_period(start: dt.date, end: dt.date) -> Q:
    """The population of every figure: released from ``start`` to ``end``, both included."""
    return Q(released_on__gte=start, released_on__lte=end)


def aggregates() -> dict[str, Count]:
    """``{count name: Count(...)}`` for ``.aggregate()`` / ``.annotate()``: every count in one query."""
    return {
        metric.name: Count("id", filter=metric.condition) if metric.condition is not None else Count("id")
        for metric in COUNTS
    }


def list_condition(slug: str) -> Q:
    """The notices behind the number ``slug`` (within a queryset already limited to the period and region)."""
    condition = COUNT_BY_SLUG[slug].condition
    return condition if condition is not None else Q()


@dataclass(frozen=True)
class Figures:
    """Every count and rate of one region (or month) and period."""

    counts: Mapping[str, int]

    @classmethod
    def of(cls, row: Mapping[str, Any] | None) -> Figures:
        row = row or {}
        return cls({metric.name: int(row.get(metric.name) or 0) for metric in COUNTS})

    def __getitem__(self, name: str) -> int | float | None:
        if name in RATE_BY_NAME:
            metric = RATE_BY_NAME[name]
            return rate(self.counts[metric.numerator], self.counts[metric.denominator])
        return self.counts[name]

    def as_dict(self) -> dict[str, int | float | None]:
        values: dict[str, int | float | None] = dict(self.counts)
        for metric in RATES:
            values[metric.name] = self[metric.name]
        return values
