"""The bed rule of the foundation (issue 12 §3): a reservation holds a bed from its first night for the maximum
stay, no day holds more stays than beds, a full base refuses with 409 naming the day, and a notice whose needs name
housing is found by the housing-need filter on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anbang.testing import persona
from bases import beds
from bases.models import Base, Stay
from bases.services.stays import Reservation, reserve_bed
from bases.tests.conftest import housing_notice
from core.audit import Actor
from core.errors import DomainError
from handover.models import ReleaseNotice

pytestmark = pytest.mark.django_db


def reserve(base: Base, notice: ReleaseNotice, **fields: object) -> Stay:
    data = Reservation(base=base.pk, notice=notice.pk, planned_from=None, reason="三无人员，无处落脚")
    for name, value in fields.items():
        setattr(data, name, value)
    return reserve_bed(data=data, by=Actor(persona("office_officer")))


def test_a_reservation_holds_a_bed_from_the_expected_release_for_the_maximum_stay(base: Base) -> None:
    notice = housing_notice()
    stay = reserve(base, notice)
    assert stay.status == "reserved" and stay.planned_from == notice.expected_release_date
    assert stay.holds_until == notice.expected_release_date + dt.timedelta(days=90)
    today = timezone.localdate()
    assert beds.beds_on(base, stay.planned_from, today=today).reserved == 1
    assert beds.beds_on(base, stay.holds_until, today=today).reserved == 0


def test_the_last_bed_cannot_be_reserved_twice(base: Base) -> None:
    base.beds = 1
    base.save()
    reserve(base, housing_notice(seq=301))
    with pytest.raises(DomainError) as refused:
        reserve(base, housing_notice(seq=302))
    assert refused.value.status == 409 and "planned_from" in refused.value.fields
    assert Stay.objects.count() == 1


def test_a_bed_free_on_the_first_day_but_taken_later_in_the_stay_is_refused(base: Base) -> None:
    base.beds = 1
    base.save()
    later = housing_notice(seq=311)
    reserve(base, later)  # from the expected release, in 60 days
    early = housing_notice(seq=312, expected_release_date=(timezone.localdate() + dt.timedelta(days=10)).isoformat())
    with pytest.raises(DomainError):
        reserve(base, early)


def test_a_suspended_base_takes_no_reservation(base: Base) -> None:
    base.status = Base.Status.SUSPENDED
    base.save()
    with pytest.raises(DomainError) as refused:
        reserve(base, housing_notice())
    assert "base" in refused.value.fields and not Stay.objects.exists()


def test_the_housing_need_filter_finds_a_notice_whose_needs_name_housing() -> None:
    wanted = housing_notice(seq=401)
    other = housing_notice(seq=402)
    assert other.custody is not None
    other.custody.needs = ["就业"]
    other.custody.save()
    found = set(ReleaseNotice.objects.filter(beds.housing_need_q()).values_list("pk", flat=True))
    assert wanted.pk in found and other.pk not in found
