"""The person validation every intake path shares, with the day and the region lookup a caller may pass once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from anbang.testing import make_id_number
from directory.models import Region
from people.services import PersonData, clean_person, find_region

pytestmark = pytest.mark.django_db


def person(**overrides: object) -> PersonData:
    data = PersonData(name="张清洗", gender="male", id_number=make_id_number(), hukou_region="320102001000")
    for name, value in overrides.items():
        setattr(data, name, value)
    return data


def test_it_takes_the_day_it_is_given() -> None:
    born = dt.date(1985, 3, 12)  # make_id_number's birth date
    errors: dict[str, str] = {}
    assert clean_person(person(birth_date=born), errors=errors, today=born) is not None
    with translation.override("en"):
        assert clean_person(person(birth_date=born), errors=errors, today=born - dt.timedelta(days=1)) is None
    assert set(errors) == {"person.birth_date", "person.id_number"}  # the number's birth date is after that day too


def test_it_looks_region_codes_up_through_the_lookup_it_is_given() -> None:
    asked: list[str] = []

    def lookup(code: str) -> Region | None:
        asked.append(code)
        return find_region(code)

    errors: dict[str, str] = {}
    clean = clean_person(person(residence_region="320104001000"), errors=errors, regions=lookup)
    assert clean is not None and errors == {}
    assert asked == ["320102001000", "320104001000"]
    assert clean.hukou_region == Region.objects.get(code="320102001000")
    assert clean_person(person(hukou_region="320102999000"), errors=errors, regions=lambda code: None) is None
    assert "person.hukou_region" in errors
