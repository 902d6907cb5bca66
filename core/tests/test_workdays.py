from __future__ import annotations

import datetime as dt

import pytest
from pytest_django import DjangoAssertNumQueries

from core.models import Holiday
from core.workdays import add_working_days, calendar_knows_year, is_workday, working_days_between

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def _calendar_years() -> None:
    # These tests lean on chinesecalendar 1.11 knowing 2026 and not 2027; after an upgrade that announces 2027,
    # move the fallback tests to the first year it does not know.
    assert calendar_knows_year(2026)
    assert not calendar_knows_year(2027)


def test_it_treats_the_2026_national_day_week_as_days_off() -> None:
    # 2026-10-01 (Thursday) to 2026-10-07 (Wednesday) are off, weekdays included
    assert [is_workday(D(2026, 10, day)) for day in range(1, 9)] == [False] * 7 + [True]


def test_it_treats_the_2026_make_up_weekend_days_as_working_days() -> None:
    assert D(2026, 9, 20).weekday() == 6 and is_workday(D(2026, 9, 20))  # Sunday before National Day
    assert D(2026, 10, 10).weekday() == 5 and is_workday(D(2026, 10, 10))  # Saturday after
    assert not is_workday(D(2026, 10, 11))  # an ordinary Sunday


def test_it_counts_working_days_across_the_golden_week() -> None:
    # Wednesday 30 September, then the week off: the 1st working day after is Thursday 8 October, the 3rd the
    # make-up Saturday 10 October, the 4th Monday 12 October.
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)


def test_it_falls_back_to_monday_to_friday_in_2027() -> None:
    assert is_workday(D(2027, 3, 1))  # Monday
    assert is_workday(D(2027, 3, 5))  # Friday
    assert not is_workday(D(2027, 3, 6))  # Saturday
    assert add_working_days(D(2027, 3, 5), 1) == D(2027, 3, 8)


def test_it_uses_holiday_rows_an_administrator_entered_for_2027() -> None:
    Holiday.objects.create(date=D(2027, 2, 6), is_workday=True, name="春节调休上班")  # Saturday
    Holiday.objects.bulk_create(
        [Holiday(date=D(2027, 2, day), is_workday=False, name="春节") for day in range(8, 13)]  # Monday to Friday
    )
    assert is_workday(D(2027, 2, 6))
    assert not is_workday(D(2027, 2, 8))
    assert add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 6)
    assert add_working_days(D(2027, 2, 5), 2) == D(2027, 2, 15)
    assert working_days_between(D(2027, 2, 5), D(2027, 2, 15)) == 2


def test_it_lets_a_holiday_row_override_the_package_in_a_known_year() -> None:
    assert is_workday(D(2026, 10, 9))
    Holiday.objects.create(date=D(2026, 10, 9), is_workday=False, name="更正")
    assert not is_workday(D(2026, 10, 9))
    assert add_working_days(D(2026, 9, 30), 2) == D(2026, 10, 10)


def test_it_crosses_into_a_year_the_package_does_not_know() -> None:
    Holiday.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    # Thursday 31 December 2026 (package) -> Friday 1 January 2027 is off (row) -> Monday 4 January
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_it_loads_more_holidays_when_a_long_closure_outlasts_its_first_window() -> None:
    first = D(2027, 1, 2)
    Holiday.objects.bulk_create(
        [Holiday(date=first + dt.timedelta(days=i), is_workday=False, name="停工") for i in range(58)]
    )  # 2 January to 28 February 2027
    assert add_working_days(D(2027, 1, 1), 5) == D(2027, 3, 5)  # Monday 1 March is the first working day


def test_it_reads_the_holidays_of_a_span_in_one_query(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    with django_assert_num_queries(1):
        add_working_days(D(2026, 9, 1), 20)
    with django_assert_num_queries(1):
        working_days_between(D(2026, 1, 1), D(2026, 12, 31))


def test_it_counts_working_days_between_as_the_inverse_of_adding_them() -> None:
    start = D(2026, 9, 18)
    for n in (0, 1, 5, 15, 30):
        assert working_days_between(start, add_working_days(start, n)) == n
    assert working_days_between(D(2026, 10, 12), D(2026, 9, 30)) == -4


def test_it_returns_the_start_for_zero_and_refuses_a_negative_count() -> None:
    assert add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 3)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 10, 3), -1)
