"""Settings from the environment (STYLE.md 10, DESIGN §3 Defaults, §8): loud failures, safe production."""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.utils import timezone

from core.env import development_secret, env_bool, env_int, env_list, env_secret, env_str
from core.middleware import POLICY

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``manage.py`` in a fresh interpreter with only ``env`` (plus PATH and HOME): nothing of ours leaks in."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_env(var_dir: Path, **overrides: str) -> dict[str, str]:
    env = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "anbang.example.org",
        "ANBANG_VAR_DIR": str(var_dir),
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value != ""}


# --- env helpers ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("TRUE", True), (" on ", True), ("0", False), ("no", False)]
)
def test_it_reads_booleans(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("ANBANG_TEST_FLAG", raw)
    assert env_bool("ANBANG_TEST_FLAG", not expected) is expected


def test_it_uses_the_default_for_an_unset_boolean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANBANG_TEST_FLAG", raising=False)
    assert env_bool("ANBANG_TEST_FLAG", True) is True


def test_it_refuses_a_bad_boolean_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANBANG_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="ANBANG_TEST_FLAG"):
        env_bool("ANBANG_TEST_FLAG", False)


def test_it_reads_integers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANBANG_TEST_NUMBER", "42")
    assert env_int("ANBANG_TEST_NUMBER", 1) == 42
    monkeypatch.delenv("ANBANG_TEST_NUMBER")
    assert env_int("ANBANG_TEST_NUMBER", 7) == 7


@pytest.mark.parametrize("raw", ["ten", "1.5", ""])
def test_it_refuses_a_bad_integer_naming_the_variable(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("ANBANG_TEST_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured, match="ANBANG_TEST_NUMBER"):
        env_int("ANBANG_TEST_NUMBER", 1)


def test_it_refuses_an_integer_below_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANBANG_TEST_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="ANBANG_TEST_NUMBER must be at least 1"):
        env_int("ANBANG_TEST_NUMBER", 5, minimum=1)


def test_it_requires_a_string_without_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANBANG_TEST_TEXT", raising=False)
    with pytest.raises(ImproperlyConfigured, match="ANBANG_TEST_TEXT"):
        env_str("ANBANG_TEST_TEXT")
    assert env_str("ANBANG_TEST_TEXT", "fallback") == "fallback"


def test_it_splits_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANBANG_TEST_LIST", " a.example.org, ,b.example.org ")
    assert env_list("ANBANG_TEST_LIST", []) == ["a.example.org", "b.example.org"]


def test_it_reads_a_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANBANG_TEST_SECRET", "s3cret")
    monkeypatch.delenv("ANBANG_TEST_SECRET_FILE", raising=False)
    assert env_secret("ANBANG_TEST_SECRET") == "s3cret"


def test_it_reads_a_secret_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.delenv("ANBANG_TEST_SECRET", raising=False)
    monkeypatch.setenv("ANBANG_TEST_SECRET_FILE", str(secret_file))
    assert env_secret("ANBANG_TEST_SECRET") == "from-a-file"


def test_it_refuses_a_secret_given_twice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file", encoding="utf-8")
    monkeypatch.setenv("ANBANG_TEST_SECRET", "from-the-environment")
    monkeypatch.setenv("ANBANG_TEST_SECRET_FILE", str(secret_file))
    with pytest.raises(ImproperlyConfigured, match="ANBANG_TEST_SECRET"):
        env_secret("ANBANG_TEST_SECRET")


def test_it_refuses_a_missing_or_empty_secret_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ANBANG_TEST_SECRET", raising=False)
    monkeypatch.setenv("ANBANG_TEST_SECRET_FILE", str(tmp_path / "absent"))
    with pytest.raises(ImproperlyConfigured, match="ANBANG_TEST_SECRET_FILE"):
        env_secret("ANBANG_TEST_SECRET")
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    monkeypatch.setenv("ANBANG_TEST_SECRET_FILE", str(tmp_path / "empty"))
    with pytest.raises(ImproperlyConfigured, match="empty"):
        env_secret("ANBANG_TEST_SECRET")


def test_it_gives_none_for_an_unset_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANBANG_TEST_SECRET", raising=False)
    monkeypatch.delenv("ANBANG_TEST_SECRET_FILE", raising=False)
    assert env_secret("ANBANG_TEST_SECRET") is None


def test_it_generates_a_development_secret_once(tmp_path: Path) -> None:
    path = tmp_path / "var" / "dev-secret"
    first = development_secret(path, nbytes=48)
    assert len(first) >= 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert development_secret(path, nbytes=48) == first
    assert [p.name for p in path.parent.iterdir()] == ["dev-secret"]  # no temporary file left behind


def test_it_gives_racing_processes_one_development_secret(tmp_path: Path) -> None:
    # Whoever loses the race must read the winner's whole secret, never an empty or half-written file.
    for attempt in range(20):
        path = tmp_path / f"dev-secret-{attempt}"
        start = threading.Barrier(8)
        seen: list[str] = []

        def start_up(path: Path = path, start: threading.Barrier = start, seen: list[str] = seen) -> None:
            start.wait()
            seen.append(development_secret(path))

        threads = [threading.Thread(target=start_up) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert len(seen) == 8
        assert len(set(seen)) == 1
        assert seen[0] == path.read_text(encoding="utf-8")


def test_it_refuses_an_empty_development_secret(tmp_path: Path) -> None:
    path = tmp_path / "dev-secret"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="empty"):
        development_secret(path)


# --- production refuses to start without its variables ---------------------------------------------------------


@pytest.mark.parametrize("missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEY", "ALLOWED_HOSTS"])
def test_it_refuses_production_without(tmp_path: Path, missing: str) -> None:
    result = manage("check", env=production_env(tmp_path, **{missing: ""}))
    assert result.returncode != 0
    assert missing in result.stderr


