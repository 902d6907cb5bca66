"""The pages of every metric family: ``<key>/`` and ``<key>/list/``. Each family registered at start-up also keeps
the URL names ``stats:<key>`` and ``stats:<key>_list``, which other pages link to."""

from __future__ import annotations

from django.urls import URLPattern, path

from stats import views
from stats.families import families

app_name = "stats"
urlpatterns: list[URLPattern] = []
for _family in families():
    urlpatterns += [
        path(f"{_family.key}/", views.dashboard, {"family": _family.key}, name=_family.key),
        path(f"{_family.key}/list/", views.figure_list, {"family": _family.key}, name=f"{_family.key}_list"),
    ]
urlpatterns += [
    path("<slug:family>/", views.dashboard, name="dashboard"),
    path("<slug:family>/list/", views.figure_list, name="list"),
]
