"""Synthetic case demo data (DESIGN §7): the cases the hand-over demo opened, given a life.

Never real people. The builder takes every case the hand-over demo opened at check-in (``handover.demo``), adds a
few people of its own through the office's backfill (补录) where the hand-over demo has nothing to show (cases
managed away from the hukou place, and cases old enough for the assistance period to have run out), and plays each
case's history through the case services, as the user who would act: assistance groups (with the demo social
worker and volunteer in some), four-party agreements, visits on schedule and some overdue, risk assessments,
settlement in every status, transfers pending / accepted / declined, lost contact with trace requests to another
office and to the police (answered, unanswered, overdue), and closures for every reason. So the timeline events,
audit rows and derived fields (next visit due, last contact, the settlement in force) are the real ones.

The calendar is walked from the oldest step to today; the nightly scan (``scan_cases``) is replayed for the last six
weeks (``_scan_nights``), so automatic lost contact, periods running out and overdue trace requests escalating to
the county happen on the night they would have.

Demo only: the services refuse future dates, and stamp "today" on a few fields (a member's ``added_on``, a
transfer's ``requested_on`` / ``decided_on``, a trace request's ``sent_on`` / ``respond_by`` / ``answered_on``, the
event times). After each step dated in the past the builder moves those stamps back to the step's day with a
queryset ``.update()``. Audit rows keep their real time: they record when the demo wrote them, and the hash chain
must not be touched.

Fixed seed; idempotent: when any case event other than "opened" exists, it does nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from cases import services
from cases.models import (
    Agreement,
    Case,
    CaseEvent,
    GroupMember,
    RiskAssessment,
    SettlementRecord,
    TraceRequest,
    Transfer,
    Visit,
)
from core.areas import DemoContext
from core.audit import Actor
from core.idnumbers import id_number_hash
from core.synthetic import COMMON_SURNAMES, MALE_GIVEN, STREETS, id_number, mobile_number, person_name, street_address
from directory.demo import GUSU_OFFICER, add_gusu_officer
from directory.models import Organisation, Role, User
from directory.policy import add_in_unit, deadline, parameter, policy_value
from handover import services as handover_services
from handover.models import NoticeEvent, ReleaseNotice
from people.models import Person
from people.services import PersonData

T0, T1, T2, T3 = "320102001000", "320102002000", "320104001000", "320508001000"
OFFICE = {township: f"SFS{township[:9]}" for township in (T0, T1, T2, T3)}
POLICE_XUANWU = "GA320102"  # 玄武区公安分局: the demo police officer answers its trace requests
OTHER_POLICE = ("GA320104", "GA320508")  # no demo user: what is sent there stays unanswered and escalates
HISTORY_DAYS = 425
SCAN_DAYS = 45  # the nightly scan is replayed for the last six weeks (see _scan_nights)
BACKFILL_WHEN_EMPTY = 150

RELATIVES = ("父亲", "母亲", "配偶", "兄长", "姐姐", "弟弟", "儿子", "女儿")
KEY_REASONS = ("涉毒", "暴力犯罪", "有重新犯罪倾向", "三无人员", "累犯", "家庭矛盾突出")
NEW_OFFENCES = ("盗窃罪", "诈骗罪", "故意伤害罪", "寻衅滋事罪", "贩卖毒品罪", "危险驾驶罪")
METHODS = (("home", 45), ("phone", 30), ("video", 10), ("office", 10), ("workplace", 5))
SETTLED = (
    ("employed", 30),
    ("flexible", 25),
    ("farming", 10),
    ("self_employed", 8),
    ("allowance", 12),
    ("at_base", 5),
    ("studying", 2),
)
SETTLEMENT_DETAIL = {
    "employed": "在{street}附近物流公司任分拣员",
    "flexible": "从事外卖配送",
    "farming": "在家务农，承包土地三亩",
    "self_employed": "经营小吃店，已办理营业执照",
    "allowance": "已纳入最低生活保障",
    "at_base": "入住区过渡性安置基地，参加技能培训",
    "studying": "参加成人学历教育",
}
NOT_SETTLED_REASONS = ("正在求职", "患病无法就业", "年龄较大，就业困难", "无劳动技能，正在参加培训", "本人就业意愿不强")
SITUATIONS = {
    "living": ("与家人同住", "独居租房", "居住在亲戚家", "住房困难"),
    "work": ("工作稳定", "正在找工作", "打零工", "务农"),
    "family": ("家庭关系和睦", "与配偶关系紧张", "父母年迈需照顾", "子女在读"),
    "health": ("身体健康", "患有慢性病", "需定期复诊"),
    "mood": ("情绪稳定", "思想波动，需关注", "积极向上", "有自卑心理"),
}
NEEDS = ("就业", "住房", "低保", "医疗", "技能培训", "心理疏导", "子女就学")
VISIT_NOTES = (
    "了解近期生活和就业情况，进行法治教育。",
    "本人表示遵纪守法，积极找工作。",
    "与家属沟通，家属表示会加强监督。",
    "提醒按时报告思想动态。",
    "帮助联系社区就业服务站。",
)


@dataclass
class Step:
    on: dt.date
    action: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Life:
    """One case's plan: the dated steps to play, and what the play learns on the way (ids of what it made)."""

    index: int
    case_id: int | None
    opened_on: dt.date
    office: str  # the managing office's code; changes when a transfer is accepted
    township: str
    key: bool
    scenario: str
    steps: list[Step] = field(default_factory=list)
    backfill: handover_services.BackfillData | None = None
    backfill_office: str = ""
    trace_id: int | None = None
    transfer_id: int | None = None
    volunteer_member_id: int | None = None
    social_worker: bool = False
    period_end: dt.date | None = None  # planned to run out within the replayed scan window


