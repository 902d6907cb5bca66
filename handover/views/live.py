"""释放后72小时: the people released in the last three days and how their hand-over stands, refreshed live."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.audit import client_ip
from core.pages import Filters, ListPage, show_list
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


def _alerts(user: User) -> list[Alert]:
    """The panel's open alerts of the first 72 hours, newest first (a notice's may be older than three days)."""
    return list(
        selectors.open_alerts_for(user)
        .filter(kind__in=FIRST_72_ALERT_KINDS)
        .select_related("notice__receiving_office")
        .order_by("-raised_on", "-id")[:200]
    )


def _live_rows(notices: Iterable[ReleaseNotice], alerts: Sequence[Alert], today: dt.date) -> list[LiveRow]:
    by_notice: dict[int, list[Alert]] = {}
    for alert in alerts:
        by_notice.setdefault(alert.notice_id, []).append(alert)
    rows = []
    for notice in notices:
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
    return rows


def _released(user: User, data: Filters) -> QuerySet[ReleaseNotice]:
    # the page (polled every 30 s) reads only these three relations; the export's columns read every one (_export)
    released = selectors.released_today(user=user, on=timezone.localdate()).prefetch_related(None)
    return released.select_related("person", "receiving_office", "facility")


def _export(user: User, data: Filters) -> list[LiveRow]:
    """The file: the people released in the last three days (the page's list), each with its open alerts."""
    today = timezone.localdate()
    released = selectors.released_today(user=user, on=today).prefetch_related(None)
    return _live_rows(notice_exports.with_export_relations(released), _alerts(user), today)


def _context(user: User, data: Filters, raw: QueryDict) -> dict[str, Any]:
    return {
        "alerts": _alerts(user),
        "updated_at": timezone.localtime(),
        "since": timezone.localdate() - dt.timedelta(days=2),
    }


def _summary(rows: Sequence[LiveRow], context: Mapping[str, Any]) -> dict[str, Any]:
    ids = sorted({row.notice.pk for row in rows} | {a.notice_id for a in context["alerts"]})
    return {
        "summary": {
            "released": len(rows),
            "handed_over": sum(r.state == "handed_over" for r in rows),
            "escorted": sum(bool(r.notice.escorted) for r in rows),
            "waiting": sum(r.state != "handed_over" for r in rows),
            "no_escort": sum(r.state == "no_escort" for r in rows),
        },
        "ids": ids,
        "seen": signing.dumps(ids, salt=LIVE_SEEN_SALT),
    }


def _shown_notices(rows: Sequence[LiveRow], context: Mapping[str, Any]) -> list[ReleaseNotice]:
    """The notices of both lists, the people's and their alerts', each once."""
    notices = [row.notice for row in rows] + [a.notice for a in context["alerts"]]
    return list({n.pk: n for n in notices}.values())


def _changed(request: HttpRequest, context: Mapping[str, Any]) -> bool:
    """Whether the poll shows other notices than the answer before it, which signed their ids into ``seen``: a client
    cannot forge it to hide a read, and it expires after an hour, after which the poll records again."""
    try:
        seen = signing.loads(request.GET.get("seen", ""), salt=LIVE_SEEN_SALT, max_age=LIVE_SEEN_MAX_AGE)
    except signing.BadSignature:
        seen = None
    return bool(seen != context["ids"])


# The page: released notices shown whole with the panel of alerts beside them, both audited as one list.
FIRST_72: ListPage[ReleaseNotice] = ListPage(
    template="handover/first_72_hours.html",
    rows=_released,
    paged=False,
    page_rows=lambda notices, today, context: _live_rows(notices, context["alerts"], today),
    rows_context=_summary,
    audit_via="handover.first_72_hours",
    audit_key="notices",
    audit_objects=_shown_notices,
    export=notice_exports.FIRST_72_HOURS,
    export_query=_export,
    export_filters=lambda data, raw: {"from": timezone.localdate() - dt.timedelta(days=2), "to": timezone.localdate()},
    context=_context,
)

# Its 30-second refresh: the panel alone, no file, audited only when the notices shown change.
FIRST_72_LIVE: ListPage[ReleaseNotice] = replace(
    FIRST_72,
    template="handover/_first_72_hours_live.html",
    audit_via="handover.first_72_hours.live",
    audit_when=_changed,
    export=None,
)


@login_required
@require_GET
def first_72_hours(request: HttpRequest) -> HttpResponseBase:
    """释放后72小时: the people released in the last three days and how their hand-over stands, refreshed live."""
    response = show_list(request, FIRST_72, user=page_user(request, OFFICER_ROLES))
    if not isinstance(response, FileResponse):  # the page, not its file, starts the live panel's idle clock
        request.session[LIVE_OPENED_KEY] = time.time()
    return response


@require_GET
def first_72_hours_live(request: HttpRequest) -> HttpResponseBase:
    """The 30-second refresh of the first-72-hours page (htmx polls it and swaps it in).

    Audit: the poll re-shows what the page already recorded, so it writes a row only when the people shown change
    (``FIRST_72_LIVE``). It learns what was shown from ``seen``, the list of notice ids it signed into the previous
    answer.
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
    return show_list(request, FIRST_72_LIVE, user=page_user(request, OFFICER_ROLES))
