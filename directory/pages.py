"""The part of the page toolkit (``core/pages.py``) that needs directory's users and roles."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from core.errors import DomainError
from directory.models import User

T = TypeVar("T")


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


def object_page(
    request: HttpRequest, roles: Collection[str], read: Callable[[User, int], T], pk: int
) -> tuple[User, T]:
    """The signed-in user and the object ``read(user, pk)`` finds within their reach: a missing object, one out of
    reach and a role with no part in these pages all answer the same 404, so a page never confirms that a record
    exists."""
    user = signed_in(request)
    if user.role not in roles:
        raise Http404
    try:
        return user, read(user, pk)
    except DomainError:
        raise Http404 from None
