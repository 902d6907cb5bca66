"""The assistance API (``/api/v1/``): one router, made of the routers of its parts."""

from __future__ import annotations

from ninja import Router

from assistance.api import employment, intake, referrals

router = Router(tags=["assistance"])
router.add_router("", intake.router)
router.add_router("", referrals.router)
router.add_router("", employment.router)
