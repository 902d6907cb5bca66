"""The case page's action forms, one table: for each action its form, the capability that decides who may take it
(``cases.capabilities``, as the service does), whether the case's state offers it now, the service call and the
message the user reads when it is done. The case page shows the forms from this table and one view answers them
all (``cases.views.actions``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.forms import Form
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from cases import capabilities, services
from cases.forms import (
    AgreementForm,
    CloseForm,
    LostContactForm,
    MemberForm,
    NoteForm,
    RestoreForm,
    RiskForm,
    SettlementForm,
    TraceForm,
    TransferForm,
)
from cases.models import Case, Transfer
from cases.views.common import Permissions, permissions, state_refusal
from core.audit import Actor
from core.errors import DomainError
from core.forms import split_list
from directory.models import Organisation, Role, User

Choices = list[tuple[str, str]]


def organisation_choices(case: Case) -> tuple[Choices, list[tuple[str, Choices]]]:
    """The justice offices a case can move to, and the organisations a trace request can go to (the police and the
    justice offices), within the case's province, in one query. Not the managing office itself."""
    rows = list(
        Organisation.objects.filter(
            kind__in=[Organisation.Kind.JUSTICE_OFFICE, Organisation.Kind.PUBLIC_SECURITY],
            is_active=True,
            region__code__startswith=case.region_id[:2],
        )
        .exclude(pk=case.managing_office_id)
        .order_by("kind", "region_id", "code")
        .values_list("code", "name", "kind")
    )
    offices = [(code, name) for code, name, kind in rows if kind == Organisation.Kind.JUSTICE_OFFICE]
    police = [(code, name) for code, name, kind in rows if kind == Organisation.Kind.PUBLIC_SECURITY]
    trace_to = [(str(_("公安机关")), police), (str(_("司法所")), offices)]
    return offices, trace_to


def group_users(case: Case) -> Choices:
    """Social workers and volunteers of the case's county, to add to its group by their account."""
    users = (
        User.objects.filter(
            role__in=[Role.SOCIAL_WORKER, Role.VOLUNTEER],
            is_active=True,
            organisation__region__code__startswith=case.region_id[:6],
        )
        .select_related("organisation")
        .order_by("role", "full_name", "username")
    )
    return [(u.username, f"{u.full_name or u.username}（{u.get_role_display()} · {u.organisation}）") for u in users]


class FormChoices:
    """What the case's forms offer to choose from: read once per page (one query each), and only by a form shown."""

    def __init__(self, case: Case) -> None:
        self.case = case

    @cached_property
    def organisations(self) -> tuple[Choices, list[tuple[str, Choices]]]:
        return organisation_choices(self.case)

    @cached_property
    def group_users(self) -> Choices:
        return group_users(self.case)


Data = dict[str, Any]


@dataclass(frozen=True)
class CaseAction:
    """One action form of the case page (``name``: ``risk`` → ``risk_form`` in the template)."""

    name: str
    form: Callable[[FormChoices, QueryDict | None], Form]
    capability: str
    offered: Callable[[Permissions], bool]
    run: Callable[[Case, Data, Actor], Any]  # the service call
    success: Callable[[Any], str]  # what the user reads, from what ``run`` answered

    @property
    def form_name(self) -> str:
        return f"{self.name}_form"

    def refusal_for(self, user: User, case: Case) -> str | None:
        pending = case.transfers.filter(status=Transfer.Status.PENDING).first()
        return None if self.offered(permissions(user, case, pending_transfer=pending)) else state_refusal(case)

    def bind(self, user: User, case: Case, data: QueryDict | None) -> Form:
        return self.form(FormChoices(case), data)

    def perform(self, case: Case, data: Data, by: Actor) -> tuple[str, str]:
        return self.success(self.run(case, data, by)), reverse("cases:case", args=[case.pk])


def _add_member(case: Case, data: Data, by: Actor) -> Any:
    username = data["username"] or None
    return services.add_group_member(
        case=case, part=data["part"], name=data["name"], phone=data["phone"], username=username, by=by
    )


def _record_agreement(case: Case, data: Data, by: Actor) -> None:
    signatories = {key: data[key].strip() for key in AgreementForm.SIGNATORIES}
    services.record_agreement(case=case, signed_on=data["signed_on"], signatories=signatories, by=by)


def _assess_risk(case: Case, data: Data, by: Actor) -> Case:
    return services.assess_risk(
        case=case,
        risk_level=data["risk_level"],
        key_target=bool(data["key_target"]),
        reasons=split_list(data["reasons"]),
        assessed_on=data["assessed_on"],
        by=by,
    )


