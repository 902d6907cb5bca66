"""预警: the open hand-over alerts and work items within reach."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from core.pages import Filters, ListPage, show_list
from directory.models import OFFICER_ROLES, User
from directory.pages import page_user
from handover import exports as notice_exports
from handover import selectors
from handover.forms import AlertFilterForm
from handover.models import Alert
from handover.views.common import (
    URGENT_ALERT_KINDS,
)

# --- alerts ----------------------------------------------------------------------------------------------------------


def _kind(data: Filters) -> str:
    return str(data.get("kind") or "")


def _open_alerts(user: User) -> QuerySet[Alert]:
    return selectors.open_alerts_for(user).select_related("notice__receiving_office")


def _alerts(user: User, data: Filters) -> QuerySet[Alert]:
    kind = _kind(data)
    open_alerts = _open_alerts(user)
    return (open_alerts.filter(kind=kind) if kind else open_alerts).order_by("-raised_on", "-id")


def _context(user: User, data: Filters, raw: QueryDict) -> dict[str, Any]:
    counts = dict(_open_alerts(user).order_by().values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {
        "kind": _kind(data),
        "kinds": [(value, label, counts.get(value, 0)) for value, label in Alert.Kind.choices],
        "total": sum(counts.values()),
        "urgent": URGENT_ALERT_KINDS,
    }


ALERTS: ListPage[Alert] = ListPage(
    template="handover/alerts.html",
    filters=AlertFilterForm,
    rows=_alerts,
    audited=lambda alert: alert.notice,
    audit_via="handover.alerts",
    audit_key="notices",
    audit_filters=lambda data, raw: {"kind": _kind(data)},
    export=notice_exports.ALERTS,
    export_filters=lambda data, raw: {"kind": _kind(data)},
    export_rows=notice_exports.alerts_with_export_relations,
    context=_context,
)


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponseBase:
    """Open hand-over alerts and work items within reach (``ALERTS``), newest first, filtered by kind."""
    return show_list(request, ALERTS, user=page_user(request, OFFICER_ROLES))
