from __future__ import annotations

import datetime as dt

from ninja import Schema

from directory.schemas import RegionOut


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
