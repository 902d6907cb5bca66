"""Benchmark: the case register on PostgreSQL at scale (DESIGN §9).

    .venv/bin/python bench/register.py [--people 1000000] [--visits 10000000] [--seconds 20]
    .venv/bin/python bench/register.py --people 20000 --visits 200000 --seconds 5     # a quick run

Creates the database of ``--database-url`` (dropping it first; dropped again at the end unless ``--keep``), migrates
it, loads the demo directory, writes the synthetic data of ``bench/generate.py`` (fixed seed) and measures, each
figure beside a baseline measured in the same run:

1. the nightly ``run_jobs --once`` (every registered job, among them the hand-over deadline scan and the case scan)
   for today, when some notices and cases fall due; baseline: a bare ``SELECT count(*)`` over the cases;
2. the register statistics (``stats.register``) of every region at every level (the province, each city, county and
   township holding cases) as of yesterday, the day the nightly job has just rolled up: ``register_figures`` and
   ``register_by_child`` computed live, then the same read from the roll-ups (``stats.models``), p50 / p95 / max per
   level; baseline: a plain ``count(*)`` of the cases under the region's code prefix. Every region's roll-up
   figures are compared with its live ones (they must be equal), for the default period and, after a back-fill of
   the day before 1 July, for a period from 1 July (province and cities);
3. the case page: its query count through ``GET /api/v1/cases/{id}`` with the Django test client
   (``CaptureQueriesContext``), then its latency under 50 concurrent clients: nginx in front of gunicorn (4 sync
   workers, production settings, as README deploys it) driven by ``wrk`` with a Lua script that sends the bearer
   token and rotates case ids, once with the clients sending back to back (the server's saturation) and once for
   each ``--think`` pause (clients pausing between requests as people do, so the offered load is about 50 / pause);
   baseline: the same wrk runs against ``GET /api/v1/me`` (authenticated, minimal) on the same server.

Needs PostgreSQL (the URL's user must be allowed to create databases), ``wrk`` and ``nginx`` (Debian:
``apt-get install wrk nginx-light``).
Results go to stdout and to ``bench/out/register-<people>.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SEED = 2026
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/anbang_bench"
LEVELS = ("province", "city", "county", "township")
CHILD_LENGTH = {"province": 4, "city": 6, "county": 9}


# --- set-up ---------------------------------------------------------------------------------------------------------


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"refusing a database name that is not a plain identifier: {name!r}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def server_env(url: str, var_dir: Path) -> dict[str, str]:
    """Production settings (DEBUG=0 keeps no query log; secrets of this run only)."""
    return {
        "ANBANG_VAR_DIR": str(var_dir),
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "FIELD_ENCRYPTION_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        # persistent connections, as a production server keeps them (the default 0 reconnects every request)
        "DB_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "anbang.settings",
    }


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}" if seconds >= 0.01 else f"{seconds * 1000:.1f}"


# --- 1. the nightly jobs ------------------------------------------------------------------------------------------


JOB_LINE = re.compile(r"^\S+ (\w+): .*\(([\d.]+) s\)$")


def job_seconds(lines: list[str]) -> dict[str, float]:
    """``{job: seconds}`` from run_jobs' output lines (``<date> <job>: <result> (<seconds> s)``)."""
    return {m.group(1): float(m.group(2)) for line in lines if (m := JOB_LINE.match(line))}


