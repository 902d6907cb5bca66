from __future__ import annotations

from django.urls import path

from stats import views

app_name = "stats"
urlpatterns = [
    path("handover/", views.handover_dashboard, name="handover"),
    path("handover/list/", views.handover_list, name="handover_list"),
]
