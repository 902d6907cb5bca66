from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.audit import first_bad_row, head_is_kept
from core.models import AuditEvent


def parse_head(value: str) -> tuple[int, str]:
    row_id, _, hash_ = value.partition(":")
    if not row_id.isdigit() or len(hash_) != 64:
        raise CommandError(f"--head must be ID:HASH as the audit_head job prints it, got {value!r}")
    return int(row_id), hash_


class Command(BaseCommand):
    help = (
        "Check the audit log's keyed hash chain: exit 0 on an honest log, else print 'first bad row: <id>' and exit "
        "1. --head ID:HASH (a head the nightly audit_head job noted) also checks that row is still there, so that "
        "no row up to it was deleted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--head", type=parse_head, action="append", default=[], help="ID:HASH (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        bad = first_bad_row()
        if bad is not None:
            self.stdout.write(f"first bad row: {bad}")
            raise SystemExit(1)
        for row_id, hash_ in options["head"]:
            if not head_is_kept(row_id, hash_):
                self.stdout.write(f"head missing: {row_id} (rows up to it were deleted or changed)")
                raise SystemExit(1)
        self.stdout.write(f"audit log intact: {AuditEvent.objects.count()} rows")