# --- synthetic people for the office's backfills ------------------------------------------------------------------


def _name(rng: random.Random, male: bool) -> str:
    # the case demo's people draw from the most common surnames only
    return person_name(rng, male=male, surnames=COMMON_SURNAMES)


def _backfill_person(rng: random.Random, *, hukou: str, residence: str, opened: dt.date) -> PersonData:
    male = rng.random() < 0.88
    birth = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 40))
    if (opened - birth).days < 18 * 365:
        birth = opened - dt.timedelta(days=25 * 365)
    return PersonData(
        name=_name(rng, male),
        gender="male" if male else "female",
        birth_date=birth,
        id_number=id_number(rng, area=hukou[:6], birth=birth, male=male),
        hukou_region=hukou,
        residence_region=residence,
        residence_address=street_address(rng),
    )


# --- planning -----------------------------------------------------------------------------------------------------


def _r(rng: random.Random, low: int, high: int) -> int:
    return rng.randint(low, high)


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _visits(
    rng: random.Random, *, start: dt.date, until: dt.date, key: bool, dense_from: dt.date, first: bool = True
) -> list[Step]:
    """Visits from ``start`` to ``until``: the first within 7 days, then on the level's interval.

    Key cases are seen every 24-30 days (interval 30). Ordinary cases every 70-88 days (interval 90) before
    ``dense_from``; from then on every 42-55 days, home visits and phone calls (the offices' recent drive to see
    ordinary cases more often). A visit that finds nobody is followed by a successful one within 2-5 days."""
    steps: list[Step] = []
    day = start + dt.timedelta(days=_r(rng, 1, 7) if first else 0)
    retry = False
    while day <= until:
        draw = rng.random()
        outcome = (
            "met" if retry or draw < 0.92 or (first and not steps) else ("not_found" if draw < 0.97 else "refused")
        )
        method = "home" if not steps and first else _weighted(rng, METHODS)
        if outcome == "not_found" and method in ("phone", "video"):
            method = "home"
        steps.append(Step(day, "visit", {"method": method, "outcome": outcome}))
        retry = outcome != "met"
        if retry:
            day += dt.timedelta(days=_r(rng, 2, 5))
        elif key:
            day += dt.timedelta(days=_r(rng, 24, 30))
        else:
            sparse = day + dt.timedelta(days=_r(rng, 70, 88))
            day = sparse if sparse < dense_from else day + dt.timedelta(days=_r(rng, 42, 55))
    return steps


def _lost_after(key: bool, today: dt.date) -> int:
    """Days without a successful contact after which the nightly scan marks a case lost (cases.services)."""
    interval = policy_value("visit_interval_days_key" if key else "visit_interval_days_ordinary", region=None, on=today)
    return interval + policy_value("lost_contact_after_days", region=None, on=today)


def _last_met(steps: list[Step]) -> dt.date | None:
    met = [s.on for s in steps if s.action == "visit" and s.args["outcome"] == "met"]
    return max(met) if met else None


def _loss(rng: random.Random, life: Life, *, anchor: dt.date, dense_from: dt.date) -> tuple[list[Step], dt.date]:
    """Visits until shortly before ``anchor``, then a visit that finds nobody and, on ``anchor``, the officer's
    decision that contact is lost: (steps, noted_on). The last successful contact stays within 45 days of the
    decision, so the nightly scan does not mark the case lost first."""
    steps = [
        s
        for s in _visits(rng, start=life.opened_on, until=anchor, key=life.key, dense_from=dense_from)
        if s.on <= anchor - dt.timedelta(days=4)
    ]
    if (anchor - (_last_met(steps) or life.opened_on)).days > 45:
        steps.append(Step(anchor - dt.timedelta(days=_r(rng, 20, 30)), "visit", {"method": "phone", "outcome": "met"}))
    steps.append(Step(anchor - dt.timedelta(days=_r(rng, 1, 3)), "visit", {"method": "home", "outcome": "not_found"}))
    steps.append(Step(anchor, "lose", {"reason": "多次走访未见本人，电话无法接通，家属称其外出不知去向"}))
    return steps, anchor


