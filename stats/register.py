"""The register metrics of DESIGN §6, each defined once, computed from case rows and their history rows for any
region subtree and any date, so a report for last June reads last June's register.

Population (on register, 在册) as of ``on``: cases opened on or before ``on`` and not closed by then
(``closed_on`` empty or after ``on``), counted where they are managed (the case's ``region``: a dual-managed person
counts once, at the residence office, DESIGN §2.7). Every figure below is a subset of it, except the reoffence
figures, which cover the period ``[from, on]``.

All figures of a region come from one aggregate query (conditional counts with EXISTS subqueries on the history
tables; the settlement in force and the last visit from the case row when they did not change after ``on``, as the
roll-up reads them); each sub-region's from one GROUP BY on the code prefix. Each count is
``Count("id", filter=<condition>)`` and the list of people behind it is the same condition as a filter
(``register_condition``, ``register_cases``): the conditions are written once, in ``_conditions``, so a number and its
list cannot disagree.

Figures from roll-ups (DESIGN §9): when the nightly job has rolled up ``on`` (and the few other days a period
needs, see ``_period_days``), ``register_figures`` and ``register_by_child`` sum the stored counts of the regions
under the prefix instead (a few hundred rows at most, milliseconds at any level); otherwise (today, a day never
rolled up) they compute live. Each answer says which (``source``, ``computed_at``). The roll-up is the register as
recorded on the night after ``on``; the live figures of a past day read today's rows, so the two part when
something was recorded later with an earlier date, or a case moved since (the case row keeps only its current
region, level and offices). The model and why its sums are exact at every level: ``stats.models``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import Case as Choose
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.models import Case, ContactLoss, GroupMember, SettlementRecord, Visit
from core.metrics import CountMetric, Metrics, RateMetric, Target
from directory.policy import policy_value
from directory.reach import in_region_subtree
from stats.models import RegisterRollup, RegisterSnapshot


def on_register(on: dt.date) -> Q:
    """在册: opened by ``on`` and not closed by then."""
    return Q(opened_on__lte=on) & (Q(closed_on__isnull=True) | Q(closed_on__gt=on))


def _lost(on: dt.date) -> Exists:
    """脱管 on ``on``: a contact-loss period that began by then and was not restored by then."""
    return Exists(
        ContactLoss.objects.filter(case=OuterRef("pk"), noted_on__lte=on).filter(
            Q(restored_on__isnull=True) | Q(restored_on__gt=on)
        )
    )


def _has_group(on: dt.date) -> Exists:
    return Exists(
        GroupMember.objects.filter(case=OuterRef("pk"), added_on__lte=on).filter(
            Q(removed_on__isnull=True) | Q(removed_on__gt=on)
        )
    )


def _visited_within(on: dt.date, days: int) -> Choose:
    """A visit within the ``days`` up to ``on``. When no visit is dated after ``on`` (``last_visit_on`` by then),
    the latest visit by ``on`` is the case's ``last_visit_on``; only the other cases look at their visits. The same
    shortcut as the roll-up's (``stats.services``)."""
    since = on - dt.timedelta(days=days)
    return Choose(
        When(last_visit_on__lte=on, last_visit_on__gt=since, then=Value(True)),
        When(last_visit_on__lte=on, then=Value(False)),
        default=Exists(Visit.objects.filter(case=OuterRef("pk"), visited_on__lte=on, visited_on__gt=since)),
        output_field=BooleanField(),
    )


