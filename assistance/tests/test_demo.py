"""The assistance demo (``assistance.demo``): help that arrives on the hand-over and case demos' people, in every
state, consistent with the cases it touches, and written once."""

from __future__ import annotations

import pytest
from django.db.models import Q
from django.utils import timezone

from assistance.demo import build_assistance_demo
from assistance.models import (
    DEPARTMENT,
    AidEntry,
    Briefing,
    NeedsAssessment,
    PartnerLink,
    Placement,
    Referral,
    ReferralEvent,
    ReleaseEducation,
)
from cases.demo import build_cases_demo
from cases.models import Case, CaseEvent, SettlementRecord
from directory.models import Organisation
from handover.demo import build_handover_demo
from handover.models import NoticeEvent

pytestmark = pytest.mark.django_db

AGREED = {
    "briefing", "needs_assessment", "referral_submitted", "referral_under_review", "referral_approved",
    "referral_rejected", "referral_review_due", "referral_ended", "referral_escalated", "partner_link_issued",
    "employment_profile", "employment_service", "placement", "placement_ended", "aid", "settlement",
}  # fmt: skip


def test_it_builds_help_in_every_state_and_adds_nothing_the_second_time() -> None:
    build_handover_demo(size=110)
    build_cases_demo()
    counts = build_assistance_demo()
    assert counts["created"] == 1

    # the bureaus the schemes need, in the demo's code style
    assert {"WJ320102", "JY320102", "ZJ320102", "WJ320104", "JY320104", "ZJ320104"} <= set(
        Organisation.objects.values_list("code", flat=True)
    )
    referrals = Referral.objects.select_related("to_organisation")
    assert set(referrals.values_list("status", flat=True)) == set(Referral.Status.values)
    assert len(set(referrals.values_list("scheme", flat=True))) >= 5
    assert referrals.filter(scheme__in=("dibao", "tekun"), status="approved").count() >= 2  # 低保 and 特困 in force
    assert all(r.to_organisation.kind == DEPARTMENT[r.scheme] for r in referrals)
    assert all(r.to_organisation.region_id[:6] == r.case.region_id[:6] for r in referrals.select_related("case"))
    pending = referrals.filter(status__in=Referral.PENDING)
    assert pending.filter(to_organisation__code="MZ320102").count() >= 3  # the demo partner officer's inbox
    assert pending.filter(respond_by__lt=timezone.localdate()).exists()  # overdue
    assert referrals.filter(escalated_on__isnull=False).exists()
    # each referral's history starts with its sending, and the case timeline has a row for each of its events
    assert not referrals.exclude(events__action="submitted").exists()
    assert ReferralEvent.objects.count() <= CaseEvent.objects.filter(action__startswith="referral_").count() + (
        ReferralEvent.objects.filter(action__in=("link_issued", "link_opened")).count()
    )
    assert {"submitted", "under_review", "approved", "rejected", "review_due", "ended", "escalated"} <= set(
        ReferralEvent.objects.values_list("action", flat=True)
    )

    # one answered through a one-time link: used, its token only as a hash, its opening and decision on record
    link = PartnerLink.objects.get(used_at__isnull=False)
    assert len(link.token_hash) == 64
    assert link.referral.status in ("approved", "rejected", "review_due", "ended")
    assert link.referral.decided_by is None
    actions = set(link.referral.events.values_list("action", flat=True))
    assert {"link_issued", "link_opened"} <= actions
    assert link.referral.events.filter(data__via="partner_link").exists()

    # before release and at check-in
    assert ReleaseEducation.objects.exclude(notice__status__in=("awaiting_verification", "verified")).count() == 0
    assert ReleaseEducation.objects.exists()
    assert NoticeEvent.objects.filter(action="education").count() == ReleaseEducation.objects.count()
    assert Briefing.objects.count() > 20 and NeedsAssessment.objects.count() > 20
    hints = [hint for hints in NeedsAssessment.objects.values_list("hints", flat=True) for hint in hints]
    assert hints and all(set(hint) == {"scheme", "rule"} and hint["rule"] for hint in hints)

    # placements, some ended; each one in force on a case settled as employed since no later than its start
    placements = Placement.objects.select_related("case")
    assert placements.filter(ended_on__isnull=False).exists()
    open_cases = Case.objects.filter(status__in=Case.OPEN)
    at_work = placements.filter(ended_on__isnull=True, case__in=open_cases)
    assert at_work.exists()
    for placement in at_work:
        assert placement.case.settlement_status == "employed", placement.case_id
        assert SettlementRecord.objects.filter(case=placement.case, status="employed").exists()
    assert AidEntry.objects.filter(amount__gt=0).count() > 20

    # only the agreed case-timeline actions
    written = set(CaseEvent.objects.filter(Q(action__in=AGREED)).values_list("action", flat=True))
    assert {"briefing", "needs_assessment", "referral_submitted", "placement", "aid"} <= written

    rows = (Referral.objects.count(), AidEntry.objects.count(), CaseEvent.objects.count(), Organisation.objects.count())
    again = build_assistance_demo()
    assert again["created"] == 0
    assert (
        Referral.objects.count(),
        AidEntry.objects.count(),
        CaseEvent.objects.count(),
        Organisation.objects.count(),
    ) == rows
