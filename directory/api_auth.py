"""The signed-in user of an API request and the role check every API operation starts with."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.errors import Forbidden
from directory.models import User


def current_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise Forbidden(_("Your role may not do this."))
