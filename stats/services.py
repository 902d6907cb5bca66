"""Writes of the stats app: the nightly roll-up of the register (DESIGN §3 jobs, §9; the model in ``stats.models``).

``roll_up_register`` computes one closed day's snapshot for every region in one ``INSERT … SELECT``: a GROUP BY over
the cases joined to set-based facts of the day (the settlement record in force, a standing assistance group, the
last visit within the longer visit interval, an open contact-loss period), each computed once for all cases with
hash or merge joins. The live path (``stats.register``) asks the same questions case by case with correlated
subqueries, which suits one county; the whole country at once wants joins (at 1M cases: ~7 s against ~18 s for the
live query grouped by township). The two are the same definitions written twice, held equal by
``stats/tests/test_register_rollup.py`` for every region, level and period.

One statement reads every table at one point in time (PostgreSQL: the statement's snapshot; SQLite: the write
transaction), so the counts of a snapshot agree with each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, ContactLoss, GroupMember, SettlementRecord, Visit
from core.audit import Actor, record_audit
from core.errors import DomainError
from directory.policy import policy_value
from stats.models import RegisterRollup, RegisterSnapshot

# A night the job did not run (server down, say) is caught up by the next night's run, this many days back; older
# gaps are for ``manage.py rollup_register``.
CATCH_UP_DAYS = 7

# The counts of a roll-up row, in the order the statement below selects them.
ROLLUP_COUNTS = (
    "on_register",
    "key_targets",
    "settled",
    "assisted",
    "lost_contact",
    "dual_managed",
    "closed_year_to_date",
    "reoffended_year_to_date",
)


@dataclass(frozen=True)
class RollupResult:
    day: dt.date
    created: bool  # False: the day was rolled up already and left as it was
    regions: int = 0
    cases: int = 0


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _rollup_statement(day: dt.date) -> tuple[str, dict[str, Any]]:
    """``INSERT INTO <rollup> … SELECT`` of the register of ``day`` (definitions: ``stats.register.METRICS``).

    The cases read are those on register on ``day`` or closed from 1 January of its year through ``day``; each is
    one row of the inner SELECT with 0/1 flags, and each region's counts are sums of flags.

    The settlement in force and the last visit come from the case row itself when nothing about them changed after
    ``day`` (``settlement_since`` / ``last_visit_on`` on or before it: the current settlement record, the latest
    visit, were then already the ones of ``day``). Only the other cases, those with a settlement or a visit dated
    after ``day`` (a few thousand on the nightly run, most cases when back-filling a month ago), look into the
    history tables, each with one index probe. The standing group and an open contact loss are joins over the
    whole tables (the group from its index alone). Portable SQL (derived tables, ``CASE``, scalar subqueries):
    SQLite and PostgreSQL."""
    key_days = policy_value("visit_interval_days_key", region=None, on=day)
    ordinary_days = policy_value("visit_interval_days_ordinary", region=None, on=day)
    settled_kinds = {f"settled_{i}": str(status) for i, status in enumerate(Case.SETTLED)}
    settled = ", ".join(f"%({name})s" for name in settled_kinds)
    columns = ", ".join(connection.ops.quote_name(name) for name in ("snapshot_id", "region_id", *ROLLUP_COUNTS))
    # Only table and column names (from the models, quoted) are formatted in; every value is a parameter.
    sql = f"""
        INSERT INTO {_table(RegisterRollup)} ({columns})
        SELECT %(day)s, f.region_id,
               SUM(f.reg), SUM(f.reg * f.is_key), SUM(f.reg * f.settled), SUM(f.reg * f.assisted),
               SUM(f.reg * f.lost), SUM(f.reg * f.dual), SUM(1 - f.reg), SUM((1 - f.reg) * f.reoffence)
        FROM (
            SELECT c.region_id,
                   CASE WHEN c.closed_on IS NULL OR c.closed_on > %(day)s THEN 1 ELSE 0 END AS reg,
                   CASE WHEN c.level = %(key)s THEN 1 ELSE 0 END AS is_key,
                   CASE WHEN c.settled_status IN ({settled}) THEN 1 ELSE 0 END AS settled,
                   CASE WHEN g.case_id IS NOT NULL
                             AND ((c.level = %(key)s AND c.last_visit > %(key_since)s)
                                  OR (c.level = %(ordinary)s AND c.last_visit > %(ordinary_since)s))
                        THEN 1 ELSE 0 END AS assisted,
                   CASE WHEN l.case_id IS NULL THEN 0 ELSE 1 END AS lost,
                   CASE WHEN c.hukou_office_id IS NOT NULL AND c.hukou_office_id <> c.managing_office_id
                        THEN 1 ELSE 0 END AS dual,
                   CASE WHEN c.closure_reason = %(reoffended)s THEN 1 ELSE 0 END AS reoffence
            FROM (
                SELECT c.id, c.region_id, c.level, c.closed_on, c.closure_reason, c.hukou_office_id,
                       c.managing_office_id,
                       -- the settlement record in force on the day (latest ``since``, then latest id)
                       CASE WHEN c.settlement_since IS NULL THEN NULL
                            WHEN c.settlement_since <= %(day)s THEN c.settlement_status
                            ELSE (SELECT r.status FROM {_table(SettlementRecord)} r
                                  WHERE r.case_id = c.id AND r.since <= %(day)s
                                  ORDER BY r.since DESC, r.id DESC LIMIT 1)
                       END AS settled_status,
                       -- the last visit on or before the day
                       CASE WHEN c.last_visit_on IS NULL THEN NULL
                            WHEN c.last_visit_on <= %(day)s THEN c.last_visit_on
                            ELSE (SELECT MAX(v.visited_on) FROM {_table(Visit)} v
                                  WHERE v.case_id = c.id AND v.visited_on <= %(day)s)
                       END AS last_visit
                FROM {_table(Case)} c
                WHERE c.opened_on <= %(day)s AND (c.closed_on IS NULL OR c.closed_on >= %(year_start)s)
            ) c
            LEFT JOIN (
                SELECT DISTINCT case_id FROM {_table(GroupMember)}
                WHERE added_on <= %(day)s AND (removed_on IS NULL OR removed_on > %(day)s)
            ) g ON g.case_id = c.id
            LEFT JOIN (
                SELECT DISTINCT case_id FROM {_table(ContactLoss)}
                WHERE noted_on <= %(day)s AND (restored_on IS NULL OR restored_on > %(day)s)
            ) l ON l.case_id = c.id
        ) f
        GROUP BY f.region_id
    """  # noqa: S608
    params: dict[str, Any] = {
        "day": day,
        "year_start": day.replace(month=1, day=1),
        "key": Case.Level.KEY.value,
        "ordinary": Case.Level.ORDINARY.value,
        "key_since": day - dt.timedelta(days=key_days),
        "ordinary_since": day - dt.timedelta(days=ordinary_days),
        "reoffended": Case.ClosureReason.REOFFENDED.value,
        **settled_kinds,
    }
    return sql, params


@transaction.atomic
def roll_up_register(*, day: dt.date, replace: bool = False) -> RollupResult:
    """Write the roll-up of the closed day ``day`` (today's register is still changing: refused). Safe to run twice
    and on several servers at once: the snapshot row is the claim (its primary key is the day), so a second run
    finds it and leaves the day as it was. ``replace`` rebuilds a day already rolled up (a correction recorded
    with an earlier date, a back-fill after a bug fix), from the data as it is now."""
    if day >= timezone.localdate():
        raise DomainError("day_not_closed", _("Only a day that is over can be rolled up."), fields={"day": str(day)})
    if replace:
        RegisterSnapshot.objects.filter(day=day).delete()  # its rows go with it (CASCADE)
    snapshot, created = RegisterSnapshot.objects.get_or_create(day=day, defaults={"computed_at": timezone.now()})
    if not created:
        return RollupResult(day=day, created=False)
    sql, params = _rollup_statement(day)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The statement's cost passes jit_above_cost, and compiling it takes ~0.3 s at 1M cases for no gain
            # (bench/REGISTER.md); for this transaction only.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        regions = int(cursor.rowcount)
    rows = RegisterRollup.objects.filter(snapshot=snapshot)
    cases = sum(on + closed for on, closed in rows.values_list("on_register", "closed_year_to_date"))
    snapshot.cases = cases
    snapshot.save(update_fields=["cases"])
    record_audit(
        actor=Actor.system(),
        action="stats.register_rollup",
        object_type="stats.registersnapshot",
        object_id=day.isoformat(),
        detail={"day": day.isoformat(), "regions": regions, "cases": cases, "replaced": replace},
    )
    return RollupResult(day=day, created=True, regions=regions, cases=cases)


def roll_up_closed_days(*, as_of: dt.date) -> list[RollupResult]:
    """The nightly job's work for the night of ``as_of``: the roll-up of the day before, and of the days between the
    latest roll-up and it (nights the job missed, at most ``CATCH_UP_DAYS``). Gaps before the latest roll-up are
    left to ``manage.py rollup_register``. A day not over yet by the clock (``--as-of`` in the future) is skipped.
    Each day in its own transaction."""
    last = min(as_of, timezone.localdate()) - dt.timedelta(days=1)
    latest = RegisterSnapshot.objects.filter(day__lte=last).aggregate(latest=Max("day"))["latest"]
    if latest == last:
        return [RollupResult(day=last, created=False)]
    first = last if latest is None else max(latest + dt.timedelta(days=1), last - dt.timedelta(days=CATCH_UP_DAYS - 1))
    return [roll_up_register(day=first + dt.timedelta(days=i)) for i in range((last - first).days + 1)]
