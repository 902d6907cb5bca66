"""Policy parameters: every deadline and period, with a national default, overridable per region and date (DESIGN §4).

A value in force for a region on a day comes from the nearest enclosing region that has an override (county, then
city, then province), then from a national row, then from the default below; for each region the row with the latest
``effective_from`` not after the day wins, so a rate computed for 2025 uses 2025's rules. Overrides are set per
province, city or county only: a township or village asks its county's chain.

Reads (``policy_value``, ``deadline``, ``values_in_force``) cost one query; the one write, ``set_policy_value``,
writes its audit row in its transaction.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.areas import registry
from core.audit import Actor, record_audit
from core.errors import DomainError
from core.workdays import add_working_days
from directory.models import PolicyValue, Region, Role, User, level_of
from directory.reach import region_reach_prefix


class Unit(models.TextChoices):
    DAYS = "days", gettext_lazy("天")
    WORKING_DAYS = "working_days", gettext_lazy("工作日")
    MONTHS = "months", gettext_lazy("个月")
    YEARS = "years", gettext_lazy("年")
    # not durations: an age limit of a rule (特困: 60 and over) and an amount of money a month (the 低保 line)
    AGE = "age", gettext_lazy("周岁")
    YUAN_MONTHLY = "yuan_monthly", gettext_lazy("元/月")


# The largest value an override may take, per unit: well above any rule we know, low enough to catch a slip of the
# keyboard (900 for 90) before it silently stretches every deadline of a province.
MAX_VALUE = {
    Unit.DAYS: 730,
    Unit.WORKING_DAYS: 250,
    Unit.MONTHS: 60,
    Unit.YEARS: 20,
    Unit.AGE: 120,
    Unit.YUAN_MONTHLY: 100_000,
}


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str | Promise
    default: int
    unit: Unit
    source: str  # where the national default comes from ("" when DESIGN §4 names no source)


PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in [
        Parameter("notice_lead_days", gettext_lazy("释放通知提前天数"), 30, Unit.DAYS, "1999 年司法部通知"),
        Parameter("verify_within_days", gettext_lazy("信息核查反馈期限"), 15, Unit.WORKING_DAYS, "推定"),
        Parameter("check_in_within_days", gettext_lazy("报到期限"), 30, Unit.DAYS, "河北省安置帮教条例第 7 条"),
        Parameter("first_visit_within_days", gettext_lazy("首次走访期限"), 7, Unit.DAYS, ""),
        Parameter("visit_interval_days_key", gettext_lazy("重点帮教对象走访间隔"), 30, Unit.DAYS, ""),
        Parameter("visit_interval_days_ordinary", gettext_lazy("一般帮教对象走访间隔"), 90, Unit.DAYS, ""),
        Parameter("risk_review_months", gettext_lazy("危险性评估复核周期"), 6, Unit.MONTHS, "北京"),
        Parameter("assistance_period_years", gettext_lazy("帮教期限"), 5, Unit.YEARS, "广州 穗府规〔2020〕11号"),
        Parameter(
            "assistance_period_years_after_correction",
            gettext_lazy("解除社区矫正人员帮教期限"),
            3,
            Unit.YEARS,
            "广州 穗府规〔2020〕11号",
        ),
        Parameter("lost_contact_after_days", gettext_lazy("脱管认定天数"), 60, Unit.DAYS, ""),
        Parameter("trace_response_days", gettext_lazy("协查回复期限"), 15, Unit.WORKING_DAYS, ""),
        Parameter("referral_response_days", gettext_lazy("转介回复期限"), 20, Unit.WORKING_DAYS, ""),
    ]
}

# Who may set a value, each within their organisation's region subtree (DESIGN §1: officers set the policy of their
# level; the security administrator holds "roles & policy").
POLICY_SETTER_ROLES = (
    Role.COUNTY_OFFICER,
    Role.CITY_OFFICER,
    Role.PROVINCE_OFFICER,
    Role.NATIONAL_OFFICER,
    Role.SECURITY_ADMIN,
)
OVERRIDE_LEVELS = (Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY)
NOTE_MAX_LENGTH = 200  # PolicyValue.note


@dataclass(frozen=True)
class PolicyInForce:
    """A parameter's value for a region on a day and where it comes from."""

    parameter: Parameter
    value: int
    region: Region | None  # the region whose row gave the value; None for a national row or the default
    effective_from: dt.date | None  # None: the code's default
    note: str

    @property
    def source(self) -> str:
        # A row's own basis (依据) justifies an override; the default's source would not.
        return self.note if self.effective_from is not None else self.parameter.source


