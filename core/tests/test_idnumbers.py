"""Citizen ID numbers (DESIGN §3 Privacy): GB 11643 check digit, a real birth date, never the address code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from core import crypto
from core.errors import DomainError
from core.idnumbers import (
    birth_date_of,
    gender_of,
    id_number_hash,
    mask_id_number,
    normalize_id_number,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # The messages say which rule refused the number; read them in English whatever the default language.
    with translation.override("en"):
        yield


# GB 11643-1999: weights of the 17 digits; the weighted sum mod 11 picks the check character from this string.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


def gb11643(body: str) -> str:
    """``body`` (17 digits) with its check character, computed independently of the code under test."""
    assert len(body) == 17 and body.isdigit()
    return body + CHECK[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def wrong_check(number: str) -> str:
    return number[:17] + next(c for c in CHECK if c != number[17])


def test_it_agrees_with_the_published_example() -> None:
    # The standard's own example (GB 11643-1999, appendix): 11010519491231002X.
    assert gb11643("11010519491231002") == "11010519491231002X"
    assert normalize_id_number("11010519491231002X") == "11010519491231002X"


@pytest.mark.parametrize(
    "body",
    ["32010219800101123", "44030419991231456", "65010220000229781", "11010519491231002", "32010220200315007"],
)
def test_it_accepts_valid_numbers(body: str) -> None:
    number = gb11643(body)
    assert normalize_id_number(number) == number


def test_it_accepts_every_check_character() -> None:
    # Walk the order code until each of the 11 check characters has come up once.
    seen: dict[str, str] = {}
    for order in range(1000):
        number = gb11643(f"32010219800101{order:03d}")
        seen.setdefault(number[17], number)
    assert set(seen) == set(CHECK)
    for number in seen.values():
        assert normalize_id_number(number) == number


def test_it_normalizes_a_lowercase_x() -> None:
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


def test_it_normalizes_full_width_digits_and_spaces() -> None:
    assert normalize_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert normalize_id_number("  110105 19491231 002X\u3000") == "11010519491231002X"


def test_it_upgrades_a_15_digit_legacy_number() -> None:
    # 15-digit numbers (before 1999) have a 2-digit year and no check character.
    assert normalize_id_number("110105491231002") == "11010519491231002X"
    assert normalize_id_number("320102800101123") == gb11643("32010219800101123")


def test_it_refuses_a_15_digit_number_with_letters() -> None:
    with pytest.raises(DomainError) as exc:
        normalize_id_number("11010549123100X")
    assert "id_number" in exc.value.fields


def test_it_refuses_a_15_digit_number_with_an_impossible_date() -> None:
    with pytest.raises(DomainError) as exc:
        normalize_id_number("110105490230002")  # 1949-02-30
    assert exc.value.code == "invalid_id_number"


def test_it_refuses_a_wrong_check_digit() -> None:
    with pytest.raises(DomainError) as exc:
        normalize_id_number(wrong_check(gb11643("32010219800101123")))
    assert exc.value.code == "invalid_id_number"
    assert "check digit" in exc.value.fields["id_number"]


def test_it_refuses_an_impossible_birth_date() -> None:
    with pytest.raises(DomainError) as exc:
        normalize_id_number(gb11643("32010219850230123"))  # 30 February
    assert "not a real date" in exc.value.fields["id_number"]


def test_it_refuses_feb_29_outside_a_leap_year() -> None:
    with pytest.raises(DomainError):
        normalize_id_number(gb11643("32010219990229123"))
    assert normalize_id_number(gb11643("32010220000229123")).startswith("32010220000229")


def test_it_refuses_a_birth_date_in_the_future() -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError) as exc:
        normalize_id_number(gb11643(f"320102{tomorrow:%Y%m%d}123"))
    assert "not possible" in exc.value.fields["id_number"]


def test_it_accepts_a_birth_date_of_today() -> None:
    today = timezone.localdate()
    number = gb11643(f"320102{today:%Y%m%d}123")
    assert normalize_id_number(number) == number


def test_it_bounds_the_birth_date_by_the_day_it_is_given() -> None:
    # a caller checking many numbers (the list import) passes its day once; each call takes the day it is given
    born = dt.date(2020, 5, 1)
    number = gb11643(f"320102{born:%Y%m%d}123")
    assert normalize_id_number(number, today=born) == number
    with pytest.raises(DomainError):
        normalize_id_number(number, today=born - dt.timedelta(days=1))
    assert normalize_id_number(number) == number  # and without one, the local date


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "1101051949123100", "11010519491231002X1", "1101051949123100X2", "123"],
)
def test_it_refuses_a_wrong_length(raw: str) -> None:
    with pytest.raises(DomainError) as exc:
        normalize_id_number(raw)
    assert exc.value.code == "invalid_id_number"
    assert set(exc.value.fields) == {"id_number"}


@pytest.mark.parametrize(
    "raw", ["1101051949123100A2", "11010519491231002Y", "A1010519491231002X", "11010519491231-02X"]
)
def test_it_refuses_letters(raw: str) -> None:
    with pytest.raises(DomainError) as exc:
        normalize_id_number(raw)
    assert "id_number" in exc.value.fields


def test_it_refuses_digits_of_other_scripts() -> None:
    # "١" (Arabic-Indic one) passes str.isdigit() and int(); it is not a digit of an ID number.
    number = gb11643("11010519491231002")
    with pytest.raises(DomainError):
        normalize_id_number("١" + number[1:])


def test_it_accepts_a_retired_address_code() -> None:
    # 110103 崇文区 was merged into 东城区 in 2010, yet people born in 1985 still carry it: an ID keeps the code of
    # the place of issue. stdnum's validate() checks the code against the birth year and would refuse this person.
    number = gb11643("11010319850612341")
    assert normalize_id_number(number) == number


def test_it_accepts_an_address_code_no_list_knows() -> None:
    number = gb11643("99999919850612341")
    assert normalize_id_number(number) == number


def test_it_names_the_field_it_was_given() -> None:
    with pytest.raises(DomainError) as exc:
        normalize_id_number("not a number")
    assert list(exc.value.fields) == ["id_number"]
    with pytest.raises(DomainError) as exc:
        normalize_id_number("not a number", field="guardian_id_number")
    assert list(exc.value.fields) == ["guardian_id_number"]
    assert exc.value.fields["guardian_id_number"] == exc.value.message


def test_it_reads_birth_date_and_gender() -> None:
    assert birth_date_of("11010519491231002X") == dt.date(1949, 12, 31)
    assert gender_of("11010519491231002X") == "female"  # order code 002: even
    assert gender_of(gb11643("32010219800101123")) == "male"  # 123: odd


def test_it_masks_all_but_address_code_and_last_four() -> None:
    assert mask_id_number("32010219800101123X") == "320102********123X"
    assert mask_id_number("") == ""


def test_it_masks_a_short_bad_value_completely() -> None:
    assert mask_id_number("12345678") == "********"


def test_it_hashes_stably_and_per_value() -> None:
    a = gb11643("32010219800101123")
    b = gb11643("32010219800101125")
    assert id_number_hash(a) == id_number_hash(a)
    assert id_number_hash(a) != id_number_hash(b)
    assert len(id_number_hash(a)) == 64
    assert a not in id_number_hash(a)


def test_it_hashes_with_the_key() -> None:
    number = gb11643("32010219800101123")
    before = id_number_hash(number)
    with override_settings(FIELD_ENCRYPTION_KEY="another-key-of-at-least-32-characters-0123456789"):
        crypto._keys.cache_clear()
        changed = id_number_hash(number)
    crypto._keys.cache_clear()
    assert changed != before
    assert id_number_hash(number) == before


def test_it_is_not_a_plain_sha256() -> None:
    import hashlib

    number = gb11643("32010219800101123")
    assert id_number_hash(number) != hashlib.sha256(number.encode()).hexdigest()
