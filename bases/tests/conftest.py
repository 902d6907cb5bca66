"""Fixtures of the bases tests: the 玄武区 base of the demo directory's operator (JD320102, whose manager is the
``base_manager`` persona), operating, with three beds; and helpers every part's tests share."""

from __future__ import annotations

from typing import Any

import pytest

from anbang.testing import make_id_number, send_notice
from bases.models import Base
from directory.models import Organisation, Region
from handover.models import ReleaseNotice

OPERATOR = "JD320102"
XUANWU = "320102000000"


def make_base(**fields: Any) -> Base:
    values: dict[str, Any] = {
        "name": "玄武区过渡性安置基地",
        "kind": Base.Kind.GOVERNMENT,
        "operator": Organisation.objects.get(code=OPERATOR),
        "region": Region.objects.get(code=XUANWU),
        "address": "示范路 8 号",
        "beds": 3,
        "functions": ["housing", "meals", "job_guidance"],
        "status": Base.Status.OPERATING,
    }
    values.update(fields)
    return Base.objects.create(**values)


def housing_notice(seq: int = 201, **overrides: Any) -> ReleaseNotice:
    """A notice for a man with no home to go to (needs: 住房), routed to office_officer's township."""
    person = {"name": f"张住房{seq}", "id_number": make_id_number(seq=seq), **overrides.pop("person", {})}
    return send_notice(person=person, needs=["住房", "就业"], **overrides)


@pytest.fixture
def base(db: None) -> Base:
    return make_base()
