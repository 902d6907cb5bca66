"""The bulk writer (``core.bulk.insert_rows``): rows written with multi-row INSERTs read back as the ORM would have
written them, model defaults filled in, the new ids in the order of the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from core.bulk import insert_rows
from core.models import AuditEvent
from directory.models import PolicyValue

pytestmark = pytest.mark.django_db

AUDIT_COLUMNS = ("at", "action", "detail", "prev_hash", "hash")


def audit_rows(count: int, *, detail: object = None) -> list[tuple[object, ...]]:
    at = timezone.now()
    return [
        (at, "test.bulk", {"n": n} if detail is None else detail, "0" * 64, f"test-bulk-{n:06d}") for n in range(count)
    ]


def test_it_returns_the_new_ids_in_the_order_of_the_rows() -> None:
    rows = audit_rows(3)
    ids = insert_rows(AuditEvent, AUDIT_COLUMNS, rows)
    assert len(ids) == 3 and ids == sorted(ids)
    stored = {event.id: event for event in AuditEvent.objects.filter(id__in=ids)}
    assert [stored[pk].hash for pk in ids] == [row[4] for row in rows]
    assert [stored[pk].detail for pk in ids] == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_it_fills_every_field_not_named_with_its_model_default() -> None:
    (pk,) = insert_rows(AuditEvent, AUDIT_COLUMNS, audit_rows(1))
    event = AuditEvent.objects.get(pk=pk)
    default = AuditEvent()
    assert (event.outcome, event.username, event.object_id, event.ip, event.user_id) == (
        default.outcome,
        "",
        "",
        None,
        None,
    )
    (pk,) = insert_rows(AuditEvent, ("at", "action", "prev_hash", "hash"), [(timezone.now(), "a", "0", "test-bulk-d")])
    assert AuditEvent.objects.get(pk=pk).detail == {}


def test_it_writes_dates_foreign_keys_by_attname_and_auto_now_add() -> None:
    before = timezone.now()
    days = [dt.date(2031, 1, 1), dt.date(2031, 1, 1), dt.date(2031, 2, 28)]
    ids = insert_rows(
        PolicyValue,
        ("name", "region_id", "value", "effective_from"),
        [(f"test.bulk.{n}", None, n + 1, day) for n, day in enumerate(days)],
    )
    values = list(PolicyValue.objects.filter(id__in=ids).order_by("id"))
    assert [(v.name, v.region_id, v.value, v.effective_from, v.note) for v in values] == [
        ("test.bulk.0", None, 1, days[0], ""),
        ("test.bulk.1", None, 2, days[1], ""),
        ("test.bulk.2", None, 3, days[2], ""),
    ]
    assert all(before <= v.created_at <= timezone.now() for v in values)


def test_it_writes_json_shared_by_many_rows_and_lists_alike() -> None:
    shared = {"office": "320102001", "import": "t"}
    ids = insert_rows(AuditEvent, AUDIT_COLUMNS, audit_rows(3, detail=shared))
    ids += insert_rows(
        AuditEvent,
        AUDIT_COLUMNS,
        [(timezone.now(), "test.bulk", value, "0", f"test-bulk-l{n}") for n, value in enumerate([[], ["就业"], []])],
    )
    details = dict(AuditEvent.objects.filter(id__in=ids).values_list("id", "detail"))
    assert [details[pk] for pk in ids] == [shared, shared, shared, [], ["就业"], []]


def test_it_writes_a_long_list_in_statements_of_500_rows(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    rows = audit_rows(1_200)
    with django_assert_num_queries(3):
        ids = insert_rows(AuditEvent, AUDIT_COLUMNS, rows)
    assert len(ids) == len(set(ids)) == 1_200
    assert list(AuditEvent.objects.filter(id__in=ids).order_by("id").values_list("hash", flat=True)) == [
        row[4] for row in rows
    ]


def test_it_writes_nothing_for_no_rows(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    with django_assert_num_queries(0):
        assert insert_rows(AuditEvent, AUDIT_COLUMNS, []) == []


def test_it_refuses_a_column_the_model_does_not_have() -> None:
    with pytest.raises(ValueError, match="region"):
        insert_rows(PolicyValue, ("name", "region"), [("x", None)])
