"""The audit log: append-only, each row carrying the hash of the one before (DESIGN §3, §8).

``record_audit`` is called inside the write's own transaction, so the audit row commits or rolls back with the write.
To keep the chain linear with several app servers, the writer takes a lock before reading the last hash: on
PostgreSQL a transaction-level advisory lock, on SQLite the database write lock that ``BEGIN IMMEDIATE`` already
holds. Call it as late as possible in a transaction: the lock is held until commit.

The hash is keyed (HMAC-SHA256 with a key derived from ``FIELD_ENCRYPTION_KEY``, which the database does not hold):
whoever can write to the database can still delete or change rows, but cannot compute the hashes that would hide
it. Deleting the newest rows leaves an honest-looking shorter chain; the nightly ``audit_head`` job prints the
chain's head (id and hash) into the job log, kept apart from the database, and ``verify_audit --head ID:HASH``
checks that a head noted then is still there.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from core.crypto import keyed_hash
from core.models import AuditEvent

if TYPE_CHECKING:
    # ``_User`` is django-stubs' name for settings.AUTH_USER_MODEL (its mypy plugin resolves it to the project's user
    # model), so core types the actor without importing the app above it that defines users.
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.auth.models import _User as User

GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 0x616E62616E67  # "anbang"


def _canonical(row: AuditEvent) -> bytes:
    payload = {
        # in UTC whatever zone the driver hands back (a DATABASES TIME_ZONE would otherwise re-hash every row)
        "at": row.at.astimezone(dt.UTC).isoformat(),
        "user": row.user_id,
        "username": row.username,
        "role": row.role,
        "organisation": row.organisation,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "ip": row.ip,
        "outcome": row.outcome,
        "detail": row.detail,
        "prev": row.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def row_hash(row: AuditEvent) -> str:
    return keyed_hash(_canonical(row).decode(), context="audit.chain")


def client_ip(request: HttpRequest | None) -> str | None:
    """The client address. Behind the proxy, nginx sets REMOTE_ADDR via the real-IP module; we never trust
    X-Forwarded-For here, because a client can forge it."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _portable(value: Any) -> Any:
    """``value`` (parsed JSON) as both databases store and give it back, so the hash of an honest row holds.

    PostgreSQL's jsonb keeps numbers as decimals: ``1e+16`` comes back as the integer 10000000000000000 and ``-0.0``
    as ``0.0``; it refuses NaN, infinities and the NUL character outright (so would the audited write).
    """
    if isinstance(value, dict):
        return {_portable(key): _portable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_portable(item) for item in value]
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value == 0:
            return 0.0
        if abs(value) >= 1e16:  # where repr() switches to an exponent; every such float is a whole number
            return int(value)
    return value


def _stored_ip(ip: str | None) -> str | None:
    """``ip`` in the form the database gives back, so the row's hash covers what is stored.

    The IP column normalises IPv6 (``2001:DB8::1`` is read back as ``2001:db8::1``), and PostgreSQL's ``inet``
    refuses what is not an address (gunicorn on a unix socket gives no address). Hashing the raw value would make
    an honest row look forged, or fail the write it audits.
    """
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if address.version == 6:
        return clean_ipv6_address(ip.strip())
    return str(address)


@dataclass(frozen=True)
class Actor:
    user: User | None
    ip: str | None = None

    @classmethod
    def of(cls, request: HttpRequest | None, user: User | AnonymousUser | None = None) -> Actor:
        who = user if user is not None else getattr(request, "user", None)
        real = who if who is not None and who.is_authenticated else None
        return cls(user=real, ip=client_ip(request))  # type: ignore[arg-type]

    @classmethod
    def system(cls) -> Actor:
        return cls(user=None, ip=None)


def record_audit(
    *,
    actor: Actor,
    action: str,
    object_type: str = "",
    object_id: object = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
    username: str | None = None,
) -> AuditEvent:
    """Append one audit row. ``username`` names the subject when there is no signed-in user (a failed sign-in)."""
    user = actor.user
    organisation = getattr(user, "organisation", None) if user is not None else None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        row = AuditEvent(
            at=timezone.now(),
            user_id=user.pk if user is not None else None,
            username=(user.get_username() if user is not None else (username or ""))[:150],
            role=(user.role if user is not None else "") or "",
            organisation=organisation.code if organisation is not None else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            ip=_stored_ip(actor.ip),
            outcome=outcome,
            detail=detail or {},
            prev_hash=last or GENESIS,
        )
        # Round-trip the detail through JSON so the hash covers exactly what the database will give back.
        row.detail = _portable(json.loads(json.dumps(row.detail, default=str)))
        row.hash = row_hash(row)
        row.save(force_insert=True)
    return row


def first_bad_row(batch_size: int = 5000) -> int | None:
    """The id of the first row whose hash or link to the row before does not hold, or None for an honest log.

    A changed row fails its own hash; a deleted row breaks the next row's link; reordered rows break both.
    Streams in id order, so memory stays flat on a large log.
    """
    previous = GENESIS
    for row in _rows_in_order(batch_size):
        if row.prev_hash != previous or row_hash(row) != row.hash:
            return row.id
        previous = row.hash
    return None


def head() -> tuple[int, str] | None:
    """The newest row's id and hash: note it somewhere the database's users cannot write (``audit_head``)."""
    row = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    return None if row is None else (int(row[0]), str(row[1]))


def head_is_kept(row_id: int, hash_: str) -> bool:
    """Whether the row of a head noted earlier is still in the log, unchanged (rows after it may have been added).
    With ``first_bad_row() is None`` it proves that nothing up to that row was deleted or changed."""
    return AuditEvent.objects.filter(id=row_id, hash=hash_).exists()


def _rows_in_order(batch_size: int) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id