def _request_transfer(case: Case, data: Data, by: Actor) -> Organisation:
    office = Organisation.objects.select_related("region").filter(code=data["to_office"]).first()
    if office is None:
        raise DomainError("invalid_input", _("移交无法申请。"), fields={"to_office": _("请选择司法所")})
    services.request_transfer(
        case=case, to_office=office, reason=data["reason"], new_address=data["new_address"], by=by
    )
    return office


def _send_trace(case: Case, data: Data, by: Actor) -> Any:
    target = Organisation.objects.filter(code=data["to"]).first()
    if target is None:
        raise DomainError("invalid_input", _("协查通报无法发出。"), fields={"to": _("请选择协查单位")})
    return services.send_trace_request(
        case=case, to=target, reason=data["reason"], last_known_address=data["last_known_address"], by=by
    )


def _day(day: Any) -> str:
    return str(day.isoformat()) if day else "—"


MANAGE = capabilities.MANAGE
CASE_ACTIONS: dict[str, CaseAction] = {
    action.name: action
    for action in [
        CaseAction(
            "note",
            lambda choices, data: NoteForm(data),
            capabilities.NOTE,
            lambda can: can.note,
            lambda case, data, by: services.add_note(case=case, note=data["note"], by=by),
            lambda done: _("备注已记录。"),
        ),
        CaseAction(
            "member",
            lambda choices, data: MemberForm(data, users=choices.group_users),
            MANAGE,
            lambda can: can.manage,
            _add_member,
            lambda member: _("%(name)s 已加入帮教小组。") % {"name": member.name},
        ),
        CaseAction(
            "agreement",
            lambda choices, data: AgreementForm(data),
            MANAGE,
            lambda can: can.manage,
            _record_agreement,
            lambda done: _("帮教协议已登记。"),
        ),
        CaseAction(
            "risk",
            lambda choices, data: RiskForm(data),
            MANAGE,
            lambda can: can.manage,
            _assess_risk,
            lambda case: _("危险性评估已记录，下次评估 %(day)s。") % {"day": _day(case.next_risk_review)},
        ),
        CaseAction(
            "settlement",
            lambda choices, data: SettlementForm(data),
            MANAGE,
            lambda can: can.manage,
            lambda case, data, by: services.record_settlement(
                case=case,
                status=data["status"],
                since=data["since"],
                detail=data["detail"],
                reason=data["reason"],
                by=by,
            ),
            lambda done: _("安置情况已记录。"),
        ),
        CaseAction(
            "transfer",
            lambda choices, data: TransferForm(data, offices=choices.organisations[0]),
            MANAGE,
            lambda can: can.transfer,
            _request_transfer,
            lambda office: _("已向%(office)s申请移交，待对方接收。") % {"office": office.name},
        ),
        CaseAction(
            "lost_contact",
            lambda choices, data: LostContactForm(data),
            MANAGE,
            lambda can: can.lost_contact,
            lambda case, data, by: services.mark_lost_contact(
                case=case, noted_on=data["noted_on"], reason=data["reason"], by=by
            ),
            lambda done: _("已列为脱管。可向公安机关或其他司法所发出协查通报。"),
        ),
        CaseAction(
            "restore",
            lambda choices, data: RestoreForm(data),
            MANAGE,
            lambda can: can.restore,
            lambda case, data, by: services.restore_contact(
                case=case, restored_on=data["restored_on"], note=data["note"], by=by
            ),
            lambda case: _("已恢复联系，下次走访 %(day)s。") % {"day": _day(case.next_visit_due)},
        ),
        CaseAction(
            "trace",
            lambda choices, data: TraceForm(
                data,
                organisations=choices.organisations[1],
                initial={"last_known_address": choices.case.person.residence_address},
            ),
            MANAGE,
            lambda can: can.manage,
            _send_trace,
            lambda trace: (
                _("协查通报已发给%(org)s，回复期限 %(day)s。")
                % {"org": trace.to_organisation.name, "day": trace.respond_by.isoformat()}
            ),
        ),
        CaseAction(
            "close",
            lambda choices, data: CloseForm(data),
            MANAGE,
            lambda can: can.manage,
            lambda case, data, by: services.close_case(
                case=case, reason=data["reason"], closed_on=data["closed_on"], detail=data["detail"], by=by
            ),
            lambda done: _("帮教档案已解除，此后只能查阅。"),
        ),
    ]
}
