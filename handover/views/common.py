"""What the hand-over pages share: who takes part in them, the notice within reach, the person fields of the
notice and backfill forms."""

from __future__ import annotations

from typing import Any

from django.forms import Form
from django.http import HttpRequest

from directory.models import OFFICER_ROLES, Region, Role, User
from directory.pages import object_page
from handover import capabilities, selectors, services
from handover.models import Alert, ReleaseNotice
from people.services import PersonData

S = ReleaseNotice.Status
# a deadline this close is flagged, as the nightly scan raises its "due" work items
DUE_SOON_DAYS = services.DUE_SOON_DAYS
RECENT_DAYS = 90  # the inbox's 已衔接 tab: people checked in within this many days
IMPORT_URL = "/handover/import/"  # built by the import page's own module
UNMATCHED_URL = "/api/v1/release-notices/unmatched.xlsx"  # 未衔接: released and not handed over (import_api)
LIVE_SEEN_SALT = "handover.first_72_hours.seen"
LIVE_SEEN_MAX_AGE = 3600  # a poll re-audits at least hourly even when nothing changed
LIVE_OPENED_KEY = "handover.first_72_hours.opened_at"  # when the user last loaded the page itself (not a poll)

FACILITY_ROLES = frozenset({Role.FACILITY_LIAISON})
LIST_ROLES = FACILITY_ROLES | OFFICER_ROLES
ROUTING_ROLES = capabilities.ROUTING_ROLES
FIRST_72_ALERT_KINDS = (
    Alert.Kind.KEY_TARGET_NO_ESCORT,
    Alert.Kind.KEY_TARGET_NOT_CHECKED_IN,
    Alert.Kind.RELEASED_UNVERIFIED,
)
# the alerts that need someone to act now, shown in red; the others are reminders
URGENT_ALERT_KINDS = frozenset({*FIRST_72_ALERT_KINDS, Alert.Kind.MISSED_INTAKE, Alert.Kind.VERIFICATION_OVERDUE})


# --- who may see what ------------------------------------------------------------------------------------------------


def _notice(request: HttpRequest, notice_id: int) -> tuple[User, ReleaseNotice]:
    """The notice, if within reach; missing, out of reach and a role with no part in hand-over all look the same."""
    return object_page(request, LIST_ROLES, selectors.get_notice_for_user, notice_id)


# --- small helpers for the templates ---------------------------------------------------------------------------------


def _townships(user: User) -> list[tuple[str, str]]:
    """Townships for the region inputs' datalist: those of the user's province (a facility sends mostly there; any
    other 12-digit code may still be typed). Capped: a datalist of every township in China would be 40k rows."""
    code = user.region_code or ""
    qs = Region.objects.filter(level=Region.Level.TOWNSHIP)
    if code:
        qs = qs.filter(code__startswith=code[:2])
    return list(qs.order_by("code").values_list("code", "name")[:2000])


def _person_data(data: dict[str, Any]) -> PersonData:
    return PersonData(
        name=data.get("name") or "",
        gender=data.get("gender") or "",
        birth_date=data.get("birth_date"),
        id_number=data.get("id_number") or "",
        hukou_region=(data.get("hukou_region") or "").strip(),
        residence_region=(data.get("residence_region") or "").strip(),
        residence_address=data.get("residence_address") or "",
        former_names=data.get("former_names") or "",
        ethnicity=data.get("ethnicity") or "",
        phone=data.get("phone") or "",
    )


def _field_values(form: Form) -> dict[str, Any]:
    """What the form could parse, for the service's validation: a field the form refused counts as empty, and keeps
    the form's own message (``add_domain_errors`` does not overwrite it)."""
    form.is_valid()
    return dict(getattr(form, "cleaned_data", {}))
