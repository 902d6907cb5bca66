from __future__ import annotations

from django.urls import URLPattern, URLResolver

from assistance.views import case_tab, employment, intake, referrals

app_name = "assistance"

urlpatterns: list[URLPattern | URLResolver] = [
    *case_tab.urlpatterns,
    *intake.urlpatterns,
    *referrals.urlpatterns,
    *employment.urlpatterns,
]
