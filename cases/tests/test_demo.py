"""The case demo data (DESIGN §7): the hand-over demo's cases given a life through the services."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db.models import F
from django.utils import timezone

from anbang.testing import persona
from cases import demo
from cases.demo import Life, build_cases_demo
from cases.models import Case, CaseEvent, ContactLoss, GroupMember, SettlementRecord, TraceRequest, Transfer, Visit
from cases.services import scan_cases
from core.audit import first_bad_row
from core.models import AuditEvent
from handover.demo import build_handover_demo

pytestmark = pytest.mark.django_db

HANDOVER_SIZE = 110  # some 80 cases: enough for one of every scenario with the default seed


def test_it_gives_the_hand_over_cases_every_state_and_does_nothing_the_second_time() -> None:
    build_handover_demo(size=HANDOVER_SIZE)
    opened_by_handover = Case.objects.count()
    counts = build_cases_demo()
    assert counts["created"] == 1
    today = timezone.localdate()

    cases = Case.objects.all()
    assert counts["cases"] == cases.count() > opened_by_handover  # plus the office's backfills
    assert set(cases.values_list("status", flat=True)) == set(Case.Status.values)
    closed = set(cases.filter(status="closed").values_list("closure_reason", flat=True))
    assert closed == set(Case.ClosureReason.values)
    reoffended = cases.filter(closure_reason="reoffended").first()
    assert reoffended is not None and "罪" in reoffended.closure_detail  # the new offence is recorded

    open_cases = cases.filter(status__in=Case.OPEN)
    assert open_cases.filter(level="key").exists() and open_cases.filter(level="ordinary").exists()
    assert open_cases.exclude(hukou_office=F("managing_office")).exists()  # dual-managed
    assert open_cases.filter(next_visit_due__lt=today).exists()  # overdue visits on the worklist
    assert open_cases.filter(next_visit_due__gte=today).count() > open_cases.count() * 0.8  # most on schedule
    settled = open_cases.filter(settlement_status__in=Case.SETTLED).count() / open_cases.count()
    assert 0.75 <= settled <= 0.97  # ~85-90 % at the full demo size
    assert set(SettlementRecord.objects.values_list("status", flat=True)) == set(Case.Settlement.values)

    visits = Visit.objects.all()
    assert visits.count() > 3 * cases.count()
    assert set(visits.values_list("outcome", flat=True)) == set(Visit.Outcome.values)
    assert not visits.filter(visited_on__gt=today).exists()
    assert visits.filter(recorded_by__username="social_worker").exists()

    members = GroupMember.objects.all()
    assert set(members.values_list("part", flat=True)) == set(GroupMember.Part.values)
    assert members.filter(user__username="volunteer", removed_on__isnull=True).exists()
    assert members.filter(user__username="social_worker").exists()

    assert set(Transfer.objects.values_list("status", flat=True)) == set(Transfer.Status.values)
    traces = TraceRequest.objects.all()
    police = traces.filter(to_organisation__code="GA320102")
    assert police.filter(status="answered", result="located").exists()
    assert police.filter(status="open").exists() or traces.filter(to_organisation__kind="public_security").exists()
    assert traces.filter(to_organisation__kind="justice_office").exists()
    assert traces.filter(status="open", escalated_on__isnull=False).exists()  # overdue, escalated by the scan
    assert traces.filter(status="open", respond_by__gte=today).exists()  # still within the deadline
    assert ContactLoss.objects.filter(automatic=True).exists()  # marked by the replayed nightly scan
    assert ContactLoss.objects.filter(automatic=False, restored_on__isnull=False).exists()

    # every case action is on a timeline, dated on its day, with its audit row
    actions = set(CaseEvent.objects.values_list("action", flat=True))
    assert actions >= {
        "opened",
        "visit",
        "group_member_added",
        "group_member_removed",
        "agreement_signed",
        "risk",
        "settlement",
        "transfer_requested",
        "transfer_accepted",
        "transfer_declined",
        "lost_contact",
        "trace_sent",
        "trace_answered",
        "contact_restored",
        "closed",
    }
    assert CaseEvent.objects.filter(at__date__lt=today - dt.timedelta(days=300)).exists()
    assert not CaseEvent.objects.filter(at__gt=timezone.now()).exists()
    assert AuditEvent.objects.filter(action="case.visit").count() == visits.count()
    assert first_bad_row() is None

    # tonight's job finds the demo at rest: nothing falls due that the replay did not already do
    assert scan_cases(as_of=today) == {"period_expired": 0, "lost_contact": 0, "traces_escalated": 0}

    events, audits = CaseEvent.objects.count(), AuditEvent.objects.count()
    again = build_cases_demo()
    assert again["created"] == 0
    assert {k: v for k, v in again.items() if k not in ("created", "seconds")} == {
        k: v for k, v in counts.items() if k not in ("created", "seconds")
    }
    assert (CaseEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)


def test_the_volunteer_sees_only_the_cases_of_their_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "BACKFILL_WHEN_EMPTY", 60)
    assert not Case.objects.exists()
    counts = build_cases_demo()  # no hand-over demo: the offices backfill people of their own
    assert counts["cases"] >= 60

    volunteer = persona("volunteer")
    theirs = set(GroupMember.objects.filter(user=volunteer, removed_on__isnull=True).values_list("case_id", flat=True))
    left = set(GroupMember.objects.filter(user=volunteer, removed_on__isnull=False).values_list("case_id", flat=True))
    assert theirs and left - theirs
    assert set(Case.objects.visible_to(volunteer).values_list("id", flat=True)) == theirs
    assert len(theirs) < Case.objects.filter(region__code__startswith="320102").count()


def test_a_planned_life_keeps_a_successful_contact_within_the_lost_contact_threshold() -> None:
    today = dt.date(2026, 5, 1)
    for index in range(200):
        rng = random.Random(index)
        life = Life(
            index=index,
            case_id=None,
            opened_on=today - dt.timedelta(days=rng.randrange(10, 420)),
            office="SFS320102001",
            township="320102001000",
            key=rng.random() < 0.2,
            scenario="normal",
        )
        steps = demo._life_steps(rng, life, today, {"SFS320104001": "SFS320104001"})
        met = sorted(s.on for s in steps if s.action == "visit" and s.args["outcome"] == "met")
        assert met and met[0] <= life.opened_on + dt.timedelta(days=7)  # the first visit within 7 days
        scanned = today - dt.timedelta(days=demo.SCAN_DAYS)
        for night in (scanned + dt.timedelta(days=n) for n in range(demo.SCAN_DAYS + 1)):
            before = [day for day in met if day < night] or [life.opened_on]
            assert (night - max(before)).days <= 60, (index, night)
