"""The settlement an outcome in another area sets (``settle_from_outcome``): a placement, an allowance, a bed. It
keeps the history like any settlement, skips a closed case, and an allowance never replaces work."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anbang.testing import checked_in_case, persona
from cases import services
from cases.models import Case, CaseEvent
from core.audit import Actor

pytestmark = pytest.mark.django_db


def test_it_records_the_settlement_an_outcome_sets_with_its_history_and_timeline_row() -> None:
    case = checked_in_case()
    partner = persona("partner_officer")
    done = services.settle_from_outcome(
        case=case,
        status=Case.Settlement.ALLOWANCE,
        since=timezone.localdate(),
        by=Actor(partner),
        recorded_by=partner,
        detail="低保已批准",
    )
    case.refresh_from_db()
    assert done and case.settlement_status == "allowance"
    assert case.settlements.get().recorded_by == partner
    assert CaseEvent.objects.filter(case=case, action="settlement").count() == 1


def test_it_leaves_work_in_place_when_an_allowance_comes_after_it() -> None:
    case = checked_in_case()
    officer = persona("office_officer")
    services.record_settlement(case=case, status="employed", since=timezone.localdate(), by=Actor(officer))
    done = services.settle_from_outcome(
        case=case,
        status="allowance",
        since=timezone.localdate(),
        by=Actor(officer),
        recorded_by=officer,
        unless_settled_as=("employed", "self_employed"),
    )
    case.refresh_from_db()
    assert not done and case.settlement_status == "employed"


def test_it_does_not_touch_a_closed_case() -> None:
    case = checked_in_case()
    officer = persona("office_officer")
    services.close_case(case=case, reason="died", closed_on=timezone.localdate(), by=Actor(officer))
    done = services.settle_from_outcome(
        case=case, status="employed", since=timezone.localdate(), by=Actor(officer), recorded_by=officer
    )
    assert not done and Case.objects.get(pk=case.pk).settlement_status == ""
