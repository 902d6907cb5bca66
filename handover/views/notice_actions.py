"""The notice page's action forms, one table: for each action its form, the capability that decides who may take it
(``handover.capabilities``, as the service does), the statuses in which the page offers it, the service's word for
a conflict, the service call, and the message and page the user sees when it is done. The notice page shows the
forms from this table and one view answers them all (``handover.views.actions``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.forms import Form
from django.http import QueryDict
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import areas
from core.audit import Actor
from core.forms import split_list
from directory.models import Organisation, User
from directory.reach import in_region_subtree, region_reach_prefix
from handover import capabilities, services
from handover.forms import CheckInForm, ReleaseForm, RouteForm, VerifyForm, WithdrawForm
from handover.models import ReleaseNotice

S = ReleaseNotice.Status
Data = dict[str, Any]


def _route_offices(user: User) -> list[tuple[str, str]]:
    """The active justice offices within the officer's reach, to route a returned notice to (one query)."""
    prefix = region_reach_prefix(user)
    if prefix is None:
        return []
    return list(
        Organisation.objects.filter(kind=Organisation.Kind.JUSTICE_OFFICE, is_active=True)
        .filter(in_region_subtree(prefix, "region"))
        .order_by("region_id", "code")
        .values_list("code", "name")
    )


@dataclass(frozen=True)
class NoticeAction:
    """One action form of the notice page (``name``: ``verify`` → ``verify_form`` in the template)."""

    name: str
    form: Callable[[User, QueryDict | None], Form]
    capability: str
    offered: Callable[[ReleaseNotice], bool]  # the statuses in which the page offers the form
    verb: str | Promise  # the service's word for it in a conflict: "状态为“已核查”的通知书不能核查"
    run: Callable[[ReleaseNotice, Data, Actor], Any]  # the service call
    done: Callable[[ReleaseNotice, Any], tuple[str, str]]  # the message and the page to go to, from ``run``'s answer

    @property
    def form_name(self) -> str:
        return f"{self.name}_form"

    def refusal_for(self, user: User, notice: ReleaseNotice) -> str | None:
        return None if self.offered(notice) else self.refusal(notice)

    def bind(self, user: User, notice: ReleaseNotice, data: QueryDict | None) -> Form:
        return self.form(user, data)

    def perform(self, notice: ReleaseNotice, data: Data, by: Actor) -> tuple[str, str]:
        return self.done(notice, self.run(notice, data, by))

    def refusal(self, notice: ReleaseNotice) -> str:
        """Why the page no longer offers the form to a user who may take the action: the service's own words."""
        return _("A notice that is %(status)s cannot be %(action)s.") % {
            "status": notice.get_status_display(),
            "action": self.verb,
        }


def _page(notice: ReleaseNotice) -> str:
    return reverse("handover:notice", args=[notice.pk])


def _before_release(notice: ReleaseNotice) -> bool:
    return notice.status in (S.AWAITING_VERIFICATION, S.VERIFIED, S.RETURNED)


def _verified(notice: ReleaseNotice, done: ReleaseNotice) -> tuple[str, str]:
    if done.status == S.RETURNED:
        # returned up: the office no longer reaches it, so it goes back to the inbox
        return _("已退回%(office)s改派。") % {"office": done.receiving_office.name}, reverse("handover:inbox")
    return _("核查结果已反馈：核实无误。"), _page(done)


def _record_release(notice: ReleaseNotice, data: Data, by: Actor) -> ReleaseNotice:
    staff, family = split_list(data["escort_staff"]), split_list(data["escort_family"])
    vehicle = (data["escort_vehicle"] or "").strip()
    escort = services.Escort(escorted=bool(data["escorted"]), staff=staff, family=family, vehicle=vehicle)
    return services.record_release(notice=notice, released_on=data["released_on"], escort=escort, by=by)


def _route(notice: ReleaseNotice, data: Data, by: Actor) -> ReleaseNotice:
    office = Organisation.objects.select_related("region").get(code=data["office"])
    return services.route_notice(notice=notice, office=office, note=data["note"], by=by)


NOTICE_ACTIONS: dict[str, NoticeAction] = {
    action.name: action
    for action in [
        NoticeAction(
            "verify",
            lambda user, data: VerifyForm(data),
            capabilities.VERIFY,
            # released before the office verified: it may still verify
            lambda n: n.status == S.AWAITING_VERIFICATION or (n.status == S.RELEASED and not n.verification_result),
            gettext_lazy("verified"),
            lambda notice, data, by: services.verify_notice(
                notice=notice, result=data["result"], note=data["note"], by=by
            ),
            _verified,
        ),
        NoticeAction(
            "check_in",
            lambda user, data: CheckInForm(data),
            capabilities.CHECK_IN,
            lambda n: n.status in (S.RELEASED, S.MISSED),
            gettext_lazy("checked in"),
            lambda notice, data, by: services.check_in(
                notice=notice, checked_in_on=data["checked_in_on"], method=data["method"], by=by
            ),
            lambda notice, opened: (
                _("已报到，帮教档案已建立（档案编号 %(id)s）。") % {"id": opened["case_id"]},
                _page(notice),
            ),
        ),
        NoticeAction(
            "release",
            lambda user, data: ReleaseForm(data),
            capabilities.RELEASE,
            _before_release,
            gettext_lazy("released"),
            _record_release,
            lambda notice, done: (
                _("释放已登记，报到期限 %(day)s。")
                % {"day": done.check_in_by.isoformat() if done.check_in_by else "—"},
                _page(done),
            ),
        ),
        NoticeAction(
            "withdraw",
            lambda user, data: WithdrawForm(data),
            capabilities.WITHDRAW,
            _before_release,
            gettext_lazy("withdrawn"),
            lambda notice, data, by: services.withdraw_notice(notice=notice, reason=data["reason"], by=by),
            lambda notice, done: (_("通知书已撤回。"), _page(notice)),
        ),
        NoticeAction(
            "route",
            lambda user, data: RouteForm(data, offices=_route_offices(user)),
            capabilities.ROUTE,
            lambda n: n.status == S.RETURNED,
            gettext_lazy("routed"),
            _route,
            lambda notice, done: (
                _("已改派至%(office)s，核查期限 %(day)s。")
                % {"office": done.receiving_office.name, "day": done.verify_by.isoformat()},
                reverse("handover:returned"),
            ),
        ),
    ]
}


@dataclass
class Permissions:
    """Which forms the notice page offers: who may take each action (the capability its service asks) and whether
    the notice's status allows it now."""

    release: bool
    withdraw: bool
    verify: bool
    check_in: bool
    route: bool

    @property
    def any(self) -> bool:
        return self.release or self.withdraw or self.verify or self.check_in or self.route


def permissions(user: User, notice: ReleaseNotice) -> Permissions:
    return Permissions(
        **{
            name: areas.can(user, action.capability, notice) and action.offered(notice)
            for name, action in NOTICE_ACTIONS.items()
        }
    )
