"""Writes of employment support (就业帮扶, seed §4; issue 11 items 6 and 7): the person's employment profile with the
pension record before prison, the services given (registration, guidance, training, a start-up loan...), and the
jobs they started (placements), which set the case's settlement to ``employed``.

Who may: the profile and the services, the managing office (or its county) and a social worker of the group
(``assistance.employment``); placements, the office and its county only (``assistance.manage``): a placement
changes the settlement the office answers for. Every write locks the case row, refuses a closed case (409) and
writes one row on the case timeline. Dates are China dates; none lies in the future or before the person's release.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from assistance import capabilities
from assistance.common import money, record_case_event
from assistance.models import EmploymentProfile, EmploymentService, Placement
from cases.models import Case
from cases.services import settle_from_outcome
from core.areas import require
from core.audit import Actor
from core.errors import DomainError
from directory.models import User

# A start-up loan guaranteed by the state runs at most three years (创业担保贷款, 人社部发〔2016〕); the model's
# check constraint holds the same bound.
LOAN_TERM_MONTHS = (1, 36)
# What one list of the profile keeps: a few dozen skills or certificates, each a short phrase.
LIST_MAX_ITEMS = 30
LIST_ITEM_MAX_LENGTH = 64
# Years of contributions before prison: a working life at most.
PENSION_YEARS_MAX = 50
# A labour contract longer than this is a slip of the keyboard (ten years; 0 means no fixed term or none signed).
CONTRACT_MONTHS_MAX = 120
HOURS_MAX = Decimal("9999.9")

TRAINING_FIELDS = ("course", "hours", "certificate")
LOAN_FIELDS = ("bank", "loan_amount", "loan_term_months")


# --- what every write shares ------------------------------------------------------------------------------------------


def locked_case(case: Case, *, by: Actor, capability: str) -> tuple[Case, User]:
    """The case row locked and read again, after the permission check (403) and the state check (409): two officers
    writing at once queue on the row, and the settlement a placement sets reads the case as it now is."""
    user = by.user
    if user is None:
        raise DomainError("forbidden", _("只有登录用户可以登记。"), status=403)
    # FOR UPDATE on the case alone: the notice is a nullable join, which PostgreSQL cannot lock
    locked = Case.objects.select_for_update(of=("self",)).select_related("notice").get(pk=case.pk)
    require(user, capability, locked, message=_("您不能为此档案登记就业帮扶或帮扶台账。"))
    if locked.status == Case.Status.CLOSED:
        raise DomainError("case_closed", _("档案已解除，只能查阅。"), status=409)
    return locked, user


def released_on(case: Case) -> dt.date:
    """The day the person left prison: the notice's release date, else (a backfilled case) the day the case opened."""
    notice = case.notice
    if notice is not None and notice.released_on is not None:
        return notice.released_on
    return case.opened_on


def check_day(
    day: dt.date | None, field: str, errors: dict[str, str], *, since: dt.date, required: bool = True
) -> None:
    """A day of the assistance period: given (when ``required``), not in the future, not before ``since``."""
    if day is None:
        if required:
            errors[field] = _("必填")
        return
    if day > timezone.localdate():
        errors[field] = _("日期不能晚于今天")
    elif day < since:
        errors[field] = _("不能早于释放日期 %(day)s") % {"day": since.isoformat()}


def text(value: str | None, field: str, errors: dict[str, str], *, max_length: int, required: bool = False) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        errors[field] = _("必填")
    elif len(cleaned) > max_length:
        errors[field] = _("不能超过 %(n)d 个字") % {"n": max_length}
    return cleaned


def choice(value: str | None, field: str, choices: list[str], errors: dict[str, str], *, required: bool) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            errors[field] = _("必填")
    elif cleaned not in choices:
        errors[field] = _("不是可选的值")
    return cleaned


def refuse_if(errors: dict[str, str], message: str) -> None:
    if errors:
        raise DomainError("invalid_input", message, fields=errors)


