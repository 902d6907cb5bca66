from __future__ import annotations

from django.urls import path

from stats import register_views, views

app_name = "stats"
urlpatterns = [
    path("handover/", views.handover_dashboard, name="handover"),
    path("handover/list/", views.handover_list, name="handover_list"),
    path("register/", register_views.register_dashboard, name="register"),
    path("register/list/", register_views.register_list, name="register_list"),
]
