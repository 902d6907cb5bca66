"""Django admin for the system administrator only (users, organisations, regions).

Separation of duties (等保 level 3): the admin site opens to ``system_admin`` alone; the audit log is not in it
(the audit administrator reads it on its own page) and nothing is ever deleted here: users are deactivated.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from core.audit import Actor, record_audit
from directory.models import Organisation, Region, Role, User


class RoleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Open to the roles in ``roles``; never deletes; every save writes an audit row."""

    roles: frozenset[str] = frozenset({Role.SYSTEM_ADMIN})

    def _allowed(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and getattr(request.user, "role", "") in self.roles)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm[Any], change: bool) -> None:
        super().save_model(request, obj, form, change)
        record_audit(
            actor=Actor.of(request),
            action=f"admin.{'change' if change else 'add'}",
            object_type=obj._meta.label_lower,
            object_id=obj.pk,
            detail={"fields": sorted(form.changed_data)},
        )


@admin.register(Region)
class RegionAdmin(RoleAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Organisation)
class OrganisationAdmin(RoleAdmin):
    list_display = ["code", "name", "kind", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["region"]


@admin.register(User)
class UserAdmin(RoleAdmin, DjangoUserAdmin[User]):
    list_display = ["username", "full_name", "role", "organisation", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name"]
    raw_id_fields = ["organisation"]
    # ID numbers and TOTP secrets are set through their services (validated, audited), never typed in here.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("身份", {"fields": ("full_name", "phone", "organisation", "role")}),
        ("状态", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "password1", "password2", "full_name", "organisation", "role")}),)
    readonly_fields = ["last_login", "date_joined"]
