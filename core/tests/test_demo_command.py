"""``manage.py demo`` runs the demo steps the areas declared, in their declared order, and names no area itself."""

from __future__ import annotations

import re
from collections.abc import Sequence
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings

from core.areas import Area, DemoContext, DemoStep, Registry, registry
from core.errors import DomainError
from core.management.commands import demo as command

pytestmark = pytest.mark.django_db


def test_it_runs_the_areas_demo_steps_in_their_declared_order() -> None:
    assert [step.name for step in registry.demo_steps()] == [
        "directory",
        "handover",
        "cases",
        "assistance",
        "register_rollups",
        "sign_ins",
    ]


def step(name: str, ran: list[tuple[str, DemoContext]], *, after: tuple[str, ...] = (), last: bool = False) -> DemoStep:
    def run(context: DemoContext) -> Sequence[str]:
        ran.append((name, context))
        return [f"{name}: loaded"]

    return DemoStep(name, run, after=after, last=last)


@override_settings(ANBANG_DEMO_PASSWORD="Demo-test-1")
def test_it_runs_whatever_steps_the_registry_holds_after_what_they_name(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[tuple[str, DemoContext]] = []
    steps = Registry()
    # declared out of order: the later area's step runs first
    steps.register(Area("upper", demo=[step("reports", ran, after=("people",)), step("logins", ran, last=True)]))
    steps.register(Area("lower", demo=[step("people", ran)]))
    monkeypatch.setattr(command, "registry", steps)
    out = StringIO()
    call_command("demo", "--size", "12", stdout=out)
    assert [name for name, _context in ran] == ["people", "reports", "logins"]
    assert {context for _name, context in ran} == {DemoContext(password="Demo-test-1", size=12)}
    assert out.getvalue().splitlines() == ["people: loaded", "reports: loaded", "logins: loaded"]

    ran.clear()
    call_command("demo", stdout=StringIO())
    assert ran[0][1].size is None  # without --size each step takes its own default


def test_it_reports_a_refused_demo_step_as_a_command_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(context: DemoContext) -> Sequence[str]:
        raise DomainError("invalid_input", "no such office", fields={"office": "unknown"})

    steps = Registry()
    steps.register(Area("a", demo=[DemoStep("a", refused)]))
    monkeypatch.setattr(command, "registry", steps)
    with pytest.raises(CommandError, match="no such office"):
        call_command("demo", stdout=StringIO())


def test_the_command_names_no_area() -> None:
    source = Path(command.__file__).read_text(encoding="utf-8")
    areas = [config.label for config in apps.get_app_configs() if config.name == config.label != "core"]
    assert "handover" in areas and "cases" in areas
    assert [label for label in areas if re.search(rf"\b{label}\b", source)] == []