def measure_jobs(today: dt.date) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from stats.models import RegisterSnapshot

    RegisterSnapshot.objects.all().delete()  # a kept database (--reuse): the night's roll-up is measured afresh

    def count_cases() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM cases_case")
            return int(cursor.fetchone()[0])

    count_cases()  # warm the table into the cache the same way the job will find it
    baseline, _ = timed(count_cases)
    out = io.StringIO()
    first, _ = timed(lambda: call_command("run_jobs", "--once", "--as-of", today.isoformat(), stdout=out))
    first_lines = out.getvalue().strip().splitlines()
    out = io.StringIO()
    second, _ = timed(lambda: call_command("run_jobs", "--once", "--as-of", today.isoformat(), stdout=out))
    again_lines = out.getvalue().strip().splitlines()
    # The night's roll-up is the first read of the freshly generated tables; a server's tables have been read (and
    # vacuumed) before. The same day rebuilt (the --replace back-fill) shows the roll-up on pages read before.
    from stats.services import roll_up_register

    rebuilt, _ = timed(lambda: roll_up_register(day=today - dt.timedelta(days=1), replace=True))
    return {
        "rollup_rebuilt_s": rebuilt,
        "baseline_count_s": baseline,
        "run_jobs_s": first,
        "run_jobs_lines": first_lines,
        "jobs_s": job_seconds(first_lines),
        "run_jobs_again_s": second,
        "run_jobs_again_lines": again_lines,
        "jobs_again_s": job_seconds(again_lines),
    }


# --- 2. register statistics ---------------------------------------------------------------------------------------


def regions_with_cases() -> dict[str, list[tuple[str, str]]]:
    """(code, prefix) of the province and of every city, county and township under it that holds cases."""
    from django.db import connection

    from directory.models import Region

    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT region_id FROM cases_case")
        townships = {row[0] for row in cursor.fetchall()}
    found: dict[str, list[tuple[str, str]]] = {level: [] for level in LEVELS}
    for region in Region.objects.filter(code__startswith="32", level__in=LEVELS).order_by("code"):
        if any(t.startswith(region.prefix) for t in townships):
            found[region.level].append((region.code, region.prefix))
    return found


def _summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50": pct(values, 50), "p95": pct(values, 95), "max": max(values)}


FIGURES = (
    "on_register",
    "key_targets",
    "settled",
    "assisted",
    "lost_contact",
    "reoffended",
    "in_period",
    "dual_managed",
)


def measure_register(on: dt.date, regions: dict[str, list[tuple[str, str]]], *, live: bool) -> dict[str, Any]:
    """Every region's ``register_figures`` (and ``register_by_child`` above townships) as of ``on``, live or from
    the roll-ups; with the count baseline when live. Returns the times per level and every region's figures."""
    from django.db.models import Q

    from cases.models import Case
    from directory.reach import in_region_subtree
    from stats.register import register_by_child, register_figures

    start = on.replace(month=1, day=1)
    result: dict[str, Any] = {"values": {}, "by_child_values": {}}
    register_figures(prefix="3201", on=on, start=start, live=live)  # warm-up: caches, plans
    for level in LEVELS:
        rows: dict[str, list[float]] = {"baseline": [], "figures": [], "by_child": []}
        for _code, prefix in regions[level]:
            if live:
                condition: Q = in_region_subtree(prefix, "region")
                started = time.perf_counter()
                Case.objects.filter(condition).count()
                rows["baseline"].append(time.perf_counter() - started)
            started = time.perf_counter()
            figures = register_figures(prefix=prefix, on=on, start=start, live=live)
            rows["figures"].append(time.perf_counter() - started)
            assert figures["source"] == ("live" if live else "rollup"), (prefix, figures["source"])
            result["values"][prefix] = {name: figures[name] for name in FIGURES}
            if level in CHILD_LENGTH:
                started = time.perf_counter()
                by_child = register_by_child(
                    prefix=prefix, child_length=CHILD_LENGTH[level], on=on, start=start, live=live
                )
                rows["by_child"].append(time.perf_counter() - started)
                result["by_child_values"][prefix] = {
                    child: {name: values[name] for name in FIGURES} for child, values in sorted(by_child.items())
                }
        result[level] = {name: _summary(values) for name, values in rows.items() if values}
        print(
            f"  {'live' if live else 'roll-up':<8}{level:<9} {len(regions[level]):>4} regions  "
            f"figures p95 {ms(result[level]['figures']['p95'])} ms"
        )
    return result


