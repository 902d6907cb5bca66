from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        # Each app's contrib module imports its models, which are loaded only once every app is: hence here.
        from core.areas import discover

        discover()
