"""Test helpers shared by every app: personas and an API client that signs in with a bearer token."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.test import Client

from core.audit import Actor
from core.idnumbers import check_digit
from directory import services
from directory.demo import build_directory
from directory.models import Organisation, Role, User

if TYPE_CHECKING:
    from handover.models import ReleaseNotice

PASSWORD = "Test-password-2026"

# Personas beyond the demo users: a colleague in the office of ``office_officer`` and officers of another county
# (姑苏区, in another city), who must get 404 for anything of 玄武区.
EXTRA_PERSONAS = [
    ("office_colleague", Role.OFFICE_OFFICER, "SFS320102001", "同所同事"),
    ("other_county_officer", Role.COUNTY_OFFICER, "SFJ320508", "姑苏区安帮办"),
    ("other_office_officer", Role.OFFICE_OFFICER, "SFS320508001", "姑苏区司法所干部"),
]


def ensure_personas() -> None:
    build_directory(password=PASSWORD)
    for username, role, org, name in EXTRA_PERSONAS:
        if not User.objects.filter(username=username).exists():
            services.create_user(
                username=username,
                password=PASSWORD,
                role=role,
                full_name=name,
                organisation=Organisation.objects.get(code=org),
                by=Actor.system(),
            )


def persona(username: str) -> User:
    return User.objects.select_related("organisation__region").get(username=username)


class ApiClient:
    """Calls /api/v1 as ``username`` with a freshly issued bearer token (or anonymously when None)."""

    def __init__(self, username: str | None = None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if username is not None:
            token, _ = services.issue_token(user=persona(username), by=Actor.system())
            self.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=self.headers,
        )


def make_id_number(birth: str = "19850312", *, area: str = "320102", seq: int = 123, male: bool = True) -> str:
    """A synthetic, valid 18-character ID number (GB 11643 check digit). ``seq`` picks the order code; its last
    digit is forced odd for men and even for women."""
    order = f"{seq % 1000:03d}"
    last = int(order[-1])
    if male != bool(last % 2):
        last = (last + 1) % 10
    body = f"{area}{birth}{order[:2]}{last}"
    return body + check_digit(body)


def notice_body(**overrides: Any) -> dict[str, Any]:
    """A valid POST /release-notices body for a man of township 320102001000, released in 60 days."""
    import datetime as dt

    from django.utils import timezone

    person = {
        "name": "张测试",
        "gender": "male",
        "birth_date": "1985-03-12",
        "id_number": make_id_number(),
        "hukou_region": "320102001000",
        "residence_region": "320102001000",
        "residence_address": "示范路 1 号",
    }
    person.update(overrides.pop("person", {}))
    body: dict[str, Any] = {
        "person": person,
        "expected_release_date": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
        "offence": "盗窃罪",
        "sentence_months": 36,
        "key_target": False,
        "key_target_reasons": [],
        "needs": ["就业"],
    }
    body.update(overrides)
    return body


def send_notice(**overrides: Any) -> ReleaseNotice:
    """A notice sent through the service by ``facility_liaison`` (see ``notice_body`` for the defaults)."""
    import datetime as dt

    from handover.services import NoticeData, send_release_notice
    from people.services import PersonData

    body = notice_body(**overrides)
    person = body["person"]
    birth = person.get("birth_date")
    return send_release_notice(
        data=NoticeData(
            person=PersonData(
                name=person["name"],
                gender=person["gender"],
                birth_date=dt.date.fromisoformat(birth) if birth else None,
                id_number=person["id_number"],
                hukou_region=person["hukou_region"],
                residence_region=person.get("residence_region", ""),
                residence_address=person.get("residence_address", ""),
            ),
            expected_release_date=dt.date.fromisoformat(body["expected_release_date"]),
            offence=body["offence"],
            sentence_months=body["sentence_months"],
            key_target=body["key_target"],
            key_target_reasons=body["key_target_reasons"],
            needs=body["needs"],
        ),
        by=Actor(user=persona("facility_liaison")),
    )


def checked_in_case(**overrides: Any) -> Any:
    """A case opened today by office_officer after the whole hand-over (see ``send_notice`` for overrides)."""
    from django.utils import timezone

    from cases.models import Case
    from handover import services as handover

    notice = send_notice(**overrides)
    handover.record_release(
        notice=notice, released_on=timezone.localdate(), escort=None, by=Actor(persona("facility_liaison"))
    )
    office = "office_officer" if notice.receiving_office.code == "SFS320102001" else "county_officer"
    opened = handover.check_in(
        notice=notice, checked_in_on=timezone.localdate(), method="self_reported", by=Actor(persona(office))
    )
    return Case.objects.get(pk=opened["case_id"])
