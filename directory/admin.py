"""Django admin for the system administrator only (users, organisations, regions), and the policy values (read only)
and holiday calendar (editable) that the system and security administrators keep.

Separation of duties (等保 level 3): the admin site opens to ``system_admin`` alone; the audit log is not in it
(the audit administrator reads it on its own page) and nothing is ever deleted here: users are deactivated.

Policy values are set through ``directory.policy.set_policy_value`` (``POST /api/v1/policy``), which checks the
region, the range and duplicates and writes the audit row; here they are listed for the administrator to look up.
Holidays (a core model: the working-day calendar) are entered here, where the administrators' roles are known: each
add, change and delete writes an audit row, since a holiday moves every working-day deadline.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from core.audit import Actor, record_audit
from core.models import Holiday
from directory.models import Organisation, PolicyValue, Region, Role, User

# The administrators who keep the calendar and look up policy (DESIGN §1: system and security administrators).
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})


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


def _is_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_authenticated and getattr(user, "role", "") in ADMIN_ROLES)


@admin.register(PolicyValue)
class PolicyValueAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "region", "value", "effective_from", "note", "created_at"]
    list_filter = ["name", "effective_from"]
    search_fields = ["name", "region__code", "region__name", "note"]
    list_select_related = ["region"]
    ordering = ["name", "region", "-effective_from"]
    date_hierarchy = "effective_from"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday", "date"]
    list_editable = ["name", "is_workday"]
    search_fields = ["name"]
    date_hierarchy = "date"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def _audit(self, request: HttpRequest, action: str, holiday: Holiday) -> None:
        record_audit(
            actor=Actor.of(request),
            action=action,
            object_type="core.holiday",
            object_id=holiday.pk,
            detail={"date": holiday.date.isoformat(), "is_workday": holiday.is_workday, "name": holiday.name},
        )

    def save_model(self, request: HttpRequest, obj: Holiday, form: ModelForm[Holiday], change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._audit(request, "holiday.change" if change else "holiday.add", obj)

    def delete_model(self, request: HttpRequest, obj: Holiday) -> None:
        self._audit(request, "holiday.delete", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Holiday]) -> None:
        for holiday in queryset:
            self._audit(request, "holiday.delete", holiday)
        super().delete_queryset(request, queryset)