# The register's figures (DESIGN §6): each count's definition in words (the API's) and as the pages say it, each rate
# as numerator ÷ denominator of two counts with its target (Guangdong 2011–15 evaluation; the one place to change
# them). The counts' conditions are ``_conditions`` below: they depend on the day.
METRICS = Metrics(
    counts=(
        CountMetric(
            "on_register",
            gettext_lazy("在册人数"),
            "cases opened on or before `on` and not closed by then, counted where managed",
            gettext_lazy("截至统计日已建档、尚未解除帮教的人员，按管理地统计，双列管人员只计入居住地。"),
        ),
        CountMetric(
            "key_targets",
            gettext_lazy("重点帮教对象"),
            "on register and at key level (重点帮教对象)",
            gettext_lazy("在册人员中帮教等级为重点的人员。"),
        ),
        CountMetric(
            "settled",
            gettext_lazy("已安置"),
            "on register whose settlement status in force on `on` is a settled kind",
            gettext_lazy("截至统计日安置情况为就业、自主创业、务农、灵活就业、低保或供养、基地安置或就学的在册人员。"),
        ),
        CountMetric(
            "not_settled",
            gettext_lazy("未安置"),
            "on register and not settled on `on` (no settlement recorded by then counts here)",
            gettext_lazy("截至统计日安置情况为未安置、或尚未登记安置情况的在册人员。"),
            counted=False,
        ),
        CountMetric(
            "assisted",
            gettext_lazy("已落实帮教"),
            "on register with an assistance group and a visit within the level's visit interval "
            "(key 30, ordinary 90 days by default) before `on`",
            gettext_lazy("已建立帮教小组、且在规定走访周期内（重点、一般对象各有周期）有走访记录的在册人员。"),
        ),
        CountMetric(
            "not_assisted",
            gettext_lazy("未落实帮教"),
            "on register without an assistance group or without a visit within the level's visit interval",
            gettext_lazy("没有帮教小组，或在规定走访周期内没有走访记录的在册人员。"),
            counted=False,
        ),
        CountMetric(
            "lost_contact",
            gettext_lazy("脱管"),
            "on register with contact lost on `on` (脱管)",
            gettext_lazy("截至统计日已失去联系、尚未恢复联系的在册人员。"),
        ),
        CountMetric(
            "reoffended",
            gettext_lazy("重新犯罪"),
            "cases closed for reoffence with closed_on within [from, on]",
            gettext_lazy("统计期间内因重新犯罪解除帮教的人员。"),
        ),
        CountMetric(
            "in_period",
            "in_period",
            "cases on register at any time within [from, on] (the reoffence rate's denominator)",
            listed=False,
        ),
        CountMetric(
            "dual_managed",
            gettext_lazy("双列管"),
            "on register with a hukou office other than the managing office (双列管)",
            gettext_lazy("户籍地与居住地不一致、由居住地司法所管理、户籍地司法所协助的在册人员。"),
        ),
    ),
    rates=(
        RateMetric(
            "settlement_rate",
            gettext_lazy("安置率"),
            "settled",
            "on_register",
            "not_settled",
            "settled ÷ on_register",
            gettext_lazy("已安置的在册人数 ÷ 在册人数"),
            Target(85, strict=True),
        ),
        RateMetric(
            "assistance_rate",
            gettext_lazy("帮教率"),
            "assisted",
            "on_register",
            "not_assisted",
            "assisted ÷ on_register",
            gettext_lazy("有帮教小组且在走访周期内有走访记录的在册人数 ÷ 在册人数"),
            Target(95, strict=True),
        ),
        RateMetric(
            "reoffence_rate",
            gettext_lazy("重新犯罪率"),
            "reoffended",
            "in_period",
            "reoffended",
            "reoffended ÷ cases on register at any time within [from, on]",
            gettext_lazy("统计期间内因重新犯罪解除帮教的人数 ÷ 统计期间内曾经在册的人数"),
            Target(2, higher_is_better=False, strict=True),
        ),
    ),
)
REGISTER_TARGETS: dict[str, Target] = {metric.key: metric.target for metric in METRICS.rates if metric.target}


def _annotations(on: dt.date) -> dict[str, Any]:
    """The per-case facts as of ``on`` that the conditions below read: the settlement status in force, whether
    contact is lost, whether an assistance group stands, and whether a visit fell within each level's interval.
    Two queries for the policy's visit intervals."""
    key_days = policy_value("visit_interval_days_key", region=None, on=on)
    ordinary_days = policy_value("visit_interval_days_ordinary", region=None, on=on)
    latest_settlement = (
        SettlementRecord.objects.filter(case=OuterRef("pk"), since__lte=on)
        .order_by("-since", "-id")
        .values("status")[:1]
    )
    # the current record (``settlement_status``, ``settlement_since``) is the one in force on ``on`` when it began
    # by then; the other cases look into their history (the roll-up's shortcut, stats.services)
    settled_status = Choose(
        When(settlement_since__lte=on, then=F("settlement_status")),
        default=Subquery(latest_settlement),
        output_field=CharField(),
    )
    return {
        "settled_status": settled_status,
        "lost_on_date": _lost(on),
        "has_group": _has_group(on),
        "visited_key": _visited_within(on, key_days),
        "visited_ordinary": _visited_within(on, ordinary_days),
    }


def _annotated(qs: QuerySet[Case], *, on: dt.date) -> QuerySet[Case]:
    return qs.annotate(**_annotations(on))


