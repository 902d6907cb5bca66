"""Synthetic case data for the PostgreSQL benchmarks, written with set-based SQL (``INSERT ... SELECT`` over
``generate_series``): a million people and ten million visits in minutes, not hours.

Every value is a function of the row number and a fixed seed (``hashint8extended(g, seed)``), so two runs with the
same sizes, seed and day give the same rows. ID numbers are left empty (unverified people are allowed): the
benchmarks here do not look people up by ID, and encrypting a million values would measure the cipher, not the
queries. Names are drawn from a few characters; pinyin columns hold a placeholder.

What it writes (``today`` is the day the benchmark runs for; shares are of the people):

- 200 synthetic townships with a justice office each, spread over the counties of 江苏省 (beside the four demo
  townships), so statistics by county, city and township have breadth;
- people, hukou and residence in those townships, 5 % living in another township (dual-managed cases);
- one release notice each: 97 % handed over (with a case), the rest open (released and past the check-in deadline,
  released and not yet due, awaiting verification due soon or overdue, verified), so the nightly hand-over scan has
  work;
- cases: 17 % closed (every reason), 3 % lost contact, 15 % key level; 0.5 % of the active ones without a contact for
  60 days and about 0.15 % past the end of their period, so the nightly case scan has work; settlement status for
  most open cases;
- visits spread over each case's life up to its last visit (the first one of each case on that day: its last contact
  day, or its closure), so the case's ``last_visit_on`` is the latest; three group members per
  case (95 % of cases), contact-loss periods, settlement history, trace requests for half the lost cases.

Indexes of the big tables are dropped during the load and rebuilt after it (faster than maintaining them row by
row); foreign-key triggers are skipped with ``session_replication_role = replica`` (the rows are built consistent).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Model

TOWNSHIPS = 200
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红春晓东海波宁斌浩"
SETTLED_KINDS = ("employed", "self_employed", "farming", "flexible", "allowance", "at_base", "studying")
METHODS = ("home", "phone", "video", "office", "workplace")


def _sql_array(values: tuple[str, ...] | str) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


def _default(field: Any) -> str:
    """The SQL literal a column gets when the generator does not set it (the model's default, empty, or NULL)."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        return "'" + json.dumps(field.get_default()) + "'::jsonb"
    if field.has_default() and kind == "BooleanField":
        return "true" if field.get_default() else "false"
    default = field.get_default() if field.has_default() else None
    if isinstance(default, str):
        return f"'{default}'"
    if field.null:
        return "NULL"
    if kind in ("CharField", "TextField"):
        return "''"
    if kind == "DateTimeField":
        return "now()"
    raise ValueError(f"no default for {field.model.__name__}.{field.name}: give an expression")


def insert_select(model: type[Model], values: dict[str, str], source: str) -> int:
    """``INSERT INTO <model's table> (every column) SELECT <values or defaults> <source>``; ``values`` maps a column
    to an SQL expression over ``source``. Returns the row count."""
    columns, exprs = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in values:
            continue  # the sequence numbers it
        columns.append(field.column)
        exprs.append(values.pop(field.column) if field.column in values else _default(field))
    if values:
        raise ValueError(f"unknown columns for {model.__name__}: {sorted(values)}")
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(exprs)} {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.rowcount)


