from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.env import development_secret
from core.errors import DomainError
from directory.demo import DEMO_USERS, build_directory


def demo_password() -> str:
    """``ANBANG_DEMO_PASSWORD``, or one generated once under ``var/`` and kept (so re-runs keep the sign-ins)."""
    if settings.ANBANG_DEMO_PASSWORD:
        return str(settings.ANBANG_DEMO_PASSWORD)
    return "Demo-" + development_secret(settings.VAR_DIR / "demo-password", nbytes=9)


class Command(BaseCommand):
    help = "Load the synthetic demo data of DESIGN §7 (idempotent) and print the demo sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        password = demo_password()
        try:
            build_directory(password=password)
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.fields}") from None
        self.stdout.write(f"demo sign-ins (password for all: {password}):")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.username:<18} {demo.full_name}")
