"""The assistance metric family (救助与就业帮扶统计): referrals to partner departments and their decisions, the people
on 低保 and 特困供养, placements and the employment rate, and the aid ledger, for a region subtree and a period
``[from, to]`` (both days included; default: 1 January of this year to today, as the hand-over family's).

Every figure is over the cases of the region's subtree, by the case's managing region (``case.region_id`` prefix, as
the other families count people where they are managed), and computed from the rows the services record (dates and
states), never from a stored total, so any region and period can be asked. The figures, in words (the API schema
says the same):

- ``referrals``: referrals submitted in the period (``submitted_on`` in [from, to]);
- ``approved``: referrals decided in the period and granted (``decided_on`` in [from, to]; one granted and later
  ``review_due`` or ``ended`` still counts: it was approved); ``rejected``: decided in the period and refused;
  ``decided``: the two together;
- ``pending``: submitted by ``to`` and not decided by ``to`` (still submitted / under review, or decided after it);
  ``overdue``: pending with ``respond_by`` before ``to``;
- ``approval_rate`` = approved ÷ decided (null when nothing was decided);
- ``median_days_to_decision``: the median of ``decided_on − submitted_on`` in days over the decisions of the period;
- ``on_dibao`` / ``on_tekun``: cases (people) with a 低保 / 特困 referral granted by ``to`` and in force on ``to``
  (``starts_on ≤ to`` and not ended by ``to``);
- ``placements``: placements started in the period;
- ``working_age``: on register on ``to`` (opened by ``to``, not closed by ``to``) and 16 ≤ age < 60 on ``to`` (from
  the person's birth date; a person with none is not counted); ``employed``: those of them with a placement in force
  on ``to`` (started by ``to``, not ended by ``to``); ``not_employed``: the others (the list of the rate's gap);
  ``employment_rate`` = employed ÷ working_age. The numerator is kept to working age too, so the rate stays a
  fraction in [0, 1] (a 62-year-old at work is in neither);
- ``first_placements``: cases whose first placement started in the period; ``median_days_to_first_job``: the median
  over them of (that start − the release: the notice's ``released_on``, else the case's ``opened_on``), per release
  (a person released twice has a first job after each);
- ``opened``: cases opened (checked in) in the period; ``briefed``: those of them whose policy briefing is recorded
  by ``to``; ``not_briefed``: the others (the gap); ``briefing_rate`` = briefed ÷ opened;
- ``aid_entries``: hand-outs of the aid ledger given in the period; ``aid_total``: the sum of their amounts, a
  decimal string with two places (``"0.00"`` when none).

The figures go around ``visible_to`` the way the register family's do (``stats.apikit.scope`` / the dashboard view
have checked that the region is within the officer's reach); each list behind a number is the rows the officer sees
(``visible_to``) filtered with the very condition that counted them, so the number and its list cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Substr
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Schema

from assistance.models import AidEntry, Briefing, Placement, Referral, Scheme
from cases.models import Case
from core import exports
from core.errors import DomainError
from core.idnumbers import mask_id_number
from core.metrics import (
    Column,
    CountMetric,
    DateInput,
    Dates,
    Figures,
    KeyFigure,
    Label,
    MetricFamily,
    Metrics,
    Operation,
    RateMetric,
    SubRegion,
    ValueMetric,
    in_days,
    in_yuan,
)
from directory.api_auth import current_user
from directory.models import Region, User
from directory.reach import in_region_subtree
from directory.selectors import region_for, require_stats_reader

CENT = Decimal("0.01")
# a benefit granted: approved, and approved then due for review or ended (an approval stays one)
GRANTED = (Referral.Status.APPROVED, Referral.Status.REVIEW_DUE, Referral.Status.ENDED)
WORKING_AGE = (16, 60)  # 16 ≤ age < 60 (劳动年龄, as the employment-aid hint reads it)


# --- what each figure is --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssistanceCount(CountMetric):
    """A count of the family, with the rows it counts: referrals, cases, placements or aid entries (``source``)."""

    source: str = "referral"


def _c(key: str, label: Label, definition: str, source: str, note: Label = "", **kwargs: Any) -> AssistanceCount:
    return AssistanceCount(key, label, definition, note, source=source, **kwargs)


COUNTS: tuple[AssistanceCount, ...] = (
    _c(
        "referrals",
        gettext_lazy("转介"),
        "referrals submitted in the period (submitted_on within [from, to])",
        "referral",
        gettext_lazy("期内发出的救助转介。"),
    ),
    _c(
        "approved",
        gettext_lazy("已批准"),
        "referrals decided in the period and granted (approved, including those later due for review or ended)",
        "referral",
        gettext_lazy("期内作出批准决定的转介（其后到期复审或终止的仍计入）。"),
    ),
    _c(
        "rejected",
        gettext_lazy("未批准"),
        "referrals decided in the period and refused",
        "referral",
        gettext_lazy("期内作出不予批准决定的转介。"),
    ),
    _c(
        "decided",
        gettext_lazy("已决定"),
        "referrals decided in the period (approved + rejected)",
        "referral",
        gettext_lazy("期内作出决定（批准或不予批准）的转介。"),
    ),
    _c(
        "pending",
        gettext_lazy("待决定"),
        "referrals submitted by `to` and not decided by `to`",
        "referral",
        gettext_lazy("截至期末已发出、尚未作出决定的转介。"),
    ),
    _c(
        "overdue",
        gettext_lazy("逾期未复"),
        "pending referrals whose respond_by is before `to`",
        "referral",
        gettext_lazy("截至期末尚未决定且已过答复期限的转介。"),
    ),
    _c(
        "on_dibao",
        gettext_lazy("享受低保"),
        "cases (people) with a dibao referral granted by `to` and in force on `to` (starts_on <= to, not ended by to)",
        "case",
        gettext_lazy("截至期末经批准且仍在享受最低生活保障的人员。"),
    ),
    _c(
        "on_tekun",
        gettext_lazy("特困供养"),
        "cases (people) with a tekun referral granted by `to` and in force on `to`",
        "case",
        gettext_lazy("截至期末经批准且仍在享受特困人员救助供养的人员。"),
    ),
    _c(
        "placements",
        gettext_lazy("安置就业"),
        "placements started in the period (started_on within [from, to])",
        "placement",
        gettext_lazy("期内开始的就业安置。"),
    ),
    _c(
        "working_age",
        gettext_lazy("劳动年龄在册"),
        "on register on `to` and aged 16 to 59 on `to` (from the birth date)",
        "case",
        gettext_lazy("截至期末在册、年满16周岁未满60周岁的人员。"),
    ),
    _c(
        "employed",
        gettext_lazy("在岗"),
        "working-age people on register on `to` with a placement in force on `to`",
        "case",
        gettext_lazy("劳动年龄在册人员中，截至期末有在岗安置的人员。"),
    ),
    _c(
        "not_employed",
        gettext_lazy("未在岗"),
        "working-age people on register on `to` with no placement in force on `to`",
        "case",
        gettext_lazy("劳动年龄在册人员中，截至期末没有在岗安置的人员。"),
        counted=False,
    ),
    _c(
        "first_placements",
        gettext_lazy("首次就业"),
        "cases whose first placement started in the period",
        "case",
        gettext_lazy("释放后第一次就业安置开始于期内的人员。"),
    ),
    _c(
        "opened",
        gettext_lazy("期内建档"),
        "cases opened (checked in) in the period (opened_on within [from, to])",
        "case",
        gettext_lazy("期内报到建档的人员。"),
    ),
    _c(
        "briefed",
        gettext_lazy("已政策告知"),
        "cases opened in the period whose policy briefing is recorded by `to`",
        "case",
        gettext_lazy("期内报到建档、截至期末已登记政策告知的人员。"),
    ),
    _c(
        "not_briefed",
        gettext_lazy("未政策告知"),
        "cases opened in the period with no policy briefing recorded by `to`",
        "case",
        gettext_lazy("期内报到建档、截至期末尚未登记政策告知的人员。"),
        counted=False,
    ),
    _c(
        "aid_entries",
        gettext_lazy("帮扶台账"),
        "aid ledger entries given in the period (given_on within [from, to])",
        "aid",
        gettext_lazy("期内发放的帮扶款物。"),
    ),
)

RATES: tuple[RateMetric, ...] = (
    RateMetric(
        "approval_rate",
        gettext_lazy("批准率"),
        "approved",
        "decided",
        "rejected",
        "approved in the period ÷ decided in the period (approved + rejected)",
        gettext_lazy("期内批准的转介数 ÷ 期内作出决定的转介数"),
    ),
    RateMetric(
        "briefing_rate",
        gettext_lazy("政策告知率"),
        "briefed",
        "opened",
        "not_briefed",
        "cases opened in the period with a policy briefing recorded by `to` ÷ cases opened in the period",
        gettext_lazy("期内建档且已政策告知的人员 ÷ 期内建档人员"),
    ),
    RateMetric(
        "employment_rate",
        gettext_lazy("就业率"),
        "employed",
        "working_age",
        "not_employed",
        "working-age people on register on `to` with a placement in force on `to` ÷ working-age people on register "
        "on `to`",
        gettext_lazy("期末在岗的劳动年龄在册人员 ÷ 期末劳动年龄在册人员"),
    ),
)

VALUES: tuple[ValueMetric, ...] = (
    ValueMetric(
        "median_days_to_decision",
        gettext_lazy("决定用时中位数"),
        "the median of (decided_on − submitted_on) in days over the referrals decided in the period; null when none",
        in_days,
        gettext_lazy("期内作出决定的转介，从转介到决定所用天数的中位数。"),
        figure="decided",
    ),
    ValueMetric(
        "median_days_to_first_job",
        gettext_lazy("首次就业用时中位数"),
        "the median, over the cases whose first placement started in the period, of (that start − the release date: "
        "the notice's released_on, else the case's opened_on) in days; null when none",
        in_days,
        gettext_lazy("期内首次就业的人员，从释放（无通知书的为建档）到首次就业所用天数的中位数。"),
        figure="first_placements",
    ),
    ValueMetric(
        "aid_total",
        gettext_lazy("帮扶金额（元）"),
        "the sum of the aid ledger's amounts given in the period, yuan, as a decimal string with two places",
        lambda value: f"{Decimal(value or 0):,.2f}",  # the unit is in the label: the key figure stays one line
        gettext_lazy("期内帮扶台账发放金额合计（实物按价值计）。"),
        figure="aid_entries",
    ),
)

METRICS = Metrics(COUNTS, RATES, VALUES)
COUNT_BY_KEY: dict[str, AssistanceCount] = {count.key: count for count in COUNTS}


# --- the conditions -------------------------------------------------------------------------------------------------


def years_before(day: dt.date, years: int) -> dt.date:
    """The day ``years`` before ``day`` (29 February falls back to the 28th): whoever was born on it or earlier is
    at least ``years`` old on ``day``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _not_ended(end: dt.date) -> Q:
    return Q(ended_on__isnull=True) | Q(ended_on__gt=end)


