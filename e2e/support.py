"""What the browser tests share: the running server and a browser tab that records what it fetches."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# A user of its own for the lockout test: locking out a demo user would fail that user's sign-in test.
LOCKOUT_USER = "lockout_probe"


@dataclass(frozen=True)
class Server:
    url: str
    netloc: str
    password: str


@dataclass
class Visit:
    """One browser tab on the test server, recording every request it makes and every console error."""

    page: Page
    server: Server
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.page.goto(self.server.url + path)

    def sign_in(self, username: str, password: str | None = None) -> None:
        self.open("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password if password is not None else self.server.password)
        self.page.click(".sign-in-card button[type=submit]")
        self.page.wait_for_load_state()

    def foreign_requests(self) -> list[str]:
        """Requests that went anywhere but the test server (a CDN, a font host, a data: URL...)."""
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("http", "https") or urlsplit(url).netloc != self.server.netloc
        ]

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def fits_width(self) -> bool:
        """True when nothing sticks out sideways (a page that scrolls sideways is unusable on a phone)."""
        return bool(self.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))
