"""What the list import remembers while it runs (the day, regions, offices, deadlines) lasts one import: the next one,
in the same process, sees the day it is given and whatever changed in between."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone

from anbang.testing import make_id_number, persona
from core.audit import Actor
from directory.models import Organisation, PolicyValue, Region
from directory.policy import deadline
from handover.importing import COLUMNS, ImportResult, import_notices
from handover.models import ReleaseNotice

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TOWNSHIP = "320102001000"


def row(seq: int, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": f"王缓存{seq}",
        "gender": "男",
        "id_number": make_id_number(seq=seq * 2 + 1),
        "hukou_region": TOWNSHIP,
        "expected_release_date": (TODAY + dt.timedelta(days=60)).isoformat(),
        "offence": "盗窃罪",
        "sentence_months": "24",
    }
    values.update(overrides)
    return values


def run(rows: list[dict[str, Any]], *, today: dt.date = TODAY) -> ImportResult:
    text = io.StringIO()
    fields = [column.field for column in COLUMNS]
    writer = csv.DictWriter(text, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    liaison = persona("facility_liaison")
    assert liaison.organisation is not None
    return import_notices(
        file=io.BytesIO(text.getvalue().encode()),
        filename="list.csv",
        facility=liaison.organisation,
        by=Actor(user=liaison),
        today=today,
    )


def notice_of(seq: int) -> ReleaseNotice:
    return ReleaseNotice.objects.select_related("receiving_office").get(person__name=f"王缓存{seq}")


def test_it_takes_each_imports_own_day() -> None:
    later = TODAY + dt.timedelta(days=40)
    released = (TODAY + dt.timedelta(days=20)).isoformat()
    first = run([row(1, expected_release_date=released)])
    second = run([row(2, expected_release_date=released), row(3)], today=later)
    assert (first.created, first.errors) == (1, [])
    assert second.created == 1
    assert second.errors == [{"row": 2, "field": "expected_release_date", "message": "释放日期已过"}]
    one, three = notice_of(1), notice_of(3)
    assert (one.sent_on, three.sent_on) == (TODAY, later)
    assert one.verify_by == deadline("verify_within_days", start=TODAY, region=TOWNSHIP)
    assert three.verify_by == deadline("verify_within_days", start=later, region=TOWNSHIP)
    assert one.verify_by != three.verify_by


def test_it_applies_the_verification_rule_in_force_on_the_import_day() -> None:
    change = TODAY + dt.timedelta(days=10)
    PolicyValue.objects.create(name="verify_within_days", region_id="320000000000", value=5, effective_from=change)
    run([row(1)], today=change - dt.timedelta(days=1))
    run([row(2)], today=change)
    before, after = notice_of(1), notice_of(2)
    assert before.verify_by == deadline("verify_within_days", start=change - dt.timedelta(days=1), region=TOWNSHIP)
    assert after.verify_by == deadline("verify_within_days", start=change, region=TOWNSHIP)
    assert after.verify_by < before.verify_by  # 5 working days from the change instead of 15 from the day before


def test_it_sees_a_region_and_an_office_added_between_imports() -> None:
    new_township = "320102099000"
    first = run([row(1, hukou_region=new_township)])
    assert first.errors == [{"row": 2, "field": "hukou_region", "message": "未知的区划代码"}]
    Region.objects.create(
        code=new_township, name="新设街道", level=Region.Level.TOWNSHIP, parent=Region.objects.get(code="320102000000")
    )
    second = run([row(1, hukou_region=new_township)])
    assert second.created == 1
    assert notice_of(1).receiving_office.kind == Organisation.Kind.COUNTY_BUREAU  # no justice office there yet
    office = Organisation.objects.create(
        code="SFS320102099", name="新设街道司法所", kind=Organisation.Kind.JUSTICE_OFFICE, region_id=new_township
    )
    run([row(2, hukou_region=new_township)])
    assert notice_of(2).receiving_office == office


def test_it_routes_around_an_office_closed_between_imports() -> None:
    run([row(1)])
    office = notice_of(1).receiving_office
    assert office.kind == Organisation.Kind.JUSTICE_OFFICE
    office.is_active = False
    office.save(update_fields=["is_active"])
    run([row(2)])
    assert notice_of(2).receiving_office.kind == Organisation.Kind.COUNTY_BUREAU
