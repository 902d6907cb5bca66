"""The worklist (待办事项): the user's due and overdue items by kind, and its .xlsx export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cases import capabilities
from cases.views.common import (
    CASE_ROLES,
)
from core import areas, exports
from core.areas import WorkItem, registry, worklist_for
from core.pages import Filters, ListPage, show_list
from directory.models import User
from directory.pages import page_user

# --- the worklist ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkRow:
    item: WorkItem
    url: str | None
    action: str | Promise


@dataclass(frozen=True)
class WorkGroup:
    kind: str
    label: str | Promise
    rows: list[WorkRow]
    overdue: int


def _work_groups(items: Sequence[WorkItem]) -> list[WorkGroup]:
    """The worklist's sections, most pressing first (each kind's ``rank``); each section keeps the worklist's order
    (overdue, then by date)."""
    by_kind: dict[str, list[WorkRow]] = {}
    for item in items:
        source = registry.work_kind_of(item.kind)
        by_kind.setdefault(item.kind, []).append(WorkRow(item, item.url, source.action if source else ""))
    labels = registry.work_labels()
    kinds = sorted(by_kind, key=lambda kind: (registry.work_rank(kind), kind))
    return [WorkGroup(k, labels.get(k, k), by_kind[k], sum(1 for r in by_kind[k] if r.item.overdue)) for k in kinds]


# The worklist as .xlsx, in the page's order (kind, then overdue first): what to do, for whom, by when.
WORKLIST_EXPORT: exports.ListExport[WorkItem] = exports.ListExport(
    name="cases.worklist",
    title=gettext_lazy("待办事项"),
    columns=(
        exports.Column(gettext_lazy("事项"), lambda item: registry.work_labels().get(item.kind, item.kind), width=16),
        exports.Column(gettext_lazy("内容"), lambda item: item.title, width=30),
        exports.Column(gettext_lazy("期限"), lambda item: item.due, width=11),
        exports.Column(gettext_lazy("逾期"), lambda item: item.overdue, width=8),
    ),
    object_type="cases.worklist",
    key=lambda item: item.ref.get("case_id") or item.ref.get("notice_id"),
)


def _worklist(user: User, data: Filters) -> list[WorkItem]:
    """The user's items of every area (core.areas.worklist_for) in the page's order: by kind, then overdue first."""
    items = worklist_for(user, on=timezone.localdate())
    return [row.item for group in _work_groups(items) for row in group.rows]


def _shown(items: Sequence[WorkItem], context: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "groups": _work_groups(items),
        "total": len(items),
        "overdue": sum(1 for i in items if i.overdue),
    }


def _audited(items: Sequence[WorkItem], page: Page[WorkItem]) -> dict[str, Any]:
    """The cases and the notices the items name, each under its own key."""
    return {
        "cases": sorted({i.ref["case_id"] for i in items if "case_id" in i.ref}),
        "notices": sorted({i.ref["notice_id"] for i in items if "notice_id" in i.ref}),
    }


# The worklist, whole (its items are capped per kind by worklist_for), audited only when it names somebody.
WORKLIST: ListPage[WorkItem] = ListPage(
    template="cases/worklist.html",
    rows=_worklist,
    paged=False,
    rows_context=_shown,
    audit_via="cases.worklist",
    audit_shown=_audited,
    export=WORKLIST_EXPORT,
    # as on the case list: the group reads, officers take lists away
    may_export=lambda user: areas.can(user, capabilities.EXPORT),
    context=lambda user, data, raw: {"exports": areas.can(user, capabilities.EXPORT)},
)


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponseBase:
    """待办事项 (``WORKLIST``): the user's due and overdue items by kind, each linking to where it is done."""
    return show_list(request, WORKLIST, user=page_user(request, CASE_ROLES))
