from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class DirectoryConfig(AppConfig):
    default = True
    name = "directory"
    verbose_name = "机构与用户"


class AnbangAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site: open to the system administrator only (see directory.admin)."""

    default = False
    default_site = "directory.admin_site.AnbangAdminSite"
