from __future__ import annotations

from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = "救助与就业帮扶"
