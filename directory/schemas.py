from __future__ import annotations

import datetime as dt

from ninja import Schema


class RegionOut(Schema):
    code: str
    name: str


class OrganisationRef(Schema):
    code: str
    name: str
    kind: str


class OrganisationOut(Schema):
    code: str
    name: str
    kind: str
    region: RegionOut


class OrganisationList(Schema):
    items: list[OrganisationOut]
    count: int


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    organisation: OrganisationRef | None
    region: RegionOut | None


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None


class TokenOut(Schema):
    token: str
    expires_at: str


class UserIn(Schema):
    username: str
    password: str
    organisation: str
    role: str
    full_name: str = ""
    phone: str = ""
    id_number: str = ""


class UserOut(Schema):
    username: str
    full_name: str
    role: str
    organisation: OrganisationRef | None
    id_number: str
    is_active: bool


class PolicyQuery(Schema):
    region: str | None = None  # 12-digit code; default: the caller's organisation's region
    on: dt.date | None = None  # default: today in China


class PolicyValueOut(Schema):
    name: str
    label: str
    value: int
    unit: str
    source: str
    region: RegionOut | None  # where the value comes from; null for a national row or the default
    effective_from: dt.date | None  # null: the national default written in the code


class PolicyList(Schema):
    items: list[PolicyValueOut]
    count: int


class PolicyIn(Schema):
    name: str
    region: str | None  # 12-digit code of a province, city or county; null for the whole country
    value: int
    effective_from: dt.date
    note: str = ""


class PolicySetOut(Schema):
    id: int
    name: str
    region: RegionOut | None
    value: int
    unit: str
    effective_from: dt.date
    note: str