def parameters() -> dict[str, Parameter]:
    """Every parameter: the directory's own (above), then those the areas declare (``Area.parameters``), in order."""
    known = dict(PARAMETERS)
    for declared in registry.parameters():
        if not isinstance(declared, Parameter):
            raise TypeError(f"policy parameter {declared.name!r} must be a directory.policy.Parameter")
        known.setdefault(declared.name, declared)
    return known


def parameter(name: str) -> Parameter:
    found = PARAMETERS.get(name) or parameters().get(name)
    if found is None:
        raise KeyError(f"unknown policy parameter {name!r}")
    return found


def _region_code(region: Region | str | None) -> str:
    if region is None:
        return Region.NATIONAL_CODE
    code = region.code if isinstance(region, Region) else region
    if len(code) != 12 or not code.isdigit():
        raise DomainError("invalid_region", _("Unknown region."), fields={"region": _("a 12-digit region code")})
    return code


def override_chain(region: Region | str | None) -> list[str]:
    """The codes that may hold an override for ``region``, nearest first: county, city, province.

    Read off the 12-digit code (no query). A code that does not exist as a region (the city of a county the province
    runs directly) is harmless: no row can point at it.
    """
    code = _region_code(region)
    depth = Region.PREFIX_LENGTH[level_of(code)]
    chain: list[str] = []
    for length in (6, 4, 2):
        if depth >= length:
            ancestor = code[:length].ljust(12, "0")
            if ancestor not in chain:
                chain.append(ancestor)
    return chain


def _pick(rows: list[PolicyValue], chain: list[str]) -> PolicyValue | None:
    """The row of the nearest region in ``chain`` (then national), latest ``effective_from`` first."""
    rank = {code: i for i, code in enumerate(chain)}
    national = len(chain)
    best: PolicyValue | None = None
    best_key: tuple[int, dt.date] | None = None
    for row in rows:
        key = (rank.get(row.region_id or "", national), row.effective_from)
        # nearer region first; within one region the later date
        if best_key is None or key[0] < best_key[0] or (key[0] == best_key[0] and key[1] > best_key[1]):
            best, best_key = row, key
    return best


def _rows(chain: list[str], on: dt.date, names: list[str] | None = None) -> models.QuerySet[PolicyValue]:
    # One query for the whole chain; policy_lookup_idx (name, region, -effective_from) serves it.
    qs = PolicyValue.objects.filter(Q(region_id__in=chain) | Q(region__isnull=True), effective_from__lte=on)
    if names is not None:
        qs = qs.filter(name__in=names)
    return qs


def _in_force(param: Parameter, row: PolicyValue | None) -> PolicyInForce:
    if row is None:
        return PolicyInForce(param, param.default, None, None, "")
    return PolicyInForce(param, row.value, row.region, row.effective_from, row.note)


def policy_value(name: str, *, region: Region | str | None, on: dt.date) -> int:
    """The value of parameter ``name`` in force for ``region`` (None: national) on ``on``."""
    param = parameter(name)
    chain = override_chain(region)
    rows = list(_rows(chain, on, [name]).only("region_id", "value", "effective_from"))
    row = _pick(rows, chain)
    return param.default if row is None else row.value