def execute(sql: str, params: list[Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def scalar(sql: str, params: list[Any] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        return row[0] if row else None


class Indexes:
    """Drop the secondary indexes of ``tables`` (not primary keys, nor indexes behind constraints) and rebuild them."""

    def __init__(self, tables: list[str]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT i.indexname, i.indexdef FROM pg_indexes i
                   WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
                [tables],
            )
            self.definitions = cursor.fetchall()

    def drop(self) -> None:
        for name, _definition in self.definitions:
            execute(f'DROP INDEX IF EXISTS "{name}"')

    def rebuild(self) -> None:
        for _name, definition in self.definitions:
            execute(definition)


def generate(
    *, people: int, visits: int, today: dt.date, seed: int, log: Callable[[str], None] = print
) -> dict[str, int]:
    """Write the synthetic data (see the module docstring) into the current (empty) PostgreSQL database, which holds
    the demo directory. Returns the row counts."""
    from cases.models import Case, ContactLoss, GroupMember, SettlementRecord, TraceRequest, Visit
    from directory.models import Organisation, Region, User
    from handover.models import ReleaseNotice
    from people.models import Person

    assert connection.vendor == "postgresql", "the generator writes PostgreSQL SQL"
    counts: dict[str, int] = {}
    started = time.perf_counter()

    def step(name: str, run: Callable[[], int]) -> None:
        t0 = time.perf_counter()
        counts[name] = run()
        log(f"  {name:<22}{counts[name]:>11,} rows {time.perf_counter() - t0:7.1f} s")

    # for the load only: reset below, so that what is measured after it runs with the server's settings
    loading = {"synchronous_commit": "off", "maintenance_work_mem": "'512MB'", "work_mem": "'256MB'"}
    for name, value in loading.items():
        execute(f"SET {name} = {value}")
    execute(
        "CREATE OR REPLACE FUNCTION bench_h(g bigint, salt int) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        f"AS $$ SELECT hashint8extended(g, {seed} * 1000 + salt) & 2147483647 $$"
    )

    # --- townships and their offices ---------------------------------------------------------------------------
    counties = list(
        Region.objects.filter(level=Region.Level.COUNTY, code__startswith="32")
        .order_by("code")
        .values_list("code", "name")
    )
    new_regions, new_offices = [], []
    for i in range(TOWNSHIPS):
        county, county_name = counties[i % len(counties)]
        code = f"{county[:6]}{101 + i // len(counties):03d}000"
        new_regions.append(
            Region(code=code, name=f"{county_name}第{i + 1}街道", level=Region.Level.TOWNSHIP, parent_id=county)
        )
        new_offices.append(
            Organisation(
                code=f"SFS{code[:9]}",
                name=f"{county_name}第{i + 1}街道司法所",
                kind=Organisation.Kind.JUSTICE_OFFICE,
                region_id=code,
            )
        )
    Region.objects.bulk_create(new_regions, ignore_conflicts=True)
    Organisation.objects.bulk_create(new_offices, ignore_conflicts=True)
    execute("DROP TABLE IF EXISTS bench_township")
    execute(
        """CREATE UNLOGGED TABLE bench_township AS
           SELECT (row_number() OVER (ORDER BY o.region_id) - 1)::int AS n, o.region_id AS code, o.id AS office_id
           FROM directory_organisation o WHERE o.kind = 'justice_office'"""
    )
    execute("ALTER TABLE bench_township ADD PRIMARY KEY (n)")
    townships = int(scalar("SELECT count(*) FROM bench_township"))
    counts["townships"] = townships

    facility = Organisation.objects.get(code="P320001").pk
    officer = User.objects.get(username="office_officer").pk
    volunteer = User.objects.get(username="volunteer").pk
    police = Organisation.objects.get(code="GA320102").pk

    big = [
        m._meta.db_table for m in (Person, ReleaseNotice, Case, Visit, GroupMember, SettlementRecord, ContactLoss)
    ] + [TraceRequest._meta.db_table]
    indexes = Indexes(big)
    indexes.drop()
    execute("SET session_replication_role = replica")  # skip foreign-key triggers: the rows are built consistent

    # --- the plan: one row per person with every random draw --------------------------------------------------
    as_of = f"DATE '{today.isoformat()}'"
    execute("DROP TABLE IF EXISTS bench_plan")
    step(
        "plan",
        lambda: execute(
            f"""CREATE UNLOGGED TABLE bench_plan AS
            WITH d AS (
              SELECT g,
                     (bench_h(g, 1) % {townships})::int AS hukou_n,
                     bench_h(g, 2) % 100 < 5 AS dual,
                     bench_h(g, 3) % 1000 AS bucket,
                     bench_h(g, 4) % 100 < 15 AS key,
                     bench_h(g, 5) % 1000 AS sbucket,
                     bench_h(g, 6) % 1830 AS age,
                     bench_h(g, 7) % 100 AS reason_draw
              FROM generate_series(1, {people}) g
            ), s AS (
              SELECT d.*,
                     CASE WHEN dual THEN (hukou_n + 1 + bench_h(g, 8) % 3)::int % {townships} ELSE hukou_n END AS res_n,
                     CASE WHEN sbucket < 30 THEN 'lost_contact' WHEN sbucket < 200 THEN 'closed' ELSE 'active' END
                       AS status,
                     CASE WHEN sbucket >= 200 OR sbucket < 30 THEN ''
                          WHEN reason_draw < 60 THEN 'period_expired' WHEN reason_draw < 70 THEN 'reoffended'
                          WHEN reason_draw < 78 THEN 'died' WHEN reason_draw < 80 THEN 'emigrated'
                          ELSE 'transferred_out' END AS closure_reason
              FROM d
            ), o AS (
              SELECT s.*,
                     CASE WHEN closure_reason = 'period_expired' THEN {as_of} - (1830 + bench_h(g, 9) % 900)::int
                          ELSE {as_of} - age::int END AS opened_on
              FROM s
            ), c AS (
              SELECT o.*, (opened_on + interval '5 years')::date AS period_end,
                     CASE WHEN closure_reason = 'period_expired' THEN (opened_on + interval '5 years')::date + 1
                          WHEN closure_reason <> '' THEN opened_on + (bench_h(g, 10) % ({as_of} - opened_on + 1))::int
                     END AS closed_on,
                     greatest(opened_on, {as_of} - CASE
                          WHEN status = 'lost_contact' THEN 61 + (bench_h(g, 11) % 300)::int
                          WHEN bench_h(g, 12) % 1000 < 5 THEN 61 + (bench_h(g, 13) % 30)::int
                          ELSE (bench_h(g, 14) % 55)::int END) AS last_contact,
                     CASE WHEN bench_h(g, 15) % 100 < 87
                          THEN ({_sql_array(SETTLED_KINDS)})[1 + bench_h(g, 16) % {len(SETTLED_KINDS)}]
                          ELSE 'not_settled' END AS settlement
              FROM o
            )
            SELECT c.*, least(c.last_contact, coalesce(c.closed_on, {as_of})) AS last_visit FROM c"""
        ),
    )
    execute("ALTER TABLE bench_plan ADD PRIMARY KEY (g)")

    # --- people and notices -----------------------------------------------------------------------------------
    surnames, given = _sql_array(SURNAMES), _sql_array(GIVEN)
    step(
        "people",
        lambda: insert_select(
            Person,
            {
                "id": "p.g",
                "name": f"({surnames})[1 + bench_h(p.g, 20) % {len(SURNAMES)}] || ({given})[1 + bench_h(p.g, 21) % "
                f"{len(GIVEN)}] || ({given})[1 + bench_h(p.g, 22) % {len(GIVEN)}]",
                "name_pinyin": "'bench'",
                "name_initials": "'bc'",
                "gender": "CASE WHEN bench_h(p.g, 23) % 100 < 88 THEN 'male' ELSE 'female' END",
                "birth_date": f"DATE '1960-01-01' + (bench_h(p.g, 24) % {365 * 40})::int",
                "hukou_region_id": "h.code",
                "residence_region_id": "r.code",
                "residence_address": "'示范路 ' || (1 + bench_h(p.g, 25) % 300) || ' 号'",
                "created_at": "now()",
            },
            "FROM bench_plan p JOIN bench_township h ON h.n = p.hukou_n JOIN bench_township r ON r.n = p.res_n",
        ),
    )
    released = (
        f"CASE WHEN p.bucket < 970 THEN p.opened_on - (bench_h(p.g, 30) % 5)::int "
        f"WHEN p.bucket < 980 THEN {as_of} - 31 - (bench_h(p.g, 31) % 20)::int "
        f"WHEN p.bucket < 985 THEN {as_of} - (bench_h(p.g, 31) % 25)::int END"
    )
    sent = (
        f"CASE WHEN p.bucket < 985 THEN ({released}) - 35 "
        f"WHEN p.bucket < 995 THEN {as_of} - (bench_h(p.g, 32) % 40)::int ELSE {as_of} - 10 END"
    )
    step(
        "notices",
        lambda: insert_select(
            ReleaseNotice,
            {
                "id": "p.g",
                "person_id": "p.g",
                "facility_id": str(facility),
                "receiving_office_id": "h.office_id",
                "region_id": "h.code",
                "status": "CASE WHEN p.bucket < 970 THEN 'handed_over' WHEN p.bucket < 985 THEN 'released' "
                "WHEN p.bucket < 995 THEN 'awaiting_verification' ELSE 'verified' END",
                "key_target": "p.key",
                "expected_release_date": f"coalesce({released}, {as_of} + 20)",
                "sent_on": sent,
                "verify_by": f"({sent}) + 21",
                "verification_result": "CASE WHEN p.bucket < 985 OR p.bucket >= 995 THEN 'confirmed' ELSE '' END",
                "verified_on": f"CASE WHEN p.bucket < 985 OR p.bucket >= 995 THEN ({sent}) + 5 END",
                "released_on": released,
                "check_in_by": f"({released}) + 30",
                "checked_in_on": "CASE WHEN p.bucket < 970 THEN p.opened_on END",
                "check_in_method": "CASE WHEN p.bucket < 970 THEN 'self_reported' ELSE '' END",
                "created_at": "now()",
                "updated_at": "now()",
            },
            "FROM bench_plan p JOIN bench_township h ON h.n = p.hukou_n",
        ),
    )

    # --- cases ----------------------------------------------------------------------------------------------------
    step(
        "cases",
        lambda: insert_select(
            Case,
            {
                "id": "p.g",
                "person_id": "p.g",
                "notice_id": "p.g",
                "managing_office_id": "r.office_id",
                "hukou_office_id": "h.office_id",
                "region_id": "r.code",
                "hukou_region_id": "h.code",
                "status": "p.status",
                "level": "CASE WHEN p.key THEN 'key' ELSE 'ordinary' END",
                "risk_level": "CASE WHEN p.key THEN 'high' ELSE 'low' END",
                "next_risk_review": f"{as_of} + (bench_h(p.g, 40) % 180)::int - 20",
                "opened_on": "p.opened_on",
                "period_end": "p.period_end",
                "next_visit_due": "p.last_visit + CASE WHEN p.key THEN 30 ELSE 90 END",
                "last_contact_on": "p.last_contact",
                "last_visit_on": "p.last_visit",  # the latest visit (visits below fall in [opened_on, last_visit])
                "settlement_status": "p.settlement",
                "settlement_since": "least(p.opened_on + 10, p.last_visit)",
                "closure_reason": "p.closure_reason",
                "closed_on": "p.closed_on",
                "created_at": "now()",
            },
            "FROM bench_plan p JOIN bench_township h ON h.n = p.hukou_n JOIN bench_township r ON r.n = p.res_n "
            "WHERE p.bucket < 970",
        ),
    )
    execute("DROP TABLE IF EXISTS bench_case")
    execute(
        """CREATE UNLOGGED TABLE bench_case AS
           SELECT row_number() OVER (ORDER BY g)::bigint - 1 AS rn, g AS id, key, opened_on, last_visit
           FROM bench_plan WHERE bucket < 970"""
    )
    execute("ALTER TABLE bench_case ADD PRIMARY KEY (rn)")
    cases = int(scalar("SELECT count(*) FROM bench_case"))

    # --- visits: the first of each case on its last contact day, the rest spread over its life --------------------
    step(
        "visits",
        lambda: insert_select(
            Visit,
            {
                "id": "v.g",
                "case_id": "c.id",
                "visited_on": f"CASE WHEN v.g <= {cases} THEN c.last_visit "
                "ELSE c.opened_on + (bench_h(v.g, 50) % (c.last_visit - c.opened_on + 1))::int END",
                "method": f"({_sql_array(METHODS)})[1 + bench_h(v.g, 51) % {len(METHODS)}]",
                "outcome": f"CASE WHEN v.g <= {cases} OR bench_h(v.g, 52) % 100 < 92 THEN 'met' "
                "WHEN bench_h(v.g, 52) % 100 < 97 THEN 'not_found' ELSE 'refused' END",
                "recorded_by_id": str(officer),
                "created_at": "now()",
            },
            f"FROM generate_series(1, {visits}) v(g) JOIN bench_case c ON c.rn = (v.g - 1) % {cases}",
        ),
    )
    parts = _sql_array(("office_officer", "village_cadre", "family_member"))
    step(
        "group_members",
        lambda: insert_select(
            GroupMember,
            {
                "case_id": "c.id",
                "part": f"CASE WHEN k = 4 THEN 'volunteer' ELSE ({parts})[k] END",
                "name": "CASE k WHEN 1 THEN '司法所干部' WHEN 2 THEN '村居干部' WHEN 3 THEN '家属' ELSE '志愿者' END",
                "user_id": f"CASE WHEN k = 4 THEN {volunteer} END",
                "added_on": "c.opened_on",
            },
            "FROM bench_case c CROSS JOIN generate_series(1, 4) k "
            "WHERE bench_h(c.id, 60) % 100 < 95 AND (k < 4 OR bench_h(c.id, 61) % 1000 < 2)",
        ),
    )
    step(
        "contact_losses",
        lambda: insert_select(
            ContactLoss,
            {
                "case_id": "p.g",
                "noted_on": f"CASE WHEN p.status = 'lost_contact' THEN least(p.last_contact + 60, {as_of}) "
                "ELSE p.opened_on + 10 END",
                "restored_on": "CASE WHEN p.status = 'lost_contact' THEN NULL ELSE p.opened_on + 30 END",
                "reason": "'无法取得联系'",
            },
            f"FROM bench_plan p WHERE p.bucket < 970 AND (p.status = 'lost_contact' OR "
            f"(p.status = 'active' AND bench_h(p.g, 70) % 100 < 2 AND p.opened_on + 30 <= {as_of}))",
        ),
    )
    step(
        "settlement_records",
        lambda: insert_select(
            SettlementRecord,
            {
                "case_id": "p.g",
                "status": "CASE WHEN k = 1 THEN 'not_settled' ELSE p.settlement END",
                "since": "CASE WHEN k = 1 THEN p.opened_on ELSE least(p.opened_on + 10, p.last_visit) END",
                "reason": "CASE WHEN k = 1 OR p.settlement = 'not_settled' THEN '正在求职' ELSE '' END",
                "recorded_by_id": str(officer),
            },
            "FROM bench_plan p CROSS JOIN generate_series(1, 2) k "
            "WHERE p.bucket < 970 AND (k = 2 OR bench_h(p.g, 80) % 100 < 30)",
        ),
    )
    step(
        "trace_requests",
        lambda: insert_select(
            TraceRequest,
            {
                "case_id": "p.g",
                "from_office_id": "r.office_id",
                "to_organisation_id": f"CASE WHEN bench_h(p.g, 90) % 2 = 0 THEN {police} ELSE h.office_id END",
                "reason": "'脱管，请协助查找'",
                "sent_on": f"least(p.last_contact + 62, {as_of})",
                "respond_by": f"least(p.last_contact + 62, {as_of}) + 21",
                "status": "CASE WHEN bench_h(p.g, 91) % 100 < 60 THEN 'open' ELSE 'answered' END",
                "result": "CASE WHEN bench_h(p.g, 91) % 100 < 60 THEN '' ELSE 'not_located' END",
            },
            "FROM bench_plan p JOIN bench_township h ON h.n = (p.hukou_n + 7) % "
            f"{townships} JOIN bench_township r ON r.n = p.res_n "
            "WHERE p.bucket < 970 AND p.status = 'lost_contact' AND bench_h(p.g, 92) % 2 = 0",
        ),
    )
    execute("SET session_replication_role = DEFAULT")
    for model in (Person, ReleaseNotice, Case, Visit, GroupMember, ContactLoss, SettlementRecord, TraceRequest):
        table = model._meta.db_table
        execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))")

    t0 = time.perf_counter()
    indexes.rebuild()
    log(f"  {'indexes rebuilt':<22}{len(indexes.definitions):>11} idx  {time.perf_counter() - t0:7.1f} s")
    t0 = time.perf_counter()
    execute("VACUUM ANALYZE") if connection.get_autocommit() else execute("ANALYZE")
    log(f"  {'analyze':<22}{'':>15}{time.perf_counter() - t0:7.1f} s")
    # Write the loaded gigabytes out now rather than in the background while the jobs are being measured (a server's
    # tables were written long before the night); only a superuser or pg_checkpoint may, else the run says so.
    t0 = time.perf_counter()
    try:
        with transaction.atomic():
            execute("CHECKPOINT")
        log(f"  {'checkpoint':<22}{'':>15}{time.perf_counter() - t0:7.1f} s")
    except DatabaseError as exc:
        log(f"  checkpoint refused ({exc}): the first measurements share the disk with the background writer")
    for table in ("bench_plan", "bench_case"):
        execute(f"DROP TABLE IF EXISTS {table}")
    for name in loading:
        execute(f"RESET {name}")
    log(f"  generated in {time.perf_counter() - started:.1f} s")
    return counts
