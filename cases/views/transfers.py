"""Transfers of a case to another justice office: the list, the transfer page and its answer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, QuerySet, Value, When
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import capabilities, selectors, services
from cases.forms import (
    TransferDecisionForm,
)
from cases.models import Case, Transfer
from core import areas
from core.audit import Actor
from core.errors import DomainError
from core.idnumbers import mask_id_number
from core.pages import PAGE_SIZE, Filters, ListPage, act, audit_read, show_list
from directory.models import OFFICER_ROLES, Role, User
from directory.pages import page_user
from people.models import Person

# --- transfers -------------------------------------------------------------------------------------------------------


def _transfer(request: HttpRequest, transfer_id: int) -> tuple[User, Transfer]:
    user = request.user
    assert isinstance(user, User)
    if user.role not in OFFICER_ROLES:
        raise Http404
    try:
        transfer = selectors.get_transfer_for_user(user, transfer_id)
    except DomainError:
        raise Http404 from None
    return user, transfer


def _decides(user: User, transfer: Transfer) -> bool:
    return transfer.status == Transfer.Status.PENDING and areas.can(user, capabilities.DECIDE_TRANSFER, transfer)


def _render_transfer(
    request: HttpRequest, user: User, transfer: Transfer, *, form: TransferDecisionForm | None = None, status: int = 200
) -> HttpResponse:
    case = transfer.case
    person = Person.objects.select_related("hukou_region", "residence_region").get(pk=case.person_id)
    audit_read(request, person_id=person.pk, via="case_transfer_page", case=case.pk, transfer=transfer.pk)
    decides = _decides(user, transfer)
    return render(
        request,
        "cases/transfer_detail.html",
        {
            "transfer": transfer,
            "case": case,
            "person": person,
            "id_number": mask_id_number(person.id_number),
            "form": (form or TransferDecisionForm()) if decides else None,
            # the receiving office reads the case while the transfer waits; afterwards only if it accepted
            "case_visible": Case.objects.visible_to(user).filter(pk=case.pk).exists(),
        },
        status=status,
    )


@login_required
@require_GET
def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    user, transfer = _transfer(request, transfer_id)
    return _render_transfer(request, user, transfer)


def _decide(request: HttpRequest, transfer_id: int, *, accept: bool) -> HttpResponse:
    user, transfer = _transfer(request, transfer_id)

    def run(data: Mapping[str, Any]) -> HttpResponse:
        if accept:
            case = services.accept_transfer(transfer=transfer, by=Actor.of(request), note=data["note"])
            messages.success(request, _("已接收移交，本所开始管理此帮教档案。"))
            return redirect("cases:case", case_id=case.pk)
        services.decline_transfer(transfer=transfer, by=Actor.of(request), note=data["note"])
        messages.success(request, _("已拒绝接收，档案仍由原司法所管理。"))
        return redirect("cases:transfers")

    def page(form: Form, status: int) -> HttpResponse:
        now_user, now_transfer = _transfer(request, transfer_id)
        assert isinstance(form, TransferDecisionForm)
        return _render_transfer(request, now_user, now_transfer, form=form, status=status)

    pending = transfer.status == Transfer.Status.PENDING
    return act(
        request,
        allowed=areas.can(user, capabilities.DECIDE_TRANSFER, transfer),
        refusal=None if pending else _("此移交已处理，或不是发给本所的。"),
        form=TransferDecisionForm(request.POST),
        run=run,
        render=page,
        back=reverse("cases:transfer", args=[transfer.pk]),
    )


@login_required
@require_POST
def transfer_accept(request: HttpRequest, transfer_id: int) -> HttpResponse:
    return _decide(request, transfer_id, accept=True)


@login_required
@require_POST
def transfer_decline(request: HttpRequest, transfer_id: int) -> HttpResponse:
    return _decide(request, transfer_id, accept=False)


def _pending_first(transfers: QuerySet[Transfer]) -> QuerySet[Transfer]:
    pending = SqlCase(
        When(status=Transfer.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return transfers.order_by(pending, "-id")


def _visible(user: User) -> QuerySet[Transfer]:
    return Transfer.objects.visible_to(user).select_related("case__person", "from_office", "to_office")


def _outgoing(user: User, data: Filters) -> QuerySet[Transfer]:
    """The transfers of the cases within reach, but those sent to the user's own office: the latest PAGE_SIZE."""
    return _pending_first(_visible(user).exclude(to_office_id=user.organisation_id or 0))[:PAGE_SIZE]


def _incoming(user: User, data: Filters, raw: QueryDict) -> dict[str, Any]:
    """Beside them, for an office, the transfers sent to it (to accept or decline): the latest PAGE_SIZE."""
    incoming: list[Transfer] = []
    if user.role == Role.OFFICE_OFFICER:
        incoming = list(_pending_first(_visible(user).filter(to_office_id=user.organisation_id))[:PAGE_SIZE])
    return {"incoming": incoming, "is_office": user.role == Role.OFFICE_OFFICER}


def _cases_shown(outgoing: Sequence[Transfer], context: Mapping[str, Any]) -> list[Case]:
    """The cases of both lists, each once."""
    return list({t.case_id: t.case for t in [*context["incoming"], *outgoing]}.values())


# Two lists of one page, each capped (the pending first), audited as one list of cases; no file.
TRANSFERS: ListPage[Transfer] = ListPage(
    template="cases/transfer_list.html",
    rows=_outgoing,
    paged=False,
    rows_context=lambda outgoing, context: {"outgoing": outgoing},
    audit_via="cases.transfer_list",
    audit_key="cases",
    audit_objects=_cases_shown,
    export=None,
    context=_incoming,
)


@login_required
@require_GET
def transfer_list(request: HttpRequest) -> HttpResponseBase:
    """Transfers to the user's office (to accept or decline) and those of the cases within reach (``TRANSFERS``)."""
    return show_list(request, TRANSFERS, user=page_user(request, OFFICER_ROLES))
