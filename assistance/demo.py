"""The assistance demo (``manage.py demo``, after the cases'): synthetic help that arrives, so the 救助与就业 tab, the
referral inboxes and the assistance dashboard have something to show.

On the demo's notices and cases, from a fixed seed: the health, education and housing bureaus of 玄武区 and 秦淮区
(where missing); pre-release education on some notices not yet released; briefings and needs assessments (with their
eligibility hints) on many open cases; referrals in every state (submitted, under review, approved, rejected, due for
review, ended) for several schemes, each to the department of its scheme in the case's county, some overdue and
escalated, several pending at 玄武区民政局 (the demo partner officer's inbox), one answered through a one-time
partner link; employment profiles, services and placements (some ended), each placement in force with the case's
settlement ``employed`` from its start; and aid ledger entries.

Rows are written in bulk (``bulk_create``), each with its history rows (referral events, case-timeline and
notice-timeline rows under the agreed action names), not through the services one by one: the demo runs at every
``make run`` and every browser test session. Demo data is not audited as actions (nobody took them); the
organisations it adds are, through the directory's service. Running it again adds nothing: once the area has any
referral, the step only reports what is there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from assistance import eligibility
from assistance.models import (
    DEPARTMENT,
    MONTHLY_SCHEMES,
    AidEntry,
    Briefing,
    EmploymentProfile,
    EmploymentService,
    NeedsAssessment,
    PartnerLink,
    Placement,
    Referral,
    ReferralEvent,
    ReleaseEducation,
    Scheme,
)
from assistance.services.referrals import response_deadline
from cases.models import Case, CaseEvent, SettlementRecord
from core.areas import DemoContext
from core.audit import Actor
from core.workdays import add_working_days
from directory import services as directory_services
from directory.models import Organisation, PolicyValue, Region, User
from directory.policy import set_policy_value
from handover.models import NoticeEvent, ReleaseNotice

K = Organisation.Kind
XUANWU, QINHUAI = "320102", "320104"
# the demo's code style: a department prefix and the county's 6 digits (MZ320102 民政, RS320102 人社)
BUREAUS = (
    ("WJ", "卫生健康委员会", K.HEALTH),
    ("JY", "教育局", K.EDUCATION),
    ("ZJ", "住房和城乡建设局", K.HOUSING),
)
COUNTY_NAMES = {XUANWU: "玄武区", QINHUAI: "秦淮区"}
PREFIX: dict[str, str] = {
    K.CIVIL_AFFAIRS: "MZ",
    K.HR_SOCIAL_SECURITY: "RS",
    K.HEALTH: "WJ",
    K.EDUCATION: "JY",
    K.HOUSING: "ZJ",
}
PARTNER_ORG = "MZ320102"  # the demo partner officer's bureau: several referrals wait there
DEMO_SCHEMES = (
    Scheme.DIBAO,
    Scheme.TEKUN,
    Scheme.TEMPORARY_AID,
    Scheme.MEDICAL_AID,
    Scheme.EMPLOYMENT_AID,
    Scheme.PENSION_CONTINUATION,
    Scheme.UNEMPLOYMENT_INSURANCE,
    Scheme.EDUCATION_AID,
    Scheme.HOUSING_AID,
)
COURSES = ("vocational_skills", "job_seeking", "social_adaptation", "mental_health", "policy_briefing")
DIFFICULTIES = ("housing", "income", "work", "health", "family", "debt")
REASONS: dict[str, str] = {
    Scheme.DIBAO: "家庭人均收入低于当地最低生活保障标准，申请纳入低保",
    Scheme.TEKUN: "年老无劳动能力、无收入来源且无法定赡养义务人，申请特困供养",
    Scheme.TEMPORARY_AID: "刑满释放后暂无收入，生活遇到临时困难",
    Scheme.MEDICAL_AID: "患慢性病需长期治疗，个人负担医疗费用困难",
    Scheme.EMPLOYMENT_AID: "劳动年龄内、有劳动能力且失业，申请就业援助",
    Scheme.PENSION_CONTINUATION: "服刑前已参加城镇职工养老保险，申请接续缴费",
    Scheme.UNEMPLOYMENT_INSURANCE: "服刑前已参加失业保险，申请领取失业保险金",
    Scheme.EDUCATION_AID: "子女就学困难，申请教育救助",
    Scheme.HOUSING_AID: "无固定住所，申请公租房保障",
}
REJECT_REASONS = (
    "家庭人均收入高于当地低保标准",
    "有法定赡养人且具备赡养能力",
    "材料不全，经告知未补正",
    "不符合申请条件",
)
END_REASONS = ("家庭收入增加，经复核退出", "本人已稳定就业", "户籍迁出本县")
EMPLOYERS = (
    ("南京示范物流有限公司", "仓储员"),
    ("玄武区示范保洁服务有限公司", "保洁员"),
    ("秦淮示范餐饮管理有限公司", "厨师助理"),
    ("南京示范汽车维修有限公司", "汽修学徒"),
    ("示范建筑劳务有限公司", "钢筋工"),
    ("示范物业管理有限公司", "保安员"),
)
PURPOSES = (
    ("临时生活补助", "income", "cash"),
    ("节日慰问", "family", "voucher"),
    ("过冬棉被与衣物", "housing", "in_kind"),
    ("医疗费用补助", "health", "cash"),
    ("求职交通补贴", "work", "cash"),
)
SKILLS = ("电焊", "厨师", "驾驶", "电工", "计算机操作", "缝纫", "汽车维修")
SERVICE_KINDS = ("unemployment_registration", "policy_consultation", "guidance", "job_referral", "training")
OFFICERS = {
    "SFS320102001": "office_officer",
    "SFS320102002": "county_officer",  # no office user there: the county acts
    "SFS320104001": "office_officer_b",
    "SFS320508001": "office_officer_gusu",
}
WORK = (Case.Settlement.EMPLOYED, Case.Settlement.SELF_EMPLOYED, Case.Settlement.FARMING, Case.Settlement.FLEXIBLE)
# the states given in turn to the first referrals, so even a small demo shows each
STATES = ("submitted", "under_review", "approved", "rejected", "review_due", "ended", "overdue", "escalated")


@dataclass
class _Rows:
    """What the step writes, by model, before it writes it."""

    case_events: list[CaseEvent] = field(default_factory=list)
    notice_events: list[NoticeEvent] = field(default_factory=list)
    settlements: list[SettlementRecord] = field(default_factory=list)
    settled: dict[int, tuple[str, dt.date]] = field(default_factory=dict)


def ensure_bureaus() -> list[str]:
    """The health, education and housing bureaus of 玄武区 and 秦淮区, where missing (through the directory)."""
    existing = set(Organisation.objects.values_list("code", flat=True))
    made = []
    for county, county_name in COUNTY_NAMES.items():
        for prefix, name, kind in BUREAUS:
            code = f"{prefix}{county}"
            if code not in existing:
                directory_services.create_organisation(
                    code=code,
                    name=f"{county_name}{name}",
                    kind=kind,
                    region_code=f"{county}000000",
                    by=Actor.system(),
                )
                made.append(code)
    return made


def already_built() -> bool:
    return Referral.objects.exists()


def counts() -> dict[str, int]:
    found: dict[str, int] = {f"referrals_{status}": n for status, n in _by("status")}
    found.update(
        referrals=Referral.objects.count(),
        overdue=Referral.objects.filter(status__in=Referral.PENDING, respond_by__lt=timezone.localdate()).count(),
        escalated=Referral.objects.filter(escalated_on__isnull=False).count(),
        partner_links_used=PartnerLink.objects.filter(used_at__isnull=False).count(),
        briefings=Briefing.objects.count(),
        assessments=NeedsAssessment.objects.count(),
        education=ReleaseEducation.objects.count(),
        placements=Placement.objects.count(),
        placements_ended=Placement.objects.filter(ended_on__isnull=False).count(),
        services=EmploymentService.objects.count(),
        aid_entries=AidEntry.objects.count(),
    )
    return found


def _by(name: str) -> list[tuple[str, int]]:
    return sorted(Counter(Referral.objects.values_list(name, flat=True)).items())


# The local 低保 lines the demo's regions use (synthetic figures of the order of Jiangsu's 2025 lines), set as
# policy values of their cities from 2025-07-01, so the assessments' hints read them as an office's would.
DIBAO_LINES = {"320100000000": 1110, "320500000000": 1095}
DIBAO_LINES_FROM = dt.date(2025, 7, 1)


def ensure_dibao_lines() -> None:
    for city, line in DIBAO_LINES.items():
        if not PolicyValue.objects.filter(name="dibao_line_monthly", region_id=city).exists():
            set_policy_value(
                name="dibao_line_monthly",
                region=Region.objects.get(code=city),
                value=line,
                effective_from=DIBAO_LINES_FROM,
                note="演示数据：本市城乡低保标准",
                by=Actor.system(),
            )


def build_assistance_demo(*, seed: int = 2026) -> dict[str, float]:
    """Build the demo (see the module docstring) unless it is there; the counts, ``created`` 1 or 0 and ``seconds``."""
    started = time.perf_counter()
    ensure_bureaus()
    ensure_dibao_lines()
    if already_built():
        return {**counts(), "created": 0, "seconds": 0}
    with transaction.atomic():
        _Builder(seed=seed).build()
    return {**counts(), "created": 1, "seconds": round(time.perf_counter() - started, 2)}


class _Builder:
    def __init__(self, *, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data from a fixed seed, not a secret)
        self.today = timezone.localdate()
        self.users = {u.username: u for u in User.objects.select_related("organisation")}
        self.orgs = {o.code: o for o in Organisation.objects.all()}
        self.rows = _Rows()
        self.minute = 0
        self.turn = 0
        self.policies: dict[tuple[str, dt.date], eligibility.Policy] = {}

    # --- helpers ---

    def at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        self.minute = (self.minute + 7) % 420
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)) + dt.timedelta(minutes=self.minute))

    def officer(self, case: Case) -> User:
        username = OFFICERS.get(str(case.managing_office_id), "county_officer")
        return self.users.get(username) or self.users["county_officer"]

    def case_event(
        self, case: Case, action: str, on: dt.date, by: User | None, data: dict[str, Any], by_name: str = ""
    ) -> None:
        self.rows.case_events.append(
            CaseEvent(
                case_id=case.pk,
                at=self.at(on),
                action=action,
                by=by,
                by_name=by.full_name if by else by_name,
                data=data,
            )
        )

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        if last <= first:
            return first
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    # --- the build ---

    def build(self) -> None:
        notices = list(
            ReleaseNotice.objects.filter(status__in=("awaiting_verification", "verified"))
            .exclude(education__isnull=False)
            .order_by("id")
        )
        self._education(notices)
        cases = list(
            Case.objects.filter(status__in=Case.OPEN)
            .select_related("person", "notice", "managing_office")
            .order_by("id")
        )
        assessed = self._briefings_and_assessments(cases)
        self._referrals(assessed)
        self._employment(cases)
        self._aid(cases)
        self._settle()
        CaseEvent.objects.bulk_create(self.rows.case_events, batch_size=500)
        NoticeEvent.objects.bulk_create(self.rows.notice_events, batch_size=500)

    def _education(self, notices: list[ReleaseNotice]) -> None:
        liaison = self.users["facility_liaison"]
        rows = []
        for notice in notices:
            if self.rng.random() > 0.6:
                continue
            before = notice.expected_release_date or self.today
            courses = [
                {
                    "kind": kind,
                    "on": min(self.today, before - dt.timedelta(days=self.rng.randint(10, 60))).isoformat(),
                    "hours": self.rng.choice((4, 8, 12, 16, 24)),
                }
                for kind in self.rng.sample(COURSES, self.rng.randint(2, 4))
            ]
            difficulties = self.rng.sample(DIFFICULTIES, self.rng.randint(1, 3))
            recorded = self.at(dt.date.fromisoformat(max(str(c["on"]) for c in courses)), 15)
            rows.append(
                ReleaseEducation(
                    notice=notice, courses=courses, difficulties=difficulties, recorded_by=liaison, recorded_at=recorded
                )
            )
            self.rows.notice_events.append(
                NoticeEvent(
                    notice=notice,
                    at=recorded,
                    action="education",
                    by=liaison,
                    by_name=liaison.full_name,
                    data={"courses": len(courses), "difficulties": difficulties},
                )
            )
        ReleaseEducation.objects.bulk_create(rows)

    def _hints(self, case: Case, assessment: NeedsAssessment) -> list[dict[str, str]]:
        # the service's own rules over the policy in force (the local 低保 lines the demo sets, ensure_dibao_lines)
        key = (case.region_id, assessment.assessed_on)
        if key not in self.policies:
            self.policies[key] = eligibility.policy_for(region=case.region_id, on=assessment.assessed_on)
        needs = eligibility.Needs(
            age=assessment.age,
            income_monthly=assessment.income_monthly,
            household_size=assessment.household_size,
            can_work=assessment.can_work,
            disability=assessment.disability,
            has_supporter=assessment.has_supporter,
            sudden_hardship=assessment.sudden_hardship,
            unemployed=assessment.unemployed,
        )
        return [hint.as_dict() for hint in eligibility.hints(needs, self.policies[key])]

    def _briefings_and_assessments(self, cases: list[Case]) -> list[tuple[Case, NeedsAssessment]]:
        briefings, assessments, assessed = [], [], []
        for case in cases:
            officer = self.officer(case)
            if self.rng.random() < 0.75:
                schemes = sorted(self.rng.sample([s.value for s in Scheme], self.rng.randint(3, 7)))
                on = min(self.today, case.opened_on)
                briefings.append(
                    Briefing(
                        case=case,
                        briefed_on=on,
                        schemes=schemes,
                        acknowledged=self.rng.random() < 0.95,
                        recorded_by=officer,
                    )
                )
                self.case_event(case, "briefing", on, officer, {"schemes": schemes})
            if self.rng.random() < 0.65:
                on = min(self.today, case.opened_on + dt.timedelta(days=self.rng.randint(1, 10)))
                birth = case.person.birth_date
                age = (on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))) if birth else 40
                assessment = NeedsAssessment(
                    case=case,
                    assessed_on=on,
                    income_monthly=Decimal(self.rng.choice((0, 0, 500, 800, 1200, 2000, 3500))),
                    household_size=self.rng.randint(1, 4),
                    can_work=self.rng.random() < 0.8,
                    disability=self.rng.random() < 0.08,
                    chronic_illness=self.rng.random() < 0.2,
                    housing=self.rng.choice(("own", "family", "family", "renting", "none")),
                    has_supporter=self.rng.random() < 0.6,
                    sudden_hardship=self.rng.random() < 0.2,
                    unemployed=case.settlement_status not in WORK,
                    age=max(0, age),
                    recorded_by=officer,
                )
                assessment.hints = self._hints(case, assessment)
                assessments.append(assessment)
                assessed.append((case, assessment))
                self.case_event(
                    case, "needs_assessment", on, officer, {"hints": [h["scheme"] for h in assessment.hints]}
                )
        Briefing.objects.bulk_create(briefings, batch_size=500)
        NeedsAssessment.objects.bulk_create(assessments, batch_size=500)
        return assessed

    # --- referrals ---

    def _department(self, case: Case, scheme: str) -> Organisation | None:
        return self.orgs.get(f"{PREFIX[DEPARTMENT[scheme]]}{case.region_id[:6]}")

    def _referrals(self, assessed: list[tuple[Case, NeedsAssessment]]) -> None:
        plans = []
        for case, assessment in assessed:
            hinted = [h["scheme"] for h in assessment.hints]
            wanted = hinted or ([self.rng.choice(DEMO_SCHEMES)] if self.rng.random() < 0.35 else [])
            if self.rng.random() < 0.25:
                wanted.append(self.rng.choice(DEMO_SCHEMES))
            for scheme in dict.fromkeys(wanted):
                to = self._department(case, scheme)
                if to is not None and self.rng.random() < 0.8:
                    plans.append((case, assessment, scheme, to))
        # some people without income or support are referred for 特困供养 (few meet the hint's rule): every other
        # temporary-aid referral of a case not referred for it already
        tekun = {plan[0].pk for plan in plans if plan[2] == Scheme.TEKUN}
        temporary = [i for i, plan in enumerate(plans) if plan[2] == Scheme.TEMPORARY_AID]
        for index in temporary[::2]:
            case, assessment, _scheme, to = plans[index]
            if case.pk not in tekun:
                plans[index] = (case, assessment, Scheme.TEKUN, to)
                tekun.add(case.pk)
        # 玄武区民政局 first among the states given in turn: its inbox has pending work
        plans.sort(key=lambda plan: (plan[3].code != PARTNER_ORG, plan[0].pk))
        referrals, histories = [], []
        linked_done = False
        for index, (case, assessment, scheme, to) in enumerate(plans):
            state = self._state(index, to)
            referral, history = self._referral(case, assessment, scheme, to, state)
            if referral is None:
                continue
            link = not linked_done and state == "approved" and to.code == PARTNER_ORG
            linked_done = linked_done or link
            referrals.append(referral)
            histories.append((referral, history, link))
        Referral.objects.bulk_create(referrals, batch_size=500)
        events: list[ReferralEvent] = []
        links: list[PartnerLink] = []
        for referral, history, link in histories:
            case = referral.case
            officer = self.officer(case)
            for action, on, by, data in history:
                name = by.full_name if by else "系统"
                if link and action in ("approved", "rejected"):
                    links.append(self._link(referral, officer, events))
                    by, data = None, {**data, "via": "partner_link", "link": links[-1].pk}
                    name = f"{referral.to_organisation.name}（协作链接）"
                events.append(
                    ReferralEvent(referral=referral, at=self.at(on, 11), action=action, by=by, by_name=name, data=data)
                )
                self.case_event(
                    case,
                    f"referral_{action}",
                    on,
                    by,
                    {"referral": referral.pk, "scheme": referral.scheme, **data},
                    by_name=name,
                )
        ReferralEvent.objects.bulk_create(events, batch_size=500)

    def _state(self, index: int, to: Organisation) -> str:
        if index < 4 and to.code == PARTNER_ORG:
            return ("submitted", "under_review", "overdue", "submitted")[index]
        if index < 4 + len(STATES):
            return STATES[index - 4]
        return self.rng.choices(STATES, weights=(10, 8, 30, 14, 6, 6, 6, 4))[0]

    def _referral(
        self, case: Case, assessment: NeedsAssessment, scheme: str, to: Organisation, state: str
    ) -> tuple[Referral | None, list[tuple[str, dt.date, User | None, dict[str, Any]]]]:
        officer = self.officer(case)
        partner = self.users.get("partner_officer") if to.code == PARTNER_ORG else None
        urgent = scheme == Scheme.TEMPORARY_AID and self.rng.random() < 0.3
        days = 30 if scheme == Scheme.DIBAO else 20
        first = assessment.assessed_on
        if state in ("submitted", "under_review"):
            # recent enough that the deadline has not passed
            submitted = self.day_between(max(first, self.today - dt.timedelta(days=12)), self.today)
        elif state in ("overdue", "escalated"):
            submitted = self.day_between(first, self.today - dt.timedelta(days=50 if days == 30 else 35))
        elif state in ("review_due", "ended"):
            submitted = self.day_between(first, self.today - dt.timedelta(days=120))
        else:
            submitted = self.day_between(first, self.today - dt.timedelta(days=15))
        if submitted < first or submitted > self.today:
            return None, []
        respond_by = response_deadline(scheme=scheme, urgent=urgent, start=submitted, region=case.region_id)
        referral = Referral(
            case=case,
            scheme=scheme,
            from_office_id=case.managing_office_id,
            to_organisation=to,
            reason=REASONS[scheme],
            urgent=urgent,
            submitted_on=submitted,
            respond_by=respond_by,
            status="submitted",
            created_by=officer,
        )
        history: list[tuple[str, dt.date, User | None, dict[str, Any]]] = [
            ("submitted", submitted, officer, {"to": to.code, "respond_by": respond_by.isoformat()})
        ]
        if state == "submitted":
            return referral, history
        reviewed = min(self.today, submitted + dt.timedelta(days=self.rng.randint(0, 3)))
        history.append(("under_review", reviewed, partner, {}))
        referral.status = "under_review"
        if state == "under_review":
            return referral, history
        if state in ("overdue", "escalated"):
            if state == "escalated":
                referral.escalated_on = min(self.today, add_working_days(respond_by, 1))
                history.append(("escalated", referral.escalated_on, None, {"to": f"SFJ{case.region_id[:6]}"}))
            if self.rng.random() < 0.5:  # waiting unopened
                history.pop(1)
                referral.status = "submitted"
            return referral, history
        decided = min(self.today, reviewed + dt.timedelta(days=self.rng.randint(2, 25)))
        referral.decided_on, referral.decided_by = decided, partner
        if state == "rejected":
            referral.status, referral.decision_reason = "rejected", self.rng.choice(REJECT_REASONS)
            history.append(("rejected", decided, partner, {"reason": referral.decision_reason}))
            return referral, history
        referral.status = "approved"
        referral.reference = f"{PREFIX[to.kind]}字〔{decided.year}〕第{self.rng.randint(1, 999):04d}号"
        referral.starts_on = decided
        referral.amount = self._amount(scheme)
        if scheme in MONTHLY_SCHEMES:
            referral.review_on = decided + dt.timedelta(days=90 if state == "review_due" else 365)
        history.append(("approved", decided, partner, {"reference": referral.reference}))
        if state == "review_due" and referral.review_on and referral.review_on <= self.today:
            referral.status = "review_due"
            history.append(("review_due", referral.review_on, None, {}))
        elif state == "ended":
            ended = self.day_between(decided + dt.timedelta(days=30), self.today)
            referral.status, referral.ended_on = "ended", ended
            referral.end_reason = self.rng.choice(END_REASONS)
            history.append(("ended", ended, partner, {"reason": referral.end_reason}))
        if scheme in (Scheme.DIBAO, Scheme.TEKUN) and referral.status != "ended":
            self._allowance(case, decided)
        return referral, history

    def _amount(self, scheme: str) -> Decimal | None:
        if scheme in (Scheme.DIBAO,):
            return Decimal(self.rng.choice((860, 980, 1110)))
        if scheme == Scheme.TEKUN:
            return Decimal("1443.00")
        if scheme == Scheme.UNEMPLOYMENT_INSURANCE:
            return Decimal(self.rng.choice((1782, 1980)))
        if scheme in (Scheme.TEMPORARY_AID, Scheme.MEDICAL_AID, Scheme.EDUCATION_AID):
            return Decimal(self.rng.choice((500, 800, 1500, 3000)))
        return None

    def _link(self, referral: Referral, officer: User, events: list[ReferralEvent]) -> PartnerLink:
        """The referral was answered through a one-time link: issued the day after it was sent, opened, used."""
        assert referral.decided_on is not None
        issued = self.at(min(referral.decided_on, referral.submitted_on + dt.timedelta(days=1)), 9)
        used = self.at(referral.decided_on, 14)
        link = PartnerLink.objects.create(
            referral=referral,
            token_hash=hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest(),
            expires_at=issued + dt.timedelta(days=14),
            issued_by=officer,
            issued_at=issued,
            used_at=used,
        )
        events.append(
            ReferralEvent(
                referral=referral,
                at=issued,
                action="link_issued",
                by=officer,
                by_name=officer.full_name,
                data={"link": link.pk},
            )
        )
        events.append(
            ReferralEvent(
                referral=referral, at=used, action="link_opened", by=None, by_name="协作链接", data={"link": link.pk}
            )
        )
        self.case_event(
            referral.case, "partner_link_issued", issued.date(), officer, {"referral": referral.pk, "link": link.pk}
        )
        referral.decided_by = None
        Referral.objects.filter(pk=referral.pk).update(decided_by=None)
        return link

    def _allowance(self, case: Case, since: dt.date) -> None:
        """An approved 低保 / 特困 sets the settlement to ``allowance``, unless the person is settled by work."""
        if case.settlement_status in WORK or case.pk in self.rows.settled:
            return
        self.rows.settled[case.pk] = (Case.Settlement.ALLOWANCE, since)

    # --- employment and the ledger ---

    def _employment(self, cases: list[Case]) -> None:
        profiles, services, placements = [], [], []
        for case in cases:
            officer = self.officer(case)
            employed = case.settlement_status == Case.Settlement.EMPLOYED and case.settlement_since
            if not employed and self.rng.random() > 0.45:
                continue
            profiles.append(
                EmploymentProfile(
                    case=case,
                    skills=self.rng.sample(SKILLS, self.rng.randint(1, 2)),
                    certificates=["监狱职业技能培训结业证书"] if self.rng.random() < 0.5 else [],
                    schooling=self.rng.choice(("primary", "junior", "junior", "senior", "vocational")),
                    wish=self.rng.choice(("希望从事技术类工作", "希望就近就业", "希望自主创业", "")),
                    pension_scheme=self.rng.choice(("employee", "resident", "none")),
                    updated_by=officer,
                    updated_at=self.at(case.opened_on),
                )
            )
            self.case_event(case, "employment_profile", case.opened_on, officer, {})
            for kind in self.rng.sample(SERVICE_KINDS, self.rng.randint(1, 3)):
                on = self.day_between(case.opened_on, self.today)
                training = kind == "training"
                services.append(
                    EmploymentService(
                        case=case,
                        kind=kind,
                        given_on=on,
                        provider=self.rng.choice(("玄武区公共就业服务中心", "街道劳动保障所", "示范职业培训学校")),
                        course="中式烹调师（初级）" if training else "",
                        hours=Decimal(40) if training else None,
                        recorded_by=officer,
                    )
                )
                self.case_event(case, "employment_service", on, officer, {"kind": kind})
            employer, job = self.rng.choice(EMPLOYERS)
            if employed:
                start = case.settlement_since
                assert start is not None
                if (start - case.opened_on).days > 40 and self.rng.random() < 0.6:
                    # an earlier job that ended before this one
                    placements.append(self._ended(case, officer, start))
                placements.append(self._placement(case, officer, start, None, employer, job))
            elif (
                case.settlement_status not in WORK
                and (self.today - case.opened_on).days > 40
                and self.rng.random() < 0.2
            ):
                placements.append(self._ended(case, officer, self.today))  # a job that did not last
            elif case.settlement_status not in WORK and self.rng.random() < 0.35:
                # after the settlement in force, which the placement replaces
                after = max(
                    case.opened_on + dt.timedelta(days=7),
                    (case.settlement_since or case.opened_on) + dt.timedelta(days=1),
                )
                if after > self.today:
                    continue
                start = self.day_between(after, self.today)
                placements.append(self._placement(case, officer, start, None, employer, job))
                self.rows.settled[case.pk] = (Case.Settlement.EMPLOYED, start)  # replaces a planned allowance
        EmploymentProfile.objects.bulk_create(profiles, batch_size=500)
        EmploymentService.objects.bulk_create(services, batch_size=500)
        Placement.objects.bulk_create(placements, batch_size=500)

    def _ended(self, case: Case, officer: User, before: dt.date) -> Placement:
        """A job that started after the opening and ended before ``before`` (at least 40 days later)."""
        first = case.opened_on + dt.timedelta(days=self.rng.randint(3, 15))
        ended = first + dt.timedelta(days=self.rng.randint(10, max(10, (before - first).days - 1)))
        return self._placement(case, officer, first, min(ended, before - dt.timedelta(days=1)))

    def _placement(
        self, case: Case, officer: User, start: dt.date, ended: dt.date | None, employer: str = "", job: str = ""
    ) -> Placement:
        if not employer:
            employer, job = self.rng.choice(EMPLOYERS)
        self.case_event(case, "placement", start, officer, {"employer": employer, "job": job})
        placement = Placement(
            case=case,
            employer=employer,
            job=job,
            started_on=start,
            contract_months=self.rng.choice((6, 12, 12, 24, 36)),
            social_insurance=self.rng.random() < 0.7,
            recorded_by=officer,
        )
        if ended is not None:
            placement.ended_on, placement.end_reason = (
                ended,
                self.rng.choice(("合同到期未续签", "本人辞职", "单位裁员")),
            )
            self.case_event(case, "placement_ended", ended, officer, {"reason": placement.end_reason})
        return placement

    def _aid(self, cases: list[Case]) -> None:
        entries = []
        for case in cases:
            if self.rng.random() > 0.4:
                continue
            officer = self.officer(case)
            for _i in range(self.rng.randint(1, 3)):
                purpose, need, kind = self.rng.choice(PURPOSES)
                on = self.day_between(case.opened_on, self.today)
                amount = Decimal(self.rng.choice((200, 300, 500, 800, 1000, 1500))) + Decimal(
                    self.rng.choice(("0.00", "0.50"))
                )
                entries.append(
                    AidEntry(
                        case=case,
                        kind=kind,
                        amount=amount,
                        given_on=on,
                        purpose=purpose,
                        need=need,
                        approved_by="司法所所长",
                        recorded_by=officer,
                    )
                )
                self.case_event(case, "aid", on, officer, {"amount": f"{amount:.2f}", "kind": kind})
        AidEntry.objects.bulk_create(entries, batch_size=500)

    def _settle(self) -> None:
        """The settlements the placements and allowances set: a record each, the case's status and date with it."""
        if not self.rows.settled:
            return
        cases = {case.pk: case for case in Case.objects.filter(pk__in=self.rows.settled)}
        records, changed = [], []
        for pk, (status, since) in sorted(self.rows.settled.items()):
            case = cases[pk]
            if case.settlement_since and case.settlement_since > since:
                continue  # a later settlement is in force: this one is history the demo does not rewrite
            officer = self.officer(case)
            detail = "安置就业" if status == Case.Settlement.EMPLOYED else "低保或特困供养"
            records.append(SettlementRecord(case=case, status=status, since=since, detail=detail, recorded_by=officer))
            case.settlement_status, case.settlement_since = status, since
            changed.append(case)
            self.case_event(case, "settlement", since, officer, {"status": status, "since": since.isoformat()})
        SettlementRecord.objects.bulk_create(records, batch_size=500)
        Case.objects.bulk_update(changed, ["settlement_status", "settlement_since"], batch_size=500)


def assistance_step(context: DemoContext) -> Sequence[str]:
    """The demo step (assistance.contrib), after the cases': help that arrives."""
    found = build_assistance_demo()
    shown = ", ".join(f"{k} {v}" for k, v in sorted(found.items()) if k not in ("created",))
    return [f"assistance demo: {shown}"]
