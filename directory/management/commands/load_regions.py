from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.audit import Actor
from core.errors import DomainError
from directory.services import load_regions

CPCA_FILE = Path(__file__).resolve().parents[2] / "data" / "cpca_adcodes.csv"


def read_region_csv(path: Path) -> list[tuple[str, str, str | None, str | None]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"code", "name"} - set(reader.fieldnames or [])
        if missing and {"adcode", "name"} - set(reader.fieldnames or []):
            raise CommandError(f"{path}: the header must name the columns code,name[,longitude,latitude]")
        return [
            (
                row.get("code") or row.get("adcode") or "",
                row.get("name") or "",
                row.get("longitude"),
                row.get("latitude"),
            )
            for row in reader
        ]


class Command(BaseCommand):
    help = (
        "Load regions. Without FILE: the county-level list shipped from the cpca package. "
        "With FILE: a CSV of townships and villages (code,name[,longitude,latitude]). Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"] or CPCA_FILE
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        try:
            count = load_regions(rows=read_region_csv(path), by=Actor.system())
        except DomainError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
            raise CommandError(f"{exc.message} {details}") from None
        self.stdout.write(f"loaded {count} regions from {path.name}")
