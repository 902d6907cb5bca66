from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.demo import build_cases_demo
from core.env import development_secret
from core.errors import DomainError
from directory.demo import DEMO_USERS, build_directory
from directory.models import User
from handover.demo import DEFAULT_SIZE, GUSU_OFFICER, build_handover_demo
from stats.demo import build_register_rollups


def demo_password() -> str:
    """``ANBANG_DEMO_PASSWORD``, or one generated once under ``var/`` and kept (so re-runs keep the sign-ins)."""
    if settings.ANBANG_DEMO_PASSWORD:
        return str(settings.ANBANG_DEMO_PASSWORD)
    return "Demo-" + development_secret(settings.VAR_DIR / "demo-password", nbytes=9)


class Command(BaseCommand):
    help = "Load the synthetic demo data of DESIGN §7 (idempotent) and print the demo sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="how many hand-over demo people")

    def handle(self, *args: Any, **options: Any) -> None:
        password = demo_password()
        try:
            build_directory(password=password)
            handover = build_handover_demo(password=password, size=options["size"])
            cases = build_cases_demo(password=password)
            rolled_up = build_register_rollups()
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.fields}") from None
        counts = ", ".join(f"{status} {n}" for status, n in sorted(handover.counts.items()))
        if handover.created:
            self.stdout.write(
                f"hand-over demo: {sum(handover.counts.values())} notices ({counts}), {handover.alerts} alerts, "
                f"{handover.seconds:.1f} s"
            )
        else:
            self.stdout.write(f"hand-over demo: already loaded ({counts})")
        case_counts = ", ".join(f"{k} {v}" for k, v in sorted(cases.items()) if k not in ("created", "seconds"))
        self.stdout.write(f"cases demo: {case_counts}")
        self.stdout.write(
            f"register roll-ups: {rolled_up} days rolled up" if rolled_up else "register roll-ups: up to date"
        )
        self.stdout.write(f"demo sign-ins (password for all: {password}):")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.username:<18} {demo.full_name}")
        if User.objects.filter(username=GUSU_OFFICER[0]).exists():
            self.stdout.write(f"  {GUSU_OFFICER[0]:<18} {GUSU_OFFICER[1]}")
