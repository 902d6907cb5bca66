"""The page toolkit: what every area's pages share, so that they behave alike.

- ``act()``: the POST of an action form on an object's page, in one order for every page (who may, then whether the
  object still allows it, then the form, then the service);
- ``Deadline``: a date the work is due by, and how close it is;
- ``paginate()``: one page of a list;
- ``TimelineEntry``: one row of an object's history, as the timeline shows it;
- ``audit_list()`` / ``audit_read()``: the ``person.list`` / ``person.read`` audit row a page writes when it shows
  people (DESIGN §8);
- ``refuse()`` / ``raise_refusal()``: how a refusal reaches the browser;
- ``ListPage`` / ``show_list()``: a list page and its .xlsx export from one declaration (the filters, the one query,
  the page's masked rows and their ``person.list`` audit row, the export's columns and its ``export`` audit row).

Core names no other app here; what needs directory's users and roles is in ``directory/pages.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise

from core import exports
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


def paginate(request: HttpRequest, rows: QuerySet[Any] | Sequence[Any], *, per_page: int | None = None) -> Page[Any]:
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


# --- list pages ------------------------------------------------------------------------------------------------------

T = TypeVar("T")  # a list's objects: model rows, or items a page gathers from several queries
Filters = Mapping[str, Any]  # the filter form's cleaned data ({} when it does not parse)


def _same(rows: Iterable[Any]) -> Iterable[Any]:
    return rows


def _nothing_more(rows: Sequence[Any], context: Mapping[str, Any]) -> dict[str, Any]:
    return {}


def _always(request: HttpRequest, context: Mapping[str, Any]) -> bool:
    return True


def _no_filters(data: Filters, raw: QueryDict) -> dict[str, Any]:
    return {}


def _no_form(query: QueryDict) -> Form:
    return Form()  # a list without filters: nothing to parse, ``data`` is {}


@dataclass(frozen=True)
class ListPage(Generic[T]):
    """A list page and its .xlsx export (``?format=xlsx``), both from this one declaration, so the file can never
    hold a row the page would not show, nor a column unmasked (core.exports):

    - ``filters(query)``: the page's filter form (none by default); ``rows(user, data)``: the one query, scoped
      with ``visible_to`` and filtered by the form's cleaned data;
    - ``row(obj, today)``: one row as the page shows it (masked ID number, its deadline); or ``page_rows(objects,
      today, context)``, the page's rows at once, when they need what the page's context computed once (the
      offices each row's form offers); ``audited(row)`` the object its ``person.list`` audit row names (``pk``,
      ``person_id``), listed under ``audit_key``, with ``audit_filters`` (never the search text itself: it may be
      an ID number);
    - ``export``: the file's columns and how its ``export`` audit row names the list, ``export_rows`` the query with
      what the columns read, ``export_filters`` what the audit row records of the filters, ``may_export(user)`` who
      may take the list away (403 otherwise);
    - ``context(user, data, raw)``: what else the template reads.

    A list that depends on more than its form (the list behind a statistics number: its family, region and
    figure) is declared per request. What such a list may need, any list may declare:

    - ``invalid_status``: a filter form that does not parse answers the page with the form and ``extra`` only, with
      this status, no query run, nothing exported or audited (None: the list unfiltered, ``data`` {});
    - ``export_title(data, raw)``: the file's name (the export's title by default);
    - ``audit_shown(objects, page)``: what the ``person.list`` row records of the page shown (its objects, not the
      rows), in place of ``audit_key``'s ids and their ``persons``; with it, ``audit_empty``: a page of nobody is
      audited too (each look at the list is recorded).

    A list read whole, or gathered from more than one query, may declare:

    - ``rows`` answering a sequence (the worklist's items of every area) rather than a QuerySet;
    - ``paged=False``: the whole list on one page (a live panel, a worklist), never counted;
    - ``rows_context(rows, context)``: what the template reads of the rows shown (their sections, their totals);
    - ``audit_objects(rows, context)``: the objects the ``person.list`` row names when the page shows more than its
      rows (a second list beside them, in the context), in place of ``audited``'s;
    - ``audit_when(request, context)``: whether this request writes the row at all (a page that refreshes itself
      records only when what it shows changed);
    - ``export=None``: no file (``?format=xlsx`` shows the page); ``export_query(user, data)``: the file's rows
      from a query of their own, when they read more than the page's query carries (the user's other lists).

    A page with tabs declares one ``ListPage`` per tab (each its own query, audit ``via`` and export filters).
    The page's HTML columns stay in its ``template`` (they are richer than a cell: links, badges, deadlines).
    """

    template: str
    rows: Callable[[Any, Filters], QuerySet[Any] | Sequence[T]]
    audit_via: str
    export: exports.ListExport[Any] | None
    audited: Callable[[Any], Any] = field(default=lambda row: row)
    audit_key: str = ""
    filters: Callable[[QueryDict], Form] = _no_form
    invalid_status: int | None = None
    row: Callable[[T, dt.date], Any] = field(default=lambda obj, today: obj)
    page_rows: Callable[[Sequence[T], dt.date, Mapping[str, Any]], list[Any]] | None = None
    audit_filters: Callable[[Filters, QueryDict], dict[str, Any]] = _no_filters
    audit_shown: Callable[[Sequence[T], Page[T]], dict[str, Any]] | None = None
    audit_empty: bool = False
    export_filters: Callable[[Filters, QueryDict], dict[str, Any]] = _no_filters
    export_rows: Callable[[Any], Iterable[Any]] = _same
    export_query: Callable[[Any, Filters], Iterable[Any]] | None = None
    paged: bool = True
    rows_context: Callable[[Sequence[Any], Mapping[str, Any]], dict[str, Any]] = _nothing_more
    audit_objects: Callable[[Sequence[Any], Mapping[str, Any]], Sequence[Any]] | None = None
    audit_when: Callable[[HttpRequest, Mapping[str, Any]], bool] = _always
    export_title: Callable[[Filters, QueryDict], str | Promise] | None = None
    may_export: Callable[[Any], bool] = field(default=lambda user: True)
    context: Callable[[Any, Filters, QueryDict], dict[str, Any]] = field(default=lambda user, data, raw: {})


def show_list(
    request: HttpRequest,
    listing: ListPage[T],
    *,
    user: Any,
    query: QueryDict | None = None,
    extra: Mapping[str, Any] | None = None,
    status: int = 200,
) -> HttpResponseBase:
    """The list page ``listing`` declares for ``user`` (filtered by ``query``, the request's by default), or, on a
    GET, its .xlsx. The export's audit row replaces the page's ``person.list`` row. ``extra`` is context of this
    request's own (a form posted back with its errors, shown with ``status``), which ``page_rows`` reads too; a
    page refusing a filter form that does not parse (``invalid_status``) shows it with ``extra`` alone."""
    raw = request.GET if query is None else query
    form = listing.filters(raw)
    valid = form.is_bound and form.is_valid()
    if listing.invalid_status is not None and form.is_bound and not valid:
        return render(request, listing.template, {"form": form, **(extra or {})}, status=listing.invalid_status)
    data: Filters = form.cleaned_data if valid else {}
    rows = listing.rows(user, data)
    if listing.export is not None and exports.wants_xlsx(request) and request.method == "GET":
        if not listing.may_export(user):
            raise PermissionDenied
        return exports.xlsx_response(
            request=request,
            export=listing.export,
            rows=listing.export_query(user, data) if listing.export_query else listing.export_rows(rows),
            filters=listing.export_filters(data, raw),
            title=listing.export_title(data, raw) if listing.export_title else None,
        )
    if listing.paged:
        page = paginate(request, rows)
    else:
        whole = list(rows)  # read once, never counted
        page = Paginator(whole, max(len(whole), 1)).page(1)
    today = timezone.localdate()
    context = {**listing.context(user, data, raw), **(extra or {})}
    objects = list(page.object_list)
    if listing.page_rows is not None:
        shown = listing.page_rows(objects, today, context)
    else:
        shown = [listing.row(obj, today) for obj in objects]
    context.update(listing.rows_context(shown, context))
    if listing.audit_when(request, context):
        _audit_shown(request, listing, objects=objects, page=page, shown=shown, context=context, data=data, raw=raw)
    return render(
        request,
        listing.template,
        {"form": form, "page": page, "rows": shown, "today": today, **context},
        status=status,
    )


def _audit_shown(
    request: HttpRequest,
    listing: ListPage[T],
    *,
    objects: Sequence[T],
    page: Page[T],
    shown: Sequence[Any],
    context: Mapping[str, Any],
    data: Filters,
    raw: QueryDict,
) -> None:
    """The page's ``person.list`` row: its objects as ``audit_shown`` records them, or the people it names."""
    if listing.audit_shown is None:
        audited = (
            listing.audit_objects(shown, context) if listing.audit_objects else [listing.audited(r) for r in shown]
        )
        audit_list(
            request, via=listing.audit_via, rows=audited, key=listing.audit_key, **listing.audit_filters(data, raw)
        )
    elif objects or listing.audit_empty:
        record_audit(  # its own transaction
            actor=Actor.of(request),
            action="person.list",
            object_type="people.person",
            detail={"via": listing.audit_via, **listing.audit_filters(data, raw), **listing.audit_shown(objects, page)},
        )
