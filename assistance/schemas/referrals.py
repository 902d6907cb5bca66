"""Shapes of the referral API (issue 11): kept exactly, with a few fields beside them that the pages need too."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema


class Ref(Schema):
    code: str
    name: str


class ReferralIn(Schema):
    scheme: str
    to: str = Field(..., description="the department's organisation code (its kind must match the scheme)")
    reason: str
    urgent: bool = False


class ReferralCreated(Schema):
    id: int
    status: Literal["submitted"]
    respond_by: dt.date


class DecisionIn(Schema):
    result: str = Field(..., description="under_review, approved or rejected")
    reference: str = ""
    amount: str | float | int | None = Field(None, description="yuan, two places; a month's for monthly schemes")
    starts_on: dt.date | None = None
    review_on: dt.date | None = None
    reason: str = ""


class RenewIn(Schema):
    review_on: dt.date | None = Field(None, description="the day of the next review (after today)")
    amount: str | float | int | None = Field(None, description="the amount after the review, when it changes")
    reference: str = Field("", description="the review's file number, when it has one")


class EndIn(Schema):
    ended_on: dt.date | None = None
    reason: str = ""


class DecisionOut(Schema):
    result: str
    reference: str
    amount: str | None = Field(..., description="a decimal string; monthly for dibao, tekun, pensions, insurance")
    starts_on: dt.date | None
    review_on: dt.date | None
    reason: str


class HistoryOut(Schema):
    at: dt.datetime
    action: str
    by: str


class PersonOut(Schema):
    name: str
    id_number: str = Field(..., description="always masked")


class OfficeOut(Schema):
    code: str
    name: str
    contact: str = Field(..., description="the sending officer's name and phone")


class ReferralOut(Schema):
    id: int
    case_id: int
    scheme: str
    status: str
    to: Ref
    respond_by: dt.date
    decision: DecisionOut | None
    history: list[HistoryOut]
    person: PersonOut
    reason: str
    urgent: bool
    office: OfficeOut
    submitted_on: dt.date
    decided_on: dt.date | None
    escalated_on: dt.date | None
    ended_on: dt.date | None
    end_reason: str


class ReferralList(Schema):
    items: list[ReferralOut]
    count: int


class LinkOut(Schema):
    url: str
    expires_at: dt.datetime


class LinkReferral(Schema):
    scheme: str
    person: PersonOut
    reason: str
    office: OfficeOut
