"""Django admin for policy values (read only) and the holiday calendar (editable).

Policy values are set through ``core.policy.set_policy_value`` (``POST /api/v1/policy``), which checks the region,
the range and duplicates and writes the audit row; here they are listed for the administrator to look up. Holidays
are entered here: each add, change and delete writes an audit row, since a holiday moves every working-day deadline.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from core.audit import Actor, record_audit
from core.models import Holiday, PolicyValue
from directory.models import Role

# The administrators who keep the calendar and look up policy (DESIGN §1: system and security administrators).
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})


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
