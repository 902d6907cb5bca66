from __future__ import annotations

from django.apps import AppConfig


class HandoverConfig(AppConfig):
    name = "handover"
    verbose_name = "衔接"
