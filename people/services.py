"""Writes of person records, and the validation every intake path shares (API, form, import, backfill)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from core.errors import DomainError
from core.idnumbers import birth_date_of, gender_of, id_number_hash, normalize_id_number
from directory.models import Region
from people.models import Gender, Person

ETHNICITIES = [
    line.strip()
    for line in (Path(__file__).resolve().parents[1] / "directory" / "data" / "cpca_56_nations.csv")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]
ADDRESSABLE_LEVELS = (Region.Level.COUNTY, Region.Level.TOWNSHIP, Region.Level.VILLAGE)
# Gender.values builds a new list on every access (~7 µs): the list import checks two per row.
_GENDERS = frozenset(Gender.values)

RegionLookup = Callable[[str], Region | None]  # a 12-digit code → its region, None when there is none


def find_region(code: str) -> Region | None:
    """The region with ``code``: one query. An intake path checking many codes passes a memo of it instead."""
    return Region.objects.filter(code=code).first()


def name_pinyin(name: str) -> tuple[str, str]:
    """``("zhangsan", "zs")`` for 张三: full pinyin and initials, lower case, no tones, for search."""
    syllables = [s.lower() for s in lazy_pinyin(name, errors="ignore") if s.strip()]
    initials = [s.lower() for s in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore") if s.strip()]
    return "".join(syllables), "".join(initials)


@dataclass
class PersonData:
    """A person as an intake path gives it, before validation. Field names are the API's ``person.*`` fields."""

    name: str = ""
    gender: str = ""
    birth_date: dt.date | None = None
    id_number: str = ""
    hukou_region: str = ""
    residence_region: str = ""
    residence_address: str = ""
    former_names: str = ""
    ethnicity: str = ""
    phone: str = ""
    extra: dict[str, object] = field(default_factory=dict)


@dataclass
class CleanPerson:
    name: str
    gender: str
    birth_date: dt.date | None
    id_number: str
    hukou_region: Region | None
    residence_region: Region | None
    residence_address: str
    former_names: str
    ethnicity: str
    phone: str


def _region(
    code: str, field_name: str, errors: dict[str, str], *, required: bool, lookup: RegionLookup
) -> Region | None:
    code = (code or "").strip()
    if not code:
        if required:
            errors[field_name] = _("required")
        return None
    if len(code) != 12 or not code.isdigit():
        errors[field_name] = _("a region code has 12 digits")
        return None
    region = lookup(code)
    if region is None:
        errors[field_name] = _("unknown region code")
        return None
    if region.level not in ADDRESSABLE_LEVELS:
        errors[field_name] = _("give a township or village (or at least a county), not a province or city")
        return None
    return region


def clean_person(
    data: PersonData,
    *,
    prefix: str = "person.",
    errors: dict[str, str],
    today: dt.date | None = None,
    regions: RegionLookup = find_region,
) -> CleanPerson | None:
    """Validate ``data``, adding ``{prefix + field: message}`` to ``errors``; None when anything is wrong.

    ``today`` (default: the local date) and ``regions`` (default: a query per code) let a caller validating many
    people (the list import) pass the date once and memoise the region table for its own duration."""
    start = len(errors)
    today = today or timezone.localdate()
    name = (data.name or "").strip()
    if not name:
        errors[prefix + "name"] = _("required")
    elif len(name) > 64:
        errors[prefix + "name"] = _("at most 64 characters")
    gender = (data.gender or "").strip()
    if gender not in _GENDERS:
        errors[prefix + "gender"] = _("male or female")
    id_number = ""
    if (data.id_number or "").strip():
        try:
            id_number = normalize_id_number(data.id_number, field=prefix + "id_number", today=today)
        except DomainError as exc:
            errors.update(exc.fields)
    birth_date = data.birth_date
    if birth_date is not None and birth_date > today:
        errors[prefix + "birth_date"] = _("a birth date cannot be in the future")
    if id_number:
        if birth_date is not None and birth_date != birth_date_of(id_number):
            errors[prefix + "birth_date"] = _("does not match the birth date in the ID number")
        elif birth_date is None:
            birth_date = birth_date_of(id_number)
        if gender in _GENDERS and gender != gender_of(id_number):
            errors[prefix + "gender"] = _("does not match the ID number")
    if data.ethnicity and data.ethnicity not in ETHNICITIES:
        errors[prefix + "ethnicity"] = _("not one of the 56 ethnic groups")
    hukou = _region(data.hukou_region, prefix + "hukou_region", errors, required=True, lookup=regions)
    residence = _region(data.residence_region, prefix + "residence_region", errors, required=False, lookup=regions)
    if len(errors) > start:
        return None
    return CleanPerson(
        name=name,
        gender=gender,
        birth_date=birth_date,
        id_number=id_number,
        hukou_region=hukou,
        residence_region=residence or hukou,
        residence_address=(data.residence_address or "").strip()[:200],
        former_names=(data.former_names or "").strip()[:200],
        ethnicity=data.ethnicity or "",
        phone=(data.phone or "").strip()[:32],
    )


def find_or_create_person(clean: CleanPerson) -> tuple[Person, bool]:
    """The person with this ID number (updated with what the facility knows now), or a new one.

    Without an ID number there is nothing to match on: a new, unverified person. Call inside the caller's
    transaction; the unique keyed hash makes a concurrent duplicate fail there rather than create two people.
    """
    pinyin, initials = name_pinyin(clean.name)
    values = {
        "name": clean.name,
        "name_pinyin": pinyin,
        "name_initials": initials,
        "gender": clean.gender,
        "birth_date": clean.birth_date,
        "hukou_region": clean.hukou_region,
        "residence_region": clean.residence_region,
        "residence_address": clean.residence_address,
    }
    for optional in ("former_names", "ethnicity", "phone"):
        if getattr(clean, optional):
            values[optional] = getattr(clean, optional)
    if clean.id_number:
        digest = id_number_hash(clean.id_number)
        person = Person.objects.select_for_update().filter(id_number_hash=digest).first()
        if person is not None:
            for key, value in values.items():
                setattr(person, key, value)
            person.save(update_fields=list(values))
            return person, False
        return Person.objects.create(id_number=clean.id_number, id_number_hash=digest, id_verified=True, **values), True
    return Person.objects.create(id_verified=False, **values), True
