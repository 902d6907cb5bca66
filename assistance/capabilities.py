"""Who may do what in the assistance area: one rule each, asked by pages and services alike through
``core.areas.can`` / ``require`` (registered in ``assistance/contrib.py``).

The office asks, the department decides: the managing office (and its county) writes the case's briefing,
assessment, referrals and ledger; a social worker of the group also records employment services; only the
department a referral is addressed to decides it. A volunteer reads the tab but creates no referral and no ledger
entry. A partner officer never reads a case: only the referrals sent to their department (``Referral.visible_to``).
"""

from __future__ import annotations

from typing import Any

from cases.capabilities import in_group, is_case_officer
from core.areas import Capability
from directory.models import OFFICER_ROLES, Role, User

READ = "assistance.read"  # obj: the Case: the 救助与就业 tab
MANAGE = "assistance.manage"  # obj: the Case: briefing, assessment, referrals, placements, ledger
EMPLOYMENT = "assistance.employment"  # obj: the Case: employment profile and services
EDUCATE = "assistance.educate"  # obj: the ReleaseNotice: the facility records the pre-release education
RESPOND = "assistance.referral.respond"  # obj: the Referral: the addressed department decides
LINK = "assistance.referral.link"  # obj: the Referral: issue a one-time link for a partner without an account
READ_AMOUNTS = "assistance.amounts.read"  # obj: the Case: the aid ledger and the amounts of benefits granted


def may_read(user: User, case: Any) -> bool:
    # the officers who reach the case (the selector has checked the reach), and its assistance group
    return user.role in OFFICER_ROLES or (user.role in (Role.SOCIAL_WORKER, Role.VOLUNTEER) and in_group(user, case))


def may_read_amounts(user: User, case: Any) -> bool:
    # a volunteer helps the person and reads neither the ledger nor what a benefit pays
    return may_read(user, case) and user.role != Role.VOLUNTEER


def may_manage(user: User, case: Any) -> bool:
    return is_case_officer(user, case)


def may_record_employment(user: User, case: Any) -> bool:
    return is_case_officer(user, case) or (user.role == Role.SOCIAL_WORKER and in_group(user, case))


def may_educate(user: User, notice: Any) -> bool:
    return user.role == Role.FACILITY_LIAISON and user.organisation_id == notice.facility_id


def may_respond(user: User, referral: Any) -> bool:
    return user.role == Role.PARTNER_OFFICER and user.organisation_id == referral.to_organisation_id


def may_issue_link(user: User, referral: Any) -> bool:
    return is_case_officer(user, referral.case)


CAPABILITIES = [
    Capability(READ, may_read),
    Capability(MANAGE, may_manage),
    Capability(EMPLOYMENT, may_record_employment),
    Capability(EDUCATE, may_educate),
    Capability(RESPOND, may_respond),
    Capability(LINK, may_issue_link),
    Capability(READ_AMOUNTS, may_read_amounts),
]