def test_it_refuses_production_with_a_short_field_key(tmp_path: Path) -> None:
    result = manage("check", env=production_env(tmp_path, FIELD_ENCRYPTION_KEY="short"))
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY" in result.stderr


def test_it_refuses_a_bad_debug_value(tmp_path: Path) -> None:
    result = manage("check", env=production_env(tmp_path, DEBUG="prod"))
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_it_refuses_a_secret_given_as_value_and_file_in_production(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret_key"
    secret_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    result = manage("check", env=production_env(tmp_path, SECRET_KEY_FILE=str(secret_file)))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_passes_the_deploy_checklist(tmp_path: Path) -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_passes_the_deploy_checklist_with_secrets_from_files(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text(secrets.token_urlsafe(50) + "\n", encoding="utf-8")
    (tmp_path / "field_key").write_text(secrets.token_urlsafe(32) + "\n", encoding="utf-8")
    env = production_env(
        tmp_path,
        SECRET_KEY="",
        FIELD_ENCRYPTION_KEY="",
        SECRET_KEY_FILE=str(tmp_path / "secret_key"),
        FIELD_ENCRYPTION_KEY_FILE=str(tmp_path / "field_key"),
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr


def test_it_keeps_production_settings_strict(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.ALLOWED_HOSTS, s.REQUIRE_TOTP, s.CSRF_TRUSTED_ORIGINS)"
    )
    result = manage("shell", "--no-imports", "-c", code, env=production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "False True True True True ['anbang.example.org'] True ['https://anbang.example.org']"
    )


# --- development mode -------------------------------------------------------------------------------------------


def test_it_runs_in_development_mode_with_nothing_set(tmp_path: Path) -> None:
    code = (
        "import hashlib; from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.REQUIRE_TOTP, "
        "hashlib.sha256(s.SECRET_KEY.encode()).hexdigest(), "
        "hashlib.sha256(s.FIELD_ENCRYPTION_KEY.encode()).hexdigest())"
    )
    first = manage("shell", "--no-imports", "-c", code, env={"ANBANG_VAR_DIR": str(tmp_path)})
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("True ['localhost', '127.0.0.1', '[::1]'] False ")
    secret_file = tmp_path / "dev-secret-key"
    field_file = tmp_path / "dev-field-encryption-key"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(field_file.stat().st_mode) == 0o600
    assert len(secret_file.read_text(encoding="utf-8").strip()) >= 50
    assert len(field_file.read_text(encoding="utf-8").strip()) >= 32
    second = manage("shell", "--no-imports", "-c", code, env={"ANBANG_VAR_DIR": str(tmp_path)})
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout  # the same secrets on the next start


def test_it_passes_the_plain_check_in_development_mode(tmp_path: Path) -> None:
    result = manage("check", env={"ANBANG_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr


# --- time zone and database -------------------------------------------------------------------------------------


def test_it_lives_in_china_time() -> None:
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert str(timezone.get_default_timezone()) == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"


def test_it_opens_sqlite_in_wal_with_immediate_transactions(tmp_path: Path) -> None:
    # A fresh process on the default database file: the test database itself may be in memory (or PostgreSQL).
    code = (
        "from django.db import connection as c; cur = c.cursor(); "
        "print(c.vendor, c.transaction_mode, "
        "*[cur.execute(f'PRAGMA {p}').fetchone()[0] for p in "
        "('journal_mode', 'synchronous', 'foreign_keys', 'busy_timeout')])"
    )
    result = manage("shell", "--no-imports", "-c", code, env={"ANBANG_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sqlite", "IMMEDIATE", "wal", "1", "1", "20000"]
    assert (tmp_path / "anbang.sqlite3").exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite options only")
def test_it_applies_the_sqlite_options_to_the_test_connection() -> None:
    options = connection.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA journal_mode")
        # an in-memory test database reports "memory": WAL applies to database files only
        assert cursor.fetchone()[0] in ("wal", "memory")


# --- Content-Security-Policy ------------------------------------------------------------------------------------


def csp_sources(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize("path", ["/login/", "/api/v1/me", "/api/v1/docs", "/no-such-page/"])
def test_it_sends_the_csp_header(path: str) -> None:
    response = Client().get(path)
    assert response.headers["Content-Security-Policy"] == POLICY


def test_it_allows_no_other_host_in_the_csp() -> None:
    directives = csp_sources(POLICY)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    for name, sources in directives.items():
        for source in sources:
            assert source in ("'self'", "'none'", "data:"), f"{name} allows {source}"
            assert "unsafe" not in source


def test_it_sends_the_other_security_headers() -> None:
    response = Client().get("/login/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are a PostgreSQL setting")
def test_it_prepares_a_statement_run_often_on_one_postgresql_connection() -> None:
    """DB_PREPARED_STATEMENTS (default on): the plan of a frequent query is made once per connection, not per
    request (the case page's query plans in ~3 ms and runs in 0.3 ms)."""
    with connection.cursor() as cursor:
        for n in range(6):
            cursor.execute("SELECT %s::int + 1 AS anbang_prepared_probe", [n])
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%anbang_prepared_probe%"]
        )
        assert cursor.fetchone() == (1,)
