"""The register roll-ups (DESIGN §9): sums of the nightly roll-ups equal a full live recompute for every region at
every level and every period; the job is safe to run twice; a day rolled up keeps its figures."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Max
from django.utils import timezone

from anbang.testing import ApiClient, checked_in_case, make_id_number, persona
from cases import services as case_services
from cases.demo import build_cases_demo
from cases.models import Case, ContactLoss, GroupMember, SettlementRecord, Transfer
from core.audit import Actor
from core.models import AuditEvent
from directory.models import Organisation, Region
from handover.demo import build_handover_demo
from stats import services
from stats.demo import build_register_rollups
from stats.families.register import CHILD_LENGTH
from stats.models import RegisterRollup, RegisterSnapshot
from stats.register import _period_days, register_by_child, register_figures

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


def by(username: str = "office_officer") -> Actor:
    return Actor(persona(username))


def figures_only(figures: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in figures.items() if name not in ("source", "computed_at")}


def rolled_up(*days: dt.date) -> None:
    for day in days:
        services.roll_up_register(day=day)


def regions() -> list[tuple[str, str]]:
    """(level, prefix) of the country, of every region holding cases and each region above it, and of one region
    without cases at each level (the directory holds every county of China: the by-child comparisons cover the
    rest of each level at once)."""
    held = set(Case.objects.values_list("region_id", flat=True))
    found = [("national", "")]
    for region in Region.objects.exclude(level__in=[Region.Level.NATIONAL, Region.Level.VILLAGE]).order_by("code"):
        if any(code.startswith(region.prefix) for code in held):
            found.append((region.level, region.prefix))
    found += [("province", "33"), ("city", "3202"), ("county", "320205"), ("township", "320104002")]
    return found


def boundary_days() -> set[dt.date]:
    """Days on which some case's figure turns, or the day before: a closure (closed on ``on`` is off the register),
    a contact loss noted and restored, a settlement record taking effect, a group member added and removed, and
    the last day a visit still counts (29 and 30 days after a key case's visit, 89 and 90 after an ordinary one's).
    A roll-up off by one day at any of these parts from the live figures there."""
    days: set[dt.date] = set()

    def around(day: dt.date | None) -> None:
        if day is not None:
            days.update({day, day - dt.timedelta(days=1)})

    for closed_on in (
        Case.objects.values_list("closed_on", flat=True).exclude(closed_on=None).order_by("-closed_on")[:4]
    ):
        around(closed_on)
    for loss in ContactLoss.objects.exclude(restored_on=None).order_by("-noted_on")[:2]:
        around(loss.noted_on)
        around(loss.restored_on)
    for since in SettlementRecord.objects.values_list("since", flat=True).order_by("-since")[:2]:
        around(since)
    for member in GroupMember.objects.exclude(removed_on=None).order_by("-removed_on")[:2]:
        around(member.removed_on)
    for level, interval in (("key", 30), ("ordinary", 90)):
        # cases whose last visit is older than the interval: the day it stops counting, and the day before
        stale = (
            Case.objects.filter(level=level)
            .annotate(last=Max("visits__visited_on"))
            .filter(last__lt=TODAY - dt.timedelta(days=interval))
        )
        for last in stale.values_list("last", flat=True).order_by("-last")[:3]:
            days |= {last + dt.timedelta(days=interval - 1), last + dt.timedelta(days=interval)}
    return {day for day in days if day < TODAY}


def test_it_sums_the_roll_ups_to_the_live_figures_of_every_region_level_and_period() -> None:
    """The key test: the demo's cases (transfers accepted, dual management, lost contact, closures of every reason,
    reoffences in and out of each period), rolled up for several days, against the live figures of the same days."""
    build_handover_demo(size=110)
    build_cases_demo()
    assert Transfer.objects.filter(status=Transfer.Status.ACCEPTED).exists()
    assert set(Case.objects.exclude(closure_reason="").values_list("closure_reason", flat=True)) == set(
        Case.ClosureReason.values
    )
    # two more reoffences at known days, so some periods hold one and not the other
    for case, days_ago in zip(
        Case.objects.filter(status__in=Case.OPEN, opened_on__lte=TODAY - dt.timedelta(days=130))
        .filter(managing_office__code="SFS320102001")
        .order_by("id")[:2],
        (30, 120),
        strict=True,
    ):
        case_services.close_case(
            case=case, reason="reoffended", closed_on=TODAY - dt.timedelta(days=days_ago), detail="盗窃罪", by=by()
        )
    # edges the demo does not have: two settlement records of one day (the later one is in force), and a group
    # that leaves a case the day after its last visit
    tied, left = (
        Case.objects.filter(status=Case.Status.ACTIVE, managing_office__code="SFS320102001")
        .exclude(group_members=None)
        .order_by("-id")[:2]
    )
    tie_day, leave_day = TODAY - dt.timedelta(days=50), TODAY - dt.timedelta(days=10)
    case_services.record_settlement(case=tied, status="not_settled", since=tie_day, reason="正在求职", by=by())
    case_services.record_settlement(case=tied, status="employed", since=tie_day, by=by())
    case_services.record_visit(
        case=left, visited_on=leave_day - dt.timedelta(days=2), method="home", outcome="met", by=by()
    )
    GroupMember.objects.filter(case=left).update(removed_on=leave_day)  # setup: the service stamps today
    edges = {tie_day, tie_day - dt.timedelta(days=1), leave_day, leave_day - dt.timedelta(days=1)}

    # periods of every shape, for two days
    periods: list[tuple[dt.date, dt.date]] = []
    for on in (YESTERDAY, TODAY - dt.timedelta(days=75)):
        for start in (
            on.replace(month=1, day=1),  # the default: the one snapshot of ``on``
            on,  # a one-day period
            on - dt.timedelta(days=45),  # from mid-year (or from last year, early in the year)
            on.replace(year=on.year - 1, month=7, day=1),  # across New Year
            on.replace(year=on.year - 1, month=1, day=1),  # the whole of last year and this
        ):
            periods.append((on, start))
    # and the default period of the days where a figure turns: each figure's boundaries, taken from the data
    boundaries = (boundary_days() | edges) - {on for on, _ in periods}
    periods += [(on, on.replace(month=1, day=1)) for on in sorted(boundaries)]
    rolled_up(*sorted({day for on, start in periods for day in _period_days(on, start)}))

    # reoffences within a period and outside it (before ``from``, after ``on``) for several of the periods
    reoffences = [d for d in Case.objects.filter(closure_reason="reoffended").values_list("closed_on", flat=True) if d]
    straddling = [
        (on, start)
        for on, start in periods
        if any(start <= d <= on for d in reoffences) and any(d < start or d > on for d in reoffences)
    ]
    assert len(straddling) >= 3, (reoffences, periods)

    compared, differences = 0, []
    every = regions()
    for on, start in periods:
        for level, prefix in every:
            rollup = register_figures(prefix=prefix, on=on, start=start)
            live = register_figures(prefix=prefix, on=on, start=start, live=True)
            assert (rollup["source"], live["source"]) == ("rollup", "live")
            if figures_only(rollup) != figures_only(live):
                differences.append((on, start, prefix, figures_only(rollup), figures_only(live)))
            if level in CHILD_LENGTH and level != "township":  # every child, with or without cases
                length = CHILD_LENGTH[level]
                by_rollup = register_by_child(prefix=prefix, child_length=length, on=on, start=start)
                by_live = register_by_child(prefix=prefix, child_length=length, on=on, start=start, live=True)
                assert (by_rollup.source, by_live.source) == ("rollup", "live")
                if dict(by_rollup) != dict(by_live):
                    differences.append((on, start, f"{prefix} by child", dict(by_rollup), dict(by_live)))
            compared += 1
    assert differences == []
    assert compared == len(periods) * len(every) and len(periods) > 20
    # the data is not trivial: people on register, lost, dual-managed, reoffending within the period
    province = register_figures(prefix="32", on=YESTERDAY, start=YESTERDAY - dt.timedelta(days=400))
    assert province["on_register"] > 40
    assert province["lost_contact"] > 0 and province["dual_managed"] > 0 and province["reoffended"] > 0
    assert province["key_targets"] > 0 and province["settled"] > 0 and province["assisted"] > 0


@pytest.fixture
def register() -> dict[str, Case]:
    """A few cases opened 40 days ago in 玄武区 (320102001000), one of them dual-managed from 秦淮区."""
    opened = TODAY - dt.timedelta(days=40)
    cases: dict[str, Case] = {}
    for seq, name in enumerate(("settled", "visited", "moving", "reoffending", "plain")):
        case = checked_in_case(person={"id_number": make_id_number(seq=201 + 2 * seq)})
        Case.objects.filter(pk=case.pk).update(opened_on=opened)
        case.refresh_from_db()
        cases[name] = case
    case_services.record_settlement(case=cases["settled"], status="employed", since=opened, by=by())
    case_services.add_group_member(case=cases["visited"], part="family_member", name="家属", by=by())
    case_services.record_visit(
        case=cases["visited"], visited_on=TODAY - dt.timedelta(days=20), method="home", outcome="met", by=by()
    )
    return cases


def test_it_rolls_up_yesterday_in_the_nightly_job_and_changes_nothing_the_second_time(
    register: dict[str, Case],
) -> None:
    out = io.StringIO()
    call_command("run_jobs", "--once", "--only", "register_rollup", "--as-of", TODAY.isoformat(), stdout=out)
    assert f"{YESTERDAY} rolled up (regions 1, cases 5)" in out.getvalue()
    snapshot = RegisterSnapshot.objects.get()
    rows = list(RegisterRollup.objects.values())
    assert snapshot.day == YESTERDAY and len(rows) == 1
    assert rows[0]["region_id"] == "320102001000" and rows[0]["on_register"] == 5

    out = io.StringIO()
    call_command("run_jobs", "--once", "--only", "register_rollup", "--as-of", TODAY.isoformat(), stdout=out)
    assert f"{YESTERDAY} already rolled up" in out.getvalue()
    assert RegisterSnapshot.objects.get().computed_at == snapshot.computed_at
    assert list(RegisterRollup.objects.values()) == rows
    assert AuditEvent.objects.filter(action="stats.register_rollup").count() == 1


def test_it_catches_up_the_nights_it_missed_and_leaves_older_gaps_to_the_command(register: dict[str, Case]) -> None:
    rolled_up(TODAY - dt.timedelta(days=20), TODAY - dt.timedelta(days=4))
    services.roll_up_closed_days(as_of=TODAY)
    days = set(RegisterSnapshot.objects.values_list("day", flat=True))
    assert days == {TODAY - dt.timedelta(days=n) for n in (20, 4, 3, 2, 1)}

    out = io.StringIO()
    call_command("rollup_register", "--from", (TODAY - dt.timedelta(days=6)).isoformat(), stdout=out)
    assert RegisterSnapshot.objects.count() == 7  # days 6 and 5 added, 4 to 1 left as they were
    assert out.getvalue().count("already rolled up") == 4


def test_it_keeps_a_day_rolled_up_as_it_was_when_later_records_carry_earlier_dates(register: dict[str, Case]) -> None:
    rolled_up(YESTERDAY - dt.timedelta(days=1), YESTERDAY)  # a one-day period reads both
    prefixes = ["3201", "320102", "320102001", "320104", "320104001"]
    before = {prefix: register_figures(prefix=prefix, on=YESTERDAY, start=YESTERDAY) for prefix in prefixes}
    assert before["320102"]["source"] == "rollup"
    assert before["320102"]["on_register"] == 5 and before["320104"]["on_register"] == 0

    # recorded today, dated yesterday: a reoffence, a visit, lost contact; and a move to 秦淮区 accepted today
    case_services.close_case(
        case=register["reoffending"], reason="reoffended", closed_on=YESTERDAY, detail="盗窃罪", by=by()
    )
    case_services.add_group_member(case=register["plain"], part="family_member", name="家属", by=by())
    case_services.record_visit(case=register["plain"], visited_on=YESTERDAY, method="phone", outcome="met", by=by())
    case_services.mark_lost_contact(case=register["settled"], noted_on=YESTERDAY, reason="失联", by=by())
    transfer = case_services.request_transfer(
        case=register["moving"], to_office=Organisation.objects.get(code="SFS320104001"), reason="搬家", by=by()
    )
    case_services.accept_transfer(transfer=transfer, by=by("office_officer_b"))

    after = {prefix: register_figures(prefix=prefix, on=YESTERDAY, start=YESTERDAY) for prefix in prefixes}
    assert after == before
    live = register_figures(prefix="320102", on=YESTERDAY, start=YESTERDAY, live=True)
    assert (live["on_register"], live["reoffended"], live["lost_contact"]) == (3, 1, 1)
    assert register_figures(prefix="320104", on=YESTERDAY, start=YESTERDAY, live=True)["on_register"] == 1

    # a rebuild takes the corrections in, and equals the live figures again
    call_command("rollup_register", "--from", YESTERDAY.isoformat(), "--replace", stdout=io.StringIO())
    for prefix in prefixes:
        rebuilt = register_figures(prefix=prefix, on=YESTERDAY, start=YESTERDAY)
        assert rebuilt["source"] == "rollup"
        assert figures_only(rebuilt) == figures_only(
            register_figures(prefix=prefix, on=YESTERDAY, start=YESTERDAY, live=True)
        )


def test_it_computes_live_what_the_roll_ups_do_not_cover(register: dict[str, Case]) -> None:
    rolled_up(YESTERDAY)
    start = YESTERDAY.replace(month=1, day=1)
    assert register_figures(prefix="32", on=YESTERDAY, start=start)["source"] == "rollup"
    assert register_figures(prefix="32", on=TODAY, start=start)["source"] == "live"  # today is not over
    before = YESTERDAY - dt.timedelta(days=5)  # a period from a day whose eve was never rolled up
    assert register_figures(prefix="32", on=YESTERDAY, start=before)["source"] == "live"
    rolled_up(before - dt.timedelta(days=1))
    assert register_figures(prefix="32", on=YESTERDAY, start=before)["source"] == "rollup"


def test_it_says_where_the_api_figures_come_from(register: dict[str, Case]) -> None:
    client = ApiClient("county_officer")
    live = client.get("/stats/register", on=YESTERDAY.isoformat()).json()
    assert live["source"] == "live" and live["on_register"] == 5
    assert client.get("/stats/register").json()["on"] == TODAY.isoformat()  # no roll-up yet: today, live
    rolled_up(YESTERDAY)
    body = client.get("/stats/register", on=YESTERDAY.isoformat()).json()
    assert body["source"] == "rollup"
    computed_at = dt.datetime.fromisoformat(body["computed_at"])  # to the millisecond
    assert abs(computed_at - RegisterSnapshot.objects.get().computed_at) < dt.timedelta(milliseconds=1)
    assert figures_only(body) == figures_only(live)
    rows = client.get("/stats/register/by-region", on=YESTERDAY.isoformat()).json()
    assert rows["source"] == "rollup"
    assert {r["region"]["code"]: r["on_register"] for r in rows["items"]}["320102001000"] == 5
    # with last night's roll-up made, no `on` means yesterday's figures from it, as the dashboard opens
    default = client.get("/stats/register").json()
    assert (default["on"], default["source"]) == (YESTERDAY.isoformat(), "rollup")
    today = client.get("/stats/register", on=TODAY.isoformat()).json()
    assert (today["on"], today["source"]) == (TODAY.isoformat(), "live")
    schema = ApiClient().get("/openapi.json").json()["components"]["schemas"]
    assert "rollup" in schema["RegisterOut"]["properties"]["source"]["description"]


def test_it_refuses_to_roll_up_a_day_that_is_not_over() -> None:
    with pytest.raises(CommandError, match=TODAY.isoformat()):
        call_command("rollup_register", "--from", TODAY.isoformat(), "--to", TODAY.isoformat(), stdout=io.StringIO())
    assert not RegisterSnapshot.objects.exists()
    # the nightly job with the clock moved ahead rolls up only what is over
    results = services.roll_up_closed_days(as_of=TODAY + dt.timedelta(days=30))
    assert [r.day for r in results] == [YESTERDAY]


@pytest.mark.parametrize(
    ("on", "start", "signs"),
    [
        (dt.date(2026, 5, 9), dt.date(2026, 1, 1), {dt.date(2026, 5, 9): 1}),
        (dt.date(2026, 5, 9), dt.date(2026, 3, 1), {dt.date(2026, 5, 9): 1, dt.date(2026, 2, 28): -1}),
        (
            dt.date(2026, 5, 9),
            dt.date(2024, 7, 1),
            {dt.date(2026, 5, 9): 1, dt.date(2024, 12, 31): 1, dt.date(2025, 12, 31): 1, dt.date(2024, 6, 30): -1},
        ),
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1), {dt.date(2026, 1, 1): 1}),
        (dt.date(2026, 1, 2), dt.date(2026, 1, 2), {dt.date(2026, 1, 2): 1, dt.date(2026, 1, 1): -1}),
    ],
)
def test_it_makes_a_period_of_year_to_date_counts(on: dt.date, start: dt.date, signs: dict[dt.date, int]) -> None:
    assert _period_days(on, start) == signs


def test_it_rolls_up_the_demo_weeks_once(register: dict[str, Case]) -> None:
    assert build_register_rollups(days=3) == 4
    assert set(RegisterSnapshot.objects.values_list("day", flat=True)) == {
        YESTERDAY,
        TODAY - dt.timedelta(days=2),
        TODAY - dt.timedelta(days=3),
        dt.date(TODAY.year - 1, 12, 31),
    }
    assert build_register_rollups(days=3) == 0
