"""The import page, under /handover/import/ (wired in anbang/urls.py)."""

from __future__ import annotations

from django.urls import path

from handover import import_views

app_name = "handover_import"
urlpatterns = [
    path("", import_views.import_page, name="import"),
    path("<uuid:token>/", import_views.import_result, name="result"),
]
