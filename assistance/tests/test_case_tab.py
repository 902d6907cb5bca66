"""The 救助与就业 tab of the case page: in the case's tab bar for those who may read it, its own page within the
case's reach (another county 404, the police 404), and the read of the person audited."""

from __future__ import annotations

import pytest
from django.test import Client

from anbang.testing import checked_in_case, persona
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def test_it_adds_the_assistance_tab_to_the_case_page_of_those_who_may_read_it() -> None:
    case = checked_in_case()
    html = signed_in("office_officer").get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/assistance/"' in html and "救助与就业" in html


def test_it_shows_the_tab_with_the_case_head_and_the_current_tab_marked() -> None:
    case = checked_in_case()
    response = signed_in("office_officer").get(f"/cases/{case.pk}/assistance/")
    html = response.content.decode()
    assert response.status_code == 200
    assert case.person.name in html
    assert 'aria-current="page">救助与就业</a>' in html
    assert f'href="/cases/{case.pk}/"' in html
    assert AuditEvent.objects.filter(action="person.read", detail__via="assistance.case_tab").exists()


@pytest.mark.parametrize("username", ["other_county_officer", "police_officer", "partner_officer"])
def test_it_answers_404_to_those_outside_the_case_or_its_assistance(username: str) -> None:
    case = checked_in_case(key_target=True)
    assert signed_in(username).get(f"/cases/{case.pk}/assistance/").status_code == 404
