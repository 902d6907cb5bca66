"""预警: the open hand-over alerts and work items within reach."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import exports
from core.pages import audit_list, paginate
from directory.models import OFFICER_ROLES
from directory.pages import page_user
from handover import exports as notice_exports
from handover import selectors
from handover.models import Alert
from handover.views.common import (
    URGENT_ALERT_KINDS,
)

# --- alerts ----------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponseBase:
    """Open hand-over alerts and work items within reach, newest first, filtered by kind."""
    user = page_user(request, OFFICER_ROLES)
    kind = request.GET.get("kind", "")
    if kind not in Alert.Kind.values:
        kind = ""
    open_alerts = selectors.open_alerts_for(user).select_related("notice__receiving_office")
    shown = (open_alerts.filter(kind=kind) if kind else open_alerts).order_by("-raised_on", "-id")
    if exports.wants_xlsx(request):
        rows_shown = notice_exports.alerts_with_export_relations(shown)
        return exports.xlsx_response(
            request=request, export=notice_exports.ALERTS, rows=rows_shown, filters={"kind": kind}
        )
    counts = dict(open_alerts.order_by().values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    page = paginate(request, shown)
    rows = list(page.object_list)
    audit_list(request, via="handover.alerts", rows=[a.notice for a in rows], key="notices", kind=kind)
    return render(
        request,
        "handover/alerts.html",
        {
            "page": page,
            "rows": rows,
            "kind": kind,
            "kinds": [(value, label, counts.get(value, 0)) for value, label in Alert.Kind.choices],
            "total": sum(counts.values()),
            "urgent": URGENT_ALERT_KINDS,
        },
    )
