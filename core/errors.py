"""The one error type. Services raise it; the API turns it into the error shape, pages put it on the form."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise


class DomainError(Exception):
    """A refusal the user can act on.

    ``code`` is stable and machine-readable; ``message`` is translatable; ``fields`` names the offending input fields
    (``{field: message}``). ``status`` is the HTTP status the API answers with: 400 for bad input, 409 for a state
    conflict, 403 for an action on a visible object the caller may not take, 404 for missing or out of reach.
    """

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        fields: Mapping[str, str | Promise] | None = None,
        status: int = 400,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.fields = {name: str(text) for name, text in (fields or {}).items()}
        self.status = status

    def as_dict(self) -> dict[str, object]:
        error: dict[str, object] = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return {"error": error}


class NotFound(DomainError):
    """Missing, or out of the caller's reach: the two look the same (404)."""

    def __init__(self, message: str | Promise = "not found") -> None:
        super().__init__("not_found", message, status=404)


class Forbidden(DomainError):
    """The caller sees the object but may not take this action on it (403)."""

    def __init__(self, message: str | Promise = "forbidden") -> None:
        super().__init__("forbidden", message, status=403)
