"""Search by name, pinyin, initials and exact ID number, within reach."""

from __future__ import annotations

import pytest

from anbang.testing import make_id_number, persona, send_notice
from people.selectors import search_people
from people.services import name_pinyin

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> None:
    send_notice(person={"name": "张三丰", "id_number": make_id_number(seq=11)})
    send_notice(person={"name": "李四", "id_number": make_id_number(seq=13)})
    send_notice(
        person={
            "name": "张伟",
            "id_number": make_id_number(seq=15),
            "hukou_region": "320508001000",
            "residence_region": "320508001000",
        }
    )


def names(username: str, q: str) -> set[str]:
    return set(search_people(user=persona(username), q=q).values_list("name", flat=True))


def test_it_turns_names_into_pinyin_and_initials() -> None:
    assert name_pinyin("张三丰") == ("zhangsanfeng", "zsf")
    assert name_pinyin("吕思") == ("lvsi", "ls")


@pytest.mark.usefixtures("people")
def test_it_finds_by_name_pinyin_and_initials() -> None:
    assert names("county_officer", "张") == {"张三丰"}
    assert names("county_officer", "zhangsan") == {"张三丰"}
    assert names("county_officer", "ZSF") == {"张三丰"}
    assert names("province_officer", "zh") == {"张三丰", "张伟"}


@pytest.mark.usefixtures("people")
def test_it_finds_by_exact_id_number_only() -> None:
    assert names("county_officer", make_id_number(seq=13)) == {"李四"}
    assert names("county_officer", make_id_number(seq=13).lower()) == {"李四"}
    assert names("county_officer", make_id_number(seq=13)[:17]) == set()


@pytest.mark.usefixtures("people")
def test_it_searches_only_within_reach() -> None:
    assert names("county_officer", "张伟") == set()
    assert names("other_county_officer", "张伟") == {"张伟"}
    assert names("volunteer", "张") == set()


@pytest.mark.usefixtures("people")
def test_it_lets_a_facility_find_the_people_it_holds() -> None:
    assert names("facility_liaison", "zh") == {"张三丰", "张伟"}
