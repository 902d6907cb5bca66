"""One-time partner links: the token a department officer without an account holds instead of a sign-in.

The token is ``secrets.token_urlsafe(32)`` (256 bits); only its SHA-256 is stored (``PartnerLink.token_hash``), so a
copy of the database opens nothing. The URL is ``/assistance/partner/<token>/``.
"""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_path(token: str) -> str:
    return f"/assistance/partner/{token}/"