def _in_force(scheme: str, end: dt.date) -> Exists:
    """A ``scheme`` benefit of the case granted by ``end`` and in force on it."""
    return Exists(
        Referral.objects.filter(
            _not_ended(end),
            case=OuterRef("pk"),
            scheme=scheme,
            status__in=GRANTED,
            decided_on__lte=end,
            starts_on__lte=end,
        )
    )


def _aliases(source: str, end: dt.date) -> dict[str, Any]:
    """What the conditions of ``source`` read besides the row's own fields (cases only)."""
    if source != "case":
        return {}
    return {
        "dibao_in_force": _in_force(Scheme.DIBAO, end),
        "tekun_in_force": _in_force(Scheme.TEKUN, end),
        "briefed_by_end": Exists(Briefing.objects.filter(case=OuterRef("pk"), briefed_on__lte=end)),
        "placed_on_end": Exists(Placement.objects.filter(_not_ended(end), case=OuterRef("pk"), started_on__lte=end)),
        "first_started_on": Subquery(
            Placement.objects.filter(case=OuterRef("pk")).order_by("started_on", "id").values("started_on")[:1]
        ),
    }


def conditions(start: dt.date, end: dt.date) -> dict[str, Q]:
    """Each count's condition on the rows of its source, for the period ``[start, end]``."""
    decided_in = Q(decided_on__gte=start, decided_on__lte=end)
    pending = Q(submitted_on__lte=end) & (Q(status__in=Referral.PENDING) | Q(decided_on__gt=end))
    on_register = Q(opened_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))
    low, high = WORKING_AGE
    # 16 ≤ age on ``end``: born on or before the day 16 years before; age < 60: born after the day 60 years before
    working_age = on_register & Q(
        person__birth_date__lte=years_before(end, low), person__birth_date__gt=years_before(end, high)
    )
    return {
        "referrals": Q(submitted_on__gte=start, submitted_on__lte=end),
        "approved": Q(status__in=GRANTED) & decided_in,
        "rejected": Q(status=Referral.Status.REJECTED) & decided_in,
        "decided": Q(status__in=(*GRANTED, Referral.Status.REJECTED)) & decided_in,
        "pending": pending,
        "overdue": pending & Q(respond_by__lt=end),
        "on_dibao": Q(dibao_in_force=True),
        "on_tekun": Q(tekun_in_force=True),
        "placements": Q(started_on__gte=start, started_on__lte=end),
        "working_age": working_age,
        "employed": working_age & Q(placed_on_end=True),
        "not_employed": working_age & Q(placed_on_end=False),
        "first_placements": Q(first_started_on__gte=start, first_started_on__lte=end),
        "opened": Q(opened_on__gte=start, opened_on__lte=end),
        "briefed": Q(opened_on__gte=start, opened_on__lte=end, briefed_by_end=True),
        "not_briefed": Q(opened_on__gte=start, opened_on__lte=end, briefed_by_end=False),
        "aid_entries": Q(given_on__gte=start, given_on__lte=end),
    }