def explain_province(on: dt.date) -> str:
    """EXPLAIN ANALYZE of the province's ``register_figures`` query (the widest), for REGISTER.md."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from stats.register import register_figures

    with CaptureQueriesContext(connection) as ctx:
        register_figures(prefix="32", on=on, start=on.replace(month=1, day=1), live=True)
    sql = ctx.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return f"{sql}\n\n{plan}"


def compare(live: dict[str, Any], rollup: dict[str, Any]) -> dict[str, Any]:
    """Regions (and by-child answers) whose roll-up figures differ from the live ones: there must be none."""
    differ = [prefix for prefix, values in live["values"].items() if rollup["values"].get(prefix) != values]
    differ_by_child = [
        prefix for prefix, values in live["by_child_values"].items() if rollup["by_child_values"].get(prefix) != values
    ]
    return {
        "regions_compared": len(live["values"]),
        "by_child_compared": len(live["by_child_values"]),
        "regions_differing": differ,
        "by_child_differing": differ_by_child,
    }


def measure_other_period(on: dt.date, regions: dict[str, list[tuple[str, str]]]) -> dict[str, Any]:
    """A period other than the default: from 1 July, which needs the roll-up of 30 June as well (a back-fill, timed
    as ``rollup_register`` would do it). The province and the cities, roll-up against live."""
    from stats.register import register_figures
    from stats.services import roll_up_register

    start = dt.date(on.year, 7, 1) if on >= dt.date(on.year, 7, 2) else dt.date(on.year - 1, 7, 1)
    seconds, built = timed(lambda: roll_up_register(day=start - dt.timedelta(days=1)))
    differing, times = [], []
    for level in ("province", "city"):
        for _code, prefix in regions[level]:
            started = time.perf_counter()
            rollup = register_figures(prefix=prefix, on=on, start=start)
            times.append(time.perf_counter() - started)
            live = register_figures(prefix=prefix, on=on, start=start, live=True)
            assert rollup["source"] == "rollup"
            if any(rollup[name] != live[name] for name in FIGURES):
                differing.append(prefix)
    return {
        "from": start.isoformat(),
        "backfill_day_s": seconds,
        "backfill_cases": built.cases,
        "compared": len(times),
        "differing": differing,
        "rollup_p95": pct(times, 95),
    }


def what_if_jit_off(on: dt.date, regions: dict[str, list[tuple[str, str]]]) -> dict[str, Any]:
    """The province and city figures again with PostgreSQL's JIT off for this session: JIT compiles the wide
    aggregate before running it, which costs more than it saves below some millions of rows."""
    from django.db import connection

    from stats.register import register_figures

    start = on.replace(month=1, day=1)
    result: dict[str, Any] = {}
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        for level in ("province", "city"):
            times = []
            for _code, prefix in regions[level]:
                started = time.perf_counter()
                register_figures(prefix=prefix, on=on, start=start, live=True)
                times.append(time.perf_counter() - started)
            result[level] = {"n": len(times), "p50": pct(times, 50), "p95": pct(times, 95), "max": max(times)}
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")
    return result


@contextlib.contextmanager
def database_setting(database: str, name: str, value: str) -> Iterator[None]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'ALTER DATABASE "{database}" SET {name} = {value}')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{database}" RESET {name}')


# --- 3. the case page ---------------------------------------------------------------------------------------------


def sample_case_ids(count: int) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM cases_case WHERE status <> 'closed' ORDER BY hashint8extended(id, %s) LIMIT %s",
            [SEED, count],
        )
        return [row[0] for row in cursor.fetchall()]


def issue_token(username: str) -> str:
    from core.audit import Actor
    from directory.models import User
    from directory.services import issue_token as issue

    token, _ = issue(user=User.objects.get(username=username), by=Actor.system())
    return token


def measure_queries(token: str, case_ids: list[int]) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    headers = {"Authorization": f"Bearer {token}"}
    counts, baseline = [], []
    sample: list[str] = []
    for case_id in case_ids:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/v1/cases/{case_id}", headers=headers)
        assert response.status_code == 200, (response.status_code, response.content[:300])
        counts.append(len(ctx.captured_queries))
        sample = [q["sql"][:160] for q in ctx.captured_queries]
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 200
        baseline.append(len(ctx.captured_queries))
    return {"case_page": max(counts), "case_page_min": min(counts), "me": max(baseline), "queries": sample}


def serving(base: str, process: subprocess.Popen[bytes], *, seconds: int, failure: Callable[[], str]) -> None:
    """Wait until ``base`` answers (the API schema), or exit with ``failure()`` if ``process`` ends or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=2).read()
            return
        except (TimeoutError, urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(failure()) from None
            time.sleep(0.3)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int) -> Iterator[str]:
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "anbang.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        serving(base, process, seconds=60, failure=lambda: "gunicorn did not start")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


