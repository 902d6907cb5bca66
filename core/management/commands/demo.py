"""``manage.py demo``: every area's demo step (``core.areas.DemoStep``, declared in its ``contrib.py``), in the
order their ``after=`` gives, each printing what it loaded; the sign-ins come last. Each step is idempotent, so the
command is too."""

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
        parser.add_argument(
            "--size", type=int, default=None, help="how many made-up persons (without it, each demo step's default)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        context = DemoContext(password=demo_password(), size=options["size"])
        try:
            for step in registry.demo_steps():
                for line in step.run(context):
                    self.stdout.write(line)
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.fields}") from None
