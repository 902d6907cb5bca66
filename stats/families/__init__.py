"""The metric families the areas registered (``Area(metrics=...)``), as the statistics pages and API read them.

Each family is one module (``stats.families.handover``, ``stats.families.register``, or any area's own): a
``core.metrics.MetricFamily``. The registry also holds what an area declared in a shorter shape of its own (a
``MetricFamilyLike`` with only a key); the pages show the families that declare everything a page needs.
"""

from __future__ import annotations

from django.http import Http404

from core.areas import registry
from core.metrics import MetricFamily


def families() -> list[MetricFamily]:
    """The families with a dashboard, in the order of their tabs (``order``, then as the areas registered them)."""
    found = [family for family in registry.metric_families() if isinstance(family, MetricFamily)]
    return sorted(found, key=lambda family: family.order)


def family(key: str) -> MetricFamily:
    """The family ``key``, or 404 (a page of a family no area declares)."""
    for found in families():
        if found.key == key:
            return found
    raise Http404
