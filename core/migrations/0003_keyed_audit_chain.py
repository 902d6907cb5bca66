"""The audit chain's hashes become keyed (HMAC-SHA256 with a key derived from FIELD_ENCRYPTION_KEY; core.audit).

The log written before (plain SHA-256) is re-chained once with the keyed hash, in id order, so that verify_audit
checks the whole log the same way. Run it on an honest log: ``verify_audit`` before upgrading. A log that was
tampered with before this migration is re-chained as it is, so keep the old verification's result.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

BATCH = 2000


def rechain(apps: Any, schema_editor: Any) -> None:
    from core.audit import GENESIS, row_hash

    AuditEvent = apps.get_model("core", "AuditEvent")
    previous, last_id = GENESIS, 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:BATCH])
        if not rows:
            return
        for row in rows:
            row.prev_hash = previous
            row.hash = previous = row_hash(row)
        AuditEvent.objects.bulk_update(rows, ["prev_hash", "hash"])
        last_id = rows[-1].id


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(rechain, migrations.RunPython.noop)]
