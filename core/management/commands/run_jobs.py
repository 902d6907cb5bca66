from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.jobs import all_jobs


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be a date YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = "Run the periodic jobs (deadline scans, expiry, clean-up). --once for cron; otherwise loop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run every job once and exit")
        parser.add_argument("--as-of", type=parse_date, default=None, help="the China date to run for")
        parser.add_argument("--interval", type=int, default=3600, help="seconds between rounds when looping")
        parser.add_argument("--only", action="append", default=[], help="run only this job (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = all_jobs()
        unknown = set(options["only"]) - set(jobs)
        if unknown:
            raise CommandError(f"unknown job(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(jobs))}")
        selected = {name: func for name, func in jobs.items() if not options["only"] or name in options["only"]}
        while True:
            as_of = options["as_of"] or timezone.localdate()
            for name, func in selected.items():
                started = time.monotonic()
                result = func(as_of)
                self.stdout.write(f"{as_of} {name}: {result} ({time.monotonic() - started:.2f} s)")
            if options["once"]:
                return
            time.sleep(options["interval"])
