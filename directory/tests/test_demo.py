from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from anbang.testing import PASSWORD
from directory.demo import COUNTIES, DEMO_USERS, ORGANISATIONS, TOWNSHIPS
from directory.models import Organisation, Region, Role, User

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[int, int, int]:
    # the directory's own organisations: an area's demo step may add its departments (the assistance area: health,
    # education and housing bureaus), once
    codes = [code for code, *_ in ORGANISATIONS]
    return Region.objects.count(), Organisation.objects.filter(code__in=codes).count(), User.objects.count()


@override_settings(ANBANG_DEMO_PASSWORD=PASSWORD)
def test_it_changes_nothing_when_run_again() -> None:
    before = snapshot()
    out = StringIO()
    call_command("demo", stdout=out)
    assert snapshot() == before
    assert "facility_liaison" in out.getvalue()
    assert PASSWORD in out.getvalue()


def test_it_has_one_justice_office_in_each_township() -> None:
    for township in TOWNSHIPS:
        assert Organisation.objects.filter(kind="justice_office", region_id=township).count() == 1


def test_it_has_the_four_county_bodies_in_every_county() -> None:
    for county in COUNTIES:
        kinds = set(Organisation.objects.filter(region_id=county).values_list("kind", flat=True))
        assert {"county_bureau", "civil_affairs", "hr_social_security", "public_security"} <= kinds


def test_it_has_the_city_province_facility_and_xuanwu_providers() -> None:
    assert Organisation.objects.get(code="P320001").kind == "prison"
    assert set(Organisation.objects.filter(kind="resettlement_office").values_list("region_id", flat=True)) == {
        "320000000000",
        "320100000000",
        "320500000000",
    }
    for kind in ["service_provider", "volunteer_association", "transitional_base"]:
        assert Organisation.objects.get(kind=kind).region_id == "320102000000"


def test_it_has_one_user_per_role_named_by_role() -> None:
    roles = {d.role for d in DEMO_USERS}
    assert roles == set(Role.values) - {Role.NATIONAL_OFFICER}
    for demo in DEMO_USERS:
        user = User.objects.get(username=demo.username)
        assert user.role == demo.role
        assert user.organisation is not None and user.organisation.code == demo.organisation
        assert user.check_password(PASSWORD)
