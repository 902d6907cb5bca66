"""Standing personas (STYLE.md 11): the demo directory of DESIGN §7 plus a colleague in the same office and an
officer of another county, created once per test session; each test runs in a transaction rolled back after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings

from anbang.testing import PASSWORD, ensure_personas


def pytest_configure() -> None:
    # Password hashing at full strength costs ~0.3 s per user; tests need the check, not the cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        ensure_personas()
    yield


__all__ = ["PASSWORD"]
