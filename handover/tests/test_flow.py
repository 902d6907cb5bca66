"""The life of one notice through the exchange API (DESIGN §5), end to end."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anbang.testing import ApiClient, notice_body

pytestmark = pytest.mark.django_db


def test_it_carries_a_notice_from_sending_to_check_in() -> None:
    facility, office = ApiClient("facility_liaison"), ApiClient("office_officer")
    sent = facility.post("/release-notices", notice_body())
    assert sent.status_code == 201, sent.json()
    notice_id = sent.json()["id"]
    assert sent.json()["receiving_office"]["code"] == "SFS320102001"
    assert sent.json()["status"] == "awaiting_verification"

    verified = office.post(f"/release-notices/{notice_id}/verify", {"result": "confirmed"})
    assert verified.status_code == 200, verified.json()
    assert verified.json()["status"] == "verified"

    today = timezone.localdate()
    released = facility.post(
        f"/release-notices/{notice_id}/release",
        {
            "released_on": today.isoformat(),
            "escort": {"escorted": True, "staff": ["王干部"], "family": ["张父"], "vehicle": "苏A12345"},
        },
    )
    assert released.status_code == 200, released.json()
    assert released.json()["status"] == "released"
    assert released.json()["check_in_by"] == (today + dt.timedelta(days=30)).isoformat()

    checked = office.post(
        f"/release-notices/{notice_id}/check-in", {"checked_in_on": today.isoformat(), "method": "escorted"}
    )
    assert checked.status_code == 201, checked.json()
    detail = office.get(f"/release-notices/{notice_id}").json()
    assert detail["status"] == "handed_over"
    assert detail["case_id"] == checked.json()["case_id"]
    assert [h["action"] for h in detail["history"]] == ["sent", "verified", "released", "checked_in"]
    assert detail["person"]["id_number"].count("*") == 8