def _base(rng: random.Random, life: Life, today: dt.date, *, stop: dt.date) -> list[Step]:
    """Group, agreement, risk assessments and settlement: what every case gets until ``stop``."""
    opened, steps = life.opened_on, []
    xuanwu = life.township.startswith("320102")

    def on(day: dt.date) -> dt.date | None:
        return day if day <= min(stop, today) else None

    if life.scenario != "no_group" and (day := on(opened + dt.timedelta(days=_r(rng, 0, 3)))):
        members: list[dict[str, str]] = [
            {"part": "office_officer", "name": "officer"},  # the managing office's officer, by name
            {
                "part": "village_cadre",
                "name": f"{rng.choice(COMMON_SURNAMES)}{rng.choice(MALE_GIVEN)}{rng.choice(MALE_GIVEN)}",
                "phone": mobile_number(rng, prefix="139"),
            },
            {
                "part": "family_member",
                "name": f"{_name(rng, rng.random() < 0.5)}（{rng.choice(RELATIVES)}）",
                "phone": mobile_number(rng, prefix="138"),
            },
        ]
        if rng.random() < 0.25:
            members.append({"part": "community_police", "name": f"{rng.choice(COMMON_SURNAMES)}警官"})
        if xuanwu and (life.scenario == "volunteer_left" or rng.random() < 0.35):
            members.append({"part": "social_worker", "name": "", "username": "social_worker"})
        if xuanwu and (life.scenario == "volunteer_left" or rng.random() < 0.25):
            members.append({"part": "volunteer", "name": "", "username": "volunteer"})
        steps.append(Step(day, "group", {"members": members}))
        if rng.random() < 0.92 and (signed := on(day + dt.timedelta(days=_r(rng, 1, 10)))):
            steps.append(Step(signed, "agreement"))
        if life.scenario == "volunteer_left" and (left := on(day + dt.timedelta(days=_r(rng, 30, 90)))):
            steps.append(Step(left, "remove_volunteer"))

    key = life.key
    assessed = opened + dt.timedelta(days=_r(rng, 0, 5))
    overdue_review = rng.random() < 0.1
    while (day := on(assessed)) is not None:
        steps.append(Step(day, "risk", {"key": key}))
        assessed = day + dt.timedelta(days=_r(rng, 176, 184))
        if assessed + dt.timedelta(days=30) > today and overdue_review:
            break  # the last review is late: it shows on the worklist
        if rng.random() < (0.15 if key else 0.03):
            key = not key  # re-assessed up to key level, or down to ordinary

    first = on(opened + dt.timedelta(days=_r(rng, 3, 20)))
    if first is not None:
        # the first cases take the settled kinds in turn, so even the rare ones (studying) show in a small demo
        forced = SETTLED[life.index // 3][0] if life.index % 3 == 0 and life.index < 3 * len(SETTLED) else None
        if forced is None and rng.random() < 0.32:
            steps.append(
                Step(first, "settlement", {"status": "not_settled", "reason": rng.choice(NOT_SETTLED_REASONS)})
            )
            if rng.random() < 0.75 and (later := on(first + dt.timedelta(days=_r(rng, 20, 100)))):
                steps.append(Step(later, "settlement", {"status": _weighted(rng, SETTLED)}))
        else:
            steps.append(Step(first, "settlement", {"status": forced or _weighted(rng, SETTLED)}))
            if rng.random() < 0.15 and (later := on(first + dt.timedelta(days=_r(rng, 60, 240)))):
                steps.append(Step(later, "settlement", {"status": _weighted(rng, SETTLED)}))
    return steps


def _life_steps(rng: random.Random, life: Life, today: dt.date, offices: dict[str, str]) -> list[Step]:
    """The dated steps of one case for its scenario (see ``_assign``)."""
    opened, key, scenario = life.opened_on, life.key, life.scenario
    age = (today - opened).days

    def ago(low: int, high: int) -> dt.date:
        return today - dt.timedelta(days=_r(rng, low, min(high, age)))

    def other_office() -> str:
        return rng.choice(sorted(code for code in offices if code != life.office))

    stop = today
    dense = today - dt.timedelta(days=SCAN_DAYS + 60)
    steps: list[Step] = []
    if scenario.startswith("closed_"):
        closed = ago(10, max(11, min(250, age - 30)))
        last = closed - dt.timedelta(days=_r(rng, 3, 20))
        stop = closed
        steps += _visits(rng, start=opened, until=last, key=key, dense_from=dense)
        reason = scenario.removeprefix("closed_")
        detail = {
            "reoffended": f"因涉嫌{rng.choice(NEW_OFFENCES)}被公安机关刑事拘留，已移送审查起诉",
            "died": "因病医治无效死亡，已取得死亡证明",
            "emigrated": "经批准出境定居",
            "transferred_out": "户籍迁往浙江省杭州市，已移交当地司法行政机关",
        }[reason]
        steps.append(Step(closed, "close", {"reason": reason, "detail": detail}))
    elif scenario.startswith("lost_auto"):
        # no successful contact after ``last``: the nightly scan marks the case lost on the night the days without
        # contact pass the visit interval plus lost_contact_after_days (``_lost_after``)
        after = _lost_after(key, today)
        last = ago(after + 2, after + 40)
        steps += [s for s in _visits(rng, start=opened, until=last, key=key, dense_from=dense) if s.on <= last]
        last_met = _last_met(steps) or opened
        missed = last_met + dt.timedelta(days=_r(rng, 20, 40))
        if missed <= today:
            steps.append(Step(missed, "visit", {"method": "home", "outcome": "not_found"}))
        traced = last_met + dt.timedelta(days=after + 1 + _r(rng, 1, 5))
        if scenario == "lost_auto_traced" and traced <= today:
            steps.append(Step(traced, "trace", {"to": POLICE_XUANWU}))
    elif scenario.startswith("lost_"):
        window = {
            "lost_police_located": (60, 200),
            "lost_police_not_located": (40, 150),
            "lost_police_overdue": (45, 110),
            "lost_office_located": (60, 200),
            "lost_office_overdue": (45, 110),
            "lost_office_open": (3, 10),
        }[scenario]
        part, noted = _loss(rng, life, anchor=ago(*window), dense_from=dense)
        steps += part
        to = POLICE_XUANWU if "police" in scenario else other_office()
        if scenario == "lost_police_overdue" and rng.random() < 0.5:
            to = rng.choice(OTHER_POLICE)
        sent = noted + dt.timedelta(days=_r(rng, 0, 2))
        steps.append(Step(sent, "trace", {"to": to}))
        if scenario.endswith("located"):
            answered = sent + dt.timedelta(days=_r(rng, 3, 10))
            located = scenario.endswith("_located") and not scenario.endswith("not_located")
            steps.append(Step(answered, "answer", {"located": located, "to": to}))
            if located:
                restored = answered + dt.timedelta(days=_r(rng, 1, 3))
                steps.append(Step(restored, "restore"))
                steps += _visits(rng, start=restored, until=today, key=key, dense_from=dense)
    elif scenario.startswith("transfer_"):
        if scenario == "transfer_pending":
            requested = ago(0, 8)
        else:
            requested = ago(10, max(11, min(300, age - 20)))
        steps += _visits(rng, start=opened, until=today, key=key, dense_from=dense)
        steps.append(Step(requested, "transfer", {"to": other_office()}))
        if scenario != "transfer_pending":
            decided = min(today, requested + dt.timedelta(days=_r(rng, 2, 10)))
            steps.append(Step(decided, "accept" if scenario == "transfer_accepted" else "decline"))
    elif scenario == "overdue_key":
        # the last visit 35-55 days ago: a key case is due every 30 days, so it is overdue (and not yet lost)
        last = ago(35, 55)
        steps += [s for s in _visits(rng, start=opened, until=last, key=True, dense_from=dense) if s.on < last]
        steps.append(Step(last, "visit", {"method": "phone", "outcome": "met"}))
    elif scenario == "new_no_visit":
        pass  # opened 8-50 days ago and the first visit (due within 7 days) is still to be made
    elif scenario == "expired":
        # opened more than five years ago: the nightly scan closes it the night after the period ends
        years = policy_value("assistance_period_years", region=life.township, on=opened)
        life.period_end = add_in_unit(opened, years, parameter("assistance_period_years").unit)
        stop = life.period_end - dt.timedelta(days=1)
        steps += _visits(rng, start=opened, until=stop, key=key, dense_from=dense)
    else:  # normal, no_group, volunteer_left, dual
        steps += _visits(rng, start=opened, until=today, key=key, dense_from=dense)
    steps += _base(rng, life, today, stop=stop)
    return [s for s in steps if opened <= s.on <= today]


QUOTAS: tuple[tuple[str, float, int, int], ...] = (
    # scenario, share of the cases, at least, minimum age in days
    ("closed_reoffended", 0.02, 2, 60),
    ("closed_died", 0.01, 1, 60),
    ("closed_emigrated", 0.005, 1, 60),
    ("closed_transferred_out", 0.01, 1, 60),
    ("lost_police_located", 0.01, 1, 210),
    ("lost_police_not_located", 0.01, 1, 160),
    ("lost_police_overdue", 0.01, 2, 120),
    ("lost_office_located", 0.007, 1, 210),
    ("lost_office_overdue", 0.007, 1, 120),
    ("lost_office_open", 0.003, 1, 60),
    ("lost_auto", 0.012, 2, 200),  # an ordinary case is lost 150 days after its last contact (90 + 60)
    ("lost_auto_traced", 0.007, 1, 200),
    ("transfer_pending", 0.02, 2, 20),
    ("transfer_accepted", 0.02, 2, 60),
    ("transfer_declined", 0.01, 1, 40),
    ("no_group", 0.03, 2, 30),
)


def _assign(rng: random.Random, lives: list[Life], today: dt.date) -> None:
    """Give each case one scenario; most are ``normal``."""
    pool = [life for life in lives if life.scenario == "normal"]  # not the backfilled dual / expired ones
    rng.shuffle(pool)
    taken: set[int] = set()

    def take(scenario: str, count: int, fits: Callable[[Life], bool]) -> None:
        for life in pool:
            if count <= 0:
                return
            if life.index not in taken and fits(life):
                life.scenario = scenario
                taken.add(life.index)
                count -= 1

    def old_enough(days: int) -> Callable[[Life], bool]:
        return lambda life: (today - life.opened_on).days >= days

    n = len(lives)
    for scenario, share, least, min_age in QUOTAS:
        take(scenario, max(least, round(n * share)), old_enough(min_age))
    take("volunteer_left", 1, lambda life: life.township.startswith("320102") and (today - life.opened_on).days > 120)
    keys = [life for life in lives if life.key and life.index not in taken and (today - life.opened_on).days >= 60]
    take("overdue_key", max(2, len(keys) // 8), lambda life: life.key and (today - life.opened_on).days >= 60)
    fresh = [life for life in lives if 8 <= (today - life.opened_on).days <= 50]
    take("new_no_visit", max(1, len(fresh) // 4), lambda life: 8 <= (today - life.opened_on).days <= 50)


# --- playing ------------------------------------------------------------------------------------------------------


def _known(pk: int | None) -> int:
    """An id the play has learnt by now (the step that creates the row comes first in the agenda)."""
    assert pk is not None
    return pk


class _Player:
    """Calls the case services as the user who would act, and moves the clock stamps back to the step's day."""

    def __init__(self, *, today: dt.date, clock: dt.datetime, password: str | None) -> None:
        self.today, self.clock = today, clock
        self.orgs = {o.code: o for o in Organisation.objects.select_related("region")}
        users = {u.username: u for u in User.objects.select_related("organisation__region").filter(is_active=True)}
        self.users = users
        self.officers: dict[str, Actor] = {
            OFFICE[T0]: Actor(users["office_officer"]),
            OFFICE[T1]: Actor(users["county_officer"]),  # no office user there: the county acts (DESIGN §1)
            OFFICE[T2]: Actor(users["office_officer_b"]),
            OFFICE[T3]: Actor(_gusu_officer(users, self.orgs[OFFICE[T3]], password)),
        }
        self.police = Actor(users["police_officer"])
        self.social_worker = Actor(users["social_worker"])
        self.minute = 0
        self.played: set[str] = set()

    def stamp(self, day: dt.date, hour: int = 9) -> dt.datetime:
        self.minute = (self.minute + 7) % 480
        naive = dt.datetime.combine(day, dt.time(hour)) + dt.timedelta(minutes=self.minute)
        return timezone.make_aware(naive)

    def officer(self, life: Life) -> Actor:
        return self.officers[life.office]

    def play(self, life: Life, step: Step) -> None:
        action: Callable[[Life, Step], None] = getattr(self, f"_{step.action}")
        action(life, step)
        self.played.add(step.action)

    def end_of_day(self, day: dt.date) -> None:
        """Demo only: move what the day's steps stamped "now" / "today" back to ``day``. Rows of earlier days were
        moved already, so the filters on now / today find only this day's."""
        played, self.played = self.played, set()
        if day >= self.today or not played:
            return
        CaseEvent.objects.filter(at__gte=self.clock).update(at=self.stamp(day))
        if "visit" in played:
            Visit.objects.filter(created_at__gte=self.clock).update(created_at=self.stamp(day, 16))
        if "group" in played:
            GroupMember.objects.filter(added_on=self.today).update(added_on=day)
        if "remove_volunteer" in played:
            GroupMember.objects.filter(removed_on=self.today).update(removed_on=day)
        if "transfer" in played:
            Transfer.objects.filter(requested_on=self.today).update(requested_on=day)
        if played & {"accept", "decline"}:
            Transfer.objects.filter(decided_on=self.today).update(decided_on=day)
        if "answer" in played:
            TraceRequest.objects.filter(answered_on=self.today).update(answered_on=day)

    def case(self, life: Life) -> Case:
        return Case(pk=_known(life.case_id))  # the services lock and re-read the row

    def _backfill(self, life: Life, step: Step) -> None:
        assert life.backfill is not None
        opened = handover_services.backfill(data=life.backfill, by=self.officers[life.backfill_office])
        life.case_id = opened["case_id"]
        if step.on < self.today:
            # demo only: the notice the backfill writes is stamped today
            ReleaseNotice.objects.filter(pk=opened["notice_id"]).update(
                sent_on=step.on, verify_by=step.on, verified_on=step.on
            )
            NoticeEvent.objects.filter(notice_id=opened["notice_id"]).update(at=self.stamp(step.on))

    def _group(self, life: Life, step: Step) -> None:
        for member in step.args["members"]:
            name = member["name"]
            if name == "officer":
                actor_user = self.officer(life).user
                assert actor_user is not None
                name = actor_user.full_name if actor_user.role == Role.OFFICE_OFFICER else "司法所工作人员"
            added = services.add_group_member(
                case=self.case(life),
                part=member["part"],
                name=name,
                phone=member.get("phone", ""),
                username=member.get("username"),
                by=self.officer(life),
            )
            if member["part"] == "volunteer":
                life.volunteer_member_id = added.pk
            if member["part"] == "social_worker":
                life.social_worker = True

    def _remove_volunteer(self, life: Life, step: Step) -> None:
        member = GroupMember.objects.get(pk=_known(life.volunteer_member_id))
        services.remove_group_member(member=member, by=self.officer(life))

    def _agreement(self, life: Life, step: Step) -> None:
        members = {m.part: m.name for m in GroupMember.objects.filter(case_id=_known(life.case_id))}
        case = Case.objects.select_related("person", "managing_office").get(pk=_known(life.case_id))
        services.record_agreement(
            case=case,
            signed_on=step.on,
            signatories={
                "office": case.managing_office.name,
                "community": members.get("village_cadre", "村（居）委会"),
                "family": members.get("family_member", "家属"),
                "person": case.person.name,
            },
            by=self.officer(life),
        )

    def _risk(self, life: Life, step: Step) -> None:
        key = step.args["key"]
        rng = random.Random(f"{life.index}-{step.on}")  # noqa: S311 (synthetic data, not a secret)
        services.assess_risk(
            case=self.case(life),
            risk_level=rng.choice(("high", "medium")) if key else rng.choice(("low", "low", "medium")),
            key_target=key,
            reasons=rng.sample(KEY_REASONS, rng.choice((1, 2))) if key else [],
            assessed_on=step.on,
            by=self.officer(life),
        )
        life.key = key

    def _settlement(self, life: Life, step: Step) -> None:
        status = step.args["status"]
        services.record_settlement(
            case=self.case(life),
            status=status,
            since=step.on,
            detail=SETTLEMENT_DETAIL.get(status, "").format(street=STREETS[life.index % len(STREETS)]),
            reason=step.args.get("reason", ""),
            by=self.officer(life),
        )

    def _visit(self, life: Life, step: Step) -> None:
        rng = random.Random(f"{life.index}-{step.on}")  # noqa: S311 (synthetic data, not a secret)
        by = self.officer(life)
        if life.social_worker and rng.random() < 0.2:
            by = self.social_worker  # the social worker of the group went
        assert by.user is not None
        met = step.args["outcome"] == "met"
        services.record_visit(
            case=self.case(life),
            by=by,
            visited_on=step.on,
            method=step.args["method"],
            outcome=step.args["outcome"],
            notes=rng.choice(VISIT_NOTES) if met else "家中无人，邻居称近期未见本人。",
            visitors=[by.user.full_name or by.user.username],
            situation={k: rng.choice(v) for k, v in SITUATIONS.items()} if met else {},
            needs=rng.sample(NEEDS, rng.choice((0, 0, 1, 2))) if met else [],
        )

    def _lose(self, life: Life, step: Step) -> None:
        services.mark_lost_contact(
            case=self.case(life), noted_on=step.on, reason=step.args["reason"], by=self.officer(life)
        )

    def _trace(self, life: Life, step: Step) -> None:
        case = Case.objects.select_related("person").get(pk=_known(life.case_id))
        trace = services.send_trace_request(
            case=case,
            to=self.orgs[step.args["to"]],
            reason="帮教对象脱管，请协助查找下落",
            last_known_address=case.person.residence_address,
            by=self.officer(life),
        )
        life.trace_id = trace.pk
        if step.on < self.today:
            respond_by = deadline("trace_response_days", start=step.on, region=case.region_id)
            TraceRequest.objects.filter(pk=trace.pk).update(sent_on=step.on, respond_by=respond_by)

    def _answer(self, life: Life, step: Step) -> None:
        trace = TraceRequest.objects.get(pk=_known(life.trace_id))
        to = step.args["to"]
        by = self.police if to == POLICE_XUANWU else self.officers[to]
        located = step.args["located"]
        services.respond_to_trace(
            trace=trace,
            result="located" if located else "not_located",
            address=f"{STREETS[(life.index + 3) % len(STREETS)]}{life.index % 200 + 1}号出租屋" if located else "",
            note="经走访查证，本人在该地址暂住打工" if located else "经查询住宿登记和走访，未发现其踪迹",
            by=by,
        )

    def _restore(self, life: Life, step: Step) -> None:
        services.restore_contact(
            case=self.case(life),
            restored_on=step.on,
            note="经协查找到本人，已恢复联系并谈话教育",
            by=self.officer(life),
        )

    def _transfer(self, life: Life, step: Step) -> None:
        transfer = services.request_transfer(
            case=self.case(life),
            to_office=self.orgs[step.args["to"]],
            reason="本人居住地变更",
            new_address=f"{STREETS[(life.index + 5) % len(STREETS)]}{life.index % 150 + 2}号",
            by=self.officer(life),
        )
        life.transfer_id = transfer.pk

    def _decide(self, life: Life, step: Step, accept: bool) -> None:
        transfer = Transfer.objects.get(pk=_known(life.transfer_id))
        receiver = self.officers[transfer.to_office.code]
        if accept:
            services.accept_transfer(transfer=transfer, by=receiver, note="已核实居住地址，同意接收")
            life.office = transfer.to_office.code
        else:
            services.decline_transfer(transfer=transfer, by=receiver, note="经核实，该人员未在本辖区实际居住")

    def _accept(self, life: Life, step: Step) -> None:
        self._decide(life, step, accept=True)

    def _decline(self, life: Life, step: Step) -> None:
        self._decide(life, step, accept=False)

    def _close(self, life: Life, step: Step) -> None:
        services.close_case(
            case=self.case(life),
            reason=step.args["reason"],
            closed_on=step.on,
            detail=step.args["detail"],
            by=self.officer(life),
        )


def _gusu_officer(users: dict[str, User], office: Organisation, password: str | None) -> User:
    """The officer of 姑苏区示范街道 (the hand-over demo adds them; so does this, if it runs first)."""
    if GUSU_OFFICER.username in users:
        return users[GUSU_OFFICER.username]
    existing = User.objects.filter(role=Role.OFFICE_OFFICER, organisation=office, is_active=True).order_by("id").first()
    if existing is not None:
        return existing
    return add_gusu_officer(password)


def _extra_lives(rng: random.Random, today: dt.date, *, start: int, empty: bool) -> list[Life]:
    """People the office backfills: cases managed away from the hukou place (双列管), cases opened more than five
    years ago (their period runs out in the window), and, when the hand-over demo opened nothing, a set of its own."""
    lives: list[Life] = []
    used: set[str] = set()

    def add(hukou: str, residence: str, opened: dt.date, key: bool, scenario: str) -> None:
        person = _backfill_person(rng, hukou=hukou, residence=residence, opened=opened)
        while person.id_number in used:
            person.id_number = id_number(rng, area=hukou[:6], birth=person.birth_date or opened, male=True)
            person.gender = "male"
        used.add(person.id_number)
        released = opened - dt.timedelta(days=_r(rng, 0, 10))
        lives.append(
            Life(
                index=start + len(lives),
                case_id=None,
                opened_on=opened,
                office=OFFICE[residence],
                township=residence,
                key=key,
                scenario=scenario,
                backfill=handover_services.BackfillData(
                    person=person,
                    released_on=released,
                    checked_in_on=opened,
                    method="self_reported" if rng.random() < 0.7 else "family_accompanied",
                    offence=rng.choice(NEW_OFFENCES),
                    facility_name="江苏省示范监狱",
                    key_target=key,
                ),
                backfill_office=OFFICE[hukou],
            )
        )

    # hukou here, living there: the residence office manages, the hukou office keeps seeing the case
    for hukou, residence in ((T0, T1), (T0, T2), (T2, T0), (T2, T1), (T3, T0), (T0, T3)) * 2:
        add(hukou, residence, today - dt.timedelta(days=_r(rng, 20, 380)), rng.random() < 0.2, "dual")
    for _ in range(6):
        township = rng.choice((T0, T2, T3))
        add(township, township, today - dt.timedelta(days=5 * 365 + _r(rng, 25, SCAN_DAYS - 10)), False, "expired")
    if empty:
        for _ in range(BACKFILL_WHEN_EMPTY):
            township = rng.choice((T0, T0, T2, T2, T3))
            add(township, township, today - dt.timedelta(days=_r(rng, 0, HISTORY_DAYS)), rng.random() < 0.16, "normal")
    # a synthetic ID number that happens to be taken already would find that person (and their open case)
    taken = set(
        Person.objects.filter(
            id_number_hash__in=[id_number_hash(life.backfill.person.id_number) for life in lives if life.backfill]
        ).values_list("id_number_hash", flat=True)
    )
    return [life for life in lives if life.backfill and id_number_hash(life.backfill.person.id_number) not in taken]


def already_built() -> bool:
    """True once the case demo (or anyone) has written a case event other than the opening."""
    return CaseEvent.objects.exclude(action="opened").exists()


def case_counts() -> dict[str, int]:
    """What the demo shows, per state (the same figures whether it was built now or before)."""
    today = timezone.localdate()
    counts: dict[str, int] = {"cases": Case.objects.count()}
    for row in Case.objects.values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    for row in Case.objects.filter(status="closed").values("closure_reason").annotate(n=Count("id")).order_by():
        counts[f"closed_{row['closure_reason']}"] = row["n"]
    open_cases = Case.objects.filter(status__in=Case.OPEN)
    counts["key"] = open_cases.filter(level=Case.Level.KEY).count()
    counts["dual_managed"] = (
        open_cases.filter(hukou_office__isnull=False).exclude(hukou_office=F("managing_office")).count()
    )
    counts["settled"] = open_cases.filter(settlement_status__in=Case.SETTLED).count()
    counts["settled_percent"] = round(100 * counts["settled"] / max(1, open_cases.count()))
    counts["visit_overdue"] = open_cases.filter(next_visit_due__lt=today).count()
    counts["visits"] = Visit.objects.count()
    counts["group_members"] = GroupMember.objects.count()
    counts["agreements"] = Agreement.objects.count()
    counts["risk_assessments"] = RiskAssessment.objects.count()
    counts["settlement_records"] = SettlementRecord.objects.count()
    for row in Transfer.objects.values("status").annotate(n=Count("id")).order_by():
        counts[f"transfers_{row['status']}"] = row["n"]
    for row in TraceRequest.objects.values("status").annotate(n=Count("id")).order_by():
        counts[f"traces_{row['status']}"] = row["n"]
    counts["traces_to_police"] = TraceRequest.objects.filter(to_organisation__kind="public_security").count()
    counts["traces_escalated"] = TraceRequest.objects.filter(escalated_on__isnull=False).count()
    counts["events"] = CaseEvent.objects.count()
    return counts


@contextlib.contextmanager
def _no_query_log() -> Iterator[None]:
    """Demo only: under DEBUG, Django keeps a copy of every SQL statement and, on SQLite, runs one more query to
    quote its parameters for that copy. The builder runs some 40,000 statements in one process and nobody reads the
    copies: turning the log off while it runs saves about a third of its time (28 s to 20 s on the 2-core machine).
    Django reads ``settings.DEBUG`` for this on every statement; nothing else runs in this process meanwhile."""
    debug = settings.DEBUG
    settings.DEBUG = False
    try:
        yield
    finally:
        settings.DEBUG = debug


def build_cases_demo(*, seed: int = 2026, password: str | None = None) -> dict[str, int]:
    """Give the demo cases a life (see the module docstring); do nothing if it was done before.

    Needs the demo directory (``directory.demo.build_directory``); run after ``handover.demo.build_handover_demo``.
    ``password`` is given to the one user this may add (the 姑苏 office officer, if the hand-over demo did not);
    without it that user gets a random one. Returns the counts per state, with ``created`` 1 or 0 and ``seconds``.
    """
    with _no_query_log(), transaction.atomic():
        return _build(seed=seed, password=password)


def _build(*, seed: int, password: str | None) -> dict[str, int]:
    started = time.perf_counter()
    if already_built():
        return {**case_counts(), "created": 0, "seconds": 0}
    clock = timezone.now()
    today = timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 (synthetic data from a fixed seed, not a secret)
    player = _Player(today=today, clock=clock, password=password)

    # demo only: the hand-over demo stamps the "opened" event with the time it ran; move it to the check-in day
    existing = list(Case.objects.order_by("id").values_list("id", "opened_on", "managing_office__code", "level"))
    for opened_on in sorted({row[1] for row in existing}):
        if opened_on < today:
            CaseEvent.objects.filter(action="opened", case__opened_on=opened_on).exclude(at__date=opened_on).update(
                at=player.stamp(opened_on, 10)
            )

    lives = [
        Life(
            index=i,
            case_id=case_id,
            opened_on=opened_on,
            office=office,
            township=office[3:] + "000",
            key=level == Case.Level.KEY,
            scenario="normal",
        )
        for i, (case_id, opened_on, office, level) in enumerate(existing)
        if office in player.officers
    ]
    lives += _extra_lives(rng, today, start=len(lives), empty=not existing)
    _assign(rng, lives, today)
    offices = {code: code for code in player.officers if code != OFFICE[T1]}  # transfers go where someone answers
    for life in lives:
        if life.backfill is not None:
            life.steps.append(Step(life.opened_on, "backfill"))
        life.steps += _life_steps(rng, life, today, offices)

    agenda = sorted(
        ((step.on, life.index, order, life, step) for life in lives for order, step in enumerate(_ordered(life.steps))),
        key=lambda item: (item[0], item[1], item[2]),
    )
    position = 0
    nights = _scan_nights(lives, today)
    for day in sorted({item[0] for item in agenda} | nights):
        if day in nights:
            found = services.scan_cases(as_of=day)
            if any(found.values()) and day < today:
                CaseEvent.objects.filter(at__gte=clock).update(at=player.stamp(day, 1))
        while position < len(agenda) and agenda[position][0] == day:
            _on, _index, _order, life, step = agenda[position]
            player.play(life, step)
            position += 1
        player.end_of_day(day)
    return {**case_counts(), "created": 1, "seconds": round(time.perf_counter() - started)}


def _scan_nights(lives: list[Life], today: dt.date) -> set[dt.date]:
    """The nights the nightly scan is replayed: every Monday of the last ``SCAN_DAYS`` days, the last two weeks, and
    the nights something falls due by plan (contact lost, a period ending, a trace request overdue).
    It is the production job; the skipped nights would find nothing, so the result is the same as running it every
    night, in a fraction of the time."""
    first = today - dt.timedelta(days=SCAN_DAYS)
    nights = {today - dt.timedelta(days=n) for n in range(14)}
    nights |= {first + dt.timedelta(days=n) for n in range(SCAN_DAYS) if (first + dt.timedelta(days=n)).weekday() == 0}
    for life in lives:
        visits = [s for s in life.steps if s.action == "visit"]
        if life.scenario.startswith("lost_auto"):
            nights.add((_last_met(visits) or life.opened_on) + dt.timedelta(days=_lost_after(life.key, today) + 1))
        if life.period_end is not None:
            nights.add(life.period_end + dt.timedelta(days=1))
        for step in life.steps:
            if step.action == "trace":
                due = deadline("trace_response_days", start=step.on, region=life.township)
                nights.add(due + dt.timedelta(days=1))
    return {night for night in nights if first <= night <= today}


ORDER = ("backfill", "group", "agreement", "risk", "settlement", "visit", "lose", "trace", "answer", "restore")


def _ordered(steps: list[Step]) -> list[Step]:
    """Steps of one day in the order an office would take them (a group before its agreement, a visit before the
    decision that contact is lost); the sort of the agenda is stable within a day and case."""
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(steps, key=lambda s: (s.on, rank.get(s.action, len(ORDER))))


def cases_step(context: DemoContext) -> Sequence[str]:
    """The demo step (cases.contrib), after the hand-over's: it gives the cases opened at check-in a life."""
    counts = build_cases_demo(password=context.password)
    shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k not in ("created", "seconds"))
    return [f"cases demo: {shown}"]
