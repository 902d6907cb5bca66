"""The audit log (DESIGN §3, §8): append-only, hash-chained; ``verify_audit`` names the first row that fails."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from anbang.testing import persona
from core.audit import GENESIS, Actor, first_bad_row, record_audit, row_hash
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


def verify(*args: str) -> tuple[int, str]:
    """Run ``verify_audit`` as cron would: its exit status and what it printed."""
    out = io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue().strip()
    return 0, out.getvalue().strip()


def append(n: int, action: str = "test.write") -> list[AuditEvent]:
    return [
        record_audit(actor=Actor.system(), action=action, object_type="test", object_id=i, detail={"n": i})
        for i in range(n)
    ]


def sql(statement: str, params: list[str | int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_it_chains_each_row_to_the_one_before() -> None:
    rows = append(4)
    stored = list(AuditEvent.objects.filter(id__gte=rows[0].id).order_by("id"))
    assert [r.id for r in stored] == [r.id for r in rows]
    for before, after in itertools.pairwise(stored):
        assert after.prev_hash == before.hash
    for row in stored:
        assert row.hash == row_hash(row)
    previous = AuditEvent.objects.filter(id__lt=rows[0].id).order_by("-id").first()
    assert stored[0].prev_hash == (previous.hash if previous else GENESIS)


def test_it_starts_the_chain_at_genesis() -> None:
    AuditEvent.objects.all().delete()  # rolled back with the test
    (row,) = append(1)
    assert row.prev_hash == GENESIS
    assert verify() == (0, "audit log intact: 1 rows")


def test_it_passes_an_honest_log() -> None:
    append(3)
    code, out = verify()
    assert code == 0
    assert out.startswith("audit log intact")
    assert first_bad_row() is None


def test_it_passes_an_empty_log() -> None:
    AuditEvent.objects.all().delete()
    assert verify() == (0, "audit log intact: 0 rows")


def test_it_names_a_row_whose_action_was_edited() -> None:
    rows = append(5)
    sql(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["test.innocent", rows[2].id])
    assert verify() == (1, f"first bad row: {rows[2].id}")


def test_it_names_a_row_whose_detail_was_edited() -> None:
    rows = append(5)
    AuditEvent.objects.filter(id=rows[1].id).update(detail={"n": 99})
    assert verify() == (1, f"first bad row: {rows[1].id}")


@pytest.mark.parametrize(
    ("column", "value"),
    [("username", "someone_else"), ("outcome", "failure"), ("object_id", "999"), ("ip", "10.0.0.9")],
)
def test_it_names_a_row_with_any_column_edited(column: str, value: str) -> None:
    rows = append(3)
    sql(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", [value, rows[1].id])
    assert verify() == (1, f"first bad row: {rows[1].id}")


def test_it_names_a_row_whose_time_was_edited() -> None:
    rows = append(3)
    AuditEvent.objects.filter(id=rows[1].id).update(at=rows[0].at)
    assert verify() == (1, f"first bad row: {rows[1].id}")


def test_it_names_a_row_whose_hash_was_recomputed_alone() -> None:
    # Forging one row and fixing its hash still breaks the link of the row after it.
    rows = append(4)
    forged = AuditEvent.objects.get(id=rows[1].id)
    forged.action = "test.forged"
    forged.hash = row_hash(forged)
    forged.save()
    assert verify() == (1, f"first bad row: {rows[2].id}")


def test_it_names_the_row_after_a_deleted_one() -> None:
    rows = append(5)
    sql(f"DELETE FROM {TABLE} WHERE id = %s", [rows[2].id])
    assert verify() == (1, f"first bad row: {rows[3].id}")


def test_it_names_the_first_of_two_swapped_rows() -> None:
    rows = append(5)
    a, b = (AuditEvent.objects.get(id=rows[i].id) for i in (1, 3))
    columns = ["at", "action", "object_id", "detail", "prev_hash", "hash"]
    values = {row.id: {c: getattr(row, c) for c in columns} for row in (a, b)}
    # hash is unique: park one row's hash out of the way while the two trade places
    AuditEvent.objects.filter(id=a.id).update(hash="swap")
    AuditEvent.objects.filter(id=b.id).update(**values[a.id])
    AuditEvent.objects.filter(id=a.id).update(**values[b.id])
    assert verify() == (1, f"first bad row: {a.id}")


def test_it_names_the_last_row_when_it_was_edited() -> None:
    rows = append(3)
    sql(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["test.edited", rows[-1].id])
    assert AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() == rows[-1].id
    assert verify() == (1, f"first bad row: {rows[-1].id}")


def test_it_names_the_first_row_when_it_was_edited() -> None:
    first = AuditEvent.objects.order_by("id").first()
    if first is None:
        first = append(1)[0]
    append(2)
    sql(f"UPDATE {TABLE} SET role = %s WHERE id = %s", ["system_admin", first.id])
    assert verify() == (1, f"first bad row: {first.id}")


def test_it_names_the_earliest_of_several_bad_rows() -> None:
    rows = append(6)
    sql(f"UPDATE {TABLE} SET action = %s WHERE id IN (%s, %s)", ["x", rows[4].id, rows[2].id])
    assert verify() == (1, f"first bad row: {rows[2].id}")


def test_it_reads_the_log_in_batches() -> None:
    rows = append(7)
    sql(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["x", rows[5].id])
    assert first_bad_row(batch_size=2) == rows[5].id


def test_it_rolls_an_audit_row_back_with_its_transaction() -> None:
    before = AuditEvent.objects.order_by("-id").first()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_audit(actor=Actor.system(), action="test.doomed")
        raise RuntimeError("the write failed")
    assert not AuditEvent.objects.filter(action="test.doomed").exists()
    (after,) = append(1)
    assert after.prev_hash == (before.hash if before else GENESIS)
    assert verify()[0] == 0


def test_it_verifies_chinese_text_and_nested_detail() -> None:
    detail = {
        "姓名": "张三",
        "reason": "核实身份：刑满释放人员报到",
        "changes": {"地址": ["南京市玄武区", "苏州市姑苏区"], "phone": None},
        "counts": [1, 2.5, True, {"深": {"层": "值"}}],
        "emoji": "✓",
    }
    row = record_audit(actor=Actor.system(), action="test.chinese", detail=detail)
    stored = AuditEvent.objects.get(id=row.id)
    assert stored.detail == detail
    assert stored.hash == row_hash(stored)
    assert verify()[0] == 0


def test_it_hashes_what_the_database_gives_back() -> None:
    # Values the database would store in another form (non-string keys, dates, tuples, IPv6 in upper case,
    # IPv4-mapped) must not make an honest row look forged.
    detail: dict[Any, Any] = {1: dt.date(2026, 1, 1), "t": (1, 2), "d": dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)}
    record_audit(
        actor=Actor(user=None, ip="2001:DB8:0:0::1"),
        action="test.forms",
        detail=detail,
    )
    record_audit(actor=Actor(user=None, ip="::ffff:192.0.2.1"), action="test.forms")
    record_audit(actor=Actor(user=None, ip="192.0.2.7"), action="test.forms")
    assert verify()[0] == 0


@pytest.mark.parametrize(
    "value",
    [1e16, -1.5e300, -0.0, 1e-7, 0.30000000000000004, 2**60, float("nan"), float("inf"), "a\x00b", {"k\x00": 1}],
)
def test_it_stores_awkward_json_so_the_chain_still_holds(value: object) -> None:
    # PostgreSQL's jsonb gives 1e16 back as an integer and -0.0 as 0.0, and refuses NaN and NUL outright.
    row = record_audit(actor=Actor.system(), action="test.json", detail={"value": value})
    stored = AuditEvent.objects.get(id=row.id)
    assert stored.detail == row.detail
    assert verify()[0] == 0


def test_it_drops_an_address_that_is_not_an_ip() -> None:
    row = record_audit(actor=Actor(user=None, ip="unix:/run/anbang.sock"), action="test.forms")
    assert AuditEvent.objects.get(id=row.id).ip is None
    assert verify()[0] == 0


def test_it_copies_who_did_it() -> None:
    officer = persona("office_officer")
    row = record_audit(actor=Actor(user=officer, ip="127.0.0.1"), action="test.who", object_id=7)
    stored = AuditEvent.objects.get(id=row.id)
    assert (stored.user_id, stored.username, stored.role, stored.object_id, stored.ip) == (
        officer.pk,
        "office_officer",
        "office_officer",
        "7",
        "127.0.0.1",
    )
    assert stored.organisation == officer.organisation.code  # type: ignore[union-attr]
    assert verify()[0] == 0


def test_it_names_the_subject_of_a_failed_sign_in() -> None:
    row = record_audit(actor=Actor.system(), action="login", outcome="failure", username="nobody")
    assert AuditEvent.objects.get(id=row.id).username == "nobody"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers with BEGIN IMMEDIATE")
def test_it_keeps_one_chain_when_writers_race() -> None:
    """Eight app servers appending at once (each thread its own connection, committing for real).

    The test's own transaction stays open and never takes the advisory lock, so the threads are not blocked by it;
    the rows they commit are removed again at the end (deleting from the tail keeps the chain valid).
    """
    writers, per_writer = 8, 6
    start = threading.Barrier(writers)
    errors: list[BaseException] = []
    high_water = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    record_audit(actor=Actor.system(), action="test.race", object_id=f"{n}-{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def cleanup() -> None:
        try:
            AuditEvent.objects.filter(id__gt=high_water, action="test.race").delete()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == []
        raced = list(AuditEvent.objects.filter(action="test.race").order_by("id"))
        assert len(raced) == writers * per_writer
        assert len({r.prev_hash for r in raced}) == len(raced)  # no two rows claim the same predecessor
        assert verify()[0] == 0
    finally:
        janitor = threading.Thread(target=cleanup)
        janitor.start()
        janitor.join(timeout=60)


# --- keyed chain and noted heads ------------------------------------------------------------------------------------


def _unkeyed(row: AuditEvent) -> str:
    from core.audit import _canonical

    return hashlib.sha256(_canonical(row)).hexdigest()


def test_it_names_a_row_rewritten_by_someone_who_recomputed_the_chain_without_the_key() -> None:
    """Whoever can write to the database can recompute a plain SHA-256 chain after editing a row; the keyed hash
    needs FIELD_ENCRYPTION_KEY, which the database does not hold."""
    rows = append(4)
    previous = AuditEvent.objects.get(id=rows[0].id).hash
    for row in AuditEvent.objects.filter(id__gte=rows[1].id).order_by("id"):
        if row.id == rows[1].id:
            row.action = "test.forged"
        row.prev_hash = previous
        row.hash = previous = _unkeyed(row)
        row.save()
    assert verify() == (1, f"first bad row: {rows[1].id}")


def test_it_fails_the_whole_chain_under_another_key(settings: Any) -> None:
    append(2)
    assert verify()[0] == 0
    settings.FIELD_ENCRYPTION_KEY = "another-key-" + "x" * 40
    assert verify()[0] == 1


def test_it_notes_the_head_nightly_and_catches_rows_deleted_up_to_it() -> None:
    """Deleting the newest rows leaves an honest-looking chain; a head noted earlier (outside the database) shows
    it."""
    append(3)
    out = io.StringIO()
    call_command("run_jobs", "--once", "--only", "audit_head", stdout=out)
    noted = out.getvalue().split("audit head ")[1].split()[0]
    row_id, hash_ = noted.split(":")
    assert (int(row_id), hash_) == AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    append(2)  # later rows are fine
    assert verify("--head", noted) == (0, f"audit log intact: {AuditEvent.objects.count()} rows")
    sql(f"DELETE FROM {TABLE} WHERE id >= %s", [int(row_id)])
    assert verify()[0] == 0  # the shorter chain is honest on its own
    assert verify("--head", noted) == (1, f"head missing: {row_id} (rows up to it were deleted or changed)")


def test_it_refuses_a_head_that_is_not_id_and_hash() -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="ID:HASH"):
        call_command("verify_audit", "--head", "12:short", stdout=io.StringIO())


def test_it_notes_the_head_after_every_other_job() -> None:
    from core.jobs import all_jobs

    assert list(all_jobs())[-1] == "audit_head"


def test_the_upgrade_rechains_a_log_written_with_plain_sha256() -> None:
    import importlib

    from django.apps import apps

    append(3)
    previous = GENESIS
    for row in AuditEvent.objects.order_by("id"):  # the whole log as the previous release wrote it
        row.prev_hash = previous
        row.hash = previous = _unkeyed(row)
        row.save()
    assert verify()[0] == 1
    importlib.import_module("core.migrations.0003_keyed_audit_chain").rechain(apps, None)
    assert verify()[0] == 0
