"""The assistance demo (placeholder while it is built)."""

from __future__ import annotations

from collections.abc import Sequence

from core.areas import DemoContext


def assistance_step(context: DemoContext) -> Sequence[str]:
    return []
