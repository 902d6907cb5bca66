from __future__ import annotations

import pytest

from anbang.testing import ApiClient

pytestmark = pytest.mark.django_db


def test_it_answers_me_for_a_bearer_token() -> None:
    response = ApiClient("facility_liaison").get("/me")
    assert response.status_code == 200
    assert response.json()["organisation"]["code"] == "P320001"
