"""The shapes of the employment and aid-ledger operations (``assistance/api/employment.py``). Money goes in as a
number or a string of yuan with at most two places and comes out as a string with two places ("1250.00")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

ServiceKind = Literal[
    "unemployment_registration",
    "employment_certificate",
    "hardship_recognition",
    "policy_consultation",
    "guidance",
    "job_referral",
    "training",
    "public_welfare_post",
    "startup_loan",
    "tax_relief",
    "employer_incentive",
]
Schooling = Literal["", "none", "primary", "junior", "senior", "vocational", "college", "bachelor"]
PensionScheme = Literal["", "employee", "resident", "none"]
AidKind = Literal["cash", "voucher", "in_kind"]
Need = Literal["", "housing", "income", "work", "health", "family", "debt"]
MONEY_IN = 'yuan, more than zero, at most two decimal places: a number or a string (1250.5, "1250.50")'
MONEY_OUT = 'yuan as a decimal string with two places ("1250.00")'


class Ref(Schema):
    code: str
    name: str


class CaseSettlement(Schema):
    status: str
    since: dt.date


# --- the profile ------------------------------------------------------------------------------------------------------


class ProfileIn(Schema):
    """The whole profile: what is left out is cleared (PUT replaces it)."""

    skills: list[str] = Field(default_factory=list, description="at most 30, each up to 64 characters")
    certificates: list[str] = Field(
        default_factory=list, description="vocational certificates, those from prison training among them"
    )
    schooling: Schooling = ""
    wish: str = Field("", description="the work the person wishes for, up to 500 characters")
    pension_scheme: PensionScheme = Field("", description="the basic pension insurance paid before prison")
    pension_years_before: int | None = Field(None, description="years of contributions before prison (0..50)")
    pension_resumed_on: dt.date | None = Field(
        None, description="contributions resumed on (not before release, not in the future)"
    )
    retired: bool = False
    pension_payment_resumed_on: dt.date | None = Field(
        None, description="for a retiree (retired true only): the pension paid again from"
    )


class ProfileOut(Schema):
    skills: list[str]
    certificates: list[str]
    schooling: str
    wish: str
    pension_scheme: str
    pension_years_before: int | None
    pension_resumed_on: dt.date | None
    retired: bool
    pension_payment_resumed_on: dt.date | None
    updated_by: str
    updated_at: dt.datetime


# --- services ---------------------------------------------------------------------------------------------------------


class ServiceIn(Schema):
    kind: ServiceKind
    on: dt.date = Field(..., description="the day it was given: not before release, not in the future")
    provider: str = Field("", description="who gave it (a public employment service, a training school)")
    detail: str = ""
    course: str = Field("", description="training only: required for a training")
    hours: Decimal | None = Field(None, description="training only: hours, one decimal place at most")
    certificate: str = Field("", description="training only: the certificate obtained")
    bank: str = Field("", description="startup_loan only: required")
    loan_amount: Decimal | None = Field(None, description=f"startup_loan only, required: {MONEY_IN}")
    loan_term_months: int | None = Field(None, description="startup_loan only, required: 1..36 (at most 3 years)")


class ServiceOut(Schema):
    id: int
    kind: str
    on: dt.date
    provider: str
    detail: str
    course: str
    hours: str | None = Field(..., description='training hours as a decimal string ("40.0")')
    certificate: str
    bank: str
    loan_amount: str | None = Field(..., description=MONEY_OUT)
    loan_term_months: int | None
    recorded_by: str


# --- placements -------------------------------------------------------------------------------------------------------


class PlacementIn(Schema):
    employer: str
    employer_credit_code: str = Field("", description="统一社会信用代码, 18 characters, checked when given")
    job: str
    started_on: dt.date = Field(..., description="not before release, not in the future")
    contract_months: int = Field(..., description="labour contract in months, 0..120 (0: no fixed term or none)")
    social_insurance: bool = Field(..., description="the employer pays social insurance")


class PlacementOut(Schema):
    id: int
    employer: str
    employer_credit_code: str
    job: str
    started_on: dt.date
    contract_months: int
    social_insurance: bool
    ended_on: dt.date | None
    end_reason: str
    in_force: bool = Field(..., description="not ended (ended_on null)")


class PlacementCreated(PlacementOut):
    settlement: CaseSettlement | None = Field(..., description="the case's settlement after the placement")
    settlement_changed: bool = Field(
        ..., description="the placement set the settlement to employed (false: already employed, or a later record)"
    )


class PlacementEndIn(Schema):
    ended_on: dt.date = Field(..., description="on or after started_on, not in the future")
    reason: str = Field(..., description="why the job ended")


# --- what the case shows ----------------------------------------------------------------------------------------------


class InsuranceReferral(Schema):
    """A pension-continuation or unemployment-insurance claim: a referral to 人社 (read it at /referrals/{id})."""

    id: int
    scheme: str
    status: str
    to: Ref
    submitted_on: dt.date
    respond_by: dt.date
    decided_on: dt.date | None
    starts_on: dt.date | None


class EmploymentOut(Schema):
    profile: ProfileOut | None
    services: list[ServiceOut] = Field(..., description="latest first")
    placements: list[PlacementOut] = Field(..., description="those in force first, then the latest started")
    insurance_referrals: list[InsuranceReferral] = Field(
        ..., description="referrals of schemes pension_continuation and unemployment_insurance, latest first"
    )


# --- the aid ledger ---------------------------------------------------------------------------------------------------


class AidIn(Schema):
    kind: AidKind
    amount: Decimal = Field(..., description=f"{MONEY_IN}; in kind: the value of the goods")
    given_on: dt.date = Field(..., description="not before release, not in the future")
    purpose: str = Field(..., description="what it is for, up to 200 characters")
    need: Need = Field("", description="the difficulty it answers")
    approved_by: str = Field("", description="who approved the hand-out (name and post), up to 64 characters")


class AidOut(Schema):
    id: int
    kind: str
    amount: str = Field(..., description=MONEY_OUT)
    given_on: dt.date
    purpose: str
    need: str
    approved_by: str
    budget_line: str = Field(..., description="blank until budget lines exist (the reports area)")
    recorded_by: str


class AidList(Schema):
    items: list[AidOut] = Field(..., description="latest first")
    count: int
    total: str = Field(..., description=f"the sum of all the case's entries, {MONEY_OUT}")
