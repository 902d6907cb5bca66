"""The employment part's API operations (stub: filled in by the employment work)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["assistance"])
