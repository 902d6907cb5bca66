from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.audit import Actor
from core.errors import DomainError
from directory.models import User
from directory.services import issue_token


class Command(BaseCommand):
    help = "Issue an API token for USERNAME (system accounts). Prints the token alone on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=None, help="lifetime in days (default API_TOKEN_DAYS)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        try:
            token, row = issue_token(user=user, by=Actor.system(), days=options["days"], name="issue_token")
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"token for {user.username}, expires {row.expires_at:%Y-%m-%d %H:%M %Z}:")
        self.stdout.write(token)
