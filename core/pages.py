"""The page toolkit: what every area's pages share, so that they behave alike.

- ``act()``: the POST of an action form on an object's page, in one order for every page (who may, then whether the
  object still allows it, then the form, then the service);
- ``Deadline``: a date the work is due by, and how close it is;
- ``paginate()``: one page of a list;
- ``TimelineEntry``: one row of an object's history, as the timeline shows it;
- ``audit_list()`` / ``audit_read()``: the ``person.list`` / ``person.read`` audit row a page writes when it shows
  people (DESIGN §8);
- ``refuse()`` / ``raise_refusal()``: how a refusal reaches the browser.

Core names no other app here; what needs directory's users and roles is in ``directory/pages.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise

from core.audit import Actor, record_audit
from core.errors import DomainError
from core.forms import add_domain_errors

PAGE_SIZE = 50
DUE_SOON_DAYS = 7  # a deadline within a week is flagged, as the worklist's horizon


# --- small helpers for the templates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """A date the work is due by; ``templates/_deadline.html`` shows it, red when overdue, amber when close."""

    day: dt.date | None
    state: str  # overdue / due / ok / "" (not running)

    @classmethod
    def of(cls, day: dt.date | None, *, running: bool, today: dt.date, soon: int = DUE_SOON_DAYS) -> Deadline:
        if day is None or not running:
            return cls(day, "")
        if day < today:
            return cls(day, "overdue")
        if day <= today + dt.timedelta(days=soon):
            return cls(day, "due")
        return cls(day, "ok")


def paginate(request: HttpRequest, rows: QuerySet[Any], *, per_page: int | None = None) -> Page[Any]:
    """The page of ``rows`` the ``page`` parameter asks for (``templates/_pager.html`` links the others)."""
    return Paginator(rows, per_page or PAGE_SIZE).get_page(request.GET.get("page"))


@dataclass(frozen=True)
class TimelineEntry:
    """One event row of an object's history: what happened (``label``), its facts in words, and its note."""

    event: Any
    label: str | Promise
    details: list[str]
    note: str = ""


# --- audit of what the pages show ------------------------------------------------------------------------------------


def audit_list(request: HttpRequest, *, via: str, rows: Sequence[Any], key: str, **detail: Any) -> None:
    """One ``person.list`` row for a page of people (names, masked ID numbers): DESIGN §8. ``rows`` are the objects
    shown (each with ``pk`` and ``person_id``), listed under ``key`` (``cases``, ``notices``); none shown, no row."""
    if not rows:
        return
    with transaction.atomic():
        record_audit(
            actor=Actor.of(request),
            action="person.list",
            object_type="people.person",
            detail={"via": via, key: [row.pk for row in rows], "persons": [row.person_id for row in rows], **detail},
        )


def audit_read(request: HttpRequest, *, person_id: int, via: str, **detail: Any) -> None:
    """One ``person.read`` row for a page about one person."""
    with transaction.atomic():
        record_audit(
            actor=Actor.of(request),
            action="person.read",
            object_type="people.person",
            object_id=person_id,
            detail={"via": via, **detail},
        )


# --- refusals --------------------------------------------------------------------------------------------------------


def raise_refusal(exc: DomainError) -> None:
    """A service's 404 or 403 is the page's too ("missing" and "not yours" look the same); others are the caller's."""
    if exc.status == 404:
        raise Http404 from exc
    if exc.status == 403:
        raise PermissionDenied from exc


def refuse(request: HttpRequest, message: str | Promise, to: str) -> HttpResponse:
    """Back to the object's page with ``message`` on top: the answer to a form the page no longer offers."""
    messages.error(request, str(message))
    return redirect(to)


# --- the POST of an action form --------------------------------------------------------------------------------------


def act(
    request: HttpRequest,
    *,
    allowed: bool,
    refusal: str | Promise | None,
    form: Form,
    run: Callable[[Mapping[str, Any]], HttpResponse],
    render: Callable[[Form, int], HttpResponse],
    back: str,
    errors_onto: Callable[[Form, DomainError], None] = add_domain_errors,
) -> HttpResponse:
    """The POST of one action form on an object's page, the same on every page:

    1. ``allowed`` is False (the user may not take this action on this object, whatever its state: the same rule
       the service refuses by): 403;
    2. ``refusal`` is a message (the object moved on, so the page no longer offers the form): back to the object's
       page (``back``) with the message on top;
    3. the form does not parse: ``render(form, 400)``, the page again with the form and its messages in place;
    4. ``run(cleaned_data)`` calls the service and answers the redirect. A 404 or 403 from the service is the page's
       too; a conflict (409: another officer acted first, under the service's row lock) is answered as in 2, with
       the service's message; any other refusal goes onto the form (``errors_onto``) and ``render`` shows the page
       again as it now is (the service rolled back), with the service's status. Nothing is written.
    """
    if not allowed:
        raise PermissionDenied
    if refusal is not None:
        return refuse(request, refusal, back)
    if not form.is_valid():
        return render(form, 400)
    try:
        return run(form.cleaned_data)
    except DomainError as exc:
        raise_refusal(exc)
        if exc.status == 409:
            return refuse(request, exc.message, back)
        errors_onto(form, exc)
        return render(form, exc.status)
