"""Reads of employment support and the aid ledger, for the case tab and the API.

Who reads: whoever reads the 救助与就业 tab (``assistance.read``) reads the employment part; the ledger's amounts
are for the officers and the group's social worker, not the volunteer (``may_read_ledger``), who helps the person
but has no part in the office's money.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, QuerySet, Sum

from assistance import capabilities
from assistance.common import case_for
from assistance.models import AidEntry, EmploymentProfile, EmploymentService, Placement, Referral, Scheme
from cases.models import Case
from core import areas
from core.errors import Forbidden, NotFound
from directory.models import User

# The insurance-continuity claims (issue 11 item 7): referrals to 人社, shown read-only on the employment part.
INSURANCE_SCHEMES = (Scheme.PENSION_CONTINUATION, Scheme.UNEMPLOYMENT_INSURANCE)
ZERO = Decimal("0.00")


def readable_case(user: User, case_id: int) -> Case:
    """The case within reach whose 救助与就业 part ``user`` reads, else 404: the police reach key targets, not
    their assistance, and the tab answers them 404 too."""
    case = case_for(user, case_id)
    if not areas.can(user, capabilities.READ, case):
        raise NotFound()
    return case


def may_read_ledger(user: User, case: Case) -> bool:
    return areas.can(user, capabilities.READ_AMOUNTS, case)


def require_ledger_reader(user: User, case: Case) -> None:
    if not may_read_ledger(user, case):
        raise Forbidden("a volunteer does not read the aid ledger")


@dataclass(frozen=True)
class Employment:
    profile: EmploymentProfile | None
    services: list[EmploymentService]
    placements: list[Placement]  # current ones first, then the latest started
    insurance_referrals: list[Referral]


def placements_of(case: Case) -> QuerySet[Placement]:
    # in force first (no end date), then by start, latest first: the case tab's order (placement_case_idx)
    return case.placements.order_by(F("ended_on").asc(nulls_first=True), "-started_on", "-id")


def employment_of(case: Case) -> Employment:
    """The case's employment part in four queries (profile, services, placements, insurance referrals)."""
    profile = EmploymentProfile.objects.filter(case=case).select_related("updated_by").first()
    services = list(case.employment_services.select_related("recorded_by").order_by("-given_on", "-id"))
    referrals = list(
        case.referrals.filter(scheme__in=INSURANCE_SCHEMES).select_related("to_organisation").order_by("-id")
    )
    return Employment(profile, services, list(placements_of(case)), referrals)


@dataclass(frozen=True)
class Ledger:
    entries: list[AidEntry]
    count: int
    total: Decimal


def ledger_of(case: Case, *, limit: int | None = None, offset: int = 0) -> Ledger:
    """The hand-outs latest first (a page of them), their count and the total of all of them (aid_case_idx)."""
    rows = case.aid_entries.select_related("recorded_by").order_by("-given_on", "-id")
    totals = case.aid_entries.aggregate(total=Sum("amount"), count=Count("id"))
    page = list(rows[offset : offset + limit] if limit is not None else rows[offset:])
    total = totals["total"] if totals["total"] is not None else ZERO
    return Ledger(page, int(totals["count"]), Decimal(total).quantize(Decimal("0.01")))
