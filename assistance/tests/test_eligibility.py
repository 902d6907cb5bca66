"""Eligibility hints (issue 11 item 3): the rules at their boundaries (age 59/60, 15/16, income per head at and below
the 低保 line, working age), each hint with the rule that produced it, and the policy values in force for the case's
region on the day of the assessment (a county's own 低保 line, from its effective date)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from anbang.testing import checked_in_case, make_id_number, persona
from assistance import eligibility
from assistance.eligibility import Needs, Policy
from assistance.services.intake import record_needs_assessment
from core.audit import Actor
from directory.models import PolicyValue

POLICY = Policy(tekun_age_from=60, tekun_age_under=16, dibao_line_monthly=600, working_age_from=16, working_age_to=60)
# nobody to lean on and nothing coming in: the 特困 conditions but age or disability
ALONE = Needs(
    age=40,
    income_monthly=Decimal("0.00"),
    household_size=1,
    can_work=True,
    disability=False,
    has_supporter=False,
    sudden_hardship=False,
    unemployed=False,
)


def schemes(needs: Needs, policy: Policy = POLICY) -> list[str]:
    return [hint.scheme for hint in eligibility.hints(needs, policy)]


def with_(**changes: Any) -> Needs:
    return dataclasses.replace(ALONE, **changes)


@pytest.mark.parametrize(("age", "hinted"), [(59, False), (60, True), (16, False), (15, True)])
def test_it_hints_tekun_from_sixty_and_under_sixteen(age: int, hinted: bool) -> None:
    assert ("tekun" in schemes(with_(age=age))) is hinted


def test_it_hints_tekun_for_a_disability_that_takes_the_ability_to_work() -> None:
    assert "tekun" in schemes(with_(disability=True, can_work=False))
    assert "tekun" not in schemes(with_(disability=True, can_work=True))
    assert "tekun" not in schemes(with_(disability=False, can_work=False))


def test_it_gives_no_tekun_hint_with_an_income_or_a_supporter() -> None:
    assert "tekun" not in schemes(with_(age=70, income_monthly=Decimal("0.01"), household_size=5))
    assert "tekun" not in schemes(with_(age=70, has_supporter=True))


def test_it_names_the_values_in_the_tekun_rule() -> None:
    (hint,) = [h for h in eligibility.hints(with_(age=60), POLICY) if h.scheme == "tekun"]
    assert "年满 60 周岁（60 岁）" in hint.rule and "无收入" in hint.rule


@pytest.mark.parametrize(
    ("income", "size", "hinted"),
    [("1200.00", 2, False), ("1199.99", 2, True), ("600.00", 1, False), ("599.99", 1, True), ("1799.99", 3, True)],
)
def test_it_hints_dibao_only_strictly_below_the_line_per_head(income: str, size: int, hinted: bool) -> None:
    assert ("dibao" in schemes(with_(income_monthly=Decimal(income), household_size=size))) is hinted


def test_it_names_the_income_per_head_and_the_line_in_the_dibao_rule() -> None:
    (hint,) = [h for h in eligibility.hints(with_(income_monthly=Decimal("1000"), household_size=2), POLICY)]
    assert hint.scheme == "dibao"
    assert hint.rule.startswith("人均月收入 500.00 元，低于本地低保标准 600 元")


def test_it_hints_temporary_aid_for_a_sudden_hardship_only() -> None:
    assert "temporary_aid" in schemes(with_(sudden_hardship=True))
    assert "temporary_aid" not in schemes(ALONE)


@pytest.mark.parametrize(("age", "hinted"), [(15, False), (16, True), (59, True), (60, False)])
def test_it_hints_employment_aid_in_working_age(age: int, hinted: bool) -> None:
    assert ("employment_aid" in schemes(with_(age=age, unemployed=True))) is hinted


def test_it_gives_no_employment_aid_hint_to_someone_working_or_unable_to() -> None:
    assert "employment_aid" not in schemes(with_(unemployed=False))
    assert "employment_aid" not in schemes(with_(unemployed=True, can_work=False))


def test_it_counts_the_age_in_full_years_with_the_birthday_itself() -> None:
    assert eligibility.age_on(dt.date(1966, 5, 10), dt.date(2026, 5, 9)) == 59
    assert eligibility.age_on(dt.date(1966, 5, 10), dt.date(2026, 5, 10)) == 60


# --- with the case, its person and its region's policy ---------------------------------------------------------------


def assess(case: Any, on: dt.date, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "assessed_on": on,
        "income_monthly": "1000",
        "household_size": 2,
        "can_work": True,
        "housing": "renting",
        "has_supporter": True,
    }
    fields.update(overrides)
    return record_needs_assessment(case=case, by=Actor(persona("office_officer")), **fields)


@pytest.mark.django_db
def test_it_takes_the_age_from_the_birth_date_on_the_day_of_the_assessment() -> None:
    today = timezone.localdate()
    birth = (
        today.replace(year=today.year - 60) if (today.month, today.day) != (2, 29) else dt.date(today.year - 60, 3, 1)
    )
    case = checked_in_case(
        person={"birth_date": birth.isoformat(), "id_number": make_id_number(birth=f"{birth:%Y%m%d}", seq=301)}
    )
    row = assess(case, today, income_monthly="0", household_size=1, has_supporter=False)
    assert row.age == 60
    assert [hint["scheme"] for hint in row.hints] == ["tekun", "dibao"]
    yesterday = assess(case, today - dt.timedelta(days=1), income_monthly="0", household_size=1, has_supporter=False)
    assert yesterday.age == 59
    assert [hint["scheme"] for hint in yesterday.hints] == ["dibao", "employment_aid"]


@pytest.mark.django_db
def test_it_uses_the_line_a_county_set_for_itself_from_its_effective_date() -> None:
    case = checked_in_case()
    case.settlement_status = "employed"  # no employment-aid hint in the way
    case.save(update_fields=["settlement_status"])
    today = timezone.localdate()
    assert not assess(case, today, income_monthly="1400", household_size=2).hints  # 700 a head, national line 600
    PolicyValue.objects.create(name="dibao_line_monthly", region_id="320102000000", value=960, effective_from=today)
    (hint,) = assess(case, today, income_monthly="1400", household_size=2).hints
    assert hint["scheme"] == "dibao" and hint["rule"].startswith("人均月收入 700.00 元，低于本地低保标准 960 元")
    # the day before the county's line took effect, the national one was in force
    assert not assess(case, today - dt.timedelta(days=1), income_monthly="1400", household_size=2).hints


@pytest.mark.django_db
def test_it_takes_the_person_as_unemployed_unless_settled_by_work() -> None:
    case = checked_in_case()
    today = timezone.localdate()
    assert assess(case, today, income_monthly="5000").unemployed is True
    case.settlement_status = "flexible"
    case.save(update_fields=["settlement_status"])
    row = assess(case, today, income_monthly="5000")
    assert row.unemployed is False and row.hints == []
    assert assess(case, today, income_monthly="5000", unemployed=True).hints[0]["scheme"] == "employment_aid"
