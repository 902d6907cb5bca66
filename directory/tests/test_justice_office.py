"""The justice office of a township (directory.selectors.justice_office_of_township): where hand-over sends a notice
and where a case is managed."""

from __future__ import annotations

import pytest

from directory.demo import TOWNSHIPS
from directory.models import Organisation, Region
from directory.selectors import justice_office_of_township

pytestmark = pytest.mark.django_db

OFFICE = f"SFS{TOWNSHIPS[0][:9]}"


def office_code(region: Region | str | None) -> str | None:
    office = justice_office_of_township(region)
    return None if office is None else office.code


def test_it_finds_the_office_of_a_township_by_code_or_region() -> None:
    assert office_code(TOWNSHIPS[0]) == OFFICE
    assert office_code(Region.objects.get(code=TOWNSHIPS[0])) == OFFICE


def test_it_finds_the_office_of_a_village_in_the_township() -> None:
    assert office_code(TOWNSHIPS[0][:9] + "201") == OFFICE


def test_it_finds_none_above_township_level_or_without_a_code() -> None:
    for code in ["320102000000", "320100000000", "320000000000", Region.NATIONAL_CODE, "", None]:
        assert office_code(code) is None, code


def test_it_finds_no_inactive_office() -> None:
    Organisation.objects.filter(code=OFFICE).update(is_active=False)
    assert office_code(TOWNSHIPS[0]) is None
