"""Synthetic identities: valid ID numbers, plausible names and phone numbers, the same ones from the same seed."""

from __future__ import annotations

import datetime as dt
import random

from core.idnumbers import normalize_id_number
from core.synthetic import COMMON_SURNAMES, SURNAMES, id_number, mobile_number, person_name, street_address


def test_it_makes_id_numbers_with_the_gb_11643_check_digit_and_the_gender_in_the_order_code() -> None:
    rng = random.Random(7)
    for male in (True, False) * 50:
        number = id_number(rng, area="320102", birth=dt.date(1985, 3, 12), male=male)
        assert normalize_id_number(number) == number
        assert number.startswith("32010219850312")
        assert int(number[16]) % 2 == (1 if male else 0)


def test_it_makes_names_of_a_surname_and_one_or_two_given_characters() -> None:
    rng = random.Random(7)
    names = [person_name(rng, male=rng.random() < 0.5) for _ in range(200)]
    assert all(2 <= len(name) <= 3 and name[0] in SURNAMES for name in names)
    assert all(person_name(rng, male=True, surnames=COMMON_SURNAMES)[0] in COMMON_SURNAMES for _ in range(200))
    assert set(COMMON_SURNAMES) < set(SURNAMES)


def test_it_makes_mobile_numbers_and_addresses() -> None:
    rng = random.Random(7)
    number = mobile_number(rng, prefix="138")
    assert len(number) == 11 and number.isdigit() and number.startswith("138")
    assert street_address(rng).endswith("号")


def test_it_gives_the_same_people_from_the_same_seed() -> None:
    def draw(seed: int) -> list[str]:
        rng = random.Random(seed)
        return [person_name(rng, male=True), id_number(rng, area="320508", birth=dt.date(1970, 1, 1), male=True)]

    assert draw(2026) == draw(2026)
    assert draw(2026) != draw(2027)
