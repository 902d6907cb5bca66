"""The committed translations are whole: every Chinese UI string has its English, none left fuzzy, and the compiled
catalogue is the one the .po file describes."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of each entry; plural entries give their msgid and first msgstr."""
    found: list[tuple[str, str, bool]] = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if any(line.startswith("#~") for line in lines):
            continue  # obsolete
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        parts: dict[str, str] = {}
        key = ""
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[0\])?|msgstr\[\d+\])\s+"(.*)"$', line)
            if match:
                key = match.group(1)
                parts[key] = match.group(2)
            elif line.startswith('"') and key:
                parts[key] += line[1:-1]
        if parts.get("msgid"):
            found.append((parts["msgid"], parts.get("msgstr", parts.get("msgstr[0]", "")), fuzzy))
    return found


def test_it_has_english_for_every_chinese_string_and_nothing_fuzzy() -> None:
    rows = entries(LOCALE / "en" / "LC_MESSAGES" / "django.po")
    assert len(rows) > 500
    untranslated = [msgid for msgid, msgstr, _ in rows if CHINESE.search(msgid) and not msgstr]
    fuzzy = [msgid for msgid, _, is_fuzzy in rows if is_fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_it_compiles_the_catalogue_from_the_committed_po_file() -> None:
    rows = entries(LOCALE / "en" / "LC_MESSAGES" / "django.po")
    with (LOCALE / "en" / "LC_MESSAGES" / "django.mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    stale = [
        msgid
        for msgid, msgstr, _ in rows
        if msgstr and "%" not in msgid and "\\" not in msgid and catalogue.gettext(msgid) != msgstr
    ]
    assert stale == []
