"""Writes for users, organisations, regions, sign-in and tokens. Each writes its audit row in its transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyotp
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from core.audit import Actor, record_audit
from core.errors import DomainError
from core.idnumbers import id_number_hash, normalize_id_number
from directory.models import ApiToken, LoginFailure, Organisation, Region, Role, User, level_of

if TYPE_CHECKING:
    pass

TOKEN_PREFIX = "ab_"


def _token_hash(token: str) -> str:
    # Tokens are 256 random bits: a plain SHA-256 is enough (no slow hash needed, unlike passwords).
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- sign-in ------------------------------------------------------------------------------------------------------


def is_locked_out(*, username: str, ip: str | None) -> bool:
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    failures = LoginFailure.objects.filter(username=username.lower(), ip=ip, at__gte=since).count()
    return failures >= settings.LOGIN_FAILURE_LIMIT


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    error: str | None = None  # "locked_out" | "invalid_credentials" | "otp_required" | "invalid_otp"


def sign_in(*, username: str, password: str, otp: str | None, ip: str | None) -> SignInResult:
    """Check a password (and TOTP when the user has one or policy demands it), with lockout and audit.

    The same answer for an unknown user and a wrong password, so sign-in does not reveal who has an account.
    """
    from django.contrib.auth import authenticate

    username = (username or "").strip()
    actor = Actor(user=None, ip=ip)
    if is_locked_out(username=username, ip=ip):
        with transaction.atomic():
            record_audit(
                actor=actor, action="login", outcome="denied", username=username, detail={"reason": "locked_out"}
            )
        return SignInResult(None, "locked_out")
    user = authenticate(username=username, password=password)
    error: str | None = None
    if user is None:
        error = "invalid_credentials"
    else:
        assert isinstance(user, User)
        if user.totp_secret or settings.REQUIRE_TOTP:
            if not user.totp_secret:
                error = "otp_not_enrolled"
            elif not otp:
                error = "otp_required"
            elif not pyotp.TOTP(user.totp_secret).verify(otp.strip(), valid_window=1):
                error = "invalid_otp"
    with transaction.atomic():
        if error is None and user is not None:
            assert isinstance(user, User)
            LoginFailure.objects.filter(username=username.lower(), ip=ip).delete()
            record_audit(actor=Actor(user=user, ip=ip), action="login")
            return SignInResult(user)
        if error != "otp_required":
            LoginFailure.objects.create(username=username.lower(), ip=ip, at=timezone.now())
        record_audit(actor=actor, action="login", outcome="failure", username=username, detail={"reason": error})
    return SignInResult(None, error)


@transaction.atomic
def record_sign_out(*, user: User, ip: str | None) -> None:
    record_audit(actor=Actor(user=user, ip=ip), action="logout")


# --- tokens -------------------------------------------------------------------------------------------------------


@transaction.atomic
def issue_token(*, user: User, by: Actor, days: int | None = None, name: str = "") -> tuple[str, ApiToken]:
    """A new bearer token for ``user``; the clear token is returned once and never stored."""
    if not user.is_active:
        raise DomainError("inactive_user", _("This user is deactivated."), fields={"username": _("deactivated")})
    lifetime = days if days is not None else settings.API_TOKEN_DAYS
    if lifetime < 1 or lifetime > 366:
        raise DomainError("invalid_days", _("A token lives 1 to 366 days."), fields={"days": _("1 to 366")})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        key_hash=_token_hash(token),
        name=name[:64],
        expires_at=timezone.now() + dt.timedelta(days=lifetime),
    )
    record_audit(
        actor=by,
        action="token.issue",
        object_type="directory.user",
        object_id=user.pk,
        detail={"token": row.pk, "days": lifetime},
    )
    return token, row


def user_for_token(token: str) -> User | None:
    """The active user a live token belongs to, or None (unknown, expired, revoked, or user deactivated)."""
    now = timezone.now()
    # key_hash is unique: no ORDER BY (``first()`` would add one, and compiling it costs on every API request)
    rows = ApiToken.objects.select_related("user", "user__organisation__region").filter(
        key_hash=_token_hash(token.strip()), revoked_at__isnull=True, expires_at__gt=now
    )[:1]
    row = next(iter(rows), None)
    if row is None or not row.user.is_active:
        return None
    return row.user


@transaction.atomic
def revoke_token(*, token: ApiToken, by: Actor) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit(
            actor=by,
            action="token.revoke",
            object_type="directory.user",
            object_id=token.user_id,
            detail={"token": token.pk},
        )


# --- organisations and users --------------------------------------------------------------------------------------


@transaction.atomic
def create_organisation(
    *, code: str, name: str, kind: str, region_code: str, by: Actor, credit_code: str = ""
) -> Organisation:
    fields: dict[str, str] = {}
    code = code.strip()
    if not code:
        fields["code"] = _("required")
    elif Organisation.objects.filter(code=code).exists():
        fields["code"] = _("an organisation with this code exists")
    if not name.strip():
        fields["name"] = _("required")
    if kind not in Organisation.Kind.values:
        fields["kind"] = _("unknown organisation kind")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        fields["region"] = _("unknown region code")
    if credit_code and not uscc.is_valid(credit_code):
        fields["credit_code"] = _("not a valid unified social credit code")
    if fields or region is None:
        raise DomainError("invalid_organisation", _("The organisation cannot be saved."), fields=fields)
    organisation = Organisation.objects.create(
        code=code, name=name.strip(), kind=kind, region=region, credit_code=credit_code
    )
    record_audit(actor=by, action="organisation.create", object_type="directory.organisation", object_id=code)
    return organisation


def _valid_role_for(kind: str, role: str) -> bool:
    allowed = {
        Role.FACILITY_LIAISON: {"prison", "detention_center"},
        Role.OFFICE_OFFICER: {"justice_office"},
        Role.COUNTY_OFFICER: {"county_bureau"},
        Role.CITY_OFFICER: {"resettlement_office"},
        Role.PROVINCE_OFFICER: {"resettlement_office"},
        Role.NATIONAL_OFFICER: {"resettlement_office"},
        Role.PARTNER_OFFICER: {"civil_affairs", "hr_social_security", "health", "education", "housing"},
        Role.POLICE_OFFICER: {"public_security"},
        Role.SOCIAL_WORKER: {"service_provider"},
        Role.VOLUNTEER: {"volunteer_association", "service_provider"},
        Role.BASE_MANAGER: {"transitional_base"},
    }
    kinds = allowed.get(Role(role))
    return kinds is None or kind in kinds


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    organisation: Organisation,
    role: str,
    by: Actor,
    full_name: str = "",
    phone: str = "",
    id_number: str = "",
) -> User:
    """A new user in ``organisation`` with ``role``. Every problem is reported by field; nothing is written."""
    fields: dict[str, str] = {}
    username = username.strip()
    if not username:
        fields["username"] = _("required")
    elif User.objects.filter(username__iexact=username).exists():
        fields["username"] = _("this username is taken")
    if role not in Role.values:
        fields["role"] = _("unknown role")
    elif not _valid_role_for(organisation.kind, role):
        fields["role"] = _("this role does not belong in a %(kind)s") % {"kind": organisation.get_kind_display()}
    normalized_id = ""
    if id_number:
        try:
            normalized_id = normalize_id_number(id_number)
        except DomainError as exc:
            fields.update(exc.fields)
        else:
            if User.objects.filter(id_number_hash=id_number_hash(normalized_id)).exists():
                fields["id_number"] = _("another user has this ID number")
    candidate = User(username=username, full_name=full_name)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        fields["password"] = " ".join(str(m) for m in exc.messages)
    if fields:
        raise DomainError("invalid_user", _("The user cannot be saved."), fields=fields)
    user = User(
        username=username,
        organisation=organisation,
        role=role,
        full_name=full_name.strip(),
        phone=phone.strip(),
        id_number=normalized_id,
        id_number_hash=id_number_hash(normalized_id) if normalized_id else None,
        is_staff=role == Role.SYSTEM_ADMIN,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError:
        # A concurrent request took the username or ID number between our check and the insert.
        raise DomainError("conflict", _("This user already exists."), status=409) from None
    record_audit(
        actor=by,
        action="user.create",
        object_type="directory.user",
        object_id=user.pk,
        detail={"username": username, "role": role, "organisation": organisation.code},
    )
    return user


@transaction.atomic
def deactivate_user(*, user: User, by: Actor) -> None:
    """Sign-in, sessions and tokens stop at once: every request re-checks ``is_active``."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        record_audit(actor=by, action="user.deactivate", object_type="directory.user", object_id=user.pk)


