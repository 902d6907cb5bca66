from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.audit import first_bad_row
from core.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit log's hash chain: exit 0 on an honest log, else print 'first bad row: <id>' and exit 1."

    def handle(self, *args: Any, **options: Any) -> None:
        bad = first_bad_row()
        if bad is not None:
            self.stdout.write(f"first bad row: {bad}")
            raise SystemExit(1)
        self.stdout.write(f"audit log intact: {AuditEvent.objects.count()} rows")
