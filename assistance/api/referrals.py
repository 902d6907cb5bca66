"""The referrals part's API operations (stub: filled in by the referrals work)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["assistance"])
