"""The admin site class, apart from directory.admin so Django can import it before the admin modules."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest


class AnbangAdminSite(admin.AdminSite):
    site_header = "安置帮教信息系统 · 系统管理"
    site_title = "系统管理"
    index_title = "用户与机构"

    def has_permission(self, request: HttpRequest) -> bool:
        # Only the system administrator (separation of duties); the role value is spelled out to avoid importing
        # models here.
        user = request.user
        return bool(user.is_active and user.is_authenticated and getattr(user, "role", "") == "system_admin")
