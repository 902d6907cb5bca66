"""What one import holds while it runs: its result (counts and the first row errors), the rows of a batch that
passed validation, and the caches that make a row cheap (regions, receiving offices, deadlines, pinyin), each
living as long as one import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pypinyin.constants import RE_HANS as _HANS
from pypinyin.seg.mmseg import p_set as _PHRASE_PREFIXES

from core.audit import Actor
from directory.models import Organisation, Region, User
from directory.policy import deadline
from handover.models import ImportJob
from handover.services import CleanNotice, receiving_office_for
from people.services import find_region, name_pinyin

MAX_STORED_ERRORS = 1000  # row errors kept in the result and the progress row; error_count counts them all

RowError = tuple[int, str, str]  # (row number, field, message)


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # the first MAX_STORED_ERRORS
    error_count: int = 0
    rows: int = 0  # rows read below the header (blank rows included)
    token: str = ""

    def add_error(self, row: int, field_name: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append({"row": row, "field": field_name, "message": message})

    def as_dict(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "created": self.created,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "error_count": self.error_count,
        }


@dataclass
class ValidRow:
    row: int
    clean: CleanNotice
    office: Organisation
    digest: str  # keyed hash of the ID number, "" without one


class Regions:
    """The region table as the import has looked it up: one query per distinct code for the whole import instead of
    one per row and field (such a query costs ~0.5 ms on SQLite, more than a row's whole budget, DESIGN §9), handed to
    ``clean_notice`` as its lookup so every rule and message stays its own. It lives as long as one import: a region
    added or changed meanwhile is seen by the next one. Bounded, so a file of random codes cannot grow it without
    limit."""

    MAX_CODES = 20_000

    def __init__(self) -> None:
        self.known: dict[str, Region | None] = {}

    def lookup(self, code: str) -> Region | None:
        try:
            return self.known[code]
        except KeyError:
            pass
        if len(self.known) >= self.MAX_CODES:
            self.known.clear()
        region = self.known[code] = find_region(code)
        return region


@dataclass
class ImportState:
    """What stays the same for every batch of one import, and the caches that make a row cheap."""

    facility: Organisation
    by: Actor
    user: User
    today: dt.date
    result: ImportResult
    job: ImportJob | None
    regions: Regions = field(default_factory=Regions)
    offices: dict[str, Organisation | None] = field(default_factory=dict)  # hukou region code → receiving office
    verify_by: dict[int, dt.date] = field(default_factory=dict)  # office id → verification deadline
    pinyin: dict[str, tuple[str, str]] = field(default_factory=dict)  # character → (pinyin, initial)

    def office_for(self, region: Region) -> Organisation | None:
        if region.code not in self.offices:
            self.offices[region.code] = receiving_office_for(region)
        return self.offices[region.code]

    def verify_by_for(self, office: Organisation) -> dt.date:
        # the office's region decides which province's (or county's) rule applies (DESIGN §4), on the import's day
        known = self.verify_by.get(office.id)
        if known is None:
            known = self.verify_by[office.id] = deadline(
                "verify_within_days", start=self.today, region=office.region_id
            )
        return known

    def name_pinyin(self, name: str) -> tuple[str, str]:
        """``people.services.name_pinyin(name)``, memoised per character (~3 µs a name instead of ~60).

        pypinyin reads a run of Chinese characters by its longest-prefix segmentation: a segment of several
        characters is a word of its phrase dictionary (or a prefix of one), whose reading may differ from its
        characters' own. A segment of two or more characters begins with two adjacent characters that are such a
        prefix, so when no two adjacent characters of an all-Chinese name are (nearly every name), each character is
        its own segment and the name's pinyin and initials are its characters' joined: each character is converted
        once per import. Any other name (a word in it, a letter, a ``·``) goes to ``name_pinyin`` whole.
        handover/tests/test_import.py checks both paths against ``name_pinyin``.
        """
        if not _HANS.match(name) or any(name[i : i + 2] in _PHRASE_PREFIXES for i in range(len(name) - 1)):
            return name_pinyin(name)
        known = self.pinyin
        if len(name) == 1:
            return known.get(name) or self._char_pinyin(name)
        pinyin, initials = "", ""
        for char in name:
            syllable, initial = known.get(char) or self._char_pinyin(char)
            pinyin += syllable
            initials += initial
        return pinyin, initials

    def _char_pinyin(self, char: str) -> tuple[str, str]:
        if len(self.pinyin) >= 50_000:  # far more than the characters names use
            self.pinyin.clear()
        result = self.pinyin[char] = name_pinyin(char)
        return result
