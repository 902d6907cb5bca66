"""The page toolkit (core.pages, core.forms) behind the case and notice pages: a list typed into one box splits the
same on both, and an action form is answered in one order on both (who may, then whether the object still allows
it, then the form, then the service), a service's conflict reaching the browser the same way."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from anbang.testing import checked_in_case, make_id_number, persona, send_notice
from cases import services as case_services
from cases.models import Case
from core.audit import Actor
from core.errors import DomainError
from core.forms import split_list
from core.models import AuditEvent
from core.pages import act
from core.tests.xlsx import sheet_of
from handover import services as notice_services
from handover.models import ReleaseNotice

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def person_for(seq: int) -> dict[str, str]:
    birth = dt.date(1975, 1, 1) + dt.timedelta(days=seq)
    return {
        "id_number": make_id_number(birth.strftime("%Y%m%d"), seq=seq),
        "birth_date": birth.isoformat(),
        "name": f"工具{seq}号",
    }


def a_case(seq: int) -> Case:
    case: Case = checked_in_case(person=person_for(seq))
    return case


def a_notice(seq: int) -> ReleaseNotice:
    return send_notice(person=person_for(seq))


@pytest.mark.parametrize("text", ["甲、乙、丙", "甲；乙；丙", "甲;乙;丙", "甲,乙,丙", "甲，乙，丙", "甲\n乙\n\n 丙 "])
def test_a_list_splits_the_same_on_the_case_page_and_the_notice_page(text: str) -> None:
    assert split_list(text) == ["甲", "乙", "丙"]
    case = a_case(1)
    response = signed_in("office_officer").post(
        f"/cases/{case.pk}/risk/",
        {"risk_level": "high", "key_target": "on", "reasons": text, "assessed_on": today().isoformat()},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    notice = a_notice(3)
    response = signed_in("facility_liaison").post(
        f"/handover/notices/{notice.pk}/release/",
        {"released_on": today().isoformat(), "escorted": "on", "escort_staff": text, "escort_family": text},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert case.risk_reasons == notice.escort_staff == notice.escort_family == ["甲", "乙", "丙"]


class CountingForm(forms.Form):
    note = forms.CharField()
    validated = False

    def is_valid(self) -> bool:
        self.validated = True
        return super().is_valid()


def test_act_refuses_without_permission_before_it_looks_at_the_form() -> None:
    request = RequestFactory().post("/", {})
    form = CountingForm(request.POST)

    def never(*args: Any) -> HttpResponse:
        raise AssertionError("nothing runs or renders for a user who may not act")

    with pytest.raises(PermissionDenied):
        act(request, allowed=False, refusal=None, form=form, run=never, render=never, back="/")
    assert not form.validated


@pytest.mark.parametrize(
    ("username", "path"),
    [("volunteer", "/cases/{case}/close/"), ("social_worker", "/cases/{case}/risk/"), ("city_officer", "verify")],
)
def test_a_role_that_may_not_act_gets_403_even_for_an_empty_form(username: str, path: str) -> None:
    """Permission first: an empty form from a role that may not act is refused as such, not as bad input (400)."""
    if path == "verify":
        url = f"/handover/notices/{a_notice(5).pk}/verify/"
    else:
        case = a_case(7)
        for member in ("social_worker", "volunteer"):
            case_services.add_group_member(
                case=case, part=member, name="", username=member, by=Actor(user=persona("office_officer"))
            )
        url = path.format(case=case.pk)
    assert signed_in(username).post(url, {}).status_code == 403


def test_a_conflict_from_the_service_is_the_same_refusal_on_the_case_page_and_the_notice_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another officer acted first, between the page's check and the service's row lock: the service's 409 sends the
    browser back to the object's page with the service's message on top, on both pages, and nothing is written."""

    def conflict(**kwargs: Any) -> Any:
        raise DomainError("conflict", "另一位干部刚刚处理了此事项。", status=409)

    monkeypatch.setattr(case_services, "add_note", conflict)
    monkeypatch.setattr(notice_services, "verify_notice", conflict)
    case, notice = a_case(9), a_notice(11)
    answers = [
        (signed_in("office_officer").post(f"/cases/{case.pk}/note/", {"note": "x"}, follow=True), f"/cases/{case.pk}/"),
        (
            signed_in("office_officer").post(
                f"/handover/notices/{notice.pk}/verify/", {"result": "confirmed"}, follow=True
            ),
            f"/handover/notices/{notice.pk}/",
        ),
    ]
    for response, page in answers:
        assert response.redirect_chain == [(page, 302)]
        assert '<div class="message message-error" role="alert">另一位干部刚刚处理了此事项。</div>' in (
            response.content.decode()
        )
    notice.refresh_from_db()
    assert notice.status == ReleaseNotice.Status.AWAITING_VERIFICATION


@pytest.mark.parametrize(
    ("path", "listing"),
    [("/cases/", "cases.views.lists.CASE_LIST"), ("/handover/notices/", "handover.views.notices.NOTICE_LIST")],
)
def test_a_list_page_and_its_export_come_from_one_declaration(path: str, listing: str) -> None:
    """The page and its .xlsx list the same people (the declaration's one query), each with its audit row: the
    page's ``person.list`` under the declaration's name, the file's ``export`` under its export's name."""
    module, name = listing.rsplit(".", 1)
    declared = getattr(importlib.import_module(module), name)
    a_case(13)
    a_notice(15)
    client = signed_in("office_officer")
    page = client.get(path).content.decode()
    listed = AuditEvent.objects.filter(action="person.list").latest("id")
    assert listed.detail["via"] == declared.audit_via and listed.detail[declared.audit_key]
    sheet = sheet_of(client.get(path, {"format": "xlsx"}))
    exported = AuditEvent.objects.filter(action="export").latest("id")
    assert exported.detail["list"] == declared.export.name
    names = sheet.column("姓名")
    assert names and exported.detail["count"] == len(names) == len(listed.detail["persons"])
    assert all(person in page for person in names)
    assert all("*" in number for number in sheet.column("公民身份号码（脱敏）") if number)


def test_a_list_refuses_its_export_to_a_role_that_may_not_take_it_away() -> None:
    a_case(17)
    client = signed_in("volunteer")
    assert client.get("/cases/").status_code == 200
    assert client.get("/cases/", {"format": "xlsx"}).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()
