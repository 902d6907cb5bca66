"""Reads of stays, always through ``Stay.objects.visible_to``."""

from __future__ import annotations

from bases.models import Stay
from core.errors import NotFound
from directory.models import User


def get_stay_for_user(user: User, stay_id: int) -> Stay:
    """The stay within ``user``'s reach, else 404 (missing and out of reach look the same)."""
    stay = Stay.objects.visible_to(user).select_related("base", "person").filter(pk=stay_id).first()
    if stay is None:
        raise NotFound()
    return stay
