"""ID numbers at rest (DESIGN §3, §8): encrypted column, keyed hash beside it, masked in answers."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.db import connection

from anbang.testing import ApiClient
from core import crypto
from core.audit import Actor
from core.idnumbers import id_number_hash
from core.models import AuditEvent
from directory import services
from directory.models import Organisation, Role, User

pytestmark = pytest.mark.django_db

NUMBER = "32010219800105123X"  # GB 11643 check character X (see test_idnumbers.gb11643)
OTHER = "110105194912310038"
PASSWORD = "Strong-pass-2026"


def raw_columns(username: str) -> tuple[str, str | None]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id_number, id_number_hash FROM {User._meta.db_table} WHERE username = %s",
            [username],
        )
        row = cursor.fetchone()
    assert row is not None
    return row[0], row[1]


def set_raw_id_number(username: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {User._meta.db_table} SET id_number = %s WHERE username = %s",
            [value, username],
        )


def make_user(username: str = "enc_user", id_number: str = NUMBER) -> User:
    return services.create_user(
        username=username,
        password=PASSWORD,
        organisation=Organisation.objects.get(code="SFS320102001"),
        role=Role.OFFICE_OFFICER,
        full_name="加密测试",
        id_number=id_number,
        by=Actor.system(),
    )


def user_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "username": "api_new_officer",
        "password": PASSWORD,
        "organisation": "SFS320102001",
        "role": "office_officer",
        "full_name": "新干部",
        "id_number": NUMBER,
    }
    body.update(overrides)
    return body


def test_it_never_stores_the_clear_number() -> None:
    make_user()
    stored, stored_hash = raw_columns("enc_user")
    assert NUMBER not in stored
    assert NUMBER[:17] not in stored
    assert stored.startswith("v1:")
    assert stored_hash == id_number_hash(NUMBER)


def test_it_reads_the_clear_number_back() -> None:
    make_user()
    assert User.objects.get(username="enc_user").id_number == NUMBER
    assert User.objects.filter(username="enc_user").values_list("id_number", flat=True).get() == NUMBER


def test_it_encrypts_the_same_number_differently_each_time() -> None:
    # A random nonce per value: equal ciphertexts would let a reader of the table spot people with one number.
    make_user()
    first, _ = raw_columns("enc_user")
    User.objects.filter(username="enc_user").update(id_number=NUMBER)
    second, _ = raw_columns("enc_user")
    assert first != second
    assert User.objects.get(username="enc_user").id_number == NUMBER


def test_it_refuses_tampered_ciphertext() -> None:
    make_user()
    stored, _ = raw_columns("enc_user")
    raw = bytearray(base64.b64decode(stored[3:]))
    raw[-1] ^= 0x01
    set_raw_id_number("enc_user", "v1:" + base64.b64encode(bytes(raw)).decode())
    with pytest.raises(ValueError, match="altered"):
        User.objects.get(username="enc_user")


@pytest.mark.parametrize("bad", ["v1:", "v1:not base64!", "v1:AAAA", NUMBER])
def test_it_refuses_garbage_in_the_column(bad: str) -> None:
    make_user()
    set_raw_id_number("enc_user", bad)
    with pytest.raises(ValueError):
        User.objects.get(username="enc_user")


def test_it_refuses_ciphertext_moved_to_another_column() -> None:
    # The column is bound as associated data: a value copied into totp_secret does not decrypt there.
    make_user()
    stored, _ = raw_columns("enc_user")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {User._meta.db_table} SET totp_secret = %s WHERE username = %s",
            [stored, "enc_user"],
        )
    with pytest.raises(ValueError):
        User.objects.get(username="enc_user")


def test_it_refuses_decryption_with_another_key(settings: Any) -> None:
    token = crypto.encrypt(NUMBER, context="directory.user.id_number")
    settings.FIELD_ENCRYPTION_KEY = "a-different-key-of-at-least-32-characters-000"
    with pytest.raises(ValueError):
        crypto.decrypt(token, context="directory.user.id_number")


def test_it_encrypts_with_the_key_in_force_after_the_key_changes(settings: Any) -> None:
    # the cipher object is kept per key, not once per process
    first = crypto.encrypt(NUMBER, context="directory.user.id_number")
    settings.FIELD_ENCRYPTION_KEY = "a-different-key-of-at-least-32-characters-000"
    second = crypto.encrypt(NUMBER, context="directory.user.id_number")
    assert crypto.decrypt(second, context="directory.user.id_number") == NUMBER
    with pytest.raises(ValueError):
        crypto.decrypt(first, context="directory.user.id_number")


def test_it_keeps_an_empty_number_empty() -> None:
    make_user(id_number="")
    stored, stored_hash = raw_columns("enc_user")
    assert stored == ""
    assert stored_hash is None
    assert User.objects.get(username="enc_user").id_number == ""


def test_it_refuses_an_invalid_number_over_the_api() -> None:
    before = AuditEvent.objects.count()
    response = ApiClient("system_admin").post("/users", user_body(id_number="320102198001051231"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == "invalid_user"
    assert set(error["fields"]) == {"id_number"}
    assert not User.objects.filter(username="api_new_officer").exists()
    assert AuditEvent.objects.count() == before + 1  # only the token issued for the test client


def test_it_creates_a_user_with_a_masked_number_over_the_api() -> None:
    response = ApiClient("system_admin").post("/users", user_body(id_number=NUMBER.lower()))
    assert response.status_code == 201, response.content
    assert response.json()["id_number"] == "320102********123X"
    assert NUMBER not in response.content.decode()
    stored, stored_hash = raw_columns("api_new_officer")
    assert NUMBER not in stored
    assert stored_hash == id_number_hash(NUMBER)
    assert User.objects.get(username="api_new_officer").id_number == NUMBER
    audit = AuditEvent.objects.filter(action="user.create").order_by("-id").first()
    assert audit is not None
    assert NUMBER not in str(audit.detail)


def test_it_upgrades_a_legacy_number_over_the_api() -> None:
    response = ApiClient("system_admin").post("/users", user_body(id_number="110105491231002"))
    assert response.status_code == 201, response.content
    assert User.objects.get(username="api_new_officer").id_number == "11010519491231002X"


def test_it_refuses_a_duplicate_number_over_the_api() -> None:
    make_user()
    # the same person written another way (lower-case x, full-width digits) is still the same number
    response = ApiClient("system_admin").post("/users", user_body(id_number="３２０１０２１９８００１０５１２３x"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error["fields"]) == {"id_number"}
    assert not User.objects.filter(username="api_new_officer").exists()


def test_it_accepts_a_second_user_with_another_number() -> None:
    make_user()
    response = ApiClient("system_admin").post("/users", user_body(id_number=OTHER))
    assert response.status_code == 201, response.content


def test_it_refuses_user_creation_to_other_roles() -> None:
    response = ApiClient("office_officer").post("/users", user_body())
    assert response.status_code == 403
    assert not User.objects.filter(username="api_new_officer").exists()
