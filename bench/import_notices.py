"""Benchmark: importing the monthly pre-release list (DESIGN §9: ≥ 5k rows/s on SQLite with validation,
encryption and audit, peak memory flat).

    .venv/bin/python bench/import_notices.py [--rows 100000] [--batch-size 1000] [--tracemalloc] [--profile csv]

Generates N synthetic valid rows (fixed seed; valid ID numbers with correct check digits; hukou regions spread over
the four demo townships), writes them to ``bench/out/notices-N.xlsx`` and ``.csv``, then, in a temporary
ANBANG_VAR_DIR, migrates a fresh SQLite database, builds the demo directory and measures, each on its own copy of
that database:

- baseline: raw ``executemany`` of the same rows' values into a plain table (no validation, no encryption, no audit)
- the .xlsx import and the .csv import through ``handover.importing.import_notices`` (as the facility liaison)
- the .csv import again on the database it filled: every row unchanged (the idempotent re-send)

Peak memory is the peak resident set size during the step minus the resident set size just before it (Linux
``VmHWM`` after resetting it through ``/proc/self/clear_refs``), so it shows what the step itself needed.
``--tracemalloc`` adds a run under tracemalloc (peak Python allocations; slows the import, so it is not timed).
``--profile xlsx|openpyxl|csv`` adds a run of that import under cProfile and prints where its time goes (by own
time and by cumulative time; cProfile roughly doubles the time of Python code, not of SQLite's).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import os
import random
import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SEED = 20260501
TOWNSHIPS = ["320102001000", "320102002000", "320104001000", "320508001000"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红春晓东海波宁斌浩"
OFFENCES = ["盗窃罪", "诈骗罪", "故意伤害罪", "抢劫罪", "寻衅滋事罪", "走私、贩卖、运输、制造毒品罪", "危险驾驶罪"]
NEEDS = ["就业", "住房", "技能培训", "低保", "医疗", "心理疏导", "子女就学"]
REASONS = ["涉毒", "暴力犯罪", "累犯", "三无人员", "有重新犯罪倾向"]
HEADER = [
    "name",
    "gender",
    "birth_date",
    "id_number",
    "hukou_region",
    "residence_region",
    "residence_address",
    "expected_release_date",
    "offence",
    "sentence_months",
    "key_target",
    "key_target_reasons",
    "needs",
]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(area: str, birth: dt.date, order: int) -> str:
    body = f"{area}{birth:%Y%m%d}{order:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def synthetic_rows(count: int, today: dt.date) -> Iterator[list[Any]]:
    """``count`` valid rows, the same on every run (the release dates move with ``today``)."""
    rng = random.Random(SEED)
    seen: set[str] = set()
    for i in range(count):
        township = TOWNSHIPS[i % len(TOWNSHIPS)]
        male = rng.random() < 0.9
        while True:
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(50 * 365))
            order = rng.randrange(1, 996)  # 996-999 are kept for centenarians
            if order % 2 != int(male):
                order = order + 1 if order < 995 else order - 1
            number = id_number(township[:6], birth, order)
            if number not in seen:
                seen.add(number)
                break
        key = rng.random() < 0.1
        yield [
            rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
            "男" if male else "女",
            birth,
            number,
            township,
            township,
            f"示范路 {rng.randrange(1, 999)} 号",
            today + dt.timedelta(days=rng.randrange(1, 90)),
            rng.choice(OFFENCES),
            rng.randrange(6, 240),
            "是" if key else "否",
            ";".join(rng.sample(REASONS, 2)) if key else "",
            ";".join(rng.sample(NEEDS, rng.randrange(0, 3))),
        ]


def write_files(count: int, today: dt.date) -> tuple[Path, Path, Path]:
    """The rows as an .xlsx written the way Excel and WPS write one (the list a liaison saves), as an .xlsx written
    by openpyxl (what a program makes: inline strings, no size stated), and as a UTF-8 .csv."""
    from openpyxl import Workbook

    OUT.mkdir(parents=True, exist_ok=True)
    excel = OUT / f"notices-{count}.xlsx"
    generated = OUT / f"notices-{count}-openpyxl.xlsx"
    csv_path = OUT / f"notices-{count}.csv"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("预释放人员")
    sheet.append(HEADER)
    with csv_path.open("w", encoding="utf-8", newline="") as handle, ExcelStyleWriter(excel, count + 1) as book:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        book.append(HEADER)
        for row in synthetic_rows(count, today):
            sheet.append(row)
            book.append(row)
            writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in row])
    workbook.save(generated)
    return excel, generated, csv_path


class ExcelStyleWriter:
    """An .xlsx as Excel writes one: text in a shared-string table, dates as serial numbers with a date format, the
    sheet's size stated at its top, empty cells left out. (openpyxl writes every string inline instead.)"""

    NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    PACKAGE = "http://schemas.openxmlformats.org/package/2006"
    PART = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

    def __init__(self, path: Path, rows: int) -> None:
        self.path, self.rows = path, rows
        self.strings: dict[str, int] = {}
        self.number = 0

    def __enter__(self) -> ExcelStyleWriter:
        import zipfile

        self.archive = zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED)
        self.sheet = self.archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        last = chr(64 + len(HEADER))
        self.sheet.write(f'{self.HEAD}<worksheet {self.NS}><dimension ref="A1:{last}{self.rows}"/><sheetData>'.encode())
        return self

    def append(self, values: list[Any]) -> None:
        from xml.sax.saxutils import escape

        self.number += 1
        cells = []
        for index, value in enumerate(values):
            ref = f"{chr(65 + index)}{self.number}"
            if isinstance(value, dt.date):
                cells.append(f'<c r="{ref}" s="1"><v>{(value - dt.date(1899, 12, 30)).days}</v></c>')
            elif isinstance(value, int):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif value:
                index_ = self.strings.setdefault(escape(str(value)), len(self.strings))
                cells.append(f'<c r="{ref}" t="s"><v>{index_}</v></c>')
        self.sheet.write(f'<row r="{self.number}">{"".join(cells)}</row>'.encode())

    def __exit__(self, *_exc: object) -> None:
        self.sheet.write(b"</sheetData></worksheet>")
        self.sheet.close()
        write = self.archive.writestr
        count = len(self.strings)
        write(
            "xl/sharedStrings.xml",
            f'{self.HEAD}<sst {self.NS} count="{count}" uniqueCount="{count}">'
            + "".join(f"<si><t>{text}</t></si>" for text in self.strings)
            + "</sst>",
        )
        write(
            "xl/styles.xml",
            f'{self.HEAD}<styleSheet {self.NS}><fonts count="1"><font/></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
        )
        write(
            "xl/workbook.xml",
            f'{self.HEAD}<workbook {self.NS} xmlns:r="{self.REL}"><sheets>'
            '<sheet name="预释放人员" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        write(
            "xl/_rels/workbook.xml.rels",
            f'{self.HEAD}<Relationships xmlns="{self.PACKAGE}/relationships">'
            f'<Relationship Id="rId1" Type="{self.REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{self.REL}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{self.REL}/styles" Target="styles.xml"/></Relationships>',
        )
        write(
            "_rels/.rels",
            f'{self.HEAD}<Relationships xmlns="{self.PACKAGE}/relationships">'
            f'<Relationship Id="rId1" Type="{self.REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        write(
            "[Content_Types].xml",
            f'{self.HEAD}<Types xmlns="{self.PACKAGE}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{self.PART}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{self.PART}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{self.PART}.sharedStrings+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{self.PART}.styles+xml"/></Types>',
        )
        self.archive.close()


