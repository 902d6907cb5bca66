"""Each hand-over metric of DESIGN §6 on a hand-built set of notices with known answers (see ``factories``)."""

from __future__ import annotations

import datetime as dt

import pytest

from anbang.testing import persona
from directory.models import Region
from stats import handover, selectors
from stats.handover import COUNTS, METRICS, RATES, TARGETS
from stats.tests.factories import MARCH, build_march, released

pytestmark = pytest.mark.django_db


def figures_of(username: str, region: str, period: tuple[dt.date, dt.date] = MARCH) -> dict[str, int | float | None]:
    user = persona(username)
    start, end = period
    return handover.figures(user=user, region=Region.objects.get(code=region), start=start, end=end).as_dict()


@pytest.fixture
def march() -> None:
    build_march()


@pytest.mark.usefixtures("march")
def test_it_counts_every_figure_of_the_province() -> None:
    f = figures_of("province_officer", "320000000000")
    assert f["released"] == 7  # A B C D E F I (G is April, H not released)
    assert f["handed_over"] == 5  # A B D E I
    assert f["not_handed_over"] == 2  # C F
    assert f["missed"] == 3  # B C F
    assert f["checked_in_late"] == 1  # B
    assert f["checked_in_on_time"] == 4  # A D E I
    assert f["key_targets_released"] == 3  # D E F
    assert f["key_targets_escorted"] == 1  # D
    assert f["key_targets_not_escorted"] == 2  # E (no escort record) F (escorted: False)
    assert f["key_targets_handed_over"] == 2  # D E
    assert f["ordinary_released"] == 4  # A B C I
    assert f["ordinary_handed_over"] == 3  # A B I
    assert f["handover_rate"] == pytest.approx(5 / 7)
    assert f["key_handover_rate"] == pytest.approx(2 / 3)
    assert f["ordinary_handover_rate"] == pytest.approx(3 / 4)
    assert f["escort_rate"] == pytest.approx(1 / 3)
    assert f["on_time_rate"] == pytest.approx(4 / 7)


@pytest.mark.usefixtures("march")
def test_it_counts_a_late_check_in_both_as_handed_over_and_as_missed() -> None:
    f = figures_of("county_officer", "320102001000")  # A B I
    assert (f["released"], f["handed_over"], f["missed"], f["checked_in_on_time"]) == (3, 3, 1, 2)
    assert f["handover_rate"] == 1.0


@pytest.mark.usefixtures("march")
def test_it_limits_the_figures_to_a_region_subtree() -> None:
    county = figures_of("county_officer", "320102000000")  # A B C D I
    assert (county["released"], county["handed_over"], county["missed"]) == (5, 4, 2)
    assert (county["key_targets_released"], county["key_targets_escorted"], county["escort_rate"]) == (1, 1, 1.0)
    city = figures_of("city_officer", "320100000000")  # + E of 秦淮
    assert (city["released"], city["key_targets_released"], city["key_targets_escorted"]) == (6, 2, 1)
    suzhou = figures_of("province_officer", "320500000000")  # F
    assert (suzhou["released"], suzhou["missed"], suzhou["handover_rate"]) == (1, 1, 0.0)


@pytest.mark.usefixtures("march")
def test_it_counts_only_what_the_caller_reaches() -> None:
    # the county officer of 玄武区 asking for the whole province still sees only 玄武区 (visible_to first)
    user = persona("county_officer")
    province = Region.objects.get(code="320000000000")
    f = handover.figures(user=user, region=province, start=MARCH[0], end=MARCH[1])
    assert f.counts["released"] == 5


