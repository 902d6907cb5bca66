from __future__ import annotations

import datetime as dt

import pytest
from pytest_django import DjangoAssertNumQueries

from core.audit import Actor
from core.errors import DomainError
from core.models import AuditEvent
from directory.models import PolicyValue, Region
from directory.policy import (
    PARAMETERS,
    Unit,
    add_months,
    deadline,
    override_chain,
    parameters,
    policy_value,
    set_policy_value,
    values_in_force,
)

pytestmark = pytest.mark.django_db

D = dt.date
NATIONAL, PROVINCE, CITY, COUNTY, TOWNSHIP = (
    None,
    "320000000000",
    "320100000000",
    "320102000000",
    "320102001000",
)
OTHER_CITY_COUNTY = "320508000000"  # 姑苏区, 苏州市


def _row(name: str, region: str | None, value: int, effective_from: dt.date, note: str = "") -> PolicyValue:
    return PolicyValue.objects.create(
        name=name, region_id=region, value=value, effective_from=effective_from, note=note
    )


def test_it_has_the_defaults_of_design_section_4() -> None:
    assert {name: (p.default, p.unit) for name, p in PARAMETERS.items()} == {
        "notice_lead_days": (30, Unit.DAYS),
        "verify_within_days": (15, Unit.WORKING_DAYS),
        "check_in_within_days": (30, Unit.DAYS),
        "first_visit_within_days": (7, Unit.DAYS),
        "visit_interval_days_key": (30, Unit.DAYS),
        "visit_interval_days_ordinary": (90, Unit.DAYS),
        "risk_review_months": (6, Unit.MONTHS),
        "assistance_period_years": (5, Unit.YEARS),
        "assistance_period_years_after_correction": (3, Unit.YEARS),
        "lost_contact_after_days": (60, Unit.DAYS),
        "trace_response_days": (15, Unit.WORKING_DAYS),
        "referral_response_days": (20, Unit.WORKING_DAYS),
    }


def test_it_answers_the_default_when_no_row_applies() -> None:
    assert policy_value("notice_lead_days", region=TOWNSHIP, on=D(2026, 5, 1)) == 30
    assert policy_value("lost_contact_after_days", region=None, on=D(2026, 5, 1)) == 60


def test_it_prefers_county_over_city_over_province_over_national() -> None:
    name, on = "lost_contact_after_days", D(2026, 5, 1)
    _row(name, NATIONAL, 50, D(2020, 1, 1))
    assert policy_value(name, region=TOWNSHIP, on=on) == 50
    _row(name, PROVINCE, 45, D(2020, 1, 1))
    assert policy_value(name, region=TOWNSHIP, on=on) == 45
    _row(name, CITY, 40, D(2020, 1, 1))
    assert policy_value(name, region=TOWNSHIP, on=on) == 40
    _row(name, COUNTY, 35, D(2020, 1, 1))
    assert policy_value(name, region=TOWNSHIP, on=on) == 35
    assert policy_value(name, region=COUNTY, on=on) == 35
    assert policy_value(name, region=CITY, on=on) == 40
    assert policy_value(name, region=PROVINCE, on=on) == 45
    assert policy_value(name, region=None, on=on) == 50
    # a county of another city of the province gets the province's value, not 南京's
    assert policy_value(name, region=OTHER_CITY_COUNTY, on=on) == 45


def test_it_accepts_a_region_object_as_well_as_a_code() -> None:
    _row("first_visit_within_days", CITY, 5, D(2020, 1, 1))
    township = Region.objects.get(code=TOWNSHIP)
    assert policy_value("first_visit_within_days", region=township, on=D(2026, 1, 1)) == 5


def test_it_ignores_a_township_row_because_overrides_stop_at_the_county() -> None:
    _row("first_visit_within_days", COUNTY, 5, D(2020, 1, 1))
    _row("first_visit_within_days", TOWNSHIP, 2, D(2020, 1, 1))  # cannot come through the service
    assert policy_value("first_visit_within_days", region=TOWNSHIP, on=D(2026, 1, 1)) == 5
    assert override_chain(TOWNSHIP) == [COUNTY, CITY, PROVINCE]


def test_it_applies_a_value_only_from_its_effective_date() -> None:
    name = "check_in_within_days"
    _row(name, COUNTY, 20, D(2026, 7, 1))
    assert policy_value(name, region=TOWNSHIP, on=D(2026, 6, 30)) == 30
    assert policy_value(name, region=TOWNSHIP, on=D(2026, 7, 1)) == 20