def values_in_force(*, region: Region | str | None, on: dt.date) -> list[PolicyInForce]:
    """Every parameter's value for ``region`` on ``on``, in registry order, for display."""
    chain = override_chain(region)
    by_name: dict[str, list[PolicyValue]] = {}
    for row in _rows(chain, on).select_related("region"):
        by_name.setdefault(row.name, []).append(row)
    return [_in_force(param, _pick(by_name.get(name, []), chain)) for name, param in parameters().items()]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_in_unit(start: dt.date, value: int, unit: Unit) -> dt.date:
    if unit in (Unit.AGE, Unit.YUAN_MONTHLY):
        raise ValueError(f"a parameter in {unit.value} is not a duration")
    if unit == Unit.DAYS:
        return start + dt.timedelta(days=value)
    if unit == Unit.WORKING_DAYS:
        return add_working_days(start, value)
    if unit == Unit.MONTHS:
        return add_months(start, value)
    return add_months(start, 12 * value)  # Feb 29 + 1 year = Feb 28


def deadline(name: str, *, start: dt.date, region: Region | str | None, on: dt.date | None = None) -> dt.date:
    """``start`` plus parameter ``name`` in its unit, using the value in force on ``on`` (default: ``start``)."""
    value = policy_value(name, region=region, on=on or start)
    return add_in_unit(start, value, parameter(name).unit)


# --- who may set a value --------------------------------------------------------------------------------------------


def check_may_set_policy(*, user: User, region: Region | None) -> None:
    """Refuse (403) unless ``user`` sets policy and ``region`` (None: national) lies within their reach."""
    if user.role not in POLICY_SETTER_ROLES:
        raise DomainError("forbidden", _("Your role may not set policy values."), status=403)
    prefix = region_reach_prefix(user, admins=True)
    if region is None or region.code == Region.NATIONAL_CODE:
        allowed = prefix == ""
    else:
        allowed = prefix is not None and region.code.startswith(prefix)
    if not allowed:
        raise DomainError(
            "forbidden",
            _("You may not set policy values for this region."),
            fields={"region": _("outside your region")},
            status=403,
        )


# --- the write ------------------------------------------------------------------------------------------------------


@transaction.atomic
def set_policy_value(
    *,
    name: str,
    region: Region | None,
    value: int,
    effective_from: dt.date,
    note: str = "",
    by: Actor,
) -> PolicyValue:
    """A new value of ``name`` for ``region`` (None: national) from ``effective_from`` on.

    Values are never edited: a change of rule is a new row from its date, so deadlines computed for earlier days
    keep the rule of their day. Every problem is reported by field; nothing is written then.
    """
    fields: dict[str, str | Promise] = {}
    param = parameters().get(name)
    if param is None:
        fields["name"] = _("unknown policy parameter")
    if region is not None and region.level == Region.Level.NATIONAL:
        region = None  # the national region is stored as NULL, like every national value
    if region is not None and region.level not in OVERRIDE_LEVELS:
        fields["region"] = _("a value is set for the country, a province, a city or a county")
    if param is not None and not 1 <= value <= MAX_VALUE[param.unit]:
        fields["value"] = _("from 1 to %(max)s %(unit)s") % {"max": MAX_VALUE[param.unit], "unit": param.unit.label}
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        fields["note"] = _("at most %(max)s characters") % {"max": NOTE_MAX_LENGTH}
    if fields:
        raise DomainError("invalid_policy", _("The policy value cannot be saved."), fields=fields)
    conflict = DomainError(
        "conflict",
        _("This parameter already has a value for this region from that day."),
        fields={"effective_from": _("a value from this day exists")},
        status=409,
    )
    if PolicyValue.objects.filter(name=name, region=region, effective_from=effective_from).exists():
        raise conflict
    replaced = policy_value(name, region=region, on=effective_from)
    try:
        with transaction.atomic():
            row = PolicyValue.objects.create(
                name=name, region=region, value=value, effective_from=effective_from, note=note
            )
    except IntegrityError:
        # A concurrent request set the same parameter, region and day between our check and the insert.
        raise conflict from None
    record_audit(
        actor=by,
        action="policy.set",
        # The type the log has named these rows by since the model lived in core: one name for old and new rows.
        object_type="core.policyvalue",
        object_id=row.pk,
        detail={
            "name": name,
            "region": region.code if region is not None else None,
            "value": value,
            "effective_from": effective_from.isoformat(),
            "note": note,
            "replaced": replaced,
        },
    )
    return row
