"""Browser tests against a real server: Debian's Chromium driven by Playwright's sync API.

One server for the session, started as a user would start it: ``migrate`` and ``demo`` into a fresh ``ANBANG_VAR_DIR``
(its own SQLite database and secrets), then ``runserver`` on a free port. These tests never touch the test database:
they see the application only through HTTP, so no fixture here requests ``db``.

Chromium is not downloaded (``playwright install`` is never run): without it the tests are skipped, except on CI
(``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Playwright, sync_playwright

from e2e.support import LOCKOUT_USER, Server, Visit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "E2e-demo-password-2026"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}

_CREATE_LOCKOUT_USER = f"""
import os
from core.audit import Actor
from directory import services
from directory.models import Organisation, User
if not User.objects.filter(username="{LOCKOUT_USER}").exists():
    services.create_user(
        username="{LOCKOUT_USER}", password=os.environ["ANBANG_DEMO_PASSWORD"], role="volunteer",
        full_name="锁定测试", organisation=Organisation.objects.get(code="ZY320102"), by=Actor.system(),
    )
"""


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (set E2E_CHROMIUM, or apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"runserver exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"runserver did not answer {url} within {timeout:.0f} s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def server(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    var_dir = tmp_path_factory.mktemp("anbang-var")
    env = {
        **os.environ,
        "ANBANG_VAR_DIR": str(var_dir),
        "ANBANG_DEMO_PASSWORD": PASSWORD,
        "DEBUG": "1",
        "REQUIRE_TOTP": "0",
        "LOGIN_FAILURE_LIMIT": "5",
        "PYTHONUNBUFFERED": "1",
    }
    # The server must use the SQLite database under its own var dir, never the one the unit tests run against.
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--no-input", "-v", "0"], ["demo"], ["shell", "-c", _CREATE_LOCKOUT_USER]):
        done = subprocess.run([*manage, *command], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.fail(f"manage.py {command[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = var_dir / "runserver.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(f"{url}/login/", process, log_path)
            yield Server(url=url, netloc=f"127.0.0.1:{port}", password=PASSWORD)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# Playwright's sync API leaves an asyncio loop marked as running on this thread while it is alive, and Django then
# refuses ORM calls ("cannot call this from an async context"). Package scope closes it when the e2e tests end, so
# database tests collected in the same run are not affected.
@pytest.fixture(scope="package")
def playwright(chromium: Path) -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="package")
def browser(playwright: Playwright, chromium: Path) -> Iterator[Browser]:
    instance = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
    yield instance
    instance.close()


def _visit(browser: Browser, server: Server, *, viewport: dict[str, int], mobile: bool) -> Iterator[Visit]:
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": viewport["width"], "height": viewport["height"]},
        is_mobile=mobile,
        has_touch=mobile,
        device_scale_factor=2 if mobile else 1,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    visit = Visit(page=page, server=server)
    page.on("request", lambda request: visit.requests.append(request.url))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            visit.console_errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.console_errors.append(str(error)))
    try:
        yield visit
    finally:
        context.close()


@pytest.fixture
def visit(browser: Browser, server: Server) -> Iterator[Visit]:
    yield from _visit(browser, server, viewport=DESKTOP, mobile=False)


@pytest.fixture
def phone(browser: Browser, server: Server) -> Iterator[Visit]:
    yield from _visit(browser, server, viewport=PHONE, mobile=True)
