from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.errors import DomainError
from core.management.commands.run_jobs import parse_date
from stats.services import roll_up_register


class Command(BaseCommand):
    help = (
        "Build the register roll-ups of a range of closed days (back-fill history; the nightly run_jobs does "
        "yesterday). Days already rolled up are left as they are unless --replace. Each day is one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", type=parse_date, required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", type=parse_date, default=None, help="last day (default yesterday)")
        parser.add_argument(
            "--replace", action="store_true", help="rebuild days already rolled up from the data as it is now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        first: dt.date = options["first"]
        last: dt.date = options["last"] or timezone.localdate() - dt.timedelta(days=1)
        if first > last:
            raise CommandError(f"--from {first} is after --to {last}")
        day = first
        while day <= last:
            started = time.monotonic()
            try:
                result = roll_up_register(day=day, replace=options["replace"])
            except DomainError as exc:
                raise CommandError(f"{day}: {exc.message}") from None
            seconds = time.monotonic() - started
            if result.created:
                self.stdout.write(f"{day} rolled up: regions {result.regions}, cases {result.cases} ({seconds:.2f} s)")
            else:
                self.stdout.write(f"{day} already rolled up (--replace to rebuild)")
            day += dt.timedelta(days=1)
