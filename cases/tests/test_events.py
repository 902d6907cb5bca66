"""The case timeline's rows: each write answers with the row it wrote, and every action has a label."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from anbang.testing import ApiClient, checked_in_case, persona
from cases import services
from cases.models import Case, CaseEvent
from core.audit import Actor
from core.events import NOTE_MAX_LENGTH
from handover.events import record_notice_event
from handover.models import NoticeEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def case() -> Case:
    case: Case = checked_in_case()
    return case


def test_it_answers_each_of_two_interleaved_notes_with_its_own_event(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The office officer's note is written; before its answer goes out, the county officer adds one (and gets
    their answer). Each answer carries the id of the event its own request wrote, not the latest event of the case."""
    office, county = ApiClient("office_officer"), ApiClient("county_officer")
    add_note = services.add_note
    answers: dict[str, Any] = {}
    writes: list[str] = []

    def interleaved(**kwargs: Any) -> CaseEvent:
        event = add_note(**kwargs)
        writes.append(kwargs["note"])
        if len(writes) == 1:  # the first request, between its write and its answer
            answers["county"] = county.post(f"/cases/{case.pk}/notes", {"note": "县局意见"})
        return event

    monkeypatch.setattr(services, "add_note", interleaved)  # what cases.api calls
    answers["office"] = office.post(f"/cases/{case.pk}/notes", {"note": "司法所备注"})

    assert writes == ["司法所备注", "县局意见"]
    assert answers["office"].status_code == answers["county"].status_code == 201
    office_id, county_id = answers["office"].json()["id"], answers["county"].json()["id"]
    assert office_id != county_id
    assert county_id == case.events.order_by("-id").values_list("id", flat=True).first()  # the latest is theirs
    by_id = {event.pk: event for event in CaseEvent.objects.filter(pk__in=[office_id, county_id])}
    assert (by_id[office_id].note, by_id[office_id].by_name) == ("司法所备注", persona("office_officer").full_name)
    assert (by_id[county_id].note, by_id[county_id].by_name) == ("县局意见", persona("county_officer").full_name)
    assert answers["office"].json() == {"id": office_id}  # the response shape is unchanged


def test_it_returns_the_row_a_case_event_wrote(case: Case) -> None:
    event = services.add_note(case=case, note="  备注  ", by=Actor(persona("office_officer")))
    assert event.pk == CaseEvent.objects.get(case=case, action="note").pk
    assert event.note == "备注"


def test_it_keeps_the_same_length_of_note_on_both_timelines(case: Case) -> None:
    assert CaseEvent._meta.get_field("note").max_length == NOTE_MAX_LENGTH
    assert NoticeEvent._meta.get_field("note").max_length == NOTE_MAX_LENGTH
    long = "长" * (NOTE_MAX_LENGTH + 5)
    assert case.notice is not None
    written = record_notice_event(notice=case.notice, action="routed", by=Actor.system(), note=long)
    written.refresh_from_db()
    assert (written.note, written.by_name, written.by_id) == (long[:NOTE_MAX_LENGTH], "system", None)


@pytest.mark.parametrize("model", [CaseEvent, NoticeEvent], ids=lambda model: model.__name__)
def test_it_labels_every_action_of_both_timelines(model: type[CaseEvent] | type[NoticeEvent]) -> None:
    with translation.override("zh-hans"):
        for value, label in model.Action.choices:
            assert str(label).strip(), value
            assert str(label) != value, value  # a label, not the stored word
    assert model._meta.get_field("action").choices == model.Action.choices
