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
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr, TruncMonth
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.metrics import CountMetric, Figures, Metrics, RateMetric, SubRegion, Target
from directory.models import Region, User
from directory.reach import in_region_subtree
from handover.models import ReleaseNotice
from stats.selectors import CHILD_LEVEL, MAX_TREND_MONTHS, months_ending, own_level_prefix

# The targets of DESIGN §6 (Guangdong 2011–15 evaluation), on the rates below: the one place to change them. A rate
# with nobody in the denominator neither meets nor misses its target.
KEY_TARGET = Target(100)
ORDINARY_TARGET = Target(80)
ESCORT_TARGET = Target(100)

CHECKED_IN = Q(checked_in_on__isnull=False)
NOT_CHECKED_IN = Q(checked_in_on__isnull=True)
KEY = Q(key_target=True)
ORDINARY = Q(key_target=False)
# ``escorted`` is NULL when the facility recorded no escort at all: that is "not escorted" too (~Q keeps NULLs).
ESCORTED = Q(escorted=True)

COUNTS: tuple[CountMetric, ...] = (
    CountMetric(
        "released",
        _("释放人数"),
        "notices released in the period (released_on within [from, to]), backfilled ones included",
    ),
    CountMetric(
        "handed_over",
        _("已衔接"),
        "released in the period and checked in (报到) at the office, on time or late",
        condition=CHECKED_IN,
    ),
    CountMetric(
        "not_handed_over",
        _("未衔接"),
        "released in the period and not (yet) checked in",
        condition=NOT_CHECKED_IN,
    ),
    CountMetric(
        "missed",
        _("漏管"),
        "released in the period and not checked in by the check-in deadline (missed intake, 漏管); a late check-in "
        "stays counted here as well as in handed_over",
        note=_("期内释放、报到期限届满仍未报到的人数；此后补报到的，既计入已衔接，也仍计入漏管。"),
        condition=Q(missed_on__isnull=False),
    ),
    CountMetric(
        "checked_in_on_time",
        _("按期报到"),
        "released in the period and checked in on or before the check-in deadline (checked_in_on <= check_in_by)",
        slug="on_time",
        condition=Q(checked_in_on__isnull=False, checked_in_on__lte=F("check_in_by")),
    ),
    CountMetric(
        "checked_in_late",
        _("逾期报到"),
        "released in the period, missed the check-in deadline and checked in afterwards (counted in handed_over "
        "and in missed)",
        slug="late",
        condition=Q(missed_on__isnull=False, checked_in_on__isnull=False),
    ),
    CountMetric(
        "key_targets_released",
        _("重点对象释放"),
        "key targets (重点帮教对象) released in the period",
        slug="key_released",
        condition=KEY,
    ),
    CountMetric(
        "key_targets_handed_over",
        _("重点对象已衔接"),
        "key targets released in the period and checked in",
        slug="key_handed_over",
        condition=KEY & CHECKED_IN,
    ),
    CountMetric(
        "key_targets_not_handed_over",
        _("重点对象未衔接"),
        "key targets released in the period and not (yet) checked in",
        slug="key_not_handed_over",
        condition=KEY & NOT_CHECKED_IN,
    ),
    CountMetric(
        "key_targets_escorted",
        _("必接必送"),
        "key targets released in the period whose release recorded an escort (必接必送: fetched at the gate)",
        slug="escorted",
        condition=KEY & ESCORTED,
    ),
    CountMetric(
        "key_targets_not_escorted",
        _("未接送"),
        "key targets released in the period with no escort recorded (escort refused, absent, or not entered)",
        slug="not_escorted",
        condition=KEY & ~ESCORTED,
    ),
    CountMetric(
        "ordinary_released",
        _("一般对象释放"),
        "people released in the period who are not key targets",
        condition=ORDINARY,
    ),
    CountMetric(
        "ordinary_handed_over",
        _("一般对象已衔接"),
        "people released in the period who are not key targets and checked in",
        condition=ORDINARY & CHECKED_IN,
    ),
    CountMetric(
        "ordinary_not_handed_over",
        _("一般对象未衔接"),
        "people released in the period who are not key targets and not (yet) checked in",
        condition=ORDINARY & NOT_CHECKED_IN,
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
        target=KEY_TARGET,
    ),
    RateMetric(
        "ordinary_handover_rate",
        _("一般对象衔接率"),
        "ordinary_handed_over",
        "ordinary_released",
        "ordinary_not_handed_over",
        "ordinary (not key) people released in the period and checked in ÷ ordinary people released in the period",
        _("期内释放的一般对象中已报到人数 ÷ 期内释放的一般对象人数"),
        target=ORDINARY_TARGET,
    ),
    RateMetric(
        "escort_rate",
        _("接送率"),
        "key_targets_escorted",
        "key_targets_released",
        "not_escorted",
        "接送率: key targets released in the period with an escort recorded ÷ key targets released in the period",
        _("期内释放的重点帮教对象中有必接必送记录的人数 ÷ 期内释放的重点帮教对象人数"),
        target=ESCORT_TARGET,
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

METRICS = Metrics(COUNTS, RATES)
COUNT_BY_NAME: dict[str, CountMetric] = {metric.key: metric for metric in COUNTS}
COUNT_BY_SLUG: dict[str, CountMetric] = METRICS.figures
RATE_BY_NAME: dict[str, RateMetric] = {metric.key: metric for metric in RATES}
TARGETS: dict[str, Target] = {metric.key: metric.target for metric in RATES if metric.target is not None}


# --- computing --------------------------------------------------------------------------------------------------------


def in_period(start: dt.date, end: dt.date) -> Q:
    """The population of every figure: released from ``start`` to ``end``, both included."""
    return Q(released_on__gte=start, released_on__lte=end)


def aggregates() -> dict[str, Count]:
    """``{count name: Count(...)}`` for ``.aggregate()`` / ``.annotate()``: every count in one query."""
    return {
        metric.key: Count("id", filter=metric.condition) if metric.condition is not None else Count("id")
        for metric in COUNTS
    }


def list_condition(slug: str) -> Q:
    """The notices behind the number ``slug`` (within a queryset already limited to the period and region)."""
    condition = COUNT_BY_SLUG[slug].condition
    return condition if condition is not None else Q()


# --- the reads ------------------------------------------------------------------------------------------------------


def notices_in(user: User, region: Region) -> QuerySet[ReleaseNotice]:
    """The notices of ``region``'s subtree that ``user`` reaches."""
    return ReleaseNotice.objects.visible_to(user).filter(in_region_subtree(region.prefix, "region"))


def figures(*, user: User, region: Region, start: dt.date, end: dt.date) -> Figures:
    """All figures of one region and period: one aggregate query."""
    return METRICS.figures_of(notices_in(user, region).filter(in_period(start, end)).aggregate(**aggregates()))


@dataclass(frozen=True)
class Month:
    start: dt.date  # first day of the month
    end: dt.date  # last day of the month
    figures: Figures

    @property
    def label(self) -> str:
        return self.start.strftime("%Y-%m")


def figures_by_subregion(*, user: User, region: Region, start: dt.date, end: dt.date) -> list[SubRegion]:
    """One row per child region of ``region`` (every child, with zeros where nothing was released), plus a row for
    notices held at ``region`` itself (a county's notices still waiting to be routed to a township; a township's
    own, as notices sit at the township office, never at a village), so the rows always add up to the region's
    figures. Two queries: the GROUP BY on the code prefix of the child level, and the child regions' names."""
    child_level = CHILD_LEVEL.get(region.level)
    if child_level is None:
        return []
    length = Region.PREFIX_LENGTH[child_level]
    rows = (
        notices_in(user, region)
        .filter(in_period(start, end))
        .annotate(unit=Substr("region_id", 1, length))
        .values("unit")
        .annotate(**aggregates())
        .order_by()
    )
    by_unit = {row["unit"]: METRICS.figures_of(row) for row in rows}
    children = list(
        Region.objects.filter(level=child_level, code__startswith=region.prefix)
        .order_by("code")
        .values_list("code", "name")
    )
    result = [
        SubRegion(code=code, name=name, drillable=True, figures=by_unit.pop(code[:length], METRICS.figures_of(None)))
        for code, name in children
    ]
    # Notices whose region is the parent itself (or a code no longer in the region table) have no child to sit in.
    for unit, unit_figures in sorted(by_unit.items()):
        code = unit.ljust(12, "0")
        if code == region.code and region.level == Region.Level.COUNTY:
            # held by the county bureau: a notice with a county-only hukou, or one returned and not yet re-routed
            name = gettext_now("%(name)s本级（待分派）") % {"name": region.name}
        elif code == region.code:
            name = gettext_now("%(name)s本级") % {"name": region.name}
        else:
            name = code
        own = code == region.code
        result.append(SubRegion(code=code, name=name, drillable=False, figures=unit_figures, own=own))
    return result


def figures_by_month(*, user: User, region: Region, end: dt.date, months: int) -> list[Month]:
    """The figures of each of the ``months`` calendar months ending with the month of ``end``: one GROUP BY query.
    Each month is a period of its own (released in that month)."""
    if not 1 <= months <= MAX_TREND_MONTHS:
        raise DomainError(
            "invalid_query",
            gettext_now("Ask for 1 to %(n)s months.") % {"n": MAX_TREND_MONTHS},
            fields={"months": gettext_now("1 to %(n)s") % {"n": MAX_TREND_MONTHS}},
            status=422,
        )
    spans = months_ending(end, months)
    rows = (
        notices_in(user, region)
        .filter(in_period(spans[0][0], spans[-1][1]))
        .annotate(month=TruncMonth("released_on"))
        .values("month")
        .annotate(**aggregates())
        .order_by()
    )
    by_month = {_as_date(row["month"]): METRICS.figures_of(row) for row in rows}
    empty = METRICS.figures_of(None)
    return [Month(start=start, end=stop, figures=by_month.get(start, empty)) for start, stop in spans]


def _as_date(value: dt.date | dt.datetime | str) -> dt.date:
    # TruncMonth of a DateField is a date on both backends; be lenient with a driver that hands back a datetime.
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def notices_behind(
    *, user: User, region: Region, start: dt.date, end: dt.date, figure: str, own: bool = False
) -> QuerySet[ReleaseNotice]:
    """The notices counted by ``figure`` (a slug of ``stats.metrics.COUNTS``): the list behind a number. ``own``: only
    those held at ``region`` itself (the "本级" row), exactly the notices that row counts."""
    if figure not in COUNT_BY_SLUG:
        raise DomainError(
            "invalid_query",
            gettext_now("Unknown figure."),
            fields={"figure": ", ".join(COUNT_BY_SLUG)},
            status=422,
        )
    notices = notices_in(user, region)
    prefix = own_level_prefix(region) if own else None
    if prefix is not None:
        notices = notices.filter(in_region_subtree(prefix, "region"))
    return (
        notices.filter(in_period(start, end))
        .filter(list_condition(figure))
        .select_related("person", "receiving_office")
        .order_by("-released_on", "-id")
    )
