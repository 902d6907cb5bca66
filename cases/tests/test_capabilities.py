"""The case page and the notice page offer a form exactly when its service would not refuse the user (403): both ask
the same capability (cases.capabilities, handover.capabilities) through core.areas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from anbang.testing import checked_in_case, make_id_number, persona, send_notice
from cases import services as case_services
from cases.models import Case
from core.audit import Actor
from core.errors import DomainError, Forbidden
from directory.models import Organisation
from handover import services as notice_services
from handover.models import ReleaseNotice

pytestmark = pytest.mark.django_db

CASE_READERS = ["office_officer", "office_colleague", "county_officer", "city_officer", "social_worker", "volunteer"]
NOTICE_READERS = ["facility_liaison", "office_officer", "office_colleague", "county_officer", "city_officer"]


class Rollback(Exception):
    pass


def service_allows(call: Callable[[], Any]) -> bool:
    """Whether the service lets the user act (it may still refuse the input); nothing it writes is kept."""
    try:
        with transaction.atomic():
            call()
            raise Rollback
    except Rollback:
        return True
    except Forbidden:
        return False
    except DomainError:
        return True  # a refusal of the input or the state, not of the user


def page_of(username: str, path: str) -> str:
    client = Client()
    client.force_login(persona(username))
    response = client.get(path)
    assert response.status_code == 200, (username, path)
    return response.content.decode()


def person_for(seq: int) -> dict[str, str]:
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=seq)
    return {"id_number": make_id_number(birth.strftime("%Y%m%d"), seq=seq), "birth_date": birth.isoformat()}


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def case() -> Case:
    case: Case = checked_in_case(person=person_for(1))
    for username in ("social_worker", "volunteer"):
        case_services.add_group_member(
            case=case, part=username, name="", username=username, by=Actor(user=persona("office_officer"))
        )
    return case


@pytest.mark.parametrize("username", CASE_READERS)
def test_the_case_page_offers_a_form_exactly_when_its_service_lets_the_user_act(case: Case, username: str) -> None:
    by = Actor(user=persona(username))
    services: dict[str, Callable[[], Any]] = {
        "note": lambda: case_services.add_note(case=case, note="x", by=by),
        "visit": lambda: case_services.record_visit(case=case, by=by, visited_on=today(), method="home", outcome="met"),
        "risk": lambda: case_services.assess_risk(
            case=case, risk_level="low", key_target=False, reasons=[], assessed_on=today(), by=by
        ),
        "close": lambda: case_services.close_case(case=case, reason="died", closed_on=today(), by=by),
    }
    body = page_of(username, f"/cases/{case.pk}/")
    for action, call in services.items():
        offered = f'"/cases/{case.pk}/{action}/"' in body
        assert offered == service_allows(call), (username, action)


@pytest.mark.parametrize("username", NOTICE_READERS)
def test_the_notice_page_offers_a_form_exactly_when_its_service_lets_the_user_act(username: str) -> None:
    notice = send_notice(person=person_for(3))
    returned = notice_services.verify_notice(
        notice=send_notice(person=person_for(5)),
        result="not_ours",
        note="户籍已迁往外省",
        by=Actor(user=persona("office_officer")),
    )
    by = Actor(user=persona(username))
    office = Organisation.objects.get(code="SFS320102001")
    forms: list[tuple[ReleaseNotice, str, Callable[[], Any]]] = [
        (notice, "verify", lambda: notice_services.verify_notice(notice=notice, result="confirmed", by=by)),
        (notice, "withdraw", lambda: notice_services.withdraw_notice(notice=notice, reason="调监", by=by)),
        (
            notice,
            "release",
            lambda: notice_services.record_release(notice=notice, released_on=today(), escort=None, by=by),
        ),
        (returned, "route", lambda: notice_services.route_notice(notice=returned, office=office, by=by)),
    ]
    for shown, action, call in forms:
        path = f"/handover/notices/{shown.pk}/"
        if username in ("office_officer", "office_colleague") and shown is returned:
            continue  # returned up: the office no longer reaches it
        offered = f'"{path}{action}/"' in page_of(username, path)
        assert offered == service_allows(call), (username, action)