def _items(values: list[str] | None, field: str, errors: dict[str, str]) -> list[str]:
    items = [str(value).strip() for value in values or [] if str(value).strip()]
    if len(items) > LIST_MAX_ITEMS:
        errors[field] = _("最多 %(n)d 项") % {"n": LIST_MAX_ITEMS}
    elif any(len(item) > LIST_ITEM_MAX_LENGTH for item in items):
        errors[field] = _("每项不能超过 %(n)d 个字") % {"n": LIST_ITEM_MAX_LENGTH}
    return list(dict.fromkeys(items))  # the same skill typed twice is kept once


# --- the profile ------------------------------------------------------------------------------------------------------


@transaction.atomic
def record_employment_profile(
    *,
    case: Case,
    by: Actor,
    skills: list[str] | None = None,
    certificates: list[str] | None = None,
    schooling: str = "",
    wish: str = "",
    pension_scheme: str = "",
    pension_years_before: int | None = None,
    pension_resumed_on: dt.date | None = None,
    retired: bool = False,
    pension_payment_resumed_on: dt.date | None = None,
) -> tuple[EmploymentProfile, bool]:
    """The case's employment profile, replaced whole (``PUT``): what the person can do and wants, and the pension
    record before prison (养老保险接续: the scheme, years paid before prison, contributions resumed on; for a
    retiree, the pension paid again from). The profile and whether it was created now."""
    case, user = locked_case(case, by=by, capability=capabilities.EMPLOYMENT)
    errors: dict[str, str] = {}
    skills = _items(skills, "skills", errors)
    certificates = _items(certificates, "certificates", errors)
    schooling = choice(schooling, "schooling", EmploymentProfile.Schooling.values, errors, required=False)
    wish = text(wish, "wish", errors, max_length=500)
    pension_scheme = choice(
        pension_scheme, "pension_scheme", EmploymentProfile.PensionScheme.values, errors, required=False
    )
    insured = pension_scheme not in ("", EmploymentProfile.PensionScheme.NONE)
    if pension_years_before is not None:
        if not 0 <= pension_years_before <= PENSION_YEARS_MAX:
            errors["pension_years_before"] = _("0 至 %(n)d 年") % {"n": PENSION_YEARS_MAX}
        elif pension_years_before > 0 and not insured:
            errors["pension_years_before"] = _("未选择参保的养老保险，不能填写缴费年限")
    release = released_on(case)
    check_day(pension_resumed_on, "pension_resumed_on", errors, since=release, required=False)
    if pension_resumed_on is not None and "pension_resumed_on" not in errors and not insured:
        errors["pension_resumed_on"] = _("未选择参保的养老保险，不能填写接续日期")
    check_day(pension_payment_resumed_on, "pension_payment_resumed_on", errors, since=release, required=False)
    if pension_payment_resumed_on is not None and not retired:
        errors.setdefault("pension_payment_resumed_on", _("只有已退休人员才有养老金恢复发放"))
    refuse_if(errors, _("就业帮扶档案无法保存。"))
    values: dict[str, Any] = {
        "skills": skills,
        "certificates": certificates,
        "schooling": schooling,
        "wish": wish,
        "pension_scheme": pension_scheme,
        "pension_years_before": pension_years_before,
        "pension_resumed_on": pension_resumed_on,
        "retired": retired,
        "pension_payment_resumed_on": pension_payment_resumed_on,
        "updated_by": user,
        "updated_at": timezone.now(),
    }
    # the case row is locked: no second profile can be created under us
    profile, created = EmploymentProfile.objects.update_or_create(case=case, defaults=values)
    record_case_event(
        case=case,
        action="employment_profile",
        by=by,
        data={
            "profile": profile.pk,
            "created": created,
            "schooling": schooling,
            "pension_scheme": pension_scheme,
            "retired": retired,
            "pension_resumed_on": pension_resumed_on.isoformat() if pension_resumed_on else None,
            "pension_payment_resumed_on": pension_payment_resumed_on.isoformat()
            if pension_payment_resumed_on
            else None,
        },
    )
    return profile, created


