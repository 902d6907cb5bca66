"""``manage.py demo``: every area's synthetic demo data (DESIGN §7), in the order their demo steps declare."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.areas import DemoContext, registry
from core.env import development_secret
from core.errors import DomainError


def demo_password() -> str:
    """``ANBANG_DEMO_PASSWORD``, or one generated once under ``var/`` and kept (so re-runs keep the sign-ins)."""
    if settings.ANBANG_DEMO_PASSWORD:
        return str(settings.ANBANG_DEMO_PASSWORD)
    return "Demo-" + development_secret(settings.VAR_DIR / "demo-password", nbytes=9)


class Command(BaseCommand):
    help = "Load the synthetic demo data of DESIGN §7 (idempotent) and print the demo sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=None, help="how many hand-over demo people")

    def handle(self, *args: Any, **options: Any) -> None:
        context = DemoContext(password=demo_password(), size=options["size"])
        lines: list[str] = []
        try:
            for step in registry.demo_steps():
                lines += step.run(context)
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.fields}") from None
        # Printed once every step has loaded: a step that fails leaves no half report.
        for line in lines:
            self.stdout.write(line)
