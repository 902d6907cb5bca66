from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema


class Ref(Schema):
    code: str
    name: str


class CasePerson(Schema):
    id: int
    name: str
    gender: str
    birth_date: dt.date | None
    id_number: str = Field(..., description="always masked (320102********123X)")
    hukou_region: Ref | None
    residence_region: Ref | None
    residence_address: str


class Settlement(Schema):
    status: str
    since: dt.date


class Member(Schema):
    id: int
    part: str
    name: str
    phone: str
    username: str | None


class Closure(Schema):
    reason: str
    closed_on: dt.date
    detail: str


class CaseOut(Schema):
    id: int
    person: CasePerson
    status: Literal["active", "lost_contact", "closed"]
    level: Literal["key", "ordinary"]
    risk_level: str
    risk_reasons: list[str]
    next_risk_review: dt.date | None
    managing_office: Ref
    hukou_office: Ref | None
    dual_managed: bool
    opened_on: dt.date
    period_end: dt.date | None
    next_visit_due: dt.date | None
    last_contact_on: dt.date | None
    offence: str | None = Field(..., description="null for volunteers, who never see the offence")
    settlement: Settlement | None
    group: list[Member]
    closure: Closure | None


class CaseListItem(Schema):
    id: int
    person_name: str
    status: str
    level: str
    managing_office: Ref
    opened_on: dt.date
    next_visit_due: dt.date | None
    settlement_status: str


class CaseList(Schema):
    items: list[CaseListItem]
    count: int


class VisitIn(Schema):
    visited_on: dt.date
    method: Literal["home", "phone", "video", "office", "workplace"]
    outcome: Literal["met", "not_found", "refused"]
    notes: str = ""
    visitors: list[str] = []
    situation: dict[str, str] = Field({}, description="keys: living, work, family, health, mood")
    needs: list[str] = []


class VisitCreated(Schema):
    id: int
    next_visit_due: dt.date | None


class MemberIn(Schema):
    part: Literal["office_officer", "village_cadre", "community_police", "family_member", "social_worker", "volunteer"]
    name: str = ""
    username: str | None = None
    phone: str = ""


class AgreementIn(Schema):
    signed_on: dt.date
    signatories: dict[str, str] = Field(..., description="office, community, family, person: who signed")


class Created(Schema):
    id: int


class NoteIn(Schema):
    note: str


class RiskIn(Schema):
    risk_level: Literal["high", "medium", "low"]
    key_target: bool
    reasons: list[str] = []
    assessed_on: dt.date


class SettlementIn(Schema):
    status: Literal[
        "employed", "self_employed", "farming", "flexible", "allowance", "at_base", "studying", "not_settled"
    ]
    since: dt.date
    detail: str = ""
    reason: str = ""


class TransferIn(Schema):
    to_office: str = Field(..., description="code of the receiving justice office")
    reason: str
    new_address: str = ""


class TransferCreated(Schema):
    transfer_id: int


class DecisionIn(Schema):
    note: str = ""


class TransferOut(Schema):
    id: int
    case_id: int
    from_office: Ref
    to_office: Ref
    reason: str
    requested_on: dt.date
    status: str


class TransferList(Schema):
    items: list[TransferOut]
    count: int


class LostContactIn(Schema):
    noted_on: dt.date
    reason: str


class RestoredIn(Schema):
    restored_on: dt.date
    note: str = ""


class TraceIn(Schema):
    to: str = Field(..., description="code of a justice office or a police organisation")
    reason: str
    last_known_address: str = ""


class TraceCreated(Schema):
    id: int
    respond_by: dt.date


class TraceOut(Schema):
    id: int
    case_id: int
    person_name: str
    from_office: Ref
    to: Ref
    reason: str
    last_known_address: str
    sent_on: dt.date
    respond_by: dt.date
    status: str
    result: str
    address: str
    note: str
    escalated_on: dt.date | None


class TraceList(Schema):
    items: list[TraceOut]
    count: int


class RespondIn(Schema):
    result: Literal["located", "not_located"]
    address: str = ""
    note: str = ""


class CloseIn(Schema):
    reason: Literal["period_expired", "reoffended", "died", "emigrated", "transferred_out"]
    closed_on: dt.date
    detail: str = ""


class EventOut(Schema):
    id: int
    at: dt.datetime
    action: str
    by: str
    note: str
    data: dict[str, object]


class EventList(Schema):
    items: list[EventOut]
    count: int


class WorkItem(Schema):
    kind: str = Field(
        ...,
        description="visit_due, visit_overdue, risk_review_due, trace_response_due, "
        "transfer_to_accept, verification_due, check_in_due, and those of any area that registers a worklist kind",
    )
    due: dt.date | None
    overdue: bool
    title: str
    url: str = Field(..., description="the page where the item is done")
    case_id: int | None = None
    notice_id: int | None = None
    trace_id: int | None = None
    transfer_id: int | None = None


class Worklist(Schema):
    items: list[WorkItem]
    count: int