SOURCES = ("referral", "case", "placement", "aid")
REGION_FIELD = {"referral": "case__region", "case": "region", "placement": "case__region", "aid": "case__region"}


def _rows(source: str, prefix: str, end: dt.date, user: User | None = None) -> QuerySet[Any]:
    """The rows of ``source`` in the subtree ``prefix`` (those ``user`` sees, for a list), with their aliases."""
    field = REGION_FIELD[source]
    queryset: QuerySet[Any]
    if source == "referral":
        queryset = Referral.objects.visible_to(user) if user else Referral.objects.all()
    elif source == "case":
        queryset = Case.objects.visible_to(user) if user else Case.objects.all()
    else:
        model = Placement if source == "placement" else AidEntry
        queryset = model.objects.all()
        if user is not None:
            queryset = queryset.filter(case__in=Case.objects.visible_to(user))
    return queryset.filter(in_region_subtree(prefix, field)).alias(**_aliases(source, end))


def _aggregates(source: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    found = conditions(start, end)
    counts: dict[str, Any] = {
        count.key: Count("id", filter=found[count.key]) for count in COUNTS if count.source == source and count.counted
    }
    if source == "aid":
        counts["aid_total"] = Sum("amount", filter=found["aid_entries"])
    return counts


def _median(days: list[int]) -> float | None:
    return float(statistics.median(days)) if days else None


def _decision_days(queryset: QuerySet[Any], start: dt.date, end: dt.date) -> Iterable[tuple[str, int]]:
    decided = queryset.filter(conditions(start, end)["decided"])
    for unit, submitted, decided_on in decided.values_list("unit", "submitted_on", "decided_on"):
        yield unit, (decided_on - submitted).days


def _first_job_days(queryset: QuerySet[Any], start: dt.date, end: dt.date) -> Iterable[tuple[str, int]]:
    first = queryset.filter(conditions(start, end)["first_placements"]).annotate(first_job_on=F("first_started_on"))
    for unit, started, released, opened in first.values_list(
        "unit", "first_job_on", "notice__released_on", "opened_on"
    ):
        yield unit, (started - (released or opened)).days


def _by_unit(prefix: str, length: int, start: dt.date, end: dt.date) -> dict[str, Figures]:
    """The figures of every unit (the region code cut to ``length``) of the subtree ``prefix``: one GROUP BY per
    source, and one read each of the days the two medians take (medians are taken in Python, the same on both
    databases: a county's decisions of a year are a few thousand pairs of dates)."""
    rows: dict[str, dict[str, Any]] = defaultdict(dict)
    querysets = {}
    for source in SOURCES:
        queryset = _rows(source, prefix, end).annotate(unit=Substr(REGION_FIELD[source], 1, length))
        querysets[source] = queryset
        for row in queryset.values("unit").annotate(**_aggregates(source, start, end)).order_by():
            rows[row.pop("unit")].update(row)
    medians: dict[str, dict[str, list[int]]] = {"decision": defaultdict(list), "first_job": defaultdict(list)}
    for unit, days in _decision_days(querysets["referral"], start, end):
        medians["decision"][unit].append(days)
    for unit, days in _first_job_days(querysets["case"], start, end):
        medians["first_job"][unit].append(days)
    return {unit: _as_figures(row, medians, unit) for unit, row in rows.items()}


def _as_figures(row: Mapping[str, Any] | None, medians: Mapping[str, Mapping[str, list[int]]], unit: str) -> Figures:
    row = row or {}
    values = {
        "median_days_to_decision": _median(medians["decision"].get(unit, [])),
        "median_days_to_first_job": _median(medians["first_job"].get(unit, [])),
        "aid_total": (row.get("aid_total") or Decimal(0)).quantize(CENT),
    }
    return METRICS.figures_of(row, values=values)


def region_figures(*, prefix: str, start: dt.date, end: dt.date) -> Figures:
    """Every figure of the subtree ``prefix`` for ``[start, end]``: the whole subtree is one unit."""
    found = _by_unit(prefix, 0, start, end)
    return found.get("", _as_figures(None, {"decision": {}, "first_job": {}}, ""))


# --- the family's queries -------------------------------------------------------------------------------------------

CHILD_LEVEL: dict[str, str] = {
    Region.Level.NATIONAL: Region.Level.PROVINCE,
    Region.Level.PROVINCE: Region.Level.CITY,
    Region.Level.CITY: Region.Level.COUNTY,
    Region.Level.COUNTY: Region.Level.TOWNSHIP,
}


def _figures(user: User, region: Region, dates: Dates) -> Figures:
    return region_figures(prefix=region.prefix, start=dates["from"], end=dates["to"])


def _by_subregion(user: User, region: Region, dates: Dates) -> list[SubRegion]:
    """One row per child region (zeros where nobody is), and a row for cases held at the region itself, so the rows
    add up to the region's figures. A township is the lowest level cases are held at: no breakdown."""
    child_level = CHILD_LEVEL.get(region.level)
    if child_level is None:
        return []
    length = Region.PREFIX_LENGTH[child_level]
    by_unit = _by_unit(region.prefix, length, dates["from"], dates["to"])
    empty = _as_figures(None, {"decision": {}, "first_job": {}}, "")
    children = Region.objects.filter(level=child_level, code__startswith=region.prefix).order_by("code")
    result = [
        SubRegion(code, name, True, by_unit.pop(code[:length], empty))
        for code, name in children.values_list("code", "name")
    ]
    for unit, figures in sorted(by_unit.items()):
        code = unit.ljust(12, "0")
        own = code == region.code
        name = _("%(name)s本级") % {"name": region.name} if own else code
        result.append(SubRegion(code, name, False, figures, own=own))
    return result


ORDER = {
    "referral": ("-submitted_on", "-id"),
    "case": ("-opened_on", "-id"),
    "placement": ("-started_on", "-id"),
    "aid": ("-given_on", "-id"),
}
RELATED = {
    "referral": ("case__person", "case__managing_office", "to_organisation"),
    "case": ("person", "managing_office", "notice"),
    "placement": ("case__person", "case__managing_office"),
    "aid": ("case__person", "case__managing_office"),
}


def rows_behind(*, user: User, region: Region, start: dt.date, end: dt.date, figure: str, own: bool = False) -> Any:
    """The rows counted by ``figure`` (a slug of ``METRICS.figures``), as ``user`` sees them; ``own``: only those
    held at ``region`` itself (its "本级" row)."""
    if figure not in METRICS.figures:
        raise DomainError("invalid_query", _("Unknown figure."), fields={"figure": ", ".join(METRICS.figures)})
    count = COUNT_BY_KEY[METRICS.figures[figure].key]
    queryset = _rows(count.source, region.prefix, end, user)
    child_level = CHILD_LEVEL.get(region.level)
    if own and child_level is not None:
        queryset = queryset.filter(
            in_region_subtree(region.code[: Region.PREFIX_LENGTH[child_level]], REGION_FIELD[count.source])
        )
    queryset = queryset.filter(conditions(start, end)[count.key])
    if count.source != "case":
        # the list page's audit row names the people shown (``person_id`` of each row)
        queryset = queryset.annotate(person_id=F("case__person_id"))
    if count.key == "first_placements":
        queryset = queryset.annotate(first_job_on=F("first_started_on"))
    if count.source == "case":
        queryset = queryset.annotate(placed=F("placed_on_end"))
    return queryset.select_related(*RELATED[count.source]).order_by(*ORDER[count.source])


def _behind(user: User, region: Region, dates: Dates, figure: str, own: bool) -> Any:
    return rows_behind(user=user, region=region, start=dates["from"], end=dates["to"], figure=figure, own=own)


# --- the list behind a number ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    """One row of any list of the family: the person and office, what the row is (a referral, a placement, a
    hand-out, a case), its date and its state."""

    person_id: int
    case_id: int
    name: str
    id_number: str
    office: str
    item: str  # the scheme and department, the employer and job, the purpose, or the case's settlement
    on: dt.date | None  # submitted, started, given, opened
    until: dt.date | None  # respond_by, ended, or the first job
    status: str
    status_code: str
    detail: str


def _who(case: Case) -> dict[str, Any]:
    """The columns every list row opens with: the person (ID masked) and the office that manages the case."""
    return {
        "person_id": case.person_id,
        "case_id": case.pk,
        "name": case.person.name,
        "id_number": mask_id_number(case.person.id_number or ""),
        "office": case.managing_office.name,
    }


def _referral_row(referral: Referral) -> ListRow:
    case = referral.case
    decided = f"{referral.decided_on:%Y-%m-%d}" if referral.decided_on else ""
    detail = referral.decision_reason or referral.reference or decided
    if referral.escalated_on:
        detail = _("已督办 %(on)s") % {"on": f"{referral.escalated_on:%Y-%m-%d}"} + (f" · {detail}" if detail else "")
    return ListRow(
        **_who(case),
        item=f"{referral.get_scheme_display()} → {referral.to_organisation.name}",
        on=referral.submitted_on,
        until=referral.respond_by,
        status=referral.get_status_display(),
        status_code=referral.status,
        detail=detail,
    )


def _case_row(case: Case) -> ListRow:
    first = getattr(case, "first_job_on", None)
    placed = getattr(case, "placed", None)
    detail = _("在岗") if placed else ""
    if first:
        released = case.notice.released_on if case.notice else None
        detail = _("释放后 %(n)s 天首次就业") % {"n": (first - (released or case.opened_on)).days}
    return ListRow(
        **_who(case),
        item=case.get_settlement_status_display() or _("未登记安置情况"),
        on=case.opened_on,
        until=first or case.closed_on,
        status=case.get_status_display(),
        status_code=case.status,
        detail=detail,
    )


def _placement_row(placement: Placement) -> ListRow:
    case = placement.case
    return ListRow(
        **_who(case),
        item=f"{placement.employer} · {placement.job}",
        on=placement.started_on,
        until=placement.ended_on,
        status=_("已离职") if placement.ended_on else _("在岗"),
        status_code="ended" if placement.ended_on else "active",
        detail=placement.end_reason or (_("已参加社会保险") if placement.social_insurance else ""),
    )


def _aid_row(entry: AidEntry) -> ListRow:
    case = entry.case
    return ListRow(
        **_who(case),
        item=entry.purpose,
        on=entry.given_on,
        until=None,
        status=entry.get_kind_display(),
        status_code=entry.kind,
        detail=in_yuan(entry.amount),
    )


def list_row(obj: Any) -> ListRow:
    if isinstance(obj, Referral):
        return _referral_row(obj)
    if isinstance(obj, Placement):
        return _placement_row(obj)
    if isinstance(obj, AidEntry):
        return _aid_row(obj)
    return _case_row(obj)


def _export_rows(rows: Iterable[Any]) -> Iterable[ListRow]:
    return (list_row(obj) for obj in rows)


LIST_EXPORT: exports.ListExport[ListRow] = exports.ListExport(
    name="stats.assistance_list",
    title=gettext_lazy("救助与就业名单"),
    columns=(
        exports.Column(gettext_lazy("档案编号"), lambda row: row.case_id, width=9),
        exports.Column(gettext_lazy("姓名"), lambda row: row.name, width=10),
        exports.Column(gettext_lazy("公民身份号码（脱敏）"), lambda row: row.id_number, width=22),
        exports.Column(gettext_lazy("管理司法所"), lambda row: row.office, width=22),
        exports.Column(gettext_lazy("事项"), lambda row: row.item, width=32),
        exports.Column(gettext_lazy("日期"), lambda row: row.on, width=11),
        exports.Column(gettext_lazy("期限或结束"), lambda row: row.until, width=11),
        exports.Column(gettext_lazy("状态"), lambda row: row.status, width=10),
        exports.Column(gettext_lazy("说明"), lambda row: row.detail, width=30),
    ),
    key=lambda row: row.person_id,
)


# --- the dashboard --------------------------------------------------------------------------------------------------


def _defaults(query: Mapping[str, str]) -> dict[str, str]:
    """An absent or empty ``from`` / ``to``: this year to date."""
    today = timezone.localdate()
    start = dt.date(today.year, 1, 1)
    return {name: value.isoformat() for name, value in (("from", start), ("to", today)) if not query.get(name)}


def _check(values: Mapping[str, Any]) -> dict[str, Any]:
    start, end = values.get("from"), values.get("to")
    return {"from": _("起始日期不能晚于截止日期。")} if start and end and start > end else {}


COLUMNS = (
    Column("referrals", gettext_lazy("转介"), gettext_lazy("救助转介")),
    Column("approved", gettext_lazy("批准"), gettext_lazy("救助转介")),
    Column("rejected", gettext_lazy("未批准"), gettext_lazy("救助转介")),
    Column("approval_rate", gettext_lazy("批准率"), gettext_lazy("救助转介")),
    Column("pending", gettext_lazy("待决定"), gettext_lazy("救助转介")),
    Column("overdue", gettext_lazy("逾期"), gettext_lazy("救助转介")),
    Column("median_days_to_decision", gettext_lazy("用时中位数"), gettext_lazy("救助转介")),
    Column("on_dibao", gettext_lazy("低保"), gettext_lazy("期末享受")),
    Column("on_tekun", gettext_lazy("特困供养"), gettext_lazy("期末享受")),
    Column("briefing_rate", gettext_lazy("告知率"), gettext_lazy("政策告知")),
    Column("placements", gettext_lazy("安置"), gettext_lazy("就业")),
    Column("employment_rate", gettext_lazy("就业率"), gettext_lazy("就业")),
    Column("median_days_to_first_job", gettext_lazy("首次就业用时"), gettext_lazy("就业")),
    Column("aid_total", gettext_lazy("金额（元）"), gettext_lazy("帮扶台账")),
)


def _overdue(figures: Figures, dates: Dates) -> str:
    return _("其中逾期 %(n)s 件") % {"n": figures.counts["overdue"]} if figures.counts["overdue"] else ""


KEY_FIGURES = (
    KeyFigure("referrals", lambda f, d: _("期内作出决定 %(n)s 件") % {"n": f.counts["decided"]}),
    KeyFigure("approval_rate"),
    KeyFigure("pending", _overdue),
    KeyFigure("median_days_to_decision"),
    KeyFigure("on_dibao", lambda f, d: _("特困供养 %(n)s 人") % {"n": f.counts["on_tekun"]}),
    KeyFigure("placements", lambda f, d: _("首次就业 %(n)s 人") % {"n": f.counts["first_placements"]}),
    KeyFigure("employment_rate"),
    KeyFigure("median_days_to_first_job"),
    KeyFigure("briefing_rate"),
    KeyFigure("aid_total", lambda f, d: _("共 %(n)s 笔") % {"n": f.counts["aid_entries"]}),
)


# --- the API --------------------------------------------------------------------------------------------------------

PERIOD = (
    "Figures cover the cases of the region's subtree (by the case's managing region) and the period [from, to], both "
    "days included; figures 'on `to`' are the state on the last day."
)
WHO = "Officers (office, county, city, province, national); other roles 403; a region outside your reach 404."


def _count(key: str) -> Any:
    return Field(..., ge=0, description=f"Count: {COUNT_BY_KEY[key].definition}.")


def _rate(key: str) -> Any:
    text = f"Rate: {METRICS.rate(key).definition}. A fraction in [0, 1]; null when the denominator is 0."
    return Field(..., ge=0, le=1, description=text)


def _value(key: str) -> Any:
    return Field(..., description=METRICS.value(key).definition + ".")


class Ref(Schema):
    code: str
    name: str


class AssistanceOut(Schema):
    # issue 11, exactly these first
    referrals: int = _count("referrals")
    approved: int = _count("approved")
    rejected: int = _count("rejected")
    pending: int = _count("pending")
    overdue: int = _count("overdue")
    approval_rate: float | None = _rate("approval_rate")
    median_days_to_decision: float | None = _value("median_days_to_decision")
    on_dibao: int = _count("on_dibao")
    on_tekun: int = _count("on_tekun")
    placements: int = _count("placements")
    employment_rate: float | None = _rate("employment_rate")
    median_days_to_first_job: float | None = _value("median_days_to_first_job")
    aid_total: str = Field(..., pattern=r"^\d+\.\d{2}$", description=METRICS.value("aid_total").definition + ".")
    # the rates' parts and the medians' populations
    decided: int = _count("decided")
    working_age: int = _count("working_age")
    employed: int = _count("employed")
    first_placements: int = _count("first_placements")
    aid_entries: int = _count("aid_entries")
    # the policy briefing at check-in (issue 11 §2: "shown on the case and counted")
    opened: int = _count("opened")
    briefed: int = _count("briefed")
    briefing_rate: float | None = _rate("briefing_rate")
    region: Ref = Field(..., description="The region whose subtree the figures cover.")
    from_: dt.date = Field(..., alias="from", description="First day of the period.")
    to: dt.date = Field(..., description="Last day of the period.")


class PeriodQuery(Schema):
    region: str | None = Field(None, description="12-digit region code within your reach; default: your region")
    from_: dt.date | None = Field(None, alias="from", description="YYYY-MM-DD; default: 1 January of this year")
    to: dt.date | None = Field(None, description="YYYY-MM-DD; default: today")


def _scope(request: HttpRequest, code: str | None) -> tuple[User, Region]:
    """The caller (an officer, else 403) and the region asked (default their own; unknown or outside their reach
    404), by the directory's rules every family's API shares (``stats.apikit.scope`` too)."""
    user = current_user(request)
    require_stats_reader(user)
    return user, region_for(user, code)


def api_figures(request: HttpRequest, query: Query[PeriodQuery]) -> dict[str, Any]:
    _user, region = _scope(request, query.region)
    today = timezone.localdate()
    start, end = query.from_ or dt.date(today.year, 1, 1), query.to or today
    if start > end:
        raise DomainError(
            "invalid_period", _("The period starts after it ends."), fields={"from": _("must not be after to")}
        )
    figures = region_figures(prefix=region.prefix, start=start, end=end)
    values = figures.as_dict()
    values["aid_total"] = str(values["aid_total"])
    return {**values, "region": {"code": region.code, "name": region.name}, "from": start, "to": end}


OPERATIONS = (
    Operation(
        "/stats/assistance",
        api_figures,
        AssistanceOut,
        "Assistance figures of a region subtree over a period (救助转介, 批准率, 低保, 就业率, 帮扶台账)",
        f"{PERIOD} {WHO}",
        operation_id="stats_api_assistance",
    ),
)


FAMILY = MetricFamily(
    key="assistance",
    label=gettext_lazy("救助与就业"),
    title=gettext_lazy("救助与就业帮扶统计"),
    intro=gettext_lazy(
        "%(name)s及所辖地区的救助转介与部门决定、低保和特困供养、就业安置与帮扶台账。按期间统计，点击任一数字可查看名单。"
    ),
    metrics=METRICS,
    dates=(DateInput("from", gettext_lazy("统计期间自")), DateInput("to", gettext_lazy("至"))),
    defaults=_defaults,
    check=_check,
    population=("referrals", "working_age", "placements", "aid_entries", "on_dibao", "on_tekun", "pending"),
    figures=_figures,
    by_subregion=_by_subregion,
    behind=_behind,
    list_template="assistance/stats_list.html",
    list_row=list_row,
    list_export=LIST_EXPORT,
    list_export_rows=_export_rows,
    columns=COLUMNS,
    key_figures=KEY_FIGURES,
    glossary=(
        *(
            (count.label, count.note)
            for count in COUNTS
            if count.key in ("pending", "overdue", "on_dibao", "working_age")
        ),
        *((metric.label, metric.formula) for metric in RATES),
        *((metric.label, metric.note) for metric in VALUES),
        (
            gettext_lazy("下钻"),
            gettext_lazy("点击地区名称查看下一级；点击数字查看名单；点击比率查看未达到该项的名单。"),
        ),
    ),
    form_label=gettext_lazy("统计期间"),
    table_note=gettext_lazy("转介与安置按期内日期统计，低保、特困与就业率按期末当日状态统计。"),
    invalid_note=gettext_lazy("请更正统计期间后重新查询。"),
    page_date=lambda dates, totals: (f"{dates['from']:%Y-%m-%d} — {dates['to']:%Y-%m-%d}", ""),
    scope_note=lambda dates: _("统计对象为管理地在所选地区的帮教档案。"),
    context=lambda dates: {"start": dates["from"], "end": dates["to"]},
    operations=OPERATIONS,
)
