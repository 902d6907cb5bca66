"""The one reach rule (directory.reach): officers see their region's subtree, other roles what is addressed to them."""

from __future__ import annotations

import pytest

from anbang.testing import persona
from directory.models import Organisation, Region, User
from directory.reach import in_region_subtree, region_reach_prefix

pytestmark = pytest.mark.django_db


def visible_usernames(username: str) -> set[str]:
    return set(User.objects.visible_to(persona(username)).values_list("username", flat=True))


def test_it_gives_each_officer_the_prefix_of_their_region() -> None:
    assert region_reach_prefix(persona("office_officer")) == "320102001"
    assert region_reach_prefix(persona("county_officer")) == "320102"
    assert region_reach_prefix(persona("city_officer")) == "3201"
    assert region_reach_prefix(persona("province_officer")) == "32"


def test_it_gives_roles_that_work_on_addressed_records_no_region() -> None:
    for username in [
        "facility_liaison",
        "social_worker",
        "volunteer",
        "partner_officer",
        "police_officer",
        "base_manager",
    ]:
        assert region_reach_prefix(persona(username)) is None, username


def test_it_lets_an_office_officer_see_only_their_office() -> None:
    assert visible_usernames("office_officer") == {"office_officer", "office_colleague"}


def test_it_lets_a_county_officer_see_the_whole_county_but_not_another() -> None:
    seen = visible_usernames("county_officer")
    assert {"office_officer", "office_colleague", "partner_officer", "police_officer", "social_worker"} <= seen
    assert "office_officer_b" not in seen  # 秦淮区
    assert "other_county_officer" not in seen  # 姑苏区


def test_it_lets_a_city_officer_see_every_county_of_the_city_only() -> None:
    seen = visible_usernames("city_officer")
    assert {"office_officer", "office_officer_b", "county_officer"} <= seen
    assert "other_county_officer" not in seen  # 苏州市


def test_it_lets_a_province_officer_see_both_cities() -> None:
    assert {"office_officer", "other_county_officer"} <= visible_usernames("province_officer")


def test_it_shows_a_non_officer_only_themselves() -> None:
    assert visible_usernames("facility_liaison") == {"facility_liaison"}
    assert visible_usernames("volunteer") == {"volunteer"}


def test_it_shows_nothing_to_a_deactivated_user() -> None:
    officer = persona("county_officer")
    officer.is_active = False
    assert not User.objects.visible_to(officer).exists()


def test_it_shows_nothing_by_region_when_the_organisation_is_closed() -> None:
    officer = persona("county_officer")
    Organisation.objects.filter(users=officer).update(is_active=False)
    officer.refresh_from_db()
    assert officer.organisation is not None
    officer.organisation.refresh_from_db()
    assert visible_usernames("county_officer") == {"county_officer"}


def test_it_filters_by_the_code_column_without_a_join() -> None:
    sql = str(Organisation.objects.filter(in_region_subtree("320102", "region")).query)
    assert "JOIN" not in sql
    assert "LIKE" in sql


def test_it_matches_every_region_for_the_national_prefix() -> None:
    everything = Organisation.objects.count()
    assert Organisation.objects.filter(in_region_subtree("", "region")).count() == everything
    assert Region.objects.filter(code="000000000000").exists()
