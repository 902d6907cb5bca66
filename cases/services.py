"""Writes of cases. The cases issue adds groups, visits, risk, settlement, transfers and closure."""

from __future__ import annotations

import datetime as dt

from cases.models import Case
from core.audit import Actor, record_audit
from directory.models import Organisation
from people.models import Person


def open_case(
    *,
    person: Person,
    office: Organisation,
    opened_on: dt.date,
    key_target: bool,
    by: Actor,
    notice_id: int | None = None,
) -> Case:
    """Open the assistance record at check-in (call inside the check-in's transaction)."""
    case = Case.objects.create(
        person=person,
        notice_id=notice_id,
        managing_office=office,
        region=office.region,
        hukou_region=person.hukou_region,
        opened_on=opened_on,
        level=Case.Level.KEY if key_target else Case.Level.ORDINARY,
    )
    record_audit(
        actor=by,
        action="case.open",
        object_type="cases.case",
        object_id=case.pk,
        detail={"person": person.pk, "notice": notice_id},
    )
    return case