@pytest.mark.usefixtures("march")
def test_it_gives_null_rates_for_empty_denominators() -> None:
    nothing = figures_of("province_officer", "320000000000", (dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
    assert all(nothing[c.key] == 0 for c in COUNTS)
    assert all(nothing[r.key] is None for r in RATES)
    # 玄武区示范一街道 released no key target in March: the key rates are null, the ordinary ones are not
    township = figures_of("county_officer", "320102001000")
    assert township["key_handover_rate"] is None and township["escort_rate"] is None
    assert township["ordinary_handover_rate"] == 1.0


@pytest.mark.usefixtures("march")
def test_it_includes_both_ends_of_the_period() -> None:
    one_day = figures_of("province_officer", "320000000000", (dt.date(2025, 3, 5), dt.date(2025, 3, 5)))
    assert one_day["released"] == 1  # A


@pytest.mark.usefixtures("march")
def test_it_groups_by_sub_region_in_one_query(django_assert_num_queries: object) -> None:
    user = persona("county_officer")
    county = Region.objects.get(code="320102000000")
    with django_assert_num_queries(2):  # type: ignore[operator]
        rows = handover.figures_by_subregion(user=user, region=county, start=MARCH[0], end=MARCH[1])
    by_code = {row.code: row.figures.counts for row in rows}
    assert [row.code for row in rows] == ["320102001000", "320102002000"]
    assert (by_code["320102001000"]["released"], by_code["320102001000"]["missed"]) == (3, 1)
    assert (by_code["320102002000"]["released"], by_code["320102002000"]["key_targets_escorted"]) == (2, 1)
    # the rows add up to the region's figures
    total = handover.figures(user=user, region=county, start=MARCH[0], end=MARCH[1])
    assert sum(row.figures.counts["released"] for row in rows) == total.counts["released"]


@pytest.mark.usefixtures("march")
def test_it_lists_every_child_region_of_the_province_with_zeros() -> None:
    user = persona("province_officer")
    rows = handover.figures_by_subregion(
        user=user, region=Region.objects.get(code="320000000000"), start=MARCH[0], end=MARCH[1]
    )
    counts = {row.name: row.figures.counts["released"] for row in rows}
    assert counts["南京市"] == 6 and counts["苏州市"] == 1
    assert len(rows) == 13 and sum(counts.values()) == 7
    nobody = next(row for row in rows if row.name == "无锡市")
    assert nobody.drillable and nobody.figures["handover_rate"] is None


def test_it_shows_notices_held_at_the_county_as_a_row_of_their_own() -> None:
    # a county-only hukou goes to the county bureau, which may record nothing further before the release
    notice = released("癸十", 19, "320102001000", on=dt.date(2025, 3, 3))
    notice.__class__.objects.filter(pk=notice.pk).update(region_id="320102000000")
    rows = handover.figures_by_subregion(
        user=persona("county_officer"), region=Region.objects.get(code="320102000000"), start=MARCH[0], end=MARCH[1]
    )
    held = [row for row in rows if row.code == "320102000000"]
    assert len(held) == 1 and not held[0].drillable and held[0].figures.counts["released"] == 1
    assert "本级" in held[0].name


@pytest.mark.usefixtures("march")
def test_it_gives_the_trend_by_month_in_one_query(django_assert_num_queries: object) -> None:
    user = persona("county_officer")
    county = Region.objects.get(code="320102000000")
    with django_assert_num_queries(1):  # type: ignore[operator]
        months = handover.figures_by_month(user=user, region=county, end=dt.date(2025, 4, 30), months=3)
    assert [m.label for m in months] == ["2025-02", "2025-03", "2025-04"]
    assert [m.figures.counts["released"] for m in months] == [0, 5, 1]
    assert months[1].end == dt.date(2025, 3, 31) and months[0].end == dt.date(2025, 2, 28)
    assert months[0].figures["handover_rate"] is None


def test_the_months_run_across_a_year_end() -> None:
    spans = selectors.months_ending(dt.date(2026, 1, 15), 3)
    assert spans == [
        (dt.date(2025, 11, 1), dt.date(2025, 11, 30)),
        (dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
    ]


def test_the_targets_are_those_of_design_6() -> None:
    assert {name: t.minimum for name, t in TARGETS.items()} == {
        "key_handover_rate": 1.0,
        "ordinary_handover_rate": 0.8,
        "escort_rate": 1.0,
    }
    assert TARGETS["ordinary_handover_rate"].state(80, 100) == "met"
    assert TARGETS["ordinary_handover_rate"].state(79, 100) == "missed"
    assert TARGETS["key_handover_rate"].state(9999, 10000) == "missed"
    assert TARGETS["key_handover_rate"].state(0, 0) == "none"
    assert "handover_rate" not in TARGETS  # no target of its own


def test_every_metric_is_defined_in_words() -> None:
    assert all(metric.definition for metric in COUNTS)
    assert all("÷" in metric.definition for metric in RATES)
    names = {metric.key for metric in COUNTS}
    assert all(metric.numerator in names and metric.denominator in names for metric in RATES)
    assert METRICS.figures_of(None).as_dict()["handover_rate"] is None
