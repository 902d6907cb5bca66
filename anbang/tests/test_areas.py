"""An area plugs in through its contrib module alone: the throwaway area of ``throwaway/contrib.py`` appears in the
navigation, on the home page, in the worklist (page and API), in the capabilities, the metric families, the
night's jobs and the demo, and no other file names it. And every role has a home, every worklist kind a label."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from anbang.testing import PASSWORD, ApiClient, persona
from anbang.tests.throwaway import contrib as throwaway
from core.areas import DemoContext, can, registry, worklist_for
from core.audit import Actor, record_audit
from core.jobs import all_jobs
from directory.models import Role
from directory.policy import deadline, policy_value, values_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def area() -> Iterator[None]:
    with registry.added(throwaway.AREA):
        yield


def signed_in(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_it_shows_a_new_areas_card_counted_from_its_worklist_kind_and_its_navigation(area: None) -> None:
    html = signed_in("office_officer").get("/").content.decode()
    assert "待整理台账" in html
    assert ">台账</a>" in html
    assert "待整理台账" not in signed_in("county_officer").get("/").content.decode()


def test_it_merges_a_new_areas_worklist_kind_into_the_worklist_page_and_api(area: None) -> None:
    items = ApiClient("office_officer").get("/worklist").json()["items"]
    chores = [item for item in items if item["kind"] == "chore_due"]
    assert chores == [
        {
            "kind": "chore_due",
            "due": timezone.localdate().isoformat(),
            "overdue": False,
            "title": "整理台账（office_officer）",
            "url": "/throwaway/",
            "case_id": None,
            "notice_id": None,
            "trace_id": None,
            "transfer_id": None,
        }
    ]
    page = signed_in("office_officer").get("/cases/worklist/").content.decode()
    assert "台账待整理" in page and 'href="/throwaway/"' in page
    assert not [i for i in worklist_for(persona("police_officer"), on=timezone.localdate()) if i.kind == "chore_due"]


def test_it_answers_a_new_areas_capability_by_its_rule(area: None) -> None:
    assert can(persona("office_officer"), "throwaway.tidy")
    assert not can(persona("volunteer"), "throwaway.tidy")


def test_it_lists_a_new_areas_metric_family(area: None) -> None:
    assert "throwaway.rates" in [family.key for family in registry.metric_families()]


def test_it_reads_and_sets_a_new_areas_policy_parameter_like_the_directorys(area: None) -> None:
    today = timezone.localdate()
    assert policy_value("throwaway_tidy_within_days", region=None, on=today) == 12
    assert deadline("throwaway_tidy_within_days", start=today, region=None) == today + dt.timedelta(days=12)
    listed = [value.parameter.name for value in values_in_force(region="320102001000", on=today)]
    assert listed[-1] == "throwaway_tidy_within_days"
    body = {"name": "throwaway_tidy_within_days", "region": "320000000000", "value": 9, "effective_from": str(today)}
    assert ApiClient("province_officer").post("/policy", body).status_code == 201
    assert policy_value("throwaway_tidy_within_days", region="320102001000", on=today) == 9


def test_it_runs_a_new_areas_job_in_its_declared_place(area: None) -> None:
    order = list(all_jobs())
    assert order.index("case_deadlines") < order.index("throwaway_tidy") < order.index("audit_head")
    out = StringIO()
    call_command("run_jobs", "--once", "--only", "throwaway_tidy", "--as-of", "2026-01-05", stdout=out)
    assert throwaway.RAN[-1] == dt.date(2026, 1, 5)
    assert "throwaway_tidy: tidied" in out.getvalue()


def test_it_runs_a_new_areas_demo_step_in_its_declared_place(area: None, monkeypatch: pytest.MonkeyPatch) -> None:
    steps = registry.demo_steps()
    names = [step.name for step in steps]
    assert names.index("cases") < names.index("throwaway") < names.index("sign_ins")
    ran: list[str] = []

    def standing_in(name: str) -> Callable[[DemoContext], Sequence[str]]:
        def run(context: DemoContext) -> Sequence[str]:
            ran.append(name)
            return [f"{name} ran"]

        return run

    # stand-ins for the other areas' steps (the real ones take seconds; their own tests run them)
    stand_ins = [
        step if step.name == "throwaway" else dataclasses.replace(step, run=standing_in(step.name)) for step in steps
    ]
    monkeypatch.setattr(registry, "demo_steps", lambda: stand_ins)
    out = StringIO()
    call_command("demo", "--size", "7", stdout=out)
    assert ran == [name for name in names if name != "throwaway"]
    assert throwaway.DEMO_RAN[-1].size == 7
    lines = out.getvalue().splitlines()
    assert lines.index("cases ran") < lines.index("throwaway demo: 7 ledgers") < lines.index("sign_ins ran")


def test_it_forgets_the_throwaway_area_outside_the_test() -> None:
    assert "throwaway" not in [a.name for a in registry.areas]
    assert "待整理台账" not in signed_in("office_officer").get("/").content.decode()


def test_it_gives_every_role_a_home() -> None:
    assert set(Role.values) <= registry.home_roles()
    for role in Role.values:
        intro = registry.home_intro(role)
        assert intro is not None and str(intro.title) and str(intro.intro)


def test_it_labels_every_worklist_kind_and_its_action() -> None:
    for source in registry.worklist_kinds():
        assert source.labels and all(str(label) for label in source.labels.values()), source.name
        assert str(source.action), source.name
        assert set(source.rank) <= set(source.labels), source.name


def test_it_shows_a_worklist_card_only_to_roles_its_kind_serves() -> None:
    for role in Role.values:
        for card in registry.home_cards(role):
            if card.worklist is not None:
                assert role in registry.worklist_kind(card.worklist).roles, card.key


def test_it_runs_the_nights_jobs_in_their_declared_order() -> None:
    order = list(all_jobs())
    assert order.index("handover_deadlines") < order.index("case_deadlines") < order.index("register_rollup")
    assert order[-1] == "audit_head"


@pytest.mark.parametrize(
    ("username", "reads"),
    [
        ("office_officer", True),
        ("county_officer", True),
        ("facility_liaison", True),
        ("social_worker", True),
        ("police_officer", False),
        ("base_manager", False),
        ("system_admin", False),
        ("audit_admin", False),
    ],
)
def test_it_names_the_permission_over_childrens_records_apart_from_the_case(username: str, reads: bool) -> None:
    assert can(persona(username), "children.read") is reads


def test_the_audit_log_explains_a_new_areas_action_with_the_label_it_declares(area: None) -> None:
    record_audit(actor=Actor(user=None), action="throwaway.tidy")
    html = signed_in("audit_admin").get("/audit/", {"action": "throwaway.tidy"}).content.decode()
    assert "整理台账" in html
