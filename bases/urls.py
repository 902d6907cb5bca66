"""The bases area's pages: its own under ``/bases/`` (the list and each base, the stays, the dashboard) and the
过渡安置 tab beside the case page (``/cases/<id>/bases/``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from bases.views import dashboard, register, stays

app_name = "bases"

urlpatterns: list[URLPattern | URLResolver] = [
    path("cases/", include(stays.case_urlpatterns)),
    # the fixed prefixes (stays/, dashboard/) before the register's <int:pk>/
    path("bases/", include([*stays.urlpatterns, *dashboard.urlpatterns, *register.urlpatterns])),
]