def _conditions(on: dt.date, start: dt.date) -> dict[str, Q]:
    """Each count's condition, over a queryset carrying ``_annotations(on)``: the one definition of every figure
    (``METRICS`` says it in words) and of its shortfall (``not_settled``, ``not_assisted``, the people a rate below
    its target asks the officer to look at)."""
    reg = on_register(on)
    settled = Q(settled_status__in=Case.SETTLED)
    assisted = Q(has_group=True) & (
        (Q(level=Case.Level.KEY) & Q(visited_key=True)) | (Q(level=Case.Level.ORDINARY) & Q(visited_ordinary=True))
    )
    return {
        "on_register": reg,
        "key_targets": reg & Q(level=Case.Level.KEY),
        "settled": reg & settled,
        # No settlement record by ``on`` is a NULL status, and NOT (NULL IN (...)) is not true in SQL: say it.
        "not_settled": reg & (Q(settled_status__isnull=True) | ~settled),
        "assisted": reg & assisted,
        # the EXISTS flags and ``level`` are never NULL, so the negation is the exact complement
        "not_assisted": reg & ~assisted,
        "lost_contact": reg & Q(lost_on_date=True),
        "reoffended": Q(closure_reason=Case.ClosureReason.REOFFENDED, closed_on__gte=start, closed_on__lte=on),
        # the reoffence rate's denominator: on register at any time within [start, on]
        "in_period": Q(opened_on__lte=on) & (Q(closed_on__isnull=True) | Q(closed_on__gte=start)),
        "dual_managed": reg & Q(hukou_office__isnull=False) & ~Q(hukou_office=F("managing_office")),
    }


# The counts of the figures (one aggregate query computes them all); the shortfalls are lists only.
COUNTED = tuple(count.key for count in METRICS.counted)
# The ``figure=`` of a list behind a number.
LIST_FIGURES = tuple(METRICS.figures)


def _aggregates(on: dt.date, start: dt.date) -> dict[str, Any]:
    conditions = _conditions(on, start)
    return {name: Count("id", filter=conditions[name]) for name in COUNTED}


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    return METRICS.figures_of(row).as_dict()


EMPTY = _figures(dict.fromkeys(COUNTED, 0))


SOURCES = {
    "rollup": "summed from the nightly roll-up of `on` (the register as recorded the night after `on`)",
    "live": "computed from the case rows now (`on` not rolled up yet: today, or a day the job never ran for)",
}


class ChildFigures(dict[str, dict[str, Any]]):
    """The figures of each child region by code prefix, and where they all came from."""

    def __init__(self, rows: dict[str, dict[str, Any]], *, source: str, computed_at: dt.datetime) -> None:
        super().__init__(rows)
        self.source = source
        self.computed_at = computed_at


def default_day(today: dt.date) -> dt.date:
    """The day the register dashboard opens on: yesterday when last night's roll-up has been made (the figures of a
    closed day, read in milliseconds at any level, like the 截至昨日 reports offices send), else today (live)."""
    yesterday = today - dt.timedelta(days=1)
    return yesterday if RegisterSnapshot.objects.filter(day=yesterday).exists() else today


def register_figures(*, prefix: str, on: dt.date, start: dt.date, live: bool = False) -> dict[str, Any]:
    """Every register figure for the region subtree ``prefix`` as of ``on`` (period ``[start, on]``), with
    ``source`` and ``computed_at``: from the roll-ups when they cover ``on`` and the period (two queries), else live
    (one query; ``live=True`` forces it)."""
    rollup = None if live else _rollup_for(on=on, start=start)
    if rollup is not None:
        rows = _rollup_rows(prefix, rollup).aggregate(**rollup.aggregates())
        return {**_figures(rollup.counts(rows)), "source": "rollup", "computed_at": rollup.computed_at}
    qs = _annotated(Case.objects.filter(in_region_subtree(prefix, "region")), on=on)
    figures = _figures(qs.aggregate(**_aggregates(on, start)))
    return {**figures, "source": "live", "computed_at": timezone.now()}


def register_by_child(
    *, prefix: str, child_length: int, on: dt.date, start: dt.date, live: bool = False
) -> ChildFigures:
    """The figures of each child region (code prefix of ``child_length`` digits): one GROUP BY query over the
    roll-ups when they cover ``on`` and the period, else over the cases (``live=True`` forces it)."""
    rollup = None if live else _rollup_for(on=on, start=start)
    if rollup is not None:
        grouped = (
            _rollup_rows(prefix, rollup)
            .annotate(child=Substr("region_id", 1, child_length))
            .values("child")
            .annotate(**rollup.aggregates())
            .order_by()
        )
        return ChildFigures(
            {row["child"]: _figures(rollup.counts(row)) for row in grouped},
            source="rollup",
            computed_at=rollup.computed_at,
        )
    qs = _annotated(Case.objects.filter(in_region_subtree(prefix, "region")), on=on)
    rows = qs.annotate(child=Substr("region_id", 1, child_length)).values("child").annotate(**_aggregates(on, start))
    return ChildFigures({row["child"]: _figures(row) for row in rows}, source="live", computed_at=timezone.now())


