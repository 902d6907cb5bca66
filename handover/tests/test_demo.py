"""The hand-over demo data (DESIGN §7): synthetic people in every state, played through the services, idempotent."""

from __future__ import annotations

import datetime as dt
import random
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F, Min
from django.utils import timezone

from core.idnumbers import normalize_id_number
from core.models import AuditEvent
from core.synthetic import id_number
from handover.demo import build_handover_demo, build_plans
from handover.models import Alert, NoticeEvent, ReleaseNotice
from people.models import Person

pytestmark = pytest.mark.django_db

SIZE = 160  # enough for every state with the default seed; the command builds DEFAULT_SIZE (360)


def test_it_builds_every_hand_over_state_and_does_nothing_the_second_time() -> None:
    first = build_handover_demo(size=SIZE)
    assert first.created
    assert set(first.counts) == set(ReleaseNotice.Status.values)
    assert sum(first.counts.values()) == SIZE

    notices = ReleaseNotice.objects.all()
    today = timezone.localdate()
    awaiting = notices.filter(status="awaiting_verification")
    assert awaiting.filter(verify_by__lt=today).exists()  # overdue
    assert awaiting.filter(verify_by__gte=today, verify_by__lte=today + dt.timedelta(days=3)).exists()  # due soon
    assert awaiting.filter(region_id="320102000000").exists()  # county-only hukou, waiting to be routed
    assert notices.filter(status="returned").exists()
    first_72h = notices.filter(status="released", released_on__gte=today - dt.timedelta(days=2))
    assert first_72h.filter(key_target=True, escorted=True).exists()
    assert first_72h.filter(key_target=True).exclude(escorted=True).exists()
    assert notices.filter(status="handed_over", checked_in_on__lte=F("check_in_by")).exists()  # on time
    assert notices.filter(status="handed_over", missed_on__isnull=False).exists()  # late
    assert notices.filter(backfilled=True, status="handed_over").exists()
    assert NoticeEvent.objects.filter(action="routed").exists()

    # the history spans some 14 months, with a realistic hand-over rate and some missing escorts
    released = notices.filter(released_on__lt=today - dt.timedelta(days=31))
    oldest = released.aggregate(oldest=Min("released_on"))["oldest"]
    assert oldest is not None and oldest < today - dt.timedelta(days=365)
    rate = released.filter(checked_in_on__isnull=False).count() / released.count()
    assert 0.8 < rate < 0.97
    keys = notices.filter(key_target=True, released_on__isnull=False)
    assert 0.6 < keys.filter(escorted=True).count() / keys.count() < 1

    # the side effects are the real ones: events back-dated to their day, audit rows, alerts
    assert Alert.objects.filter(kind="missed_intake").exists()
    assert Alert.objects.filter(kind="key_target_no_escort").exists()
    assert AuditEvent.objects.filter(action="notice.send").count() >= SIZE - first.counts.get("handed_over", 0)
    assert NoticeEvent.objects.filter(at__date__lt=today - dt.timedelta(days=300)).exists()

    events, audits = NoticeEvent.objects.count(), AuditEvent.objects.count()
    second = build_handover_demo(size=SIZE)
    assert not second.created
    assert second.counts == first.counts
    assert (NoticeEvent.objects.count(), AuditEvent.objects.count()) == (events, audits)


def test_the_people_are_synthetic_with_valid_id_numbers() -> None:
    plans = build_plans(seed=2026, size=80, today=timezone.localdate())
    numbers = [plan.person.id_number for plan in plans]
    assert len(set(numbers)) == len(numbers)
    assert all(normalize_id_number(number) == number for number in numbers)
    assert all(2 <= len(plan.person.name) <= 3 for plan in plans)
    hukou = {plan.person.hukou_region for plan in plans}
    assert hukou <= {"320102001000", "320102002000", "320104001000", "320508001000", "320102000000"}
    assert build_plans(seed=2026, size=80, today=timezone.localdate())[5].person == plans[5].person  # fixed seed


def test_an_id_number_has_the_gb_11643_check_digit() -> None:
    rng = random.Random(1)
    number = id_number(rng, area="320102", birth=dt.date(1985, 3, 12), male=False)
    assert normalize_id_number(number) == number
    assert int(number[16]) % 2 == 0  # a woman's order code is even


def test_the_demo_command_loads_it_once() -> None:
    out = StringIO()
    call_command("demo", "--size", "40", stdout=out)
    assert "hand-over demo: 40 notices" in out.getvalue()
    assert re.search(r"register roll-ups: 3[01] days rolled up", out.getvalue())  # 30 days and 31 December
    assert Person.objects.count() >= 40
    out = StringIO()
    call_command("demo", "--size", "40", stdout=out)
    assert "hand-over demo: already loaded" in out.getvalue()
    assert "register roll-ups: up to date" in out.getvalue()  # the first run rolled up the last 30 days
