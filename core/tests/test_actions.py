"""core.actions: a new area's object page and its table of actions get the one order of every action POST (who may,
then whether the page offers it now, then the form, then the service) without writing the view."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.test import RequestFactory
from django.utils.functional import Promise

from anbang.testing import persona
from core.actions import ObjectPage, action_view, object_view
from core.areas import Area, Capability, registry
from core.audit import Actor
from core.errors import DomainError

pytestmark = pytest.mark.django_db


@dataclass
class Chore:
    pk: int
    done: bool = False
    notes: list[str] = field(default_factory=list)


CHORES = {1: Chore(1), 2: Chore(2, done=True)}


class NoteForm(forms.Form):
    note = forms.CharField(max_length=20)


@dataclass(frozen=True)
class NoteChore:
    name: str = "note"
    capability: str = "test.chore.note"
    form_name: str = "note_form"
    conflict: bool = False

    def refusal_for(self, user: Any, chore: Chore) -> str | Promise | None:
        return "已完成的事项不能再记录。" if chore.done else None

    def bind(self, user: Any, chore: Chore, data: QueryDict | None) -> Form:
        return NoteForm(data)

    def perform(self, chore: Chore, data: dict[str, Any], by: Actor) -> tuple[str, str]:
        if self.conflict:
            raise DomainError("taken", "另一位干部已处理。", status=409)
        if data["note"] == "坏":
            raise DomainError("bad_note", "备注不妥。", fields={"note": "换一个"})
        chore.notes.append(data["note"])
        return "已记录。", f"/chores/{chore.pk}/"


def render_chore(request: HttpRequest, user: Any, chore: Chore, bound: dict[str, Form], status: int) -> HttpResponse:
    errors = {name: form.errors.as_data() for name, form in bound.items()}
    return HttpResponse(f"chore {chore.pk} {sorted(bound)} {sorted(errors['note_form'])}", status=status)


PAGE: ObjectPage[Chore] = ObjectPage(
    load=lambda request, pk: (request.user, CHORES[pk]),
    render=render_chore,
    url=lambda chore: f"/chores/{chore.pk}/",
    pk_name="chore_id",
    view_prefix="chore",
)
AREA = Area(
    name="test_chores",
    capabilities=[Capability("test.chore.note", lambda user, chore: user.username == "office_officer")],
)


@pytest.fixture(autouse=True)
def area() -> Any:
    CHORES[1].notes.clear()
    with registry.added(AREA):
        yield


def post(username: str, chore: int, data: dict[str, str], action: NoteChore | None = None) -> HttpResponse:
    request = RequestFactory().post(f"/chores/{chore}/note/", data)
    request.user = persona(username)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    response: HttpResponse = action_view(PAGE, action or NoteChore())(request, chore_id=chore)
    response.texts = [str(m) for m in get_messages(request)]  # type: ignore[attr-defined]
    return response


def test_it_runs_the_service_and_goes_where_it_says() -> None:
    response = post("office_officer", 1, {"note": "已走访"})
    assert (response.status_code, response["Location"], response.texts) == (302, "/chores/1/", ["已记录。"])  # type: ignore[attr-defined]
    assert CHORES[1].notes == ["已走访"]


def test_it_refuses_a_user_the_capability_refuses_before_anything_else() -> None:
    with pytest.raises(PermissionDenied):
        post("county_officer", 2, {})


def test_it_sends_a_form_the_page_no_longer_offers_back_with_the_reason() -> None:
    response = post("office_officer", 2, {"note": "x"})
    assert (response.status_code, response["Location"]) == (302, "/chores/2/")
    assert response.texts == ["已完成的事项不能再记录。"]  # type: ignore[attr-defined]


def test_it_shows_the_page_again_with_the_form_that_does_not_parse() -> None:
    response = post("office_officer", 1, {"note": ""})
    assert (response.status_code, response.content.decode()) == (400, "chore 1 ['note_form'] ['note']")
    assert CHORES[1].notes == []


def test_it_puts_a_services_refusal_onto_the_form() -> None:
    response = post("office_officer", 1, {"note": "坏"})
    assert (response.status_code, response.content.decode()) == (400, "chore 1 ['note_form'] ['__all__', 'note']")


def test_it_answers_a_conflict_as_a_refusal_with_the_services_words() -> None:
    response = post("office_officer", 1, {"note": "x"}, NoteChore(conflict=True))
    assert (response.status_code, response.texts) == (302, ["另一位干部已处理。"])  # type: ignore[attr-defined]


def test_the_view_is_named_for_the_page_and_action() -> None:
    assert action_view(PAGE, NoteChore()).__name__ == "chore_note"


def test_the_pages_get_view_draws_the_object_with_no_form_open() -> None:
    seen: list[tuple[int, dict[str, Form], int]] = []

    def draw(request: HttpRequest, user: Any, chore: Chore, bound: dict[str, Form], status: int) -> HttpResponse:
        seen.append((chore.pk, bound, status))
        return HttpResponse("chore")

    page = ObjectPage(load=PAGE.load, render=draw, url=PAGE.url, pk_name="chore_id", view_prefix="chore")
    request = RequestFactory().get("/chores/2/")
    request.user = persona("county_officer")
    view = object_view(page)
    assert (view(request, chore_id=2).status_code, seen, view.__name__) == (200, [(2, {}, 200)], "chore_detail")
    with pytest.raises(KeyError):  # what load does not find is its 404, not the view's
        view(request, chore_id=9)