# --- from the roll-ups (stats.models) --------------------------------------------------------------------------------

# The counts a roll-up row holds for its day as they are (the others are period counts, see _Rollup.counts).
DAY_COUNTS = ("on_register", "key_targets", "settled", "assisted", "lost_contact", "dual_managed")


def _period_days(on: dt.date, start: dt.date) -> dict[dt.date, int]:
    """The snapshots whose year-to-date closures, summed with these signs, give the closures within
    ``[start, on]``: ``on`` (+), 31 December of each year from ``start``'s to the one before ``on``'s (+), and the
    day before ``start`` (−) unless ``start`` is 1 January. The default period (1 January of ``on``'s year) is
    ``on`` alone."""
    signs = {on: 1}
    for year in range(start.year, on.year):
        signs[dt.date(year, 12, 31)] = 1
    if (start.month, start.day) != (1, 1):
        signs[start - dt.timedelta(days=1)] = -1
    return signs


@dataclass(frozen=True)
class _Rollup:
    on: dt.date
    signs: dict[dt.date, int]
    computed_at: dt.datetime  # of the oldest snapshot used

    def aggregates(self) -> dict[str, Any]:
        """``on``'s day counts, and each period day's year-to-date closures, summed over the rows read."""
        sums: dict[str, Any] = {name: Coalesce(Sum(name, filter=Q(snapshot_id=self.on)), 0) for name in DAY_COUNTS}
        for i, day in enumerate(self.signs):
            sums[f"closed_{i}"] = Coalesce(Sum("closed_year_to_date", filter=Q(snapshot_id=day)), 0)
            sums[f"reoffended_{i}"] = Coalesce(Sum("reoffended_year_to_date", filter=Q(snapshot_id=day)), 0)
        return sums

    def counts(self, row: dict[str, Any]) -> dict[str, int]:
        """The counts of ``COUNTED`` from the sums: ``in_period`` is on register on ``on`` plus closed within the
        period, two disjoint sets (see ``stats.models``)."""
        closed = sum(sign * row[f"closed_{i}"] for i, sign in enumerate(self.signs.values()))
        reoffended = sum(sign * row[f"reoffended_{i}"] for i, sign in enumerate(self.signs.values()))
        counts = {name: int(row[name]) for name in DAY_COUNTS}
        return {**counts, "reoffended": reoffended, "in_period": counts["on_register"] + closed}


def _rollup_for(*, on: dt.date, start: dt.date) -> _Rollup | None:
    """The roll-ups that answer ``on`` with period ``[start, on]``, or None when one of them is missing (one
    query)."""
    signs = _period_days(on, start)
    found = dict(RegisterSnapshot.objects.filter(day__in=list(signs)).values_list("day", "computed_at"))
    if len(found) < len(signs):
        return None
    return _Rollup(on=on, signs=signs, computed_at=min(found.values()))


def _rollup_rows(prefix: str, rollup: _Rollup) -> QuerySet[RegisterRollup]:
    # the unique index (snapshot, region) serves it: a few days' rows, filtered by the code prefix
    return RegisterRollup.objects.filter(snapshot_id__in=list(rollup.signs)).filter(in_region_subtree(prefix, "region"))


def register_condition(figure: str, *, on: dt.date, start: dt.date) -> Q:
    """The cases behind the number ``figure`` (one of ``LIST_FIGURES``), over a queryset carrying the annotations
    (use ``register_cases``, which adds them)."""
    if figure not in LIST_FIGURES:
        raise ValueError(f"unknown register figure {figure!r}")
    return _conditions(on, start)[figure]


def register_cases(queryset: QuerySet[Case], *, figure: str, on: dt.date, start: dt.date) -> QuerySet[Case]:
    """The cases of ``queryset`` counted by ``figure`` as of ``on`` (period ``[start, on]``): the list behind a
    number. ``alias`` rather than ``annotate``: the subqueries filter the rows without being selected."""
    return queryset.alias(**_annotations(on)).filter(register_condition(figure, on=on, start=start))
