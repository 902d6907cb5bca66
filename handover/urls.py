"""Pages of the hand-over under /handover/. The import page (/handover/import/) is wired by its own module."""

from __future__ import annotations

from django.urls import path

from handover import views

app_name = "handover"
urlpatterns = [
    path("", views.index, name="index"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path("notices/<int:notice_id>/verify/", views.notice_verify, name="notice_verify"),
    path("notices/<int:notice_id>/check-in/", views.notice_check_in, name="notice_check_in"),
    path("notices/<int:notice_id>/release/", views.notice_release, name="notice_release"),
    path("notices/<int:notice_id>/withdraw/", views.notice_withdraw, name="notice_withdraw"),
    path("notices/<int:notice_id>/route/", views.notice_route, name="notice_route"),
    path("inbox/", views.inbox, {"tab": "verify"}, name="inbox"),
    path("inbox/check-in/", views.inbox, {"tab": "check_in"}, name="inbox_check_in"),
    path("inbox/missed/", views.inbox, {"tab": "missed"}, name="inbox_missed"),
    path("inbox/handed-over/", views.inbox, {"tab": "done"}, name="inbox_done"),
    path("returned/", views.returned, name="returned"),
    path("backfill/", views.backfill, name="backfill"),
    path("first-72-hours/", views.first_72_hours, name="first_72_hours"),
    path("first-72-hours/live/", views.first_72_hours_live, name="first_72_hours_live"),
    path("alerts/", views.alerts, name="alerts"),
]
