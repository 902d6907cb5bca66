from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from core.audit import Actor, client_ip
from core.errors import DomainError
from core.idnumbers import mask_id_number
from directory import selectors, services
from directory.api_auth import current_user, require_role
from directory.models import Organisation, Role, User
from directory.schemas import MeOut, OrganisationList, TokenIn, TokenOut, UserIn, UserOut

router = Router(tags=["directory"])


def _org_ref(org: Organisation | None) -> dict[str, str] | None:
    return None if org is None else {"code": org.code, "name": org.name, "kind": org.kind}


def _org_out(org: Organisation) -> dict[str, object]:
    return {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "region": {"code": org.region.code, "name": org.region.name},
    }


def _user_out(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "organisation": _org_ref(user.organisation),
        "id_number": mask_id_number(user.id_number),
        "is_active": user.is_active,
    }


@router.get("/me", response=MeOut, summary="Who am I: username, role, organisation and region")
def me(request: HttpRequest) -> dict[str, object]:
    user = current_user(request)
    org = user.organisation
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "organisation": _org_ref(org),
        "region": None if org is None else {"code": org.region.code, "name": org.region.name},
    }


class OrganisationFilter(Schema):
    kind: str | None = None
    region: str | None = None
    limit: int = 100
    offset: int = 0


@router.get(
    "/organizations",
    response=OrganisationList,
    summary="Organisations, filtered by kind and by region subtree (12-digit code)",
)
def organisations(request: HttpRequest, filters: Query[OrganisationFilter]) -> dict[str, object]:
    if filters.kind and filters.kind not in Organisation.Kind.values:
        raise DomainError("invalid_query", _("Unknown organisation kind."), fields={"kind": _("unknown kind")})
    if filters.region and selectors.get_region(filters.region) is None:
        raise DomainError("invalid_query", _("Unknown region."), fields={"region": _("unknown region code")})
    if not 1 <= filters.limit <= 500 or filters.offset < 0:
        raise DomainError(
            "invalid_query", _("limit is 1 to 500 and offset at least 0."), fields={"limit": _("1 to 500")}
        )
    qs = selectors.list_organisations(user=current_user(request), kind=filters.kind, region=filters.region)
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"items": [_org_out(o) for o in page], "count": qs.count()}


@router.post(
    "/auth/token",
    auth=None,
    response={201: TokenOut},
    summary="Exchange username, password (and TOTP code when enrolled) for a bearer token",
)
def token(request: HttpRequest, body: TokenIn) -> Status[dict[str, str]]:
    result = services.sign_in(username=body.username, password=body.password, otp=body.otp, ip=client_ip(request))
    if result.user is None:
        if result.error == "locked_out":
            raise DomainError("locked_out", _("Too many failed sign-ins. Try again later."), status=429)
        if result.error == "otp_required":
            raise DomainError(
                "otp_required", _("Enter the code from your authenticator."), fields={"otp": _("required")}, status=401
            )
        raise DomainError("invalid_credentials", _("Wrong username or password."), status=401)
    raw, row = services.issue_token(user=result.user, by=Actor(user=result.user, ip=client_ip(request)), name="api")
    return Status(201, {"token": raw, "expires_at": row.expires_at.isoformat()})


@router.post("/users", response={201: UserOut}, summary="Create a user (system administrator)")
def create_user(request: HttpRequest, body: UserIn) -> Status[dict[str, object]]:
    user = current_user(request)
    require_role(user, Role.SYSTEM_ADMIN)
    try:
        organisation = selectors.get_organisation(user=user, code=body.organisation)
    except DomainError:
        raise DomainError(
            "invalid_user", _("Unknown organisation."), fields={"organisation": _("unknown organisation code")}
        ) from None
    created = services.create_user(
        username=body.username,
        password=body.password,
        organisation=organisation,
        role=body.role,
        full_name=body.full_name,
        phone=body.phone,
        id_number=body.id_number,
        by=Actor.of(request),
    )
    return Status(201, _user_out(created))


@router.get("/users/{username}", response=UserOut, summary="A user within the caller's reach")
def get_user(request: HttpRequest, username: str) -> dict[str, object]:
    return _user_out(selectors.get_user_for_user(user=current_user(request), username=username))


@router.post(
    "/users/{username}/deactivate",
    response=UserOut,
    summary="Deactivate a user: sessions and tokens stop at once (system administrator)",
)
def deactivate(request: HttpRequest, username: str) -> dict[str, object]:
    user = current_user(request)
    target = selectors.get_user_for_user(user=user, username=username)
    require_role(user, Role.SYSTEM_ADMIN)
    services.deactivate_user(user=target, by=Actor.of(request))
    target.refresh_from_db()
    return _user_out(target)
