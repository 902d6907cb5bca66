"""Citizen ID numbers (公民身份号码, GB 11643-1999).

Validation checks the length, the check digit and a real birth date not in the future. It never checks the 6-digit
address code: that is the code of the place of issue, and codes retired since stay valid in IDs, so
``stdnum.cn.ric.validate()`` (which checks the code against the birth year) would refuse real people. We use only
its check-digit function.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn.ric import calc_check_digit

from core import crypto
from core.errors import DomainError

HASH_CONTEXT = "id_number"
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")


def check_digit(body: str) -> str:
    """The GB 11643 check character of the 17-digit ``body``.

    ``stdnum``'s ``calc_check_digit`` takes the whole 18-character number and ignores its last character: give it
    only the 17 digits and it silently computes the checksum of 16 (and refuses every real ID number).
    """
    return calc_check_digit(body + "0")


def _digits(text: str) -> bool:
    # str.isdigit() alone also accepts other scripts' digits ("١", "²"): an ID number is ASCII digits only, and
    # an ASCII string that isdigit() holds 0-9 alone.
    return text.isascii() and text.isdigit()


def _invalid(field: str, message: str) -> DomainError:
    return DomainError("invalid_id_number", message, fields={field: message})


def normalize_id_number(raw: str, *, field: str = "id_number", today: dt.date | None = None) -> str:
    """The canonical 18-character form of ``raw``, or a DomainError naming ``field``.

    Accepts surrounding spaces, full-width digits, a lower-case ``x``, and 15-digit numbers issued before 1999
    (upgraded by inserting the century ``19`` and computing the check digit). ``today`` (default: the local date)
    bounds the birth date; a caller checking many numbers passes it once (the list import: ~2 µs a call).
    """
    raw = raw or ""
    if len(raw) == 18 and raw.isascii() and raw.isalnum() and not raw.islower():
        value = raw  # nearly every number: nothing to drop or translate (what is left is checked below)
    else:
        # Any whitespace, including the full-width space (U+3000) of Chinese input methods, is dropped.
        value = "".join(raw.split()).translate(_FULLWIDTH).upper()
    if not value:
        raise _invalid(field, _("ID number is required."))
    if len(value) == 15:
        if not _digits(value):
            raise _invalid(field, _("A 15-digit ID number must contain digits only."))
        body = value[:6] + "19" + value[6:]
        value = body + check_digit(body)
    if len(value) != 18:
        raise _invalid(field, _("An ID number has 18 characters (or 15 for old numbers)."))
    if not _digits(value[:17]) or not (_digits(value[17]) or value[17] == "X"):
        raise _invalid(field, _("An ID number is 17 digits followed by a digit or X."))
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise _invalid(field, _("The birth date in the ID number is not a real date.")) from None
    if birth > (today or timezone.localdate()) or birth.year < 1880:
        raise _invalid(field, _("The birth date in the ID number is not possible."))
    if check_digit(value[:17]) != value[17]:
        raise _invalid(field, _("The check digit of the ID number is wrong."))
    return value


def birth_date_of(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def gender_of(id_number: str) -> str:
    """``male`` or ``female`` from the order code's last digit (odd: male)."""
    return "male" if int(id_number[16]) % 2 else "female"


def mask_id_number(id_number: str) -> str:
    """``320102********123X``: the address code and the last four characters stay readable."""
    if not id_number:
        return ""
    if len(id_number) < 11:
        # Not a normalized number (bad legacy data): hide all of it rather than show most of it.
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def id_number_hash(id_number: str) -> str:
    """Keyed hash of a normalized ID number, stored beside the encrypted value for lookup and uniqueness."""
    return crypto.keyed_hash(id_number, context=HASH_CONTEXT)
