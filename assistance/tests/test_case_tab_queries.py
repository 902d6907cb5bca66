"""The 救助与就业 tab reads a flat number of queries however much a case holds: more referrals, services, placements,
hand-outs, briefings and assessments add rows, not queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anbang.testing import checked_in_case, persona
from assistance.models import AidEntry, Briefing, EmploymentService, NeedsAssessment, Placement, Referral
from cases.models import Case
from directory.models import Organisation

pytestmark = pytest.mark.django_db


def add_one_of_each(case: Case, n: int) -> None:
    officer = persona("office_officer")
    today = timezone.localdate()
    Briefing.objects.create(case=case, briefed_on=today, schemes=["dibao"], acknowledged=True, recorded_by=officer)
    NeedsAssessment.objects.create(
        case=case, assessed_on=today, income_monthly=Decimal("500"), household_size=2, can_work=True,
        housing="family", has_supporter=False, age=40, hints=[{"scheme": "dibao", "rule": "测试"}], recorded_by=officer,
    )  # fmt: skip
    Referral.objects.create(
        case=case, scheme="temporary_aid" if n % 2 else "medical_aid", from_office=case.managing_office,
        to_organisation=Organisation.objects.get(code="MZ320102"), reason="测试", submitted_on=today,
        respond_by=today + dt.timedelta(days=20), status="rejected", decided_on=today, created_by=officer,
    )  # fmt: skip
    EmploymentService.objects.create(case=case, kind="guidance", given_on=today, recorded_by=officer)
    Placement.objects.create(
        case=case, employer=f"示范企业{n}", job="仓储员", started_on=today, contract_months=12, social_insurance=True,
        ended_on=today, end_reason="合同到期", recorded_by=officer,
    )  # fmt: skip
    AidEntry.objects.create(
        case=case, kind="cash", amount=Decimal("100.00"), given_on=today, purpose="慰问", recorded_by=officer
    )


def queries_of_the_tab(client: Client, case: Case) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/cases/{case.pk}/assistance/").status_code == 200
    return len(captured.captured_queries)


def test_the_tab_reads_as_many_queries_for_one_record_of_each_kind_as_for_six() -> None:
    case = checked_in_case()
    client = Client()
    client.force_login(persona("office_officer"))
    add_one_of_each(case, 0)
    few = queries_of_the_tab(client, case)
    for n in range(1, 6):
        add_one_of_each(case, n)
    assert queries_of_the_tab(client, case) == few
