"""Reads of bases, always through ``Base.objects.visible_to``: the list, one base, and the bases an office may
reserve a bed at, nearest first."""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.db.models import QuerySet

from bases.models import Base
from core.errors import NotFound
from directory.models import Region, User


def bases_for(user: User) -> QuerySet[Base]:
    return Base.objects.visible_to(user).select_related("region", "operator")


def get_base_for_user(user: User, base_id: int) -> Base:
    base = bases_for(user).filter(pk=base_id).first()
    if base is None:
        raise NotFound()
    return base


def _ancestors(code: str) -> list[str]:
    """``code`` and the codes above it, nearest first (township → county → city → province)."""
    found = [code]
    for length in (9, 6, 4, 2):
        above = code[:length].ljust(12, "0")
        if above not in found:
            found.append(above)
    return found


def coordinates(codes: Iterable[str]) -> dict[str, tuple[float, float]]:
    """Each code's longitude and latitude, from itself or the nearest region above it that has them (the cpca data
    places counties; a township borrows its county's)."""
    wanted = {code: _ancestors(code) for code in codes}
    every = {c for chain in wanted.values() for c in chain}
    known = {
        code: (float(str(lon)), float(str(lat)))
        for code, lon, lat in Region.objects.filter(
            code__in=every, longitude__isnull=False, latitude__isnull=False
        ).values_list("code", "longitude", "latitude")
    }
    found: dict[str, tuple[float, float]] = {}
    for code, chain in wanted.items():
        point = next((known[c] for c in chain if c in known), None)
        if point is not None:
            found[code] = point
    return found


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (longitude, latitude) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def nearest_bases(user: User, region_code: str) -> list[tuple[Base, float | None]]:
    """The operating bases of ``region_code``'s province within ``user``'s reach, nearest first, each with its
    distance in km (None where a region has no coordinates: those come last, by how much of the code they share)."""
    bases = list(bases_for(user).filter(status__in=Base.OPEN, region__code__startswith=region_code[:2]))
    points = coordinates([region_code, *(b.region_id for b in bases)])
    home = points.get(region_code)

    def shared(code: str) -> int:
        return next((n for n in (9, 6, 4, 2) if code[:n] == region_code[:n]), 0)

    ranked: list[tuple[Base, float | None]] = []
    for base in bases:
        there = points.get(base.region_id)
        ranked.append((base, distance_km(home, there) if home and there else None))
    ranked.sort(key=lambda item: (item[1] is None, item[1] or 0.0, -shared(item[0].region_id), item[0].name))
    return ranked
