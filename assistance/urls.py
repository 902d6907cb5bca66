"""The assistance area's pages: the 救助与就业 tab beside the case page (``/cases/<id>/assistance/``, so the page
belongs to 帮教档案 in the navigation as the case page does), and the area's own pages under ``/assistance/`` (the
referral inbox and page, the one-time partner link, the pre-release education form)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from assistance.views import case_tab, employment, intake, referrals

app_name = "assistance"

urlpatterns: list[URLPattern | URLResolver] = [
    path("cases/", include(case_tab.urlpatterns)),
    path("assistance/", include([*intake.urlpatterns, *referrals.urlpatterns, *employment.urlpatterns])),
]
