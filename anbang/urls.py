"""Wiring only."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from anbang.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("directory.audit_urls")),
    path("", include("directory.urls")),
    path("handover/import/", include("handover.import_urls")),
    path("handover/", include("handover.urls")),
    path("stats/", include("stats.urls")),
    path("cases/", include("cases.urls")),
    path("", include("assistance.urls")),  # /cases/<id>/assistance/ and /assistance/
    path("", include("bases.urls")),  # /cases/<id>/bases/ and /bases/
]
