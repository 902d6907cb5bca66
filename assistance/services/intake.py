"""Writes of intake (seed §4: before release the facility trains the inmate and hears their difficulties; at check-in
the office explains the aid schemes; then it assesses the person's needs): the pre-release education on the notice,
the briefing and the needs assessment on the case. Each is one atomic service that locks its row, refuses bad input
naming the field (nothing written), and writes one timeline row and its audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance import capabilities, eligibility
from assistance.common import money, record_case_event
from assistance.models import Briefing, Difficulty, NeedsAssessment, ReleaseEducation, Scheme
from cases.models import Case
from core.areas import require
from core.audit import Actor, record_audit
from core.errors import DomainError
from core.idnumbers import birth_date_of
from handover.events import record_notice_event
from handover.models import ReleaseNotice
from people.models import PreReleaseEducation

# A briefing or an assessment may be dated a few days before the case was opened: the office often explains the
# schemes and hears the person's needs when it fetches them at the gate (必接必送) or at the first meeting, and the
# case is opened at the formal check-in a few days later. Further back than that is a typing slip.
BEFORE_OPENING_DAYS = 7
MAX_COURSE_HOURS = Decimal(2000)  # a year of full-time training; more is a slip of the keyboard
# settlement statuses that are work: the person is not unemployed (the assessment's default)
WORKING = frozenset(
    {Case.Settlement.EMPLOYED, Case.Settlement.SELF_EMPLOYED, Case.Settlement.FLEXIBLE, Case.Settlement.FARMING}
)


def _raise(errors: dict[str, str], message: str) -> None:
    if errors:
        raise DomainError("invalid_input", message, fields=errors)


def _locked_case(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case.pk)


def _require_manager(case: Case, by: Actor) -> None:
    assert by.user is not None
    require(by.user, capabilities.MANAGE, case, message=_("只有管理司法所（或其所在县级安帮办）可以办理。"))
    if case.status == Case.Status.CLOSED:
        raise DomainError("case_closed", _("该帮教档案已解除，只能查阅。"), status=409)


def _day_on_case(day: dt.date | None, field: str, case: Case, errors: dict[str, str]) -> None:
    if day is None:
        errors[field] = _("required")
    elif day > timezone.localdate():
        errors[field] = _("a date in the future is not allowed")
    elif day < case.opened_on - dt.timedelta(days=BEFORE_OPENING_DAYS):
        errors[field] = _("不能早于建档日期（%(day)s）%(n)d 天以上") % {
            "n": BEFORE_OPENING_DAYS,
            "day": case.opened_on.isoformat(),
        }


# --- pre-release education on the notice ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Course:
    """One course given before release: its kind (``people.models.PreReleaseEducation``), its day, its hours."""

    kind: str
    on: dt.date | None
    hours: Any  # a number of hours (one decimal place at most)


def _hours(value: Any, field: str, errors: dict[str, str]) -> int | float | None:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = _("课时应为数字，如 16")
        return None
    if not hours.is_finite() or hours != hours.quantize(Decimal("0.1")):
        errors[field] = _("课时最多保留一位小数")
    elif hours <= 0:
        errors[field] = _("课时应大于 0")
    elif hours > MAX_COURSE_HOURS:
        errors[field] = _("课时不能超过 %(n)s") % {"n": MAX_COURSE_HOURS}
    else:
        return _number(hours)
    return None


def _number(hours: Decimal) -> int | float:
    # stored in JSON: a whole number as an int, else with one decimal place
    return int(hours) if hours == hours.to_integral_value() else float(hours.quantize(Decimal("0.1")))


@transaction.atomic
def record_release_education(
    *, notice: ReleaseNotice, courses: list[Course], difficulties: list[str], by: Actor
) -> ReleaseEducation:
    """出监教育: the courses the facility gave and the difficulties the inmate reported, replacing what was recorded
    before. Only the liaison of the notice's facility (403 for others who reach the notice); not on a withdrawn
    notice (409); a course is dated on a real day, not in the future, not after the release when released."""
    assert by.user is not None
    # the notice's row only: the custody is a nullable join PostgreSQL cannot lock
    notice = ReleaseNotice.objects.select_for_update(of=("self",)).select_related("custody").get(pk=notice.pk)
    require(by.user, capabilities.EDUCATE, notice, message=_("只有发出通知书的监所可以登记出监教育。"))
    if notice.status == ReleaseNotice.Status.WITHDRAWN:
        raise DomainError("notice_withdrawn", _("通知书已撤回，不能登记出监教育。"), status=409)
    today = timezone.localdate()
    sentence_start = notice.custody.sentence_start if notice.custody is not None else None
    kinds = set(PreReleaseEducation.values)
    errors: dict[str, str] = {}
    clean: list[dict[str, Any]] = []
    for index, course in enumerate(courses):
        field = f"courses.{index}"
        if course.kind not in kinds:
            errors[f"{field}.kind"] = _("应为以下之一：%(kinds)s") % {"kinds": ", ".join(PreReleaseEducation.values)}
        if course.on is None:
            errors[f"{field}.on"] = _("required")
        elif course.on > today:
            errors[f"{field}.on"] = _("a date in the future is not allowed")
        elif notice.released_on is not None and course.on > notice.released_on:
            errors[f"{field}.on"] = _("不能晚于释放日期（%(day)s）") % {"day": notice.released_on.isoformat()}
        elif sentence_start is not None and course.on < sentence_start:
            errors[f"{field}.on"] = _("不能早于刑期起始日（%(day)s）") % {"day": sentence_start.isoformat()}
        hours = _hours(course.hours, f"{field}.hours", errors)
        if course.on is not None and hours is not None:
            clean.append({"kind": course.kind, "on": course.on.isoformat(), "hours": hours})
    unknown = sorted(set(difficulties) - set(Difficulty.values))
    if unknown:
        errors["difficulties"] = _("无法识别：%(names)s（可选：%(known)s）") % {
            "names": ", ".join(unknown),
            "known": ", ".join(Difficulty.values),
        }
    if not courses and not difficulties:
        errors["courses"] = _("至少登记一门课程或一项困难")
    _raise(errors, _("出监教育无法登记。"))
    reported = list(dict.fromkeys(difficulties))  # each once, in the order given
    clean.sort(key=lambda row: (row["on"], row["kind"]))
    education, _created = ReleaseEducation.objects.update_or_create(
        notice=notice,
        defaults={"courses": clean, "difficulties": reported, "recorded_by": by.user, "recorded_at": timezone.now()},
    )
    data = {
        "courses": len(clean),
        "hours": _number(sum((Decimal(str(row["hours"])) for row in clean), Decimal(0))),
        "difficulties": reported,
    }
    record_notice_event(notice=notice, action="education", by=by, data=data)
    record_audit(
        actor=by, action="notice.education", object_type="handover.releasenotice", object_id=notice.pk, detail=data
    )
    return education


# --- the briefing at check-in ----------------------------------------------------------------------------------------


@transaction.atomic
def record_briefing(
    *, case: Case, briefed_on: dt.date | None, schemes: list[str], acknowledged: bool, by: Actor
) -> Briefing:
    """The office explained ``schemes`` (their conditions and how to apply) on ``briefed_on``; ``acknowledged``: the
    person confirmed they understood. Each briefing is a row of its own (a case may be briefed again later)."""
    assert by.user is not None
    case = _locked_case(case)
    _require_manager(case, by)
    errors: dict[str, str] = {}
    _day_on_case(briefed_on, "briefed_on", case, errors)
    unknown = sorted(set(schemes) - set(Scheme.values))
    if unknown:
        errors["schemes"] = _("无法识别的政策：%(names)s") % {"names": ", ".join(unknown)}
    elif not schemes:
        errors["schemes"] = _("至少选择一项已讲解的政策")
    _raise(errors, _("政策告知无法登记。"))
    assert briefed_on is not None
    explained = [s for s in Scheme.values if s in set(schemes)]  # each once, in the scheme list's order
    briefing = Briefing.objects.create(
        case=case, briefed_on=briefed_on, schemes=explained, acknowledged=acknowledged, recorded_by=by.user
    )
    record_case_event(
        case=case,
        action="briefing",
        by=by,
        data={
            "briefing": briefing.pk,
            "briefed_on": briefed_on.isoformat(),
            "schemes": explained,
            "acknowledged": acknowledged,
        },
    )
    return briefing


# --- the needs assessment and its eligibility hints ------------------------------------------------------------------


def _birth_date(case: Case) -> dt.date | None:
    person = case.person
    if person.birth_date is not None:
        return person.birth_date
    try:
        return birth_date_of(person.id_number) if person.id_number else None
    except ValueError:
        return None


@transaction.atomic
def record_needs_assessment(
    *,
    case: Case,
    assessed_on: dt.date | None,
    income_monthly: Any,
    household_size: int | None,
    can_work: bool,
    housing: str,
    has_supporter: bool,
    by: Actor,
    disability: bool = False,
    chronic_illness: bool = False,
    sudden_hardship: bool = False,
    unemployed: bool | None = None,
) -> NeedsAssessment:
    """What the person lives on, and the eligibility hints the rules give with the policy values in force for the
    case's region on ``assessed_on`` (``assistance.eligibility``). ``unemployed`` defaults to true unless the case's
    settlement is work. The age is the person's on ``assessed_on``, from the birth date of the ID."""
    assert by.user is not None
    case = _locked_case(case)
    _require_manager(case, by)
    errors: dict[str, str] = {}
    _day_on_case(assessed_on, "assessed_on", case, errors)
    income = money(income_monthly, "income_monthly", errors, positive=False)
    if household_size is None:
        errors["household_size"] = _("required")
    elif not 1 <= household_size <= 30:
        errors["household_size"] = _("至少 1 人（含本人），至多 30 人")
    if housing not in NeedsAssessment.Housing.values:
        errors["housing"] = _("应为以下之一：%(known)s") % {"known": ", ".join(NeedsAssessment.Housing.values)}
    birth = _birth_date(case)
    _raise(errors, _("需求评估无法登记。"))
    assert assessed_on is not None and income is not None and household_size is not None
    if birth is None or birth > assessed_on:
        raise DomainError("birth_date_unknown", _("本人出生日期不明，无法计算年龄。"), status=409)
    if unemployed is None:
        unemployed = case.settlement_status not in WORKING
    needs = eligibility.Needs(
        age=eligibility.age_on(birth, assessed_on),
        income_monthly=income,
        household_size=household_size,
        can_work=can_work,
        disability=disability,
        has_supporter=has_supporter,
        sudden_hardship=sudden_hardship,
        unemployed=unemployed,
    )
    policy = eligibility.policy_for(region=case.region_id, on=assessed_on)
    hints = [hint.as_dict() for hint in eligibility.hints(needs, policy)]
    assessment = NeedsAssessment.objects.create(
        case=case,
        assessed_on=assessed_on,
        income_monthly=income,
        household_size=household_size,
        can_work=can_work,
        disability=disability,
        chronic_illness=chronic_illness,
        housing=housing,
        has_supporter=has_supporter,
        sudden_hardship=sudden_hardship,
        unemployed=unemployed,
        age=needs.age,
        hints=hints,
        recorded_by=by.user,
    )
    record_case_event(
        case=case,
        action="needs_assessment",
        by=by,
        data={
            "assessment": assessment.pk,
            "assessed_on": assessed_on.isoformat(),
            "hints": [hint["scheme"] for hint in hints],
        },
    )
    return assessment
