"""The part of the page toolkit (``core/pages.py``) that needs directory's users and roles."""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from directory.models import User


def signed_in(request: HttpRequest) -> User:
    """The signed-in user of a page behind ``login_required``."""
    user = request.user
    assert isinstance(user, User)
    return user


def page_user(request: HttpRequest, roles: Collection[str]) -> User:
    """The signed-in user, if their role takes part in this page (else 403, as every page answers)."""
    user = signed_in(request)
    if user.role not in roles:
        raise PermissionDenied
    return user
