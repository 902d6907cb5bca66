"""释放后72小时: the people released in the last three days and how their hand-over stands, refreshed live."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import exports
from core.audit import client_ip
from core.pages import audit_list
from directory.models import OFFICER_ROLES, User
from directory.pages import page_user
from directory.services import record_sign_out
from handover import exports as notice_exports
from handover import selectors
from handover.models import Alert, ReleaseNotice
from handover.views.common import (
    FIRST_72_ALERT_KINDS,
    LIVE_OPENED_KEY,
    LIVE_SEEN_MAX_AGE,
    LIVE_SEEN_SALT,
    S,
)

# --- the first 72 hours ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveRow:
    notice: ReleaseNotice
    day: int  # 1 on the release day
    state: str  # handed_over / escorted / no_escort / waiting
    alerts: list[Alert]


def _live(user: User, *, export: bool = False) -> dict[str, Any]:
    today = timezone.localdate()
    notices = selectors.released_today(user=user, on=today).prefetch_related(None)
    # the export's columns read every relation of the notice; the page (polled every 30 s) only these three
    notices = (
        notice_exports.with_export_relations(notices)
        if export
        else notices.select_related("person", "receiving_office", "facility")
    )
    alerts = list(
        selectors.open_alerts_for(user)
        .filter(kind__in=FIRST_72_ALERT_KINDS)
        .select_related("notice__receiving_office")
        .order_by("-raised_on", "-id")[:200]
    )
    by_notice: dict[int, list[Alert]] = {}
    for alert in alerts:
        by_notice.setdefault(alert.notice_id, []).append(alert)
    rows = []
    for notice in list(notices):
        if notice.status == S.HANDED_OVER:
            state = "handed_over"
        elif notice.escorted:
            state = "escorted"
        elif notice.key_target:
            state = "no_escort"
        else:
            state = "waiting"
        assert notice.released_on is not None
        rows.append(LiveRow(notice, (today - notice.released_on).days + 1, state, by_notice.get(notice.pk, [])))
    ids = sorted({row.notice.pk for row in rows} | {a.notice_id for a in alerts})
    return {
        "rows": rows,
        "alerts": alerts,
        "summary": {
            "released": len(rows),
            "handed_over": sum(r.state == "handed_over" for r in rows),
            "escorted": sum(bool(r.notice.escorted) for r in rows),
            "waiting": sum(r.state != "handed_over" for r in rows),
            "no_escort": sum(r.state == "no_escort" for r in rows),
        },
        "ids": ids,
        "seen": signing.dumps(ids, salt=LIVE_SEEN_SALT),
        "updated_at": timezone.localtime(),
        "since": today - dt.timedelta(days=2),
        "today": today,
    }


def _audit_live(request: HttpRequest, context: dict[str, Any], *, via: str) -> None:
    notices = [row.notice for row in context["rows"]] + [a.notice for a in context["alerts"]]
    audit_list(request, via=via, rows=list({n.pk: n for n in notices}.values()), key="notices")


@login_required
@require_GET
def first_72_hours(request: HttpRequest) -> HttpResponseBase:
    """释放后72小时: the people released in the last three days and how their hand-over stands, refreshed live."""
    user = page_user(request, OFFICER_ROLES)
    if exports.wants_xlsx(request):
        # the people released in the last three days (the page's list), each with its open alerts
        live = _live(user, export=True)
        filters = {"from": live["since"], "to": live["today"]}
        return exports.xlsx_response(
            request=request, export=notice_exports.FIRST_72_HOURS, rows=live["rows"], filters=filters
        )
    request.session[LIVE_OPENED_KEY] = time.time()
    context = _live(user)
    _audit_live(request, context, via="handover.first_72_hours")
    return render(request, "handover/first_72_hours.html", context)


@require_GET
def first_72_hours_live(request: HttpRequest) -> HttpResponse:
    """The 30-second refresh of the first-72-hours page (htmx polls it and swaps it in).

    Audit: the poll re-shows what the page already recorded, so it writes a row only when the people shown change.
    It learns what was shown from ``seen``, the list of notice ids it signed into the previous answer; a client
    cannot forge it to hide a read, and it expires after an hour, after which the poll records again.
    """
    opened = request.session.get(LIVE_OPENED_KEY)
    if request.user.is_authenticated and opened is not None and time.time() - opened > settings.SESSION_COOKIE_AGE:
        # Every request renews the session (SESSION_SAVE_EVERY_REQUEST is the idle timeout), so a poll every 30 s
        # would keep an unattended screen signed in for ever. A poll is not the user's activity: once the page has
        # sat untouched for the idle timeout, sign the user out as the timeout would have.
        assert isinstance(request.user, User)
        sign_out_user = request.user
        logout(request)
        record_sign_out(user=sign_out_user, ip=client_ip(request))
    if not request.user.is_authenticated:
        # the session ran out while the page sat open: take the whole tab to the sign-in page, not just the panel
        if request.headers.get("HX-Request"):
            login = f"{reverse('directory:login')}?next={reverse('handover:first_72_hours')}"
            return HttpResponse(headers={"HX-Redirect": login})
        return redirect_to_login(request.get_full_path())
    user = page_user(request, OFFICER_ROLES)
    context = _live(user)
    try:
        seen = signing.loads(request.GET.get("seen", ""), salt=LIVE_SEEN_SALT, max_age=LIVE_SEEN_MAX_AGE)
    except signing.BadSignature:
        seen = None
    if seen != context["ids"]:
        _audit_live(request, context, via="handover.first_72_hours.live")
    return render(request, "handover/_first_72_hours_live.html", context)
