"""Wiring only: the API object, its error handlers and the routers of each app."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from assistance.api import router as assistance_router
from bases.api import router as bases_router
from cases.api import router as cases_router
from core.errors import DomainError
from directory.api import router as directory_router
from directory.auth import API_AUTH
from directory.policy_api import router as policy_router
from handover.api import router as handover_router
from handover.import_api import router as handover_import_router
from stats.api import router as stats_router

api = NinjaAPI(
    title="anbang 安置帮教 API",
    version="1",
    description=(
        "The hand-over exchange and case API (DESIGN §5). Auth: `Authorization: Bearer <token>` from "
        "`POST /api/v1/auth/token` or `manage.py issue_token`. Errors: "
        '`{"error": {"code", "message", "fields"?}}`. Dates ISO `YYYY-MM-DD`. Lists `{items, count}` with '
        "`?limit=&offset=`. An object outside the caller's reach is 404, never 403."
    ),
    auth=API_AUTH,
    urls_namespace="api",
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return api.create_response(request, {"error": body}, status=status)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path", "form", "file")]
        # the first element after the source is the parameter name ("body" schema name for JSON bodies)
        if len(loc) > 1 and loc[0] in ("payload", "body", "filters", "data"):
            loc = loc[1:]
        name = ".".join(loc) or "body"
        fields.setdefault(name, str(err.get("msg", "invalid")))
    return _error(request, 422, "validation_error", _("Some fields are missing or invalid."), fields)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", _("Sign in or send a valid bearer token."))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


api.add_router("/", directory_router)
api.add_router("/", policy_router)
api.add_router("/", handover_router)
api.add_router("/", handover_import_router)
api.add_router("/", cases_router)
api.add_router("/", assistance_router)
# before the statistics: /stats/bases is the bases area's own
api.add_router("/", bases_router)
api.add_router("/", stats_router)
