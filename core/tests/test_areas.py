"""The registry itself: ordering by after=, cards filled in by key, hooks in order, refusals of a mistaken area."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.areas import Area, DemoStep, HomeCard, Job, Registry, fire, registry


def job(name: str, *, after: tuple[str, ...] = (), last: bool = False) -> Job:
    return Job(name, lambda as_of: name, after=after, last=last)


def test_it_orders_jobs_by_after_and_otherwise_as_registered() -> None:
    reg = Registry()
    reg.register(Area("a", jobs=[job("report", after=("scan",)), job("head", last=True), job("tidy")]))
    reg.register(Area("b", jobs=[job("scan")]))
    reg.check()
    assert [j.name for j in reg.jobs()] == ["tidy", "scan", "report", "head"]


def test_it_refuses_jobs_that_wait_for_each_other() -> None:
    reg = Registry()
    reg.register(Area("a", jobs=[job("x", after=("y",)), job("y", after=("x",))]))
    with pytest.raises(ImproperlyConfigured, match="circle"):
        reg.check()


def test_it_refuses_a_demo_step_after_an_unknown_one() -> None:
    reg = Registry()
    reg.register(Area("a", demo=[DemoStep("cases", lambda ctx: [], after=("nowhere",))]))
    with pytest.raises(ImproperlyConfigured, match="unknown"):
        reg.check()


def test_it_refuses_an_area_registered_twice() -> None:
    reg = Registry()
    reg.register(Area("a"))
    with pytest.raises(ImproperlyConfigured, match="twice"):
        reg.register(Area("a"))


def test_it_lets_a_later_area_fill_in_a_card_announced_by_key() -> None:
    reg = Registry()
    reg.register(Area("low", cards=[HomeCard("bases.beds", "base_manager", "床位", order=20)]))
    reg.register(Area("bases", cards=[HomeCard("bases.beds", "base_manager", "床位", url_name="bases:beds", order=20)]))
    assert [card.url_name for card in reg.home_cards("base_manager")] == ["bases:beds"]


def test_it_runs_a_hook_in_every_area_that_registered_and_merges_their_answers() -> None:
    calls: list[str] = []

    def opened(**kwargs: object) -> dict[str, object]:
        calls.append("cases")
        return {"case_id": 7, "on": kwargs["on"]}

    def housed(**kwargs: object) -> dict[str, object]:
        calls.append("bases")
        return {"bed_id": 3}

    with (
        registry.added(Area("t1", hooks={"t.checked_in": [opened]})),
        registry.added(Area("t2", hooks={"t.checked_in": [housed]})),
    ):
        assert fire("t.checked_in", on=dt.date(2026, 1, 1)) == {"case_id": 7, "on": dt.date(2026, 1, 1), "bed_id": 3}
    assert calls == ["cases", "bases"]
    assert fire("t.checked_in") == {}


def test_it_knows_no_capability_nobody_declared() -> None:
    with pytest.raises(LookupError, match="declare it"):
        registry.capability("nobody.declared")
