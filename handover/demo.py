"""Synthetic hand-over demo data (DESIGN §7): several hundred made-up people in every state of the hand-over.

Never real people: names, ID numbers (random, with a valid GB 11643 check digit) and addresses are made up by
``core.synthetic``. A fixed seed gives the same people on every machine.

The history is *played*, not written: every person has a plan of dated steps (notice sent, verified or returned,
routed, released with or without escort, checked in, withdrawn, backfilled), and the builder walks the calendar
from the oldest step to today, calling the hand-over services for each step and running the nightly deadline scan
(``scan_deadlines``) for each day, so the events, audit rows, alerts and missed intakes are the real ones.

Demo only: the services take "today" from the clock (``timezone.localdate()``) for a few dates they stamp
(``verified_on``, a routed notice's new ``verify_by``, a backfill's ``sent_on``, alert dates, event times). After
each step dated in the past, the builder moves those stamps back to the step's day with a queryset ``.update()``.
Audit rows keep their real time: they record when the demo wrote them, and the hash chain must not be touched.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from core.areas import DemoContext
from core.audit import Actor
from core.idnumbers import id_number_hash
from core.synthetic import SURNAMES, id_number, person_name, street_address
from directory.demo import GUSU_OFFICER, TOWNSHIPS, XUANWU, add_gusu_officer
from directory.models import Organisation, Role, User
from directory.policy import deadline
from handover import services
from handover.models import Alert, NoticeEvent, ReleaseNotice
from people.models import Person
from people.services import PersonData

DEFAULT_SIZE = 360
HISTORY_DAYS = 425  # about 14 months of releases, so the monthly trend has a shape
CHECK_IN_DAYS = 30  # check_in_within_days, the national default (DESIGN §4); the demo regions override nothing

OFFENCES = (
    ("盗窃罪", 30),
    ("诈骗罪", 16),
    ("故意伤害罪", 12),
    ("贩卖毒品罪", 10),
    ("抢劫罪", 7),
    ("寻衅滋事罪", 7),
    ("交通肇事罪", 5),
    ("开设赌场罪", 5),
    ("合同诈骗罪", 4),
    ("职务侵占罪", 4),
)
KEY_REASONS = ("涉毒", "暴力犯罪", "有重新犯罪倾向", "三无人员", "累犯")
NEEDS = ("就业", "住房", "低保", "医疗", "技能培训", "心理疏导")
EDUCATION = ("vocational_skills", "job_seeking", "social_adaptation", "mental_health", "policy_briefing")
WITHDRAW_REASONS = ("减刑后释放日期变更，重新发送", "调往其他监所服刑", "又犯新罪，另案处理")
RETURN_NOTES = {
    "not_ours": "经核查，该人员户籍已迁出本辖区",
    "identity_mismatch": "身份证号码与户籍信息不符，请监所核实",
}
# hukou: the four demo townships, and a few registered only at 玄武区 (routed by the county bureau)
HUKOU_WEIGHTS = ((TOWNSHIPS[0], 33), (TOWNSHIPS[1], 21), (TOWNSHIPS[2], 25), (TOWNSHIPS[3], 16), (XUANWU, 5))
OTHER_ISSUE_AREAS = ("320106", "320111", "320113", "340102", "370102")


@dataclass
class Step:
    on: dt.date
    action: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    index: int
    person: PersonData
    key_target: bool
    offence: str
    sentence_months: int
    expected_release: dt.date
    steps: list[Step]
    reasons: list[str]
    needs: list[str]
    education: list[str]
    risk_level: str


@dataclass
class DemoResult:
    created: bool
    counts: dict[str, int]
    alerts: int
    seconds: float


# --- synthetic people -------------------------------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _person(rng: random.Random, used: set[str]) -> PersonData:
    male = rng.random() < 0.88  # most people leaving prison are men
    name = person_name(rng, male=male)
    hukou = _weighted(rng, HUKOU_WEIGHTS)
    birth = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 42))
    area = hukou[:6] if rng.random() < 0.9 else rng.choice(OTHER_ISSUE_AREAS)
    number = id_number(rng, area=area, birth=birth, male=male)
    while number in used:
        number = id_number(rng, area=area, birth=birth, male=male)
    used.add(number)
    return PersonData(
        name=name,
        gender="male" if male else "female",
        birth_date=birth,
        id_number=number,
        hukou_region=hukou,
        residence_region=hukou,
        residence_address=street_address(rng),
    )


# --- plans ------------------------------------------------------------------------------------------------------------


def _release_day(rng: random.Random, today: dt.date) -> dt.date:
    """A past release day within the history window; more releases in winter (before the Spring Festival)."""
    while True:
        day = today - dt.timedelta(days=rng.randrange(1, HISTORY_DAYS))
        weight = 1 + 0.45 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 20) / 365)
        if rng.random() * 1.45 < weight:
            return day


def _escort(rng: random.Random, key_target: bool, age: float) -> dict[str, Any] | None:
    """Key targets are fetched at the gate (必接必送), though not always: escorts improve over the year."""
    if not key_target:
        return None if rng.random() < 0.7 else {"escorted": False}
    if rng.random() < 0.82 + 0.14 * (1 - age):
        return {
            "escorted": True,
            "staff": [f"司法所{rng.choice(SURNAMES)}干部", f"村（居）委会{rng.choice(SURNAMES)}主任"],
            "family": [rng.choice(("父亲", "母亲", "配偶", "兄长", "姐姐"))],
            "vehicle": f"苏A·{rng.randrange(10000, 99999)}",
        }
    return None if rng.random() < 0.5 else {"escorted": False}


def _released_history(
    rng: random.Random, today: dt.date, released: dt.date, key_target: bool, hukou: str
) -> list[Step]:
    """Steps of someone released on ``released``: notice, verification, release, and the check-in (or not)."""
    age = (today - released).days / HISTORY_DAYS  # 1: the oldest, 0: today
    sent = released - dt.timedelta(days=rng.randrange(30, 62))
    steps = [Step(sent, "send")]
    released_unverified = rng.random() < 0.04
    if hukou == XUANWU:
        # registered at the county only: the county bureau returns it to itself for routing, then routes it
        steps += [
            Step(sent + dt.timedelta(days=rng.randrange(1, 4)), "return", {"result": "not_ours", "county": True}),
            Step(sent + dt.timedelta(days=rng.randrange(4, 7)), "route", {"office": TOWNSHIPS[rng.randrange(2)]}),
        ]
        if not released_unverified:
            steps.append(Step(sent + dt.timedelta(days=rng.randrange(8, 20)), "verify"))
    elif not released_unverified:
        steps.append(Step(sent + dt.timedelta(days=rng.randrange(1, 15)), "verify"))
    steps.append(Step(released, "release", {"escort": _escort(rng, key_target, age)}))
    if released_unverified and rng.random() < 0.7:
        steps.append(Step(min(today, released + dt.timedelta(days=rng.randrange(1, 4))), "verify"))
    check_in_by = released + dt.timedelta(days=CHECK_IN_DAYS)
    # the hand-over improves over the year: fewer missed intakes in recent months
    p_never, p_late = 0.03 + 0.08 * age, 0.03 + 0.05 * age
    draw = rng.random()
    if check_in_by >= today:  # the deadline has not passed yet: some are still expected
        if draw < 0.35:
            return steps
        delay = 0 if key_target else min(int(rng.expovariate(1 / 4)), 29)
        if released + dt.timedelta(days=delay) <= today:
            steps.append(_check_in(rng, released + dt.timedelta(days=delay), steps))
        return steps
    if draw < p_never:
        return steps  # missed, never reported
    if draw < p_never + p_late:
        late = check_in_by + dt.timedelta(days=rng.randrange(2, 75))
        if late <= today:
            steps.append(_check_in(rng, late, steps, on_time=False))
        return steps
    if key_target:
        day = released + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2)))
    else:
        day = released + dt.timedelta(days=min(int(rng.expovariate(1 / 5)), 30))
    steps.append(_check_in(rng, day, steps))
    return steps


def _check_in(rng: random.Random, day: dt.date, steps: list[Step], *, on_time: bool = True) -> Step:
    escort = next((s.args.get("escort") for s in steps if s.action == "release"), None)
    if on_time and escort and escort.get("escorted"):
        method = "escorted"
    else:
        method = "family_accompanied" if rng.random() < 0.3 else "self_reported"
    return Step(day, "check_in", {"method": method})


def build_plans(*, seed: int, size: int, today: dt.date) -> list[Plan]:
    rng = random.Random(seed)  # noqa: S311 (synthetic data from a fixed seed, not a secret)
    used: set[str] = set()
    plans: list[Plan] = []
    recent_first_72h = max(6, size // 50)
    due_soon_sent = _sent_for_due_soon(today)
    for index in range(size):
        person = _person(rng, used)
        hukou = person.hukou_region
        key_target = rng.random() < 0.16
        offence = _weighted(rng, OFFENCES)
        steps: list[Step]
        showcase = index - recent_first_72h
        if 0 <= showcase < len(SHOWCASE):
            # one person in each state for certain, whatever the size and the draw
            kind = SHOWCASE[showcase]
            hukou = XUANWU if kind == "county_waiting" else TOWNSHIPS[(0, 2, 3)[showcase % 3]]
            person.hukou_region = person.residence_region = hukou
            steps, expected = _showcase(kind, today=today, due_soon_sent=due_soon_sent)
        elif index < recent_first_72h:
            # released in the last three days, not yet checked in: the first-72-hours view has people to show
            key_target = index % 2 == 0
            if hukou == XUANWU:  # keep these at a township office (the county-only ones are routed elsewhere)
                person.hukou_region = person.residence_region = TOWNSHIPS[0]
            released = today - dt.timedelta(days=index % 3)
            sent = released - dt.timedelta(days=rng.randrange(30, 50))
            escort = _escort(rng, key_target, 0.0) if index % 4 else {"escorted": False}
            steps = [Step(sent, "send"), Step(sent + dt.timedelta(days=5), "verify")]
            steps.append(Step(released, "release", {"escort": escort}))
            expected = released
        else:
            kind = rng.choices(("released", "pending", "withdrawn", "backfill"), weights=(78, 15, 2, 5))[0]
            if kind == "backfill" and hukou not in (TOWNSHIPS[0], TOWNSHIPS[2], TOWNSHIPS[3]):
                kind = "released"  # a backfill is entered by the office itself; 示范二街道 has no demo office user
            if kind == "released":
                released = _release_day(rng, today)
                steps = _released_history(rng, today, released, key_target, hukou)
                expected = released
            elif kind == "backfill":
                released = _release_day(rng, today)
                reported = min(today, released + dt.timedelta(days=rng.choice((3, 8, 15, 26, 45))))
                steps = [Step(reported, "backfill", {"released_on": released})]
                expected = released
            elif kind == "withdrawn":
                sent = today - dt.timedelta(days=rng.randrange(20, HISTORY_DAYS))
                steps = [
                    Step(sent, "send"),
                    Step(sent + dt.timedelta(days=rng.randrange(3, 15)), "withdraw"),
                ]
                expected = sent + dt.timedelta(days=rng.randrange(35, 60))
            else:
                steps, expected = _pending(rng, today, hukou)
        plans.append(
            Plan(
                index=index,
                person=person,
                key_target=key_target,
                offence=offence,
                sentence_months=rng.randrange(8, 121),
                expected_release=expected,
                steps=steps,
                reasons=rng.sample(KEY_REASONS, rng.choice((1, 2))) if key_target else [],
                needs=rng.sample(NEEDS, rng.randrange(0, 3)),
                education=rng.sample(EDUCATION, rng.randrange(1, 4)),
                risk_level=rng.choice(("high", "medium")) if key_target else rng.choice(("low", "low", "medium", "")),
            )
        )
    return plans


SHOWCASE = (
    "due_soon",
    "overdue",
    "verified",
    "returned",
    "county_waiting",
    "withdrawn",
    "backfill",
    "late",
    "missed",
    "on_time",
)


def _sent_for_due_soon(today: dt.date) -> dt.date:
    """A sending day whose 15-working-day verification deadline falls in the next three days."""
    for back in range(15, 40):
        sent = today - dt.timedelta(days=back)
        if today < deadline("verify_within_days", start=sent, region=TOWNSHIPS[0]) <= today + dt.timedelta(days=3):
            return sent
    return today - dt.timedelta(days=19)


def _showcase(kind: str, *, today: dt.date, due_soon_sent: dt.date) -> tuple[list[Step], dt.date]:
    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    expected = today + dt.timedelta(days=20)
    if kind == "due_soon":
        return [Step(due_soon_sent, "send")], expected
    if kind == "overdue":
        return [Step(ago(40), "send")], expected
    if kind == "verified":
        return [Step(ago(12), "send"), Step(ago(8), "verify")], expected
    if kind == "returned":
        return [Step(ago(12), "send"), Step(ago(9), "return", {"result": "not_ours"})], expected
    if kind == "county_waiting":
        return [Step(ago(3), "send")], expected
    if kind == "withdrawn":
        return [Step(ago(15), "send"), Step(ago(6), "withdraw")], expected
    if kind == "backfill":
        return [Step(ago(50), "backfill", {"released_on": ago(60)})], ago(60)
    released = ago(120 if kind == "late" else 90)
    steps = [Step(released - dt.timedelta(days=40), "send"), Step(released - dt.timedelta(days=35), "verify")]
    steps.append(Step(released, "release", {"escort": None}))
    if kind == "late":
        steps.append(Step(released + dt.timedelta(days=CHECK_IN_DAYS + 15), "check_in", {"method": "self_reported"}))
    elif kind == "on_time":
        steps.append(Step(released + dt.timedelta(days=3), "check_in", {"method": "family_accompanied"}))
    return steps, released


def _pending(rng: random.Random, today: dt.date, hukou: str) -> tuple[list[Step], dt.date]:
    """Not released yet: awaiting verification (some due soon, some overdue), verified, or returned."""
    expected = today + dt.timedelta(days=rng.randrange(1, 60))
    if hukou == XUANWU:
        # at the county bureau, waiting for it to route the notice
        return [Step(today - dt.timedelta(days=rng.randrange(0, 20)), "send")], expected
    draw = rng.random()
    if draw < 0.5:
        # the 15-working-day deadline: sent 0-14 days ago is in time, 17-22 falls due, 24+ is overdue
        return [Step(today - dt.timedelta(days=rng.randrange(0, 30)), "send")], expected
    sent = today - dt.timedelta(days=rng.randrange(4, 40))
    answered = min(today, sent + dt.timedelta(days=rng.randrange(1, 10)))
    if draw < 0.85:
        return [Step(sent, "send"), Step(answered, "verify")], expected
    result = rng.choice(("not_ours", "identity_mismatch"))
    return [Step(sent, "send"), Step(answered, "return", {"result": result})], expected


# --- playing the plans ------------------------------------------------------------------------------------------------


class _Player:
    """Calls the services for each step, as the user who would take it, and moves the clock stamps back (demo only)."""

    def __init__(self, *, today: dt.date, started: dt.datetime, password: str | None) -> None:
        self.today = today
        self.started = started
        users = {u.username: u for u in User.objects.select_related("organisation__region")}
        self.facility = Actor(users["facility_liaison"])
        self.county = Actor(users["county_officer"])
        # any officer of that office will do (the test personas have one); only without one does the demo add its own
        gusu = users.get(GUSU_OFFICER.username) or next(
            (
                u
                for u in sorted(users.values(), key=lambda u: u.pk)
                if u.role == Role.OFFICE_OFFICER
                and u.is_active
                and u.organisation
                and u.organisation.code == GUSU_OFFICER.organisation
            ),
            None,
        )
        if gusu is None:
            gusu = add_gusu_officer(password)
        self.office_by_township = {
            TOWNSHIPS[0]: Actor(users["office_officer"]),
            TOWNSHIPS[1]: self.county,  # no office user in 示范二街道: the county officer acts for it (DESIGN §1)
            TOWNSHIPS[2]: Actor(users["office_officer_b"]),
            TOWNSHIPS[3]: Actor(gusu),
        }
        self.offices = {o.code: o for o in Organisation.objects.filter(kind=Organisation.Kind.JUSTICE_OFFICE)}
        self.notices: dict[int, ReleaseNotice] = {}

    def receiver(self, notice: ReleaseNotice) -> Actor:
        if notice.region_id in self.office_by_township:
            return self.office_by_township[notice.region_id]
        return self.county  # a notice held at 玄武区's bureau

    def play(self, plan: Plan, step: Step) -> None:
        action: Callable[[Plan, Step], ReleaseNotice] = getattr(self, f"_{step.action}")
        notice = action(plan, step)
        self.notices[plan.index] = notice
        if step.action == "route" and step.on < self.today:
            # demo only: the new verification deadline runs from the day of the routing, not from today
            new_deadline = deadline("verify_within_days", start=step.on, region=notice.region_id)
            ReleaseNotice.objects.filter(pk=notice.pk).update(verify_by=new_deadline)

    def _send(self, plan: Plan, step: Step) -> ReleaseNotice:
        data = services.NoticeData(
            person=plan.person,
            expected_release_date=plan.expected_release,
            offence=plan.offence,
            sentence_months=plan.sentence_months,
            key_target=plan.key_target,
            key_target_reasons=plan.reasons,
            needs=plan.needs,
            risk_level=plan.risk_level,
            pre_release_education=plan.education,
        )
        return services.send_release_notice(data=data, by=self.facility, today=step.on)

    def _verify(self, plan: Plan, step: Step) -> ReleaseNotice:
        notice = self.notices[plan.index]
        return services.verify_notice(notice=notice, result="confirmed", by=self.receiver(notice))

    def _return(self, plan: Plan, step: Step) -> ReleaseNotice:
        notice = self.notices[plan.index]
        result = step.args["result"]
        note = "户籍仅登记到区，经查实际居住地在所辖街道，退回改派" if step.args.get("county") else RETURN_NOTES[result]
        return services.verify_notice(notice=notice, result=result, note=note, by=self.receiver(notice))

    def _route(self, plan: Plan, step: Step) -> ReleaseNotice:
        notice = self.notices[plan.index]
        office = self.offices[f"SFS{step.args['office'][:9]}"]
        return services.route_notice(notice=notice, office=office, by=self.county, note="按实际居住地改派")

    def _release(self, plan: Plan, step: Step) -> ReleaseNotice:
        escort = step.args.get("escort")
        return services.record_release(
            notice=self.notices[plan.index],
            released_on=step.on,
            escort=services.Escort(**escort) if escort else None,
            by=self.facility,
        )

    def _check_in(self, plan: Plan, step: Step) -> ReleaseNotice:
        notice = self.notices[plan.index]
        services.check_in(notice=notice, checked_in_on=step.on, method=step.args["method"], by=self.receiver(notice))
        return notice

    def _withdraw(self, plan: Plan, step: Step) -> ReleaseNotice:
        reason = WITHDRAW_REASONS[plan.index % len(WITHDRAW_REASONS)]
        return services.withdraw_notice(notice=self.notices[plan.index], reason=reason, by=self.facility)

    def _backfill(self, plan: Plan, step: Step) -> ReleaseNotice:
        office = self.office_by_township[str(plan.person.hukou_region)]
        data = services.BackfillData(
            person=plan.person,
            released_on=step.args["released_on"],
            checked_in_on=step.on,
            method="self_reported",
            offence=plan.offence,
            facility_name="外省监狱",
            key_target=plan.key_target,
        )
        opened = services.backfill(data=data, by=office)
        return ReleaseNotice.objects.get(pk=opened["notice_id"])

    def end_of_day(self, day: dt.date) -> None:
        """Demo only: the stamps the services took from today's clock during ``day``, moved back to ``day``.

        Every earlier day's stamps were moved already, so whatever still carries today's date (or a time after the
        build started) was written during ``day``: five UPDATEs a day rather than five per step.
        """
        today = self.today
        if day >= today:
            return
        at = dt.datetime.combine(day, dt.time(9, 30), tzinfo=timezone.get_current_timezone())
        NoticeEvent.objects.filter(at__gte=self.started).update(at=at)
        Alert.objects.filter(raised_on=today).update(raised_on=day)
        Alert.objects.filter(resolved_on=today).update(resolved_on=day)
        ReleaseNotice.objects.filter(verified_on=today).update(verified_on=day)
        ReleaseNotice.objects.filter(backfilled=True, sent_on=today).update(sent_on=day, verify_by=day)


def scan_nights(plans: list[Plan], *, today: dt.date) -> set[dt.date]:
    """The nights the deadline scan runs in the replay: every Monday (for the alerts it raises along the way), the
    last two weeks, and each night after a check-in deadline that someone misses. The scan is the same set-based job
    as in production; running it only on these nights instead of all ~480 gives the same missed intakes (nobody
    else is past a deadline on the skipped nights), in a quarter of the time."""
    first = min(step.on for plan in plans for step in plan.steps)
    nights = {today - dt.timedelta(days=n) for n in range(14)}
    nights |= {
        first + dt.timedelta(days=n)
        for n in range((today - first).days)
        if (first + dt.timedelta(days=n)).weekday() == 0
    }
    for plan in plans:
        release = next((step.on for step in plan.steps if step.action == "release"), None)
        if release is None:
            continue
        check_in = next((step.on for step in plan.steps if step.action == "check_in"), None)
        deadline_passed = release + dt.timedelta(days=CHECK_IN_DAYS + 1)
        if (check_in is None or check_in >= deadline_passed) and deadline_passed <= today:
            nights.add(deadline_passed)
    return nights


def demo_loaded(*, seed: int = 2026) -> bool:
    """True when this seed's people are already in the database (the first person's ID number is the mark)."""
    first = _person(random.Random(seed), set())  # noqa: S311 (the same draw as build_plans)
    return Person.objects.filter(id_number_hash=id_number_hash(first.id_number)).exists()


def status_counts() -> dict[str, int]:
    rows = ReleaseNotice.objects.values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}


def build_handover_demo(
    *, seed: int = 2026, size: int = DEFAULT_SIZE, today: dt.date | None = None, password: str | None = None
) -> DemoResult:
    """Create the demo people and play their hand-over up to today; do nothing if this seed's people exist.

    Needs the demo directory (``directory.demo.build_directory``). ``password`` is given to the one user this adds
    (the 姑苏 office officer); without it that user gets a random one.
    """
    clock = timezone.now()
    today = today or timezone.localdate()
    if demo_loaded(seed=seed):
        return DemoResult(created=False, counts=status_counts(), alerts=Alert.objects.count(), seconds=0.0)
    plans = build_plans(seed=seed, size=size, today=today)
    agenda = sorted(
        ((step.on, plan.index, order, plan, step) for plan in plans for order, step in enumerate(plan.steps)),
        key=lambda item: (item[0], item[1], item[2]),
    )
    with transaction.atomic():
        player = _Player(today=today, started=clock, password=password)
        nights = scan_nights(plans, today=today)
        position = 0
        for day in sorted({item[0] for item in agenda} | nights):
            # the nightly scan first: a check-in on the day after the deadline is already a late one
            if day in nights:
                services.scan_deadlines(as_of=day)
            while position < len(agenda) and agenda[position][0] == day:
                _on, _index, _order, plan, step = agenda[position]
                player.play(plan, step)
                position += 1
            player.end_of_day(day)
        services.scan_deadlines(as_of=today)
    counts = Counter(status_counts())
    return DemoResult(
        created=True,
        counts=dict(counts),
        alerts=Alert.objects.count(),
        seconds=(timezone.now() - clock).total_seconds(),
    )


def handover_step(context: DemoContext) -> Sequence[str]:
    """The demo step (handover.contrib): ``context.size`` people, ``DEFAULT_SIZE`` without it."""
    size = DEFAULT_SIZE if context.size is None else context.size
    result = build_handover_demo(password=context.password, size=size)
    counts = ", ".join(f"{status} {n}" for status, n in sorted(result.counts.items()))
    if not result.created:
        return [f"hand-over demo: already loaded ({counts})"]
    return [
        f"hand-over demo: {sum(result.counts.values())} notices ({counts}), {result.alerts} alerts, "
        f"{result.seconds:.1f} s"
    ]
