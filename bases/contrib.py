"""What the bases area adds (过渡性安置基地, seed §3): its policy parameters and capabilities, and per part of the
work (``bases.parts``: the register of bases, the stays, the numbers) its navigation, home cards, worklist kinds,
jobs, metrics, demo, hooks and audit labels.

Every stay action on a case's timeline is also an audit action ``case.stay_<action>``, labelled once in its part
for both the timeline and the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bases import capabilities
from bases.parameters import PARAMETERS
from bases.parts import numbers, register, stay_pages, stays
from core.areas import Area, HookFunc

PARTS = [register.PART, stays.PART, stay_pages.PART, numbers.PART]


def _hooks() -> dict[str, Sequence[HookFunc]]:
    merged: dict[str, list[HookFunc]] = {}
    for part in PARTS:
        for name, funcs in part.hooks.items():
            merged.setdefault(name, []).extend(funcs)
    return dict(merged)


def _labels() -> dict[str, Any]:
    return {key: label for part in PARTS for key, label in part.audit_labels.items()}


AREA = Area(
    name="bases",
    nav=[entry for part in PARTS for entry in part.nav],
    homes=[home for part in PARTS for home in part.homes],
    cards=[card for part in PARTS for card in part.cards],
    worklist=[kind for part in PARTS for kind in part.worklist],
    capabilities=capabilities.CAPABILITIES,
    metrics=[family for part in PARTS for family in part.metrics],
    parameters=PARAMETERS,
    jobs=[job for part in PARTS for job in part.jobs],
    demo=[step for part in PARTS for step in part.demo],
    hooks=_hooks(),
    audit_labels=_labels(),
)
