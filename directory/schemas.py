from __future__ import annotations

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
