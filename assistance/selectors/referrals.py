"""Referrals within reach (``Referral.objects.visible_to``): officers by the case's region, a department the ones
addressed to it. Missing and out of reach are both 404."""

from __future__ import annotations

from django.db.models import Case as SqlCase
from django.db.models import F, IntegerField, QuerySet, Value, When

from assistance.models import Referral
from core.errors import DomainError, NotFound
from directory.models import Role, User

DIRECTIONS = ("incoming", "outgoing")
# officers above the township: "outgoing" is every referral of the cases within their reach
REGION_ROLES = frozenset({Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER, Role.NATIONAL_OFFICER})


def referral_queryset(user: User) -> QuerySet[Referral]:
    """The referrals within ``user``'s reach, with what every page of them reads."""
    return Referral.objects.visible_to(user).select_related(
        "case__person", "to_organisation", "from_office", "created_by"
    )


def get_referral_for_user(user: User, referral_id: int) -> Referral:
    referral = referral_queryset(user).filter(pk=referral_id).first()
    if referral is None:
        raise NotFound()
    return referral


def office_contact(referral: Referral) -> str:
    """How the department reaches the office: the officer who sent the referral, by name and phone."""
    sender = referral.created_by
    return " ".join(part for part in (sender.full_name or sender.username, sender.phone) if part)


def pending_first() -> SqlCase:
    """Waiting referrals before answered ones (then the list sorts by ``respond_by``: overdue first)."""
    return SqlCase(When(status__in=Referral.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField())


def referrals_for(
    user: User, direction: str, *, status: str | None = None, scheme: str | None = None
) -> QuerySet[Referral]:
    """``incoming``: addressed to the user's organisation; ``outgoing``: those of the cases the user's office
    manages (whoever sent them: a case transferred in brings its referrals, and the office it left no longer
    reaches them), or for the county and above the referrals of the cases within reach. Pending first, the oldest
    deadline first; then the answered ones, the latest decision first (what just came back is on the first page)."""
    rows = referral_queryset(user)
    if direction == "incoming":
        rows = rows.filter(to_organisation_id=user.organisation_id) if user.organisation_id else rows.none()
    elif direction == "outgoing":
        if user.role == Role.OFFICE_OFFICER:
            rows = rows.filter(case__managing_office_id=user.organisation_id)
        elif user.role not in REGION_ROLES:
            rows = rows.none()
    else:
        raise DomainError("invalid_query", "direction", fields={"direction": "incoming or outgoing"})
    if status:
        rows = rows.filter(status=status)
    if scheme:
        rows = rows.filter(scheme=scheme)
    pending_deadline = SqlCase(When(status__in=Referral.PENDING, then=F("respond_by")), default=None)
    return rows.order_by(
        pending_first(), pending_deadline.asc(nulls_last=True), F("decided_on").desc(nulls_last=True), "-id"
    )


def case_referrals(case_id: int) -> QuerySet[Referral]:
    """The referrals of one case (the 救助与就业 tab; the case is within reach already), newest first."""
    return (
        Referral.objects.filter(case_id=case_id)
        .select_related("to_organisation", "from_office", "decided_by")
        .order_by("-id")
    )
