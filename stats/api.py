"""The statistics API (DESIGN §5, §6): the operations of every registered metric family, on one router."""

from __future__ import annotations

from ninja import Router

from stats.apikit import mount
from stats.families import families

router = Router(tags=["stats"])
for _family in families():
    mount(router, _family)
