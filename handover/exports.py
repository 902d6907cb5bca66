"""The hand-over lists as .xlsx (``core.exports``): one layout for every list of notices, so an officer's
spreadsheet reads the same whichever page it came from, plus the columns a page adds (the alert, the return).

Each row is one notice; the audit row counts people (``people.person``) and keeps the first person ids. The
columns read the relations of ``selectors.NOTICE_RELATED``: a list's queryset selects them (``with_export_relations``)
so that a long list costs one query per chunk, not one per row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from operator import attrgetter
from typing import Any, Protocol, TypeVar

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.exports import Column, ListExport, id_number_column
from directory.models import Region
from handover.models import Alert, ReleaseNotice
from handover.selectors import NOTICE_RELATED

R = TypeVar("R")


def with_export_relations(notices: QuerySet[ReleaseNotice]) -> QuerySet[ReleaseNotice]:
    """``notices`` with what the columns read (and without the history, which no column shows)."""
    return notices.select_related(*NOTICE_RELATED).prefetch_related(None)


def _region(region: Region | None) -> str:
    return f"{region.name}（{region.code}）" if region is not None else ""


def _escorted(notice: ReleaseNotice) -> str | Promise:
    if not notice.key_target and notice.escorted is None:
        return ""
    return _("是") if notice.escorted else _("否")


# The labels of the first exports (GET /api/v1/release-notices/export.xlsx): API clients may read them by name.
NOTICE_COLUMNS: tuple[Column[ReleaseNotice], ...] = (
    Column(_("编号"), lambda n: n.pk, width=8),
    Column(_("状态"), lambda n: n.get_status_display(), width=12),
    Column(_("姓名"), lambda n: n.person.name, width=10),
    Column(_("性别"), lambda n: n.person.get_gender_display(), width=6),
    Column(_("出生日期"), lambda n: n.person.birth_date, width=11),
    id_number_column(_("公民身份号码（脱敏）"), lambda n: n.person.id_number),
    Column(_("身份已核实"), lambda n: n.person.id_verified, width=10),
    Column(_("户籍地"), lambda n: _region(n.person.hukou_region), width=28),
    Column(_("居住地"), lambda n: _region(n.person.residence_region), width=28),
    Column(_("居住地址"), lambda n: n.person.residence_address, width=24),
    Column(_("监所"), lambda n: n.facility.name if n.facility else "", width=18),
    Column(_("接收单位"), lambda n: n.receiving_office.name, width=22),
    Column(_("重点帮教对象"), lambda n: n.key_target, width=12),
    Column(_("罪名"), lambda n: n.custody.offence if n.custody else "", width=12),
    Column(_("刑期(月)"), lambda n: n.custody.sentence_months if n.custody else None, width=9),
    Column(_("预计释放日期"), lambda n: n.expected_release_date, width=12),
    Column(_("发送日期"), lambda n: n.sent_on, width=11),
    Column(_("核查期限"), lambda n: n.verify_by, width=11),
    Column(_("核查结果"), lambda n: n.get_verification_result_display() if n.verification_result else "", width=12),
    Column(_("释放日期"), lambda n: n.released_on, width=11),
    Column(_("必接必送"), _escorted, width=9),
    Column(_("报到期限"), lambda n: n.check_in_by, width=11),
    Column(_("报到日期"), lambda n: n.checked_in_on, width=11),
    Column(_("报到方式"), lambda n: n.get_check_in_method_display() if n.check_in_method else "", width=12),
    Column(_("漏管"), lambda n: n.missed_on is not None, width=6),
)


def _person(notice: ReleaseNotice) -> object:
    return notice.person_id


def notice_export(name: str, title: str | Promise, *extra: Column[ReleaseNotice]) -> ListExport[ReleaseNotice]:
    """A list of notices: the common columns, then the page's own."""
    return ListExport(name=name, title=title, columns=(*NOTICE_COLUMNS, *extra), key=_person)


NOTICES = notice_export("handover.notices", _("刑满释放人员通知书"))
UNMATCHED = notice_export("handover.unmatched", _("未衔接人员名单"))
INBOX: dict[str, ListExport[ReleaseNotice]] = {
    "verify": notice_export("handover.inbox.verify", _("衔接工作-待核查")),
    "check_in": notice_export("handover.inbox.check_in", _("衔接工作-待报到")),
    "missed": notice_export("handover.inbox.missed", _("衔接工作-漏管")),
    "done": notice_export("handover.inbox.done", _("衔接工作-已衔接")),
}


def _last_return(notice: ReleaseNotice) -> Any:
    # the events are prefetched by the returned queue's queryset; the newest "returned" one says who and when
    return next((e for e in reversed(list(notice.events.all())) if e.action == "returned"), None)


RETURNED = notice_export(
    "handover.returned",
    _("退回待改派"),
    Column(_("退回说明"), lambda n: n.verification_note, width=24),
    Column(_("退回人"), lambda n: getattr(_last_return(n), "by_name", ""), width=12),
    Column(_("退回时间"), lambda n: getattr(_last_return(n), "at", None), width=18),
)

FIRST_72_STATES: dict[str, Promise] = {
    "handed_over": _("已报到"),
    "escorted": _("已接回，待报到"),
    "no_escort": _("无接送记录，未报到"),
    "waiting": _("尚未报到"),
}


class LiveRow(Protocol):
    """A row of the first-72-hours page (``handover.views.live.LiveRow``)."""

    @property
    def notice(self) -> ReleaseNotice: ...
    @property
    def day(self) -> int: ...
    @property
    def state(self) -> str: ...
    @property
    def alerts(self) -> list[Alert]: ...


def through(get: Callable[[R], ReleaseNotice], column: Column[ReleaseNotice]) -> Column[R]:
    """A notice column for rows that hold a notice (an alert, a row of the first-72-hours page)."""
    return Column(column.label, lambda row: column.value(get(row)), width=column.width)


FIRST_72_HOURS: ListExport[LiveRow] = ListExport(
    name="handover.first_72_hours",
    title=_("释放后72小时"),
    columns=(
        *(through(attrgetter("notice"), column) for column in NOTICE_COLUMNS),
        Column(_("释放后第几天"), lambda row: row.day, width=12),
        Column(_("衔接情况"), lambda row: FIRST_72_STATES[row.state], width=18),
        Column(_("预警"), lambda row: [alert.get_kind_display() for alert in row.alerts], width=28),
    ),
    key=lambda row: row.notice.person_id,
)

ALERTS: ListExport[Alert] = ListExport(
    name="handover.alerts",
    title=_("预警督办"),
    columns=(
        Column(_("预警"), lambda alert: alert.get_kind_display(), width=22),
        Column(_("发出日期"), lambda alert: alert.raised_on, width=11),
        *(through(attrgetter("notice"), column) for column in NOTICE_COLUMNS),
    ),
    key=lambda alert: alert.notice.person_id,
)


def alerts_with_export_relations(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    return alerts.select_related(*(f"notice__{name}" for name in NOTICE_RELATED))


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """``2025-03`` → (2025-03-01, 2025-04-01): the first day of the month and of the next (the month filter of the
    未衔接 export)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", month.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise DomainError(
            "invalid_query", gettext("A month is YYYY-MM."), fields={"month": gettext("a month as YYYY-MM")}
        )
    first = dt.date(int(match[1]), int(match[2]), 1)
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following