# --- services ---------------------------------------------------------------------------------------------------------


def _hours(value: Any, errors: dict[str, str]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors["hours"] = _("请填写学时数，如 40 或 12.5")
        return None
    if not hours.is_finite() or hours <= 0 or hours > HOURS_MAX or hours != hours.quantize(Decimal("0.1")):
        errors["hours"] = _("大于 0、最多一位小数的学时数")
        return None
    return hours


@transaction.atomic
def record_employment_service(
    *,
    case: Case,
    by: Actor,
    kind: str,
    on: dt.date | None,
    provider: str = "",
    detail: str = "",
    course: str = "",
    hours: Any = None,
    certificate: str = "",
    bank: str = "",
    loan_amount: Any = None,
    loan_term_months: int | None = None,
) -> EmploymentService:
    """One employment service given to the person (``EmploymentService.Kind``), on a day of the assistance period.

    A training names its course (hours and certificate optional); a guaranteed start-up loan names its bank, amount
    (more than zero, yuan) and term (1 to 36 months). Those fields belong to their kind: given with another kind
    they are refused, so nothing is stored that the record does not mean."""
    case, user = locked_case(case, by=by, capability=capabilities.EMPLOYMENT)
    errors: dict[str, str] = {}
    kind = choice(kind, "kind", EmploymentService.Kind.values, errors, required=True)
    check_day(on, "on", errors, since=released_on(case))
    provider = text(provider, "provider", errors, max_length=128)
    detail = text(detail, "detail", errors, max_length=500)
    training = kind == EmploymentService.Kind.TRAINING
    loan = kind == EmploymentService.Kind.STARTUP_LOAN
    course = text(course, "course", errors, max_length=128, required=training)
    certificate = text(certificate, "certificate", errors, max_length=128)
    hours_given = _hours(hours, errors)
    bank = text(bank, "bank", errors, max_length=128, required=loan)
    amount: Decimal | None = None
    if loan:
        amount = money(loan_amount, "loan_amount", errors)
        if loan_term_months is None:
            errors["loan_term_months"] = _("必填")
        elif not LOAN_TERM_MONTHS[0] <= loan_term_months <= LOAN_TERM_MONTHS[1]:
            errors["loan_term_months"] = _("贷款期限为 1 至 36 个月（不超过 3 年）")
    given = {
        "course": course,
        "hours": hours_given if hours not in (None, "") else None,
        "certificate": certificate,
        "bank": bank,
        "loan_amount": loan_amount if loan_amount not in (None, "") else None,
        "loan_term_months": loan_term_months,
    }
    if kind and not training:
        for field in TRAINING_FIELDS:
            if given[field]:
                errors.setdefault(field, _("只用于职业技能培训"))
    if kind and not loan:
        for field in LOAN_FIELDS:
            if given[field] not in (None, ""):
                errors.setdefault(field, _("只用于创业担保贷款"))
    refuse_if(errors, _("就业服务无法登记。"))
    assert on is not None
    service = EmploymentService.objects.create(
        case=case,
        kind=kind,
        given_on=on,
        provider=provider,
        detail=detail,
        course=course,
        hours=hours_given,
        certificate=certificate,
        bank=bank,
        loan_amount=amount,
        loan_term_months=loan_term_months if loan else None,
        recorded_by=user,
    )
    data: dict[str, Any] = {"service": service.pk, "kind": kind, "on": on.isoformat(), "provider": provider}
    if training:
        data["course"] = course
    record_case_event(case=case, action="employment_service", by=by, data=data)
    return service


# --- placements -------------------------------------------------------------------------------------------------------


def _credit_code(value: str, errors: dict[str, str]) -> str:
    """统一社会信用代码 (GB 32100), checked with its check character when given; stored compact, upper case."""
    if not (value or "").strip():
        return ""
    try:
        return str(uscc.validate(value.strip().upper()))
    except StdnumError:
        errors["employer_credit_code"] = _("统一社会信用代码有误（18 位，校验码不符）")
        return ""


@transaction.atomic
def record_placement(
    *,
    case: Case,
    by: Actor,
    employer: str,
    job: str,
    started_on: dt.date | None,
    contract_months: int | None,
    social_insurance: bool,
    employer_credit_code: str = "",
) -> tuple[Placement, bool]:
    """A job the person started (安置就业): on or after the release, not in the future. It sets the case's
    settlement to ``employed`` from ``started_on`` (``cases.services.settle_from_outcome``: a second timeline row,
    ``settlement``, and nothing when the case is already so settled). The placement and whether the settlement
    changed."""
    case, user = locked_case(case, by=by, capability=capabilities.MANAGE)
    errors: dict[str, str] = {}
    employer = text(employer, "employer", errors, max_length=128, required=True)
    code = _credit_code(employer_credit_code, errors)
    job = text(job, "job", errors, max_length=128, required=True)
    check_day(started_on, "started_on", errors, since=released_on(case))
    if contract_months is None:
        errors["contract_months"] = _("必填（无固定期限或未签合同填 0）")
    elif not 0 <= contract_months <= CONTRACT_MONTHS_MAX:
        errors["contract_months"] = _("0 至 %(n)d 个月") % {"n": CONTRACT_MONTHS_MAX}
    refuse_if(errors, _("安置就业无法登记。"))
    assert started_on is not None and contract_months is not None
    placement = Placement.objects.create(
        case=case,
        employer=employer,
        employer_credit_code=code,
        job=job,
        started_on=started_on,
        contract_months=contract_months,
        social_insurance=social_insurance,
        recorded_by=user,
    )
    record_case_event(
        case=case,
        action="placement",
        by=by,
        data={
            "placement": placement.pk,
            "employer": employer,
            "job": job,
            "started_on": started_on.isoformat(),
            "social_insurance": social_insurance,
        },
    )
    settled = settle_from_outcome(
        case=case,
        status=Case.Settlement.EMPLOYED,
        since=started_on,
        by=by,
        recorded_by=user,
        detail=_("%(employer)s %(job)s") % {"employer": employer, "job": job},
    )
    return placement, settled


@transaction.atomic
def end_placement(*, placement: Placement, by: Actor, ended_on: dt.date | None, reason: str) -> Placement:
    """The job ended (离职): on or after its start, not in the future, with the reason. The settlement stays as it
    is: the officer records the new one (another job, flexible work, not settled) on the case page, since only they
    know what the person lives on now."""
    case, _user = locked_case(placement.case, by=by, capability=capabilities.MANAGE)
    placement = Placement.objects.select_for_update().get(pk=placement.pk, case=case)
    if placement.ended_on is not None:
        raise DomainError("placement_ended", _("这份工作已登记结束。"), status=409)
    errors: dict[str, str] = {}
    check_day(ended_on, "ended_on", errors, since=placement.started_on)
    if "ended_on" in errors and ended_on is not None and ended_on < placement.started_on:
        errors["ended_on"] = _("不能早于入职日期 %(day)s") % {"day": placement.started_on.isoformat()}
    reason = text(reason, "reason", errors, max_length=500, required=True)
    refuse_if(errors, _("就业结束无法登记。"))
    assert ended_on is not None
    placement.ended_on, placement.end_reason = ended_on, reason
    placement.save(update_fields=["ended_on", "end_reason"])
    record_case_event(
        case=case,
        action="placement_ended",
        by=by,
        note=reason,
        data={"placement": placement.pk, "employer": placement.employer, "ended_on": ended_on.isoformat()},
    )
    return placement
