"""Authenticated encryption and keyed hashing of sensitive values (ID numbers, TOTP secrets).

Both keys are derived with HKDF from ``settings.FIELD_ENCRYPTION_KEY`` (give it at least 32 random bytes), so a
leaked lookup hash never helps to decrypt and the hash can't be recomputed without the key (unlike a plain SHA-256
of an 18-digit number, which is brute-forced in minutes).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_PREFIX = "v1:"


@lru_cache(maxsize=4)
def _keys(master: str) -> tuple[bytes, bytes]:
    material = HKDF(algorithm=hashes.SHA256(), length=64, salt=b"anbang-field-keys", info=b"v1").derive(
        master.encode("utf-8")
    )
    return material[:32], material[32:]


@lru_cache(maxsize=4)
def _aead(master: str) -> AESGCM:
    # One cipher object per key, not per value: building one costs as much as the encryption itself (~1.3 µs), which
    # the list import pays per row. It holds the key only; the nonce is drawn per call in ``encrypt``.
    return AESGCM(_keys(master)[0])


@lru_cache(maxsize=4)
def _hmac(master: str) -> hmac.HMAC:
    # The keyed state, copied for each value: cheaper than keying a new HMAC each time (the list import hashes a
    # number per row). Copies leave it untouched.
    return hmac.new(_keys(master)[1], digestmod=hashlib.sha256)


def encrypt(plaintext: str, *, context: str) -> str:
    """AES-256-GCM with a random nonce; ``context`` (e.g. the column) is bound as associated data."""
    nonce = os.urandom(12)
    sealed = _aead(settings.FIELD_ENCRYPTION_KEY).encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
    return _PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str, *, context: str) -> str:
    if not token.startswith(_PREFIX):
        raise ValueError("not an encrypted value")
    try:
        raw = base64.b64decode(token[len(_PREFIX) :], validate=True)
    except binascii.Error:
        raise ValueError("encrypted value was altered (not base64)") from None
    if len(raw) < 12 + 16:  # nonce + GCM tag: anything shorter was cut
        raise ValueError("encrypted value was altered (too short)")
    try:
        plain = _aead(settings.FIELD_ENCRYPTION_KEY).decrypt(raw[:12], raw[12:], context.encode("utf-8"))
    except InvalidTag:
        raise ValueError("encrypted value was altered or the key is wrong") from None
    return plain.decode("utf-8")


def keyed_hash(value: str, *, context: str) -> str:
    """HMAC-SHA256 of ``value`` for exact lookup and uniqueness without storing the value."""
    digest = _hmac(settings.FIELD_ENCRYPTION_KEY).copy()
    digest.update(f"{context}\x00{value}".encode())
    return digest.hexdigest()
