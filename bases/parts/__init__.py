"""The parts of the bases area, each declaring what it adds to the registries (``bases/contrib.py`` merges them):
``register`` (the bases, their staff, certification and evaluation), ``stays`` (beds reserved, stays, follow-ups)
and ``numbers`` (the dashboard, its figures and the forecast)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.areas import DemoStep, HomeCard, HomeIntro, HookFunc, Job, Label, NavEntry, WorklistKind


@dataclass(frozen=True)
class Part:
    nav: Sequence[NavEntry] = ()
    homes: Sequence[HomeIntro] = ()
    cards: Sequence[HomeCard] = ()
    worklist: Sequence[WorklistKind] = ()
    metrics: Sequence[Any] = ()
    jobs: Sequence[Job] = ()
    demo: Sequence[DemoStep] = ()
    hooks: Mapping[str, Sequence[HookFunc]] = field(default_factory=dict)
    audit_labels: Mapping[str, Label] = field(default_factory=dict)
