from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema


class Ref(Schema):
    code: str
    name: str


class PersonIn(Schema):
    name: str
    gender: Literal["male", "female"]
    birth_date: dt.date | None = None
    id_number: str = Field("", description="18-character citizen ID number (15-digit legacy numbers are upgraded)")
    hukou_region: str = Field(..., description="12-digit code of the hukou township or village (or county)")
    residence_region: str = Field("", description="12-digit code; defaults to the hukou region")
    residence_address: str = ""
    former_names: str = ""
    ethnicity: str = ""
    phone: str = ""


class NoticeIn(Schema):
    person: PersonIn
    expected_release_date: dt.date
    offence: str
    sentence_months: int
    key_target: bool = False
    key_target_reasons: list[str] = []
    needs: list[str] = []
    risk_level: Literal["", "high", "medium", "low"] = ""
    sentence_start: dt.date | None = None
    sentence_end: dt.date | None = None
    pre_release_education: list[str] = Field(
        [], description="vocational_skills, job_seeking, social_adaptation, mental_health, policy_briefing"
    )


class NoticeCreated(Schema):
    id: int
    status: str
    receiving_office: Ref
    verify_by: dt.date


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: dt.date | None
    id_number: str = Field(..., description="masked: 320102********123X")
    id_verified: bool
    hukou_region: Ref | None
    residence_region: Ref | None
    residence_address: str


class EscortOut(Schema):
    escorted: bool | None
    staff: list[str]
    family: list[str]
    vehicle: str


class HistoryOut(Schema):
    at: dt.datetime
    action: str
    by: str
    note: str


class NoticeOut(Schema):
    id: int
    status: str
    person: PersonOut
    facility: Ref | None
    receiving_office: Ref
    region: Ref
    key_target: bool
    key_target_reasons: list[str]
    needs: list[str]
    offence: str
    sentence_months: int | None
    expected_release_date: dt.date
    sent_on: dt.date
    verify_by: dt.date
    verification_result: str
    released_on: dt.date | None
    check_in_by: dt.date | None
    escort: EscortOut
    checked_in_on: dt.date | None
    check_in_method: str
    missed: bool = Field(..., description="counted as a missed intake (stays true after a late check-in)")
    backfilled: bool
    case_id: int | None
    history: list[HistoryOut]


class NoticeListItem(Schema):
    id: int
    status: str
    person: PersonOut
    receiving_office: Ref
    key_target: bool
    expected_release_date: dt.date
    verify_by: dt.date
    released_on: dt.date | None
    check_in_by: dt.date | None
    checked_in_on: dt.date | None


class NoticeList(Schema):
    items: list[NoticeListItem]
    count: int


class VerifyIn(Schema):
    result: Literal["confirmed", "not_ours", "identity_mismatch"]
    note: str = ""


class RouteIn(Schema):
    office: str = Field(..., description="code of the justice office to send the notice to")
    note: str = ""


class WithdrawIn(Schema):
    reason: str


class EscortIn(Schema):
    escorted: bool
    staff: list[str] = []
    family: list[str] = []
    vehicle: str = ""


class ReleaseIn(Schema):
    released_on: dt.date
    escort: EscortIn | None = None


class CheckInIn(Schema):
    checked_in_on: dt.date
    method: Literal["escorted", "self_reported", "family_accompanied"]


class CaseCreated(Schema):
    case_id: int


class BackfillIn(Schema):
    person: PersonIn
    released_on: dt.date
    checked_in_on: dt.date
    method: Literal["escorted", "self_reported", "family_accompanied"]
    offence: str = ""
    facility_name: str = ""
    key_target: bool = False


class BackfillOut(Schema):
    case_id: int
    notice_id: int


class AlertOut(Schema):
    id: int
    kind: str
    notice_id: int
    person_name: str
    raised_on: dt.date


class AlertList(Schema):
    items: list[AlertOut]
    count: int
