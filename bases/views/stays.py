"""The stays pages of the bases area."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
# under /cases/: the case page's 过渡安置 tab
case_urlpatterns: list[URLPattern | URLResolver] = []
