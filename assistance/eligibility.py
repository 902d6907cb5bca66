"""Eligibility hints (资格提示) of a needs assessment: pure functions over what the office recorded and the policy
values in force for the case's region on the day of the assessment. Hints, never decisions: the department decides
on the referral (seed §4: "the office asks; the department decides").

The rules (issue 11 item 3; the age limits from 《特困人员认定办法》(民发〔2021〕43号) art. 4, the 低保 line set by each
city or county, working age from 《劳动法》 art. 15 to the statutory retirement age):

- 特困 ``tekun``: (age ≥ ``tekun_age_from``, or age < ``tekun_age_under``, or unable to work through a disability)
  and no income and nobody legally obliged and able to support them;
- 低保 ``dibao``: income per head (household income ÷ household size) strictly below ``dibao_line_monthly``;
- 临时救助 ``temporary_aid``: a sudden hardship;
- 就业援助 ``employment_aid``: of working age (``working_age_from`` ≤ age < ``working_age_to``), able to work, and
  unemployed.

Each hint carries the rule that produced it, as a sentence naming the values used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from assistance.models import Scheme
from directory.policy import policy_value

CENT = Decimal("0.01")
POLICY_NAMES = ("tekun_age_from", "tekun_age_under", "dibao_line_monthly", "working_age_from", "working_age_to")


@dataclass(frozen=True)
class Needs:
    """What the assessment recorded, with the age on the day of it."""

    age: int
    income_monthly: Decimal  # the household's, yuan a month
    household_size: int
    can_work: bool
    disability: bool
    has_supporter: bool
    sudden_hardship: bool
    unemployed: bool


@dataclass(frozen=True)
class Policy:
    """The policy values the rules use, as in force for one region on one day."""

    tekun_age_from: int
    tekun_age_under: int
    dibao_line_monthly: int
    working_age_from: int
    working_age_to: int


@dataclass(frozen=True)
class Hint:
    scheme: str
    rule: str

    def as_dict(self) -> dict[str, str]:
        return {"scheme": self.scheme, "rule": self.rule}


def policy_for(*, region: str, on: dt.date) -> Policy:
    """The values in force for ``region`` on ``on`` (the rules of the day of the assessment, DESIGN §4)."""
    return Policy(**{name: policy_value(name, region=region, on=on) for name in POLICY_NAMES})


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Full years (周岁) on ``on``: the birthday itself counts (born 29 Feb: 1 Mar in other years)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def income_per_head(needs: Needs) -> Decimal:
    return (needs.income_monthly / needs.household_size).quantize(CENT, rounding=ROUND_HALF_UP)


def tekun(needs: Needs, policy: Policy) -> Hint | None:
    if needs.age >= policy.tekun_age_from:
        why = f"年满 {policy.tekun_age_from} 周岁（{needs.age} 岁）"
    elif needs.age < policy.tekun_age_under:
        why = f"未满 {policy.tekun_age_under} 周岁（{needs.age} 岁）"
    elif needs.disability and not needs.can_work:
        why = "因残疾丧失劳动能力"
    else:
        return None
    if needs.income_monthly > 0 or needs.has_supporter:
        return None
    return Hint(Scheme.TEKUN.value, f"{why}，无收入，无法定赡养、抚养、扶养义务人或其无履行能力")


def dibao(needs: Needs, policy: Policy) -> Hint | None:
    # compared exactly (income < line × size), not on the rounded figure the sentence shows
    if needs.income_monthly >= policy.dibao_line_monthly * needs.household_size:
        return None
    per_head = income_per_head(needs)
    return Hint(
        Scheme.DIBAO.value,
        f"人均月收入 {per_head:.2f} 元，低于本地低保标准 {policy.dibao_line_monthly} 元"
        f"（家庭月收入 {needs.income_monthly:.2f} 元，共 {needs.household_size} 人）",
    )


def temporary_aid(needs: Needs, policy: Policy) -> Hint | None:
    if not needs.sudden_hardship:
        return None
    return Hint(Scheme.TEMPORARY_AID.value, "遭遇突发性、临时性生活困难")


def employment_aid(needs: Needs, policy: Policy) -> Hint | None:
    if not (policy.working_age_from <= needs.age < policy.working_age_to and needs.can_work and needs.unemployed):
        return None
    return Hint(
        Scheme.EMPLOYMENT_AID.value,
        f"{needs.age} 岁，处于劳动年龄（{policy.working_age_from} 至 {policy.working_age_to} 周岁），"
        "有劳动能力，目前失业",
    )


RULES = (tekun, dibao, temporary_aid, employment_aid)


def hints(needs: Needs, policy: Policy) -> list[Hint]:
    """Every hint the rules give, in the order of ``RULES``."""
    return [hint for rule in RULES if (hint := rule(needs, policy)) is not None]
