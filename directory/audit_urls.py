from __future__ import annotations

from django.urls import path

from directory import audit_views as views

# The audit log's pages keep the names they have had since they were core's (core:audit_log, core:audit_verify):
# links, templates and bookmarks name them so.
app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/verify/", views.verify_audit_log, name="audit_verify"),
]