def test_it_uses_the_rule_of_the_day_asked_for_within_one_region() -> None:
    name = "visit_interval_days_key"
    _row(name, PROVINCE, 20, D(2025, 1, 1))
    _row(name, PROVINCE, 15, D(2026, 1, 1))
    assert policy_value(name, region=TOWNSHIP, on=D(2024, 12, 31)) == 30
    assert policy_value(name, region=TOWNSHIP, on=D(2025, 6, 30)) == 20  # a 2025 rate uses 2025's rules
    assert policy_value(name, region=TOWNSHIP, on=D(2026, 6, 30)) == 15


def test_it_falls_back_to_a_wider_region_until_a_nearer_rule_takes_effect() -> None:
    name = "visit_interval_days_key"
    _row(name, PROVINCE, 20, D(2025, 1, 1))
    _row(name, COUNTY, 10, D(2026, 7, 1))
    assert policy_value(name, region=TOWNSHIP, on=D(2026, 6, 30)) == 20
    assert policy_value(name, region=TOWNSHIP, on=D(2026, 7, 1)) == 10


def test_it_reads_a_value_in_one_query(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    _row("notice_lead_days", COUNTY, 40, D(2020, 1, 1))
    _row("notice_lead_days", PROVINCE, 35, D(2020, 1, 1))
    with django_assert_num_queries(1):
        assert policy_value("notice_lead_days", region=TOWNSHIP, on=D(2026, 1, 1)) == 40
    with django_assert_num_queries(1):
        values = values_in_force(region=TOWNSHIP, on=D(2026, 1, 1))
        assert values[0].region is not None and values[0].region.name  # the region's name comes with the row


def test_it_lists_every_value_in_force_with_where_it_comes_from() -> None:
    _row("notice_lead_days", COUNTY, 40, D(2026, 1, 1), note="玄武区规定")
    _row("risk_review_months", NATIONAL, 4, D(2026, 1, 1), note="全国通知")
    values = {v.parameter.name: v for v in values_in_force(region=TOWNSHIP, on=D(2026, 3, 1))}
    assert list(values) == list(parameters())  # the directory's own first, then the areas'
    notice = values["notice_lead_days"]
    assert (notice.value, notice.region and notice.region.code, notice.effective_from, notice.source) == (
        40,
        COUNTY,
        D(2026, 1, 1),
        "玄武区规定",
    )
    review = values["risk_review_months"]
    assert (review.value, review.region, review.effective_from) == (4, None, D(2026, 1, 1))
    default = values["check_in_within_days"]
    assert (default.value, default.region, default.effective_from) == (30, None, None)
    assert default.source == PARAMETERS["check_in_within_days"].source != ""


def test_it_refuses_a_malformed_region_code_and_an_unknown_parameter() -> None:
    with pytest.raises(DomainError) as caught:
        policy_value("notice_lead_days", region="3201", on=D(2026, 1, 1))
    assert "region" in caught.value.fields
    with pytest.raises(KeyError):
        policy_value("notice_days", region=None, on=D(2026, 1, 1))


# --- deadlines ------------------------------------------------------------------------------------------------------


def test_it_counts_a_working_day_deadline_on_the_holiday_calendar() -> None:
    _row("trace_response_days", COUNTY, 3, D(2026, 1, 1))
    # 8, 9 and (make-up Saturday) 10 October: the golden week does not count
    assert deadline("trace_response_days", start=D(2026, 9, 30), region=TOWNSHIP) == D(2026, 10, 10)
    # the default 15 working days elsewhere: Oct 8-10 (3), Oct 12-16 (8), Oct 19-23 (13), Oct 26-27 (15)
    assert deadline("trace_response_days", start=D(2026, 9, 30), region=OTHER_CITY_COUNTY) == D(2026, 10, 27)


def test_it_counts_a_calendar_day_deadline_through_holidays() -> None:
    assert deadline("check_in_within_days", start=D(2026, 9, 30), region=TOWNSHIP) == D(2026, 10, 30)


def test_it_adds_months_clamping_to_the_end_of_the_month() -> None:
    _row("risk_review_months", COUNTY, 1, D(2020, 1, 1))
    assert deadline("risk_review_months", start=D(2026, 1, 31), region=TOWNSHIP) == D(2026, 2, 28)
    assert deadline("risk_review_months", start=D(2027, 8, 31), region=None) == D(2028, 2, 29)  # 6 months, leap
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)


