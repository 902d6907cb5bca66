from __future__ import annotations

from django.http import HttpRequest

from directory.models import User
from directory.navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        return {"nav_items": nav_for(user)}
    return {"nav_items": []}