def setup_django(var_dir: Path) -> None:
    os.environ["ANBANG_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    # production mode: DEBUG would keep every query in memory and slow every one down
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)
    os.environ["FIELD_ENCRYPTION_KEY"] = secrets.token_urlsafe(48)
    os.environ["ALLOWED_HOSTS"] = "localhost"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "anbang.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def measure(step: Callable[[], int]) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, rows, peak RSS growth in KiB) of ``step``, which returns its row count."""
    import gc

    gc.collect()
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    before = rss_kib("VmRSS")
    start, cpu = time.perf_counter(), time.process_time()
    rows = step()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    return seconds, cpu_seconds, rows, max(rss_kib("VmHWM") - before, 0)


def best(repeat: int, run: Callable[[], tuple[float, float, int, int]]) -> tuple[float, float, int, int]:
    """The fastest of ``repeat`` runs, as timeit reports: other work on a shared machine only ever slows a run."""
    return min((run() for _ in range(repeat)), key=lambda figure: figure[0])


def use_database(path: Path) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = str(path)


def baseline(path: Path, source: Path) -> int:
    """The same rows' values, read from the .csv, inserted with a raw executemany into a plain table: the floor of
    what any import into this SQLite file costs (no validation, no encryption, no index, no audit)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"CREATE TABLE bench_baseline (id INTEGER PRIMARY KEY, {', '.join(h + ' TEXT' for h in HEADER)})")
    placeholders = ", ".join("?" for _ in HEADER)
    with source.open(encoding="utf-8", newline="") as handle, conn:
        rows = csv.reader(handle)
        next(rows)
        cursor = conn.executemany(f"INSERT INTO bench_baseline ({', '.join(HEADER)}) VALUES ({placeholders})", rows)
        count = cursor.rowcount
    conn.close()
    return count


def run_import(path: Path, batch_size: int | None) -> Callable[[], int]:
    def step() -> int:
        from django.conf import settings
        from django.utils import translation

        from core.audit import Actor
        from directory.models import User
        from handover.importing import BATCH_SIZE, import_notices, start_import

        user = User.objects.select_related("organisation__region").get(username="facility_liaison")
        by = Actor(user=user)
        assert user.organisation is not None
        job = start_import(token=None, filename=path.name, by=by)
        # as in a request, where LocaleMiddleware has activated the language the messages are written in
        with path.open("rb") as handle, translation.override(settings.LANGUAGE_CODE):
            result = import_notices(
                file=handle,
                filename=path.name,
                facility=user.organisation,
                by=by,
                progress=job,
                batch_size=batch_size or BATCH_SIZE,
            )
        if result.error_count:
            raise SystemExit(f"unexpected row errors: {result.errors[:5]}")
        step.outcome = f"created {result.created}, unchanged {result.unchanged}"  # type: ignore[attr-defined]
        return result.created + result.unchanged

    return step


def profile(step: Callable[[], int]) -> None:
    """``step`` under cProfile, on a fresh copy of the database; its top functions by own and cumulative time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(step)
    for order in ("tottime", "cumulative"):
        print(f"\nprofile, by {order}:")
        pstats.Stats(profiler).strip_dirs().sort_stats(order).print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=None, help="rows per transaction (the import's default)")
    parser.add_argument("--repeat", type=int, default=1, help="run each step N times on fresh copies, keep the best")
    parser.add_argument("--tracemalloc", action="store_true", help="also run the .csv import under tracemalloc")
    parser.add_argument("--profile", choices=["xlsx", "openpyxl", "csv"], help="also profile this import (cProfile)")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="anbang-bench-"))
    try:
        setup_django(var_dir)
        from django.core.management import call_command
        from django.utils import timezone

        from directory.demo import build_directory

        today = timezone.localdate()
        started = time.perf_counter()
        xlsx, generated, csv_path = write_files(args.rows, today)
        sizes = ", ".join(f"{path.name} {path.stat().st_size >> 10} KiB" for path in (xlsx, generated, csv_path))
        print(f"wrote {args.rows} rows to {OUT.relative_to(ROOT)}/ in {time.perf_counter() - started:.1f} s: {sizes}")
        call_command("migrate", verbosity=0)
        build_directory(password=secrets.token_urlsafe(16))
        from django.db import connection

        connection.close()
        template = var_dir / "bench.sqlite3"
        for suffix in ("-wal", "-shm"):
            Path(str(template) + suffix).unlink(missing_ok=True)
        copies = iter(range(1_000_000))

        def fresh_database() -> Path:
            copy = var_dir / f"run-{next(copies)}.sqlite3"
            shutil.copy(template, copy)
            return copy

        # what every server process does once, before its first import: load pypinyin's dictionaries (~50 MB) and
        # the import's modules (openpyxl's among them)
        import handover.importing  # noqa: F401
        from people.services import name_pinyin

        name_pinyin("张三")

        figures: list[tuple[str, tuple[float, float, int, int], str]] = []
        load = os.getloadavg()[0]
        figures.append(
            (
                "baseline executemany",
                best(args.repeat, lambda: measure(lambda: baseline(fresh_database(), csv_path))),
                "plain table, 13 text columns",
            )
        )
        last_csv = template
        for label, path in (
            ("import .xlsx (Excel)", xlsx),
            ("import .xlsx (openpyxl)", generated),
            ("import .csv", csv_path),
        ):
            outcome = ""

            def run(path: Path = path) -> tuple[float, float, int, int]:
                nonlocal outcome, last_csv
                database = fresh_database()
                use_database(database)
                step = run_import(path, args.batch_size)
                figure = measure(step)
                outcome = step.outcome  # type: ignore[attr-defined]
                if path == csv_path:
                    last_csv = database
                return figure

            figures.append((label, best(args.repeat, run), outcome))
        use_database(last_csv)
        step = run_import(csv_path, args.batch_size)
        figures.append(("re-import .csv", measure(step), step.outcome))  # type: ignore[attr-defined]

        print(
            f"\nload average at the start: {load:.2f} on {os.cpu_count()} CPUs; best of {args.repeat} run(s) per step"
        )
        columns = f"{'rows':>9}{'wall s':>9}{'rows/s':>9}{'CPU s':>8}{'rows/CPU s':>12}{'peak RSS +MiB':>15}"
        print(f"{'step':<25}{columns}  note")
        for label, (secs, cpu_secs, count, peak_kib), note in figures:
            print(
                f"{label:<25}{count:>9}{secs:>9.2f}{count / secs:>9.0f}{cpu_secs:>8.2f}{count / cpu_secs:>12.0f}"
                f"{peak_kib / 1024:>15.1f}  {note}"
            )

        if args.tracemalloc:
            use_database(fresh_database())
            tracemalloc.start()
            run_import(csv_path, args.batch_size)()
            _current, peak_bytes = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"\ntracemalloc peak of the .csv import: {peak_bytes / 2**20:.1f} MiB of Python allocations")

        if args.profile:
            use_database(fresh_database())
            profile(run_import({"xlsx": xlsx, "openpyxl": generated, "csv": csv_path}[args.profile], args.batch_size))
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
