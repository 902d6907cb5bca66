"""The case list (帮教档案), and its .xlsx export."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
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
from core.pages import Deadline, audit_list, paginate
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


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponseBase:
    """The cases within reach, filtered by level, status, overdue visits, settlement and dual management, searched
    by name, pinyin, initials or ID number. Open cases (在册, 脱管) unless another status is asked for."""
    user = page_user(request, CASE_ROLES)
    query = request.GET.copy()
    query.setdefault("status", CaseFilterForm.OPEN)
    form = CaseFilterForm(query)
    data = form.cleaned_data if form.is_valid() else {}
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
    cases = cases.select_related("person", "managing_office", "hukou_office")
    if exports.wants_xlsx(request):
        # officers and the police export; a social worker or volunteer reads their own cases but takes no lists away
        if not areas.can(user, capabilities.EXPORT):
            raise PermissionDenied
        filters = {k: query.get(k) for k in ("status", "level", "settlement", "dual_managed", "overdue")}
        return exports.xlsx_response(request=request, export=CASE_LIST_EXPORT, rows=cases, filters={**filters, "q": q})
    page = paginate(request, cases)
    today = timezone.localdate()
    rows = [
        ListRow(c, mask_id_number(c.person.id_number), Deadline.of(c.next_visit_due, running=c.is_open, today=today))
        for c in page.object_list
    ]
    audit_list(request, via="cases.case_list", rows=[r.case for r in rows], key="cases", q=bool(q), status=status)
    filtered = any(query.get(k) for k in ("q", "level", "settlement", "dual_managed", "overdue")) or (
        status != CaseFilterForm.OPEN
    )
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "title": _list_title(user),
            "role": user.role,
            "filtered": filtered,
            "many_offices": user.role != Role.OFFICE_OFFICER,
            "exports": areas.can(user, capabilities.EXPORT),
        },
    )