NGINX_CONF = """
daemon off;
worker_processes 1;
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path %(dir)s/body;
    proxy_temp_path %(dir)s/proxy;
    upstream app { server 127.0.0.1:%(app)d; }
    server {
        listen 127.0.0.1:%(port)d;
        keepalive_timeout 75s;
        keepalive_requests 1000000;
        location / { proxy_pass http://app; proxy_set_header Host $host; }
    }
}
"""


@contextlib.contextmanager
def nginx(app: str, port: int, work_dir: Path) -> Iterator[str]:
    """nginx in front of the app servers, as deployed (README "Deploying for real"): it keeps the clients'
    connections open between their requests and hands each complete request to a free gunicorn worker (sync workers
    serve one connection at a time: a client pausing on an open connection would hold a worker)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    conf = work_dir / "nginx.conf"
    conf.write_text(NGINX_CONF % {"dir": work_dir, "app": urlsplit(app).port, "port": port})
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    env = {key: value for key, value in os.environ.items() if key != "NGINX"}  # nginx reads that one itself
    process = subprocess.Popen([nginx_bin, "-c", str(conf)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        log = work_dir / "error.log"
        serving(base, process, seconds=20, failure=lambda: f"nginx did not start: {log.read_text()}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


LUA = """
local ids = {%(ids)s}
local counter = 0
%(delay)s
request = function()
  counter = counter + 1
  local path = string.format("%(path)s", ids[(counter %% #ids) + 1])
  return wrk.format("GET", path, {["Authorization"] = "Bearer %(token)s"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\\n", latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.requests, summary.duration,
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""


# A client that pauses between requests, as a person does between pages: wrk waits delay() ms after each response
# before the connection's next request (uniform in [think / 2, 3 think / 2], so clients do not march in step).
THINK = """
delay = function()
  return math.random(%(low)d, %(high)d)
end
"""


def run_wrk(
    base: str, path: str, token: str, ids: list[int], *, seconds: int, connections: int, think_ms: int = 0
) -> dict[str, Any]:
    """``connections`` clients on ``path`` for ``seconds``: each sends its next request as soon as the last is
    answered (``think_ms`` 0: the server's saturation), or after a pause of ``think_ms`` on average."""
    delay = THINK % {"low": think_ms // 2, "high": think_ms * 3 // 2} if think_ms else ""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(LUA % {"ids": ",".join(map(str, ids or [0])), "path": path, "token": token, "delay": delay})
        script = handle.name
    try:
        command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script, base]
        subprocess.run([*command[:3], "-d3s", *command[4:]], check=True, capture_output=True)  # warm-up
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(script)
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    if match is None:
        raise SystemExit(f"wrk gave no result:\n{output}")
    p50, p95, p99, worst, requests, duration, errors = (int(x) for x in match.groups())
    return {
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "max_ms": worst / 1000,
        "requests": requests,
        "rps": requests / (duration / 1e6),
        "errors": errors,
    }


# --- main ---------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--visits", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--seconds", type=int, default=20, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=50, help="concurrent wrk clients")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument(
        "--think",
        type=lambda text: [int(ms) for ms in text.split(",")],
        default=[0, 250, 500, 1000],
        help="the clients' mean pause between requests, ms, one wrk run each (0: back to back, the saturation)",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end (for EXPLAIN by hand)")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by an earlier --keep run")
    parser.add_argument("--skip-http", action="store_true", help="leave out the gunicorn / wrk part")
    parser.add_argument(
        "--what-if",
        action="store_true",
        help="also measure the province and city figures with JIT off, and the case page with synchronous_commit "
        "off (settings of this database only, reset after): where the time goes, not a recommendation",
    )
    args = parser.parse_args()
    if not args.skip_http:
        if shutil.which("wrk") is None:
            raise SystemExit("wrk is missing: apt-get install -y wrk (or pass --skip-http)")
        if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
            raise SystemExit("nginx is missing: apt-get install -y nginx-light (or pass --skip-http)")

    var_dir = Path(tempfile.mkdtemp(prefix="anbang-bench-"))
    env = server_env(args.database_url, var_dir)
    report: dict[str, Any] = {"people": args.people, "visits": args.visits, "seed": args.seed}
    try:
        if not args.reuse:
            recreate_database(args.database_url)
        setup_django(env)
        from django.core.management import call_command
        from django.utils import timezone

        from directory.demo import build_directory

        today = timezone.localdate()
        report["today"] = today.isoformat()
        if args.reuse:
            call_command("migrate", verbosity=0)  # tables added since the database was kept
        else:
            print(f"migrating and generating {args.people:,} people, {args.visits:,} visits (seed {args.seed})")
            call_command("migrate", verbosity=0)
            build_directory(password=secrets.token_urlsafe(16))
            from generate import generate

            seconds, counts = timed(
                lambda: generate(people=args.people, visits=args.visits, today=today, seed=args.seed)
            )
            report["generated"] = {"seconds": seconds, "rows": counts}

        print("nightly jobs")
        report["jobs"] = measure_jobs(today)
        for line in report["jobs"]["run_jobs_lines"]:
            print(f"    {line}")

        print("register statistics (as of yesterday, rolled up by the night's run_jobs)")
        on = today - dt.timedelta(days=1)
        report["on"] = on.isoformat()
        regions = regions_with_cases()
        live = measure_register(on, regions, live=True)
        rollup = measure_register(on, regions, live=False)
        report["register"] = {level: live[level] for level in LEVELS}
        report["rollup"] = {level: rollup[level] for level in LEVELS}
        report["equality"] = compare(live, rollup)
        print(f"  roll-up differing from live: {report['equality']}")
        report["other_period"] = measure_other_period(on, regions)
        print(f"  period from {report['other_period']['from']}: {report['other_period']}")
        report["explain_province"] = explain_province(on)
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / f"register-explain-{args.people}.txt").write_text(report["explain_province"])
        if args.what_if:
            report["what_if_jit_off"] = what_if_jit_off(on, regions)

        print("case page")
        ids = sample_case_ids(2000)
        token = issue_token("province_officer")
        report["queries"] = measure_queries(token, ids[:20])
        if not args.skip_http:
            with gunicorn(env, args.port, args.workers) as app, nginx(app, args.port + 1, var_dir / "nginx") as base:
                report["http"] = {"paced": {}}
                for think in args.think:
                    load = {"seconds": args.seconds, "connections": args.connections, "think_ms": think}
                    pair = {
                        name: run_wrk(base, path, token, sample, **load)
                        for name, path, sample in (("case_page", "/api/v1/cases/%d", ids), ("me", "/api/v1/me", []))
                    }
                    if think == 0:
                        report["http"].update(pair)
                    else:
                        report["http"]["paced"][think] = pair
            if args.what_if:
                name = urlsplit(args.database_url).path.lstrip("/")
                with (
                    database_setting(name, "synchronous_commit", "off"),
                    gunicorn(env, args.port, args.workers) as app,
                    nginx(app, args.port + 1, var_dir / "nginx") as base,
                ):
                    report["http"]["case_page_synchronous_commit_off"] = run_wrk(
                        base, "/api/v1/cases/%d", token, ids, seconds=args.seconds, connections=args.connections
                    )
        print_report(report, args)
        (OUT / f"register-{args.people}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            recreate_database(args.database_url, drop_only=True)
        shutil.rmtree(var_dir, ignore_errors=True)


def _three(row: dict[str, float]) -> str:
    return f"{ms(row['p50'])} / {ms(row['p95'])} / {ms(row['max'])}"


def print_report(report: dict[str, Any], args: argparse.Namespace) -> None:
    def line(label: str, value: str, baseline: str = "", note: str = "") -> None:
        print(f"{label:<46}{value:>26}{baseline:>26}  {note}")

    print()
    print(
        f"anbang register benchmark: {args.people:,} people, {args.visits:,} visits, PostgreSQL, {os.cpu_count()} CPUs"
    )
    if "generated" in report:
        print(f"generation: {report['generated']['seconds']:.0f} s")
    jobs = report["jobs"]
    print()
    line("figure", "value", "baseline", "target")
    line(
        "nightly run_jobs --once (s)",
        f"{jobs['run_jobs_s']:.2f}",
        f"{jobs['baseline_count_s']:.3f}",
        "<= 10 s; baseline: SELECT count(*) FROM cases",
    )
    line("  the same night again (s)", f"{jobs['run_jobs_again_s']:.2f}")
    line("  yesterday's roll-up rebuilt (--replace) (s)", f"{jobs['rollup_rebuilt_s']:.2f}")
    for name, seconds in jobs["jobs_s"].items():
        again = jobs["jobs_again_s"].get(name, float("nan"))
        line(f"  job {name} (s)", f"{seconds:.2f}", f"again {again:.2f}")
    print(f"register figures as of {report['on']} (p50 / p95 / max, ms)")
    for level in LEVELS:
        live, rollup = report["register"][level], report["rollup"][level]
        line(
            f"register_figures {level} x{live['figures']['n']}",
            _three(rollup["figures"]),
            _three(live["figures"]),
            f"roll-up | live; count(*) baseline {_three(live['baseline'])}",
        )
        if "by_child" in live:
            line(
                f"register_by_child {level} x{live['by_child']['n']}",
                _three(rollup["by_child"]),
                _three(live["by_child"]),
            )
    equality = report["equality"]
    line(
        "roll-up = live, regions / by-child answers",
        f"{equality['regions_compared'] - len(equality['regions_differing'])}/{equality['regions_compared']}",
        f"{equality['by_child_compared'] - len(equality['by_child_differing'])}/{equality['by_child_compared']}",
    )
    other = report["other_period"]
    line(
        f"period from {other['from']}: roll-up = live",
        f"{other['compared'] - len(other['differing'])}/{other['compared']}",
        f"back-fill {other['backfill_day_s']:.2f} s",
    )
    for level, row in report.get("what_if_jit_off", {}).items():
        line(f"what if JIT off: register_figures {level} (ms)", _three(row))
    queries = report["queries"]
    line("case page queries (GET /api/v1/cases/{id})", str(queries["case_page"]), str(queries["me"]), "<= 6")
    if "http" in report:
        if "case_page" in report["http"]:
            case, me = report["http"]["case_page"], report["http"]["me"]
            for name in ("p50_ms", "p95_ms", "p99_ms"):
                note = "<= 50 ms; baseline: GET /api/v1/me" if name == "p95_ms" else ""
                label = f"case page {name[:3]}, {args.connections} clients back to back (ms)"
                line(label, f"{case[name]:.1f}", f"{me[name]:.1f}", note)
            line("  requests/s", f"{case['rps']:.0f}", f"{me['rps']:.0f}")
            line("  errors (non-2xx, socket)", str(case["errors"]), str(me["errors"]))
        for think, pair in report["http"]["paced"].items():
            case, me = pair["case_page"], pair["me"]
            line(
                f"case page p50 / p95 / p99, think {think} ms (ms)",
                f"{case['p50_ms']:.1f} / {case['p95_ms']:.1f} / {case['p99_ms']:.1f}",
                f"{me['p50_ms']:.1f} / {me['p95_ms']:.1f} / {me['p99_ms']:.1f}",
                f"{case['rps']:.0f} vs {me['rps']:.0f} requests/s; errors {case['errors']} / {me['errors']}",
            )
        off = report["http"].get("case_page_synchronous_commit_off")
        if off:
            line("what if synchronous_commit off: case page p95", f"{off['p95_ms']:.1f}", f"{off['rps']:.0f} rps")


if __name__ == "__main__":
    main()
