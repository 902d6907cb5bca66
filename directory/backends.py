"""The authentication backend: Django's model backend, loading the signed-in user with the organisation and region
every page reads (navigation, reach rule, header), in one query instead of three."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from directory.models import User


class UserBackend(ModelBackend):
    def get_user(self, user_id: int) -> User | None:
        # AuthenticationMiddleware calls this on every request with a session; a deactivated user gets None, so
        # their sessions stop at once (user_can_authenticate checks is_active)
        user = User.objects.select_related("organisation__region").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