def test_it_adds_years_moving_29_february_to_28_february() -> None:
    assert deadline("assistance_period_years", start=D(2024, 2, 29), region=TOWNSHIP) == D(2029, 2, 28)
    assert deadline("assistance_period_years_after_correction", start=D(2024, 2, 29), region=None) == D(2027, 2, 28)
    _row("assistance_period_years", PROVINCE, 4, D(2020, 1, 1))
    assert deadline("assistance_period_years", start=D(2024, 2, 29), region=TOWNSHIP) == D(2028, 2, 29)


def test_it_takes_the_rule_in_force_on_the_start_day_unless_told_otherwise() -> None:
    _row("lost_contact_after_days", COUNTY, 10, D(2026, 7, 1))
    assert deadline("lost_contact_after_days", start=D(2026, 6, 30), region=TOWNSHIP) == D(2026, 8, 29)
    assert deadline("lost_contact_after_days", start=D(2026, 7, 1), region=TOWNSHIP) == D(2026, 7, 11)
    assert deadline("lost_contact_after_days", start=D(2026, 6, 30), region=TOWNSHIP, on=D(2026, 7, 1)) == D(
        2026, 7, 10
    )


# --- the write ------------------------------------------------------------------------------------------------------


def _set(**overrides: object) -> PolicyValue:
    """``set_policy_value`` with sensible arguments; a region may be given by its code."""
    args: dict[str, object] = {
        "name": "notice_lead_days",
        "region": COUNTY,
        "value": 45,
        "effective_from": D(2026, 7, 1),
        "note": "  玄武区 2026 年 5 号文  ",
        "by": Actor.system(),
    }
    args.update(overrides)
    if isinstance(args["region"], str):
        args["region"] = Region.objects.get(code=args["region"])
    return set_policy_value(**args)  # type: ignore[arg-type]


def test_it_sets_a_value_and_writes_an_audit_row() -> None:
    before = AuditEvent.objects.count()
    row = _set()
    assert (row.name, row.region_id, row.value, row.effective_from, row.note) == (
        "notice_lead_days",
        COUNTY,
        45,
        D(2026, 7, 1),
        "玄武区 2026 年 5 号文",
    )
    assert policy_value("notice_lead_days", region=TOWNSHIP, on=D(2026, 7, 1)) == 45
    audit = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1 and audit is not None
    assert (audit.action, audit.object_type, audit.object_id) == ("policy.set", "core.policyvalue", str(row.pk))
    assert audit.detail == {
        "name": "notice_lead_days",
        "region": COUNTY,
        "value": 45,
        "effective_from": "2026-07-01",
        "note": "玄武区 2026 年 5 号文",
        "replaced": 30,
    }


def test_it_stores_a_value_for_the_national_region_as_national() -> None:
    row = _set(region=Region.NATIONAL_CODE)
    assert row.region_id is None
    assert policy_value("notice_lead_days", region=OTHER_CITY_COUNTY, on=D(2026, 7, 1)) == 45


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "notice_days"}, "name"),
        ({"region": TOWNSHIP}, "region"),
        ({"value": 0}, "value"),
        ({"value": 731}, "value"),  # more than two years in days
        ({"name": "assistance_period_years", "value": 21}, "value"),
        ({"note": "依" * 201}, "note"),
    ],
)
def test_it_refuses_bad_input_by_field(overrides: dict[str, object], field: str) -> None:
    before = (PolicyValue.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as caught:
        _set(**overrides)
    assert (caught.value.code, caught.value.status) == ("invalid_policy", 400)
    assert list(caught.value.fields) == [field]
    assert (PolicyValue.objects.count(), AuditEvent.objects.count()) == before


def test_it_accepts_the_largest_value_of_a_unit() -> None:
    assert _set(value=730).value == 730


@pytest.mark.parametrize("region", [COUNTY, None])
def test_it_refuses_a_second_value_for_the_same_region_and_day(region: str | None) -> None:
    _set(region=region)
    with pytest.raises(DomainError) as caught:
        _set(region=region, value=50)
    assert (caught.value.code, caught.value.status) == ("conflict", 409)
    assert PolicyValue.objects.filter(name="notice_lead_days", region_id=region).count() == 1
    _set(region=region, value=50, effective_from=D(2026, 7, 2))  # another day is a new rule, not a conflict
