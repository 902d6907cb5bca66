"""Roll-ups of the register (DESIGN §3 jobs, §9 "statistics for every region at every level ≤ 1 s from roll-ups").

One ``RegisterSnapshot`` per closed day, written by the nightly job (``stats.services.roll_up_register``), and under it
one ``RegisterRollup`` row per region where cases are managed (the case's ``region``: the managing office's
township), holding raw counts only. A region's figures are the sums of the rows under its code prefix, so every
count must be additive: each case is counted in exactly one row of a snapshot, the row of the region that managed
it that night.

The reoffence rate's denominator, "on register at any time in [from, on]", is not a per-day count (summing days
would count a person once per day, and a person who moved township in the period would count in both townships).
It splits into two disjoint sets of cases, each counted in one row:

- on register on ``on`` (``on_register``), counted where managed that night;
- closed within ``[from, on]``: a closed case no longer moves (no transfer, no re-opening), so its region is final.
  The rows keep the closures from 1 January of the day's year through the day (``closed_year_to_date``); the
  closures within ``[from, on]`` are then a signed sum of year-to-date counts of a few snapshots (``on`` itself,
  31 December of each earlier year of the period, and the day before ``from`` when ``from`` is not 1 January;
  see ``stats.register._period_days``). For the default period (``from`` = 1 January of ``on``'s year) that is
  the one snapshot of ``on``.

So ``in_period = on_register + closures in [from, on]`` holds for every region at every level, and so does
``reoffended`` from ``reoffended_year_to_date``. The snapshot is the register as recorded that night: a change
made later (a closure or visit recorded with an earlier date, a transfer) shows in the live figures, not in the
roll-up of a day already rolled up, unless that day is rebuilt (``manage.py rollup_register --replace``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.models import Region


class RegisterSnapshot(models.Model):
    """The roll-up of one closed day: present means every region's rows for that day are written (one
    transaction writes both), absent means the day is read live."""

    day = models.DateField(_("统计日"), primary_key=True)
    computed_at = models.DateTimeField(_("计算时间"))
    cases = models.PositiveIntegerField(default=0)  # cases read to build it (on register or closed in the year)

    class Meta:
        verbose_name = _("在册统计快照")
        verbose_name_plural = _("在册统计快照")

    def __str__(self) -> str:
        return f"register snapshot {self.day}"


class RegisterRollup(models.Model):
    """The raw counts of one region on one day (definitions in ``stats.register.METRICS``)."""

    # No index of their own on either key: the unique constraint below (snapshot, region) serves the reads, the
    # cascade from a snapshot, and a region's PROTECT check is an administrator's rare act.
    snapshot = models.ForeignKey(RegisterSnapshot, on_delete=models.CASCADE, related_name="rows", db_index=False)
    # The case's ``region``: the managing office's region (a township; any level works, the reads match prefixes).
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    on_register = models.PositiveIntegerField()
    key_targets = models.PositiveIntegerField()
    settled = models.PositiveIntegerField()
    assisted = models.PositiveIntegerField()
    lost_contact = models.PositiveIntegerField()
    dual_managed = models.PositiveIntegerField()
    # closed (any reason) / closed for reoffence with closed_on from 1 January of the day's year through the day
    closed_year_to_date = models.PositiveIntegerField()
    reoffended_year_to_date = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("在册统计汇总")
        verbose_name_plural = _("在册统计汇总")
        constraints = [
            # One row per region and day. Its index serves every read of stats.register._rollup_sums:
            # ``WHERE snapshot_id IN (<on>, <period days>) AND region_id LIKE '<prefix>%'`` (the day's rows, at most
            # one per township, filtered by prefix), with or without ``GROUP BY substr(region_id, 1, n)``.
            models.UniqueConstraint(fields=["snapshot", "region"], name="register_rollup_one_row_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.snapshot_id}"
