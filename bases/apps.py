from __future__ import annotations

from django.apps import AppConfig


class BasesConfig(AppConfig):
    name = "bases"
    verbose_name = "过渡性安置基地"