@transaction.atomic
def set_password(*, user: User, password: str, by: Actor) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        msg = " ".join(str(m) for m in exc.messages)
        raise DomainError("invalid_password", msg, fields={"password": msg}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    record_audit(actor=by, action="user.set_password", object_type="directory.user", object_id=user.pk)


@transaction.atomic
def enroll_totp(*, user: User, by: Actor) -> str:
    """A fresh TOTP secret for ``user`` (shown once, for the authenticator app)."""
    secret = pyotp.random_base32()
    user.totp_secret = secret
    user.save(update_fields=["totp_secret"])
    record_audit(actor=by, action="user.enroll_totp", object_type="directory.user", object_id=user.pk)
    return secret


# --- regions ------------------------------------------------------------------------------------------------------


def parent_code_of(code: str, level: str) -> str | None:
    if level == Region.Level.NATIONAL:
        return None
    if level == Region.Level.PROVINCE:
        return Region.NATIONAL_CODE
    if level == Region.Level.CITY:
        return code[:2] + "0" * 10
    if level == Region.Level.COUNTY:
        return code[:4] + "0" * 8
    if level == Region.Level.TOWNSHIP:
        return code[:6] + "0" * 6
    return code[:9] + "000"


@transaction.atomic
def load_regions(*, rows: list[tuple[str, str, str | None, str | None]], by: Actor) -> int:
    """Insert or update regions from ``(code, name, longitude, latitude)`` rows, parents before children.

    A county whose city is missing from the list (province-administered counties) hangs from the nearest
    ancestor that exists. Every problem is reported as ``line N`` under the field; nothing is written then.
    """
    errors: dict[str, str] = {}
    parsed: list[Region] = []
    for line, (code, name, lon, lat) in enumerate(rows, start=1):
        code = (code or "").strip()
        name = (name or "").strip()
        if len(code) != 12 or not code.isdigit():
            errors[f"line {line}"] = _("code must be 12 digits")
            continue
        if not name:
            errors[f"line {line}"] = _("name is required")
            continue
        parsed.append(Region(code=code, name=name, level=level_of(code), longitude=lon or None, latitude=lat or None))
    if errors:
        raise DomainError("invalid_regions", _("The region list has errors."), fields=errors)
    known = set(Region.objects.values_list("code", flat=True)) | {r.code for r in parsed}
    if Region.NATIONAL_CODE not in known:
        Region.objects.create(code=Region.NATIONAL_CODE, name="全国", level=Region.Level.NATIONAL)
        known.add(Region.NATIONAL_CODE)
    order = list(Region.PREFIX_LENGTH)
    parsed.sort(key=lambda r: (order.index(r.level), r.code))
    for region in parsed:
        parent = parent_code_of(region.code, region.level)
        while parent is not None and parent not in known:
            parent = parent_code_of(parent, level_of(parent))
        region.parent_id = parent
    Region.objects.bulk_create(
        parsed,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "level", "parent", "longitude", "latitude"],
    )
    record_audit(actor=by, action="regions.load", object_type="directory.region", detail={"rows": len(parsed)})
    return len(parsed)
