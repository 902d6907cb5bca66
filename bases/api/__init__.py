"""The bases API (``/api/v1/``): one router, made of the routers of its parts."""

from __future__ import annotations

from ninja import Router

from bases.api import numbers, register, stays

router = Router(tags=["bases"])
router.add_router("", register.router)
router.add_router("", stays.router)
router.add_router("", numbers.router)
