"""A metric family's figures that are not counts (``core.metrics.ValueMetric``: a median, a sum of money): the family
computes them beside its counts; they are answered with the counts and rates and formatted for the dashboard."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.metrics import CountMetric, Metrics, RateMetric, ValueMetric, in_days, in_yuan

METRICS = Metrics(
    counts=(CountMetric("decided", "已决定", "decided"), CountMetric("approved", "已批准", "approved")),
    rates=(RateMetric("rate", "批准率", "approved", "decided", "decided", "approved ÷ decided", "批准 ÷ 决定"),),
    values=(
        ValueMetric("median_days", "用时中位数", "median days", in_days, figure="decided"),
        ValueMetric("total", "金额", "sum of yuan", in_yuan),
    ),
)


def test_it_carries_a_familys_values_beside_its_counts_and_rates() -> None:
    figures = METRICS.figures_of({"decided": 4, "approved": 3}, values={"median_days": 12.5, "total": Decimal("9.5")})
    assert figures.as_dict() == {
        "decided": 4,
        "approved": 3,
        "rate": 0.75,
        "median_days": 12.5,
        "total": Decimal("9.5"),
    }
    assert figures["median_days"] == 12.5 and figures["rate"] == 0.75
    assert (METRICS.label("total"), METRICS.label("rate"), METRICS.label("decided")) == ("金额", "批准率", "已决定")


def test_a_value_left_out_is_none() -> None:
    assert METRICS.figures_of(None).values == {"median_days": None, "total": None}


def test_it_formats_days_and_yuan() -> None:
    assert (in_days(None), in_days(12.0), in_days(12.5)) == ("—", "12 天", "12.5 天")
    assert in_yuan(Decimal("12345.5")) == "12,345.50 元" and in_yuan(None) == "0.00 元"


def test_a_value_links_only_to_a_list_the_family_has() -> None:
    with pytest.raises(ValueError, match="links to a list"):
        Metrics(counts=(), rates=(), values=(ValueMetric("v", "v", "v", figure="nowhere"),))
