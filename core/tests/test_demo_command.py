"""``manage.py demo`` runs every area's demo step in the declared order and prints what they report, after all ran."""

from __future__ import annotations

from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from core.areas import Area, DemoContext, DemoStep, Registry
from core.errors import DomainError


def registry_of(*steps: DemoStep) -> Registry:
    reg = Registry()
    reg.register(Area("demo", demo=steps))
    return reg


def report(name: str) -> DemoStep:
    def run(context: DemoContext) -> list[str]:
        return [f"{name}: {context.password} {context.size}"]

    return DemoStep(name, run)


@override_settings(ANBANG_DEMO_PASSWORD="Demo-pw")
def test_it_runs_the_steps_in_their_declared_order_and_prints_their_lines() -> None:
    steps = registry_of(
        DemoStep("sign_ins", lambda context: ["sign-ins"], last=True),
        DemoStep("later", report("later").run, after=("first",)),
        report("first"),
    )
    out = StringIO()
    with mock.patch("core.management.commands.demo.registry", steps):
        call_command("demo", "--size", "7", stdout=out)
    assert out.getvalue().splitlines() == ["first: Demo-pw 7", "later: Demo-pw 7", "sign-ins"]


@override_settings(ANBANG_DEMO_PASSWORD="Demo-pw")
def test_it_leaves_the_size_to_each_area_when_none_is_asked_for() -> None:
    out = StringIO()
    with mock.patch("core.management.commands.demo.registry", registry_of(report("only"))):
        call_command("demo", stdout=out)
    assert out.getvalue().splitlines() == ["only: Demo-pw None"]


@override_settings(ANBANG_DEMO_PASSWORD="Demo-pw")
def test_it_stops_on_a_refused_step_and_prints_no_half_report() -> None:
    def refuse(context: DemoContext) -> list[str]:
        raise DomainError("invalid", "no regions loaded")

    out = StringIO()
    steps = registry_of(report("first"), DemoStep("refused", refuse, after=("first",)))
    with mock.patch("core.management.commands.demo.registry", steps), pytest.raises(CommandError, match="no regions"):
        call_command("demo", stdout=out)
    assert out.getvalue() == ""
