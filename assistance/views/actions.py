"""The one shape of an action form on the 救助与就业 tab (``core.actions.ObjectAction`` over the case): its name
(``aid`` → ``aid_form``, posting to ``assistance:case_aid``), the capability that decides who may, its form, the
service call and the section of the tab the user comes back to. A closed case offers none
(``cases.views.common.state_refusal``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.forms import Form
from django.http import QueryDict
from django.urls import reverse

from assistance import capabilities
from cases.models import Case
from cases.views.common import state_refusal
from core.audit import Actor
from directory.models import User

Data = dict[str, Any]


@dataclass(frozen=True)
class TabAction:
    name: str
    form: Callable[[Case, QueryDict | None], Form]
    run: Callable[[Case, Data, Actor], str]  # the service call; what the user reads
    capability: str = capabilities.MANAGE
    anchor: str = ""  # the section of the tab to come back to ("#employment")

    @property
    def form_name(self) -> str:
        return f"{self.name}_form"

    def refusal_for(self, user: User, case: Case) -> str | None:
        return None if case.is_open else state_refusal(case)

    def bind(self, user: User, case: Case, data: QueryDict | None) -> Form:
        return self.form(case, data)

    def perform(self, case: Case, data: Data, by: Actor) -> tuple[str, str]:
        return self.run(case, data, by), reverse("assistance:case", args=[case.pk]) + self.anchor
