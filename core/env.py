"""Settings helpers: read the environment, fail loudly on bad values.

A secret may also come from a file named by ``<NAME>_FILE`` (Docker / systemd credentials).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"{name} must be set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str) -> str | None:
    """``NAME`` from the environment, or the contents of the file named by ``NAME_FILE``; None when neither is set."""
    value = os.environ.get(name)
    path = os.environ.get(f"{name}_FILE")
    if value and path:
        raise ImproperlyConfigured(f"set {name} or {name}_FILE, not both")
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc}") from None
        if not value:
            raise ImproperlyConfigured(f"{name}_FILE: {path} is empty")
    return value or None


def development_secret(path: Path, *, nbytes: int = 32) -> str:
    """A secret generated once under ``var/`` for development mode and kept there (never used in production).

    Two processes may start at once on a fresh checkout (``make run`` beside a test run, parallel CI steps): the
    secret is written whole to a private temporary file, then hard-linked into place, which fails if the name exists.
    Creating the final file first and writing into it would let the loser of the race read it empty, and an empty
    FIELD_ENCRYPTION_KEY would silently encrypt with a key derived from nothing.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_urlsafe(nbytes))
            with contextlib.suppress(FileExistsError):  # another process won the race: use its secret
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise ImproperlyConfigured(f"{path} is empty: delete it to generate a new development secret")
    return value
