from __future__ import annotations

import pytest
from django.test import Client

from anbang.testing import persona
from core.models import AuditEvent
from directory.models import Organisation

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(persona(username))
    return client


def test_it_opens_the_admin_to_the_system_admin() -> None:
    response = signed_in("system_admin").get("/admin/")
    assert response.status_code == 200
    assert "directory/organisation" in response.content.decode()


@pytest.mark.parametrize("username", ["security_admin", "audit_admin", "province_officer"])
def test_it_keeps_other_roles_out_of_the_admin(username: str) -> None:
    response = signed_in(username).get("/admin/directory/user/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_it_audits_an_organisation_added_in_the_admin() -> None:
    response = signed_in("system_admin").post(
        "/admin/directory/organisation/add/",
        {
            "code": "SFS320102009",
            "name": "新司法所",
            "kind": "justice_office",
            "region": "320102002000",
            "credit_code": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Organisation.objects.get(code="SFS320102009")
    assert AuditEvent.objects.filter(action="admin.add", object_id=str(created.pk)).exists()


def test_it_never_deletes_in_the_admin() -> None:
    org = Organisation.objects.get(code="SFS320102001")
    response = signed_in("system_admin").get(f"/admin/directory/organisation/{org.pk}/delete/")
    assert response.status_code == 403
