"""The case list (帮教档案), and its .xlsx export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cases import capabilities, selectors
from cases.forms import (
    CaseFilterForm,
)
from cases.models import Case
from cases.views.common import (
    CASE_ROLES,
    GROUP_ROLES,
)
from core import areas, exports
from core.idnumbers import mask_id_number
from core.pages import Deadline, Filters, ListPage, show_list
from directory.models import OFFICER_ROLES, Role, User
from directory.pages import page_user
from people.selectors import person_matches

# --- the case list ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    case: Case
    id_number: str  # masked
    next_visit: Deadline


def _list_title(user: User) -> str:
    if user.role in GROUP_ROLES:
        return _("我的帮教对象")
    if user.role == Role.POLICE_OFFICER:
        return _("重点帮教对象")
    return _("帮教档案")


def _closure(case: Case) -> str:
    return f"{case.get_closure_reason_display()} {case.closed_on:%Y-%m-%d}" if case.status == Case.Status.CLOSED else ""


# The case list as .xlsx: the page's columns, masked ID numbers, no offence (core.exports).
CASE_LIST_EXPORT: exports.ListExport[Case] = exports.ListExport(
    name="cases.case_list",
    title=gettext_lazy("帮教档案"),
    columns=(
        exports.Column(gettext_lazy("档案编号"), lambda case: case.pk, width=9),
        exports.Column(gettext_lazy("姓名"), lambda case: case.person.name, width=10),
        exports.id_number_column(gettext_lazy("公民身份号码（脱敏）"), lambda case: case.person.id_number),
        exports.Column(gettext_lazy("帮教等级"), lambda case: case.get_level_display(), width=10),
        exports.Column(gettext_lazy("状态"), lambda case: case.get_status_display(), width=10),
        exports.Column(gettext_lazy("管理司法所"), lambda case: case.managing_office.name, width=22),
        exports.Column(gettext_lazy("双列管"), lambda case: case.dual_managed, width=8),
        exports.Column(
            gettext_lazy("户籍地司法所"), lambda case: case.hukou_office.name if case.hukou_office else "", width=22
        ),
        exports.Column(gettext_lazy("建档日期"), lambda case: case.opened_on, width=11),
        exports.Column(gettext_lazy("下次走访"), lambda case: case.next_visit_due if case.is_open else None, width=11),
        exports.Column(gettext_lazy("安置情况"), lambda case: case.get_settlement_status_display(), width=14),
        exports.Column(gettext_lazy("安置起始"), lambda case: case.settlement_since, width=11),
        exports.Column(gettext_lazy("帮教期满"), lambda case: case.period_end, width=11),
        exports.Column(gettext_lazy("解除"), _closure, width=18),
    ),
    key=lambda case: case.person_id,
)


def _cases(user: User, data: Filters) -> QuerySet[Case]:
    """The cases within reach, filtered by level, status, overdue visits, settlement and dual management, searched
    by name, pinyin, initials or ID number. Open cases (在册, 脱管) unless another status is asked for."""
    status = data.get("status", CaseFilterForm.OPEN)
    q = (data.get("q") or "").strip()
    dual = {"yes": True, "no": False}.get(data.get("dual_managed") or "")
    # officers search through list_cases (people within their reach); the others among their own cases' people
    search_by_selector = user.role in OFFICER_ROLES
    cases = selectors.list_cases(
        user=user,
        status=status if status in Case.Status.values else None,
        level=data.get("level") or None,
        q=(q or None) if search_by_selector else None,
        overdue=bool(data.get("overdue")) or None,
        dual_managed=dual,
        settlement=data.get("settlement") or None,
    )
    if status == CaseFilterForm.OPEN:
        cases = cases.filter(status__in=Case.OPEN)
    if q and not search_by_selector:
        cases = cases.filter(person_matches(q, path="person__"))
    return cases.select_related("person", "managing_office", "hukou_office")


def _row(case: Case, today: dt.date) -> ListRow:
    return ListRow(
        case, mask_id_number(case.person.id_number), Deadline.of(case.next_visit_due, running=case.is_open, today=today)
    )


def _status(data: Filters) -> str:
    return str(data.get("status", CaseFilterForm.OPEN))


def _search(data: Filters) -> str:
    return str(data.get("q") or "").strip()


def _context(user: User, data: Filters, raw: QueryDict) -> dict[str, Any]:
    filtered = any(raw.get(k) for k in ("q", "level", "settlement", "dual_managed", "overdue")) or (
        _status(data) != CaseFilterForm.OPEN
    )
    return {
        "title": _list_title(user),
        "role": user.role,
        "filtered": filtered,
        "many_offices": user.role != Role.OFFICE_OFFICER,
        "exports": areas.can(user, capabilities.EXPORT),
    }


CASE_LIST: ListPage[Case] = ListPage(
    template="cases/case_list.html",
    filters=CaseFilterForm,
    rows=_cases,
    row=_row,
    audited=lambda row: row.case,
    audit_via="cases.case_list",
    audit_key="cases",
    audit_filters=lambda data, raw: {"q": bool(_search(data)), "status": _status(data)},
    export=CASE_LIST_EXPORT,
    export_filters=lambda data, raw: {
        **{k: raw.get(k) for k in ("status", "level", "settlement", "dual_managed", "overdue")},
        "q": _search(data),
    },
    # officers and the police export; a social worker or volunteer reads their own cases but takes no lists away
    may_export=lambda user: areas.can(user, capabilities.EXPORT),
    context=_context,
)


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponseBase:
    """The case list (``CASE_LIST``): open cases unless another status is asked for."""
    user = page_user(request, CASE_ROLES)
    query = request.GET.copy()
    query.setdefault("status", CaseFilterForm.OPEN)
    return show_list(request, CASE_LIST, user=user, query=query)
