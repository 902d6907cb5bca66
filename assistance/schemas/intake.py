"""The intake part's API shapes (issue 11: kept exactly): the pre-release education on a notice, the briefing at
check-in and the needs assessment with its eligibility hints."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class CourseIn(Schema):
    kind: str = Field(
        ..., description="vocational_skills, job_seeking, social_adaptation, mental_health, policy_briefing"
    )
    on: dt.date
    hours: float = Field(..., description="more than 0, at most 2000, one decimal place at most")


class EducationIn(Schema):
    courses: list[CourseIn] = []
    difficulties: list[str] = Field([], description="housing, income, work, health, family, debt")


class CourseOut(Schema):
    kind: str
    on: dt.date
    hours: int | float


class EducationOut(Schema):
    courses: list[CourseOut]
    difficulties: list[str]
    recorded_at: dt.datetime


class BriefingIn(Schema):
    briefed_on: dt.date
    schemes: list[str] = Field(..., description="the schemes explained: dibao, tekun, temporary_aid, ...")
    acknowledged: bool


class BriefingOut(Schema):
    id: int
    briefed_on: dt.date
    schemes: list[str]
    acknowledged: bool


class BriefingList(Schema):
    items: list[BriefingOut]
    count: int


class AssessmentIn(Schema):
    assessed_on: dt.date
    income_monthly: str | float = Field(..., description="the household's income, yuan a month (a decimal)")
    household_size: int = Field(..., description="people living on that income, the person included (≥ 1)")
    can_work: bool
    disability: bool = False
    chronic_illness: bool = False
    housing: str = Field(..., description="own, family, renting, none")
    has_supporter: bool = Field(..., description="someone legally obliged to support the person, and able to")
    sudden_hardship: bool = False
    unemployed: bool | None = Field(
        None, description="default: true unless the case's settlement is employed, self_employed, flexible or farming"
    )


class HintOut(Schema):
    scheme: str
    rule: str = Field(..., description="the rule that gave the hint, naming the values used (Chinese)")


class AssessmentCreated(Schema):
    id: int
    hints: list[HintOut]


class AssessmentOut(Schema):
    id: int
    assessed_on: dt.date
    income_monthly: str
    household_size: int
    can_work: bool
    disability: bool
    chronic_illness: bool
    housing: str
    has_supporter: bool
    sudden_hardship: bool
    unemployed: bool
    age: int
    hints: list[HintOut]


class AssessmentList(Schema):
    items: list[AssessmentOut]
    count: int
