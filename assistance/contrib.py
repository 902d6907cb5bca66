"""What the assistance area adds (社会救助与就业帮扶, seed §4): its policy parameters, its capabilities, the
救助与就业 tab of the case page and the details of its timeline rows, the pre-release education on the notice page,
and per part of the work its navigation, home cards, worklist kinds, jobs, metrics, demo and audit labels.

Every timeline action of the area is also an audit action ``case.<action>`` (``assistance.common``), labelled once
here for both the timeline and the audit log."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from assistance import capabilities, demo, jobs, links, metrics, worklist
from assistance.parameters import PARAMETERS
from cases.hooks import CASE_EVENT_DETAILS, CASE_TABS
from core.areas import Area, DemoStep, HomeCard, Job, NavEntry, WorklistKind
from directory.models import Role
from handover.hooks import NOTICE_SECTIONS

# --- intake: pre-release education, briefing at check-in, needs assessment -------------------------------------------
INTAKE_LABELS: dict[str, Any] = {
    "case.briefing": _("政策告知"),
    "case.needs_assessment": _("需求评估"),
    "notice.education": _("登记出监教育"),
}

# --- referrals: to partner departments, their decisions, one-time partner links, the nightly scan ---------------------
REFERRAL_NAV: list[NavEntry] = [
    NavEntry(_("救助转介"), "assistance:referrals", frozenset({Role.PARTNER_OFFICER}), order=210),
    NavEntry(
        _("救助转介"),
        "assistance:referrals",
        frozenset({Role.OFFICE_OFFICER, Role.COUNTY_OFFICER, Role.CITY_OFFICER, Role.PROVINCE_OFFICER}),
        order=250,
    ),
]
REFERRAL_CARDS: list[HomeCard] = [
    # replaces the card the directory announced for the partner officer's home
    HomeCard(
        "assistance.referrals",
        Role.PARTNER_OFFICER,
        _("待办转介"),
        _("转介到本部门、7 日内到期或已逾期的事项。"),
        url_name="assistance:referrals",
        worklist="assistance.referrals_incoming",
        order=10,
    ),
    HomeCard(
        "assistance.referrals",
        Role.OFFICE_OFFICER,
        _("转介跟进"),
        _("协作部门逾期未回复的转介，和到期待复审的救助。"),
        url_name="assistance:referrals",
        worklist="assistance.referrals_outgoing",
        order=40,
    ),
]
REFERRAL_WORKLIST: list[WorklistKind] = list(worklist.WORKLIST)
# after the case scan: a case it closes tonight keeps its referrals' history, and the county sees both in the morning
REFERRAL_JOBS: list[Job] = [Job("referral_deadlines", jobs.referral_deadlines, after=("case_deadlines",))]
REFERRAL_LABELS: dict[str, Any] = {
    "case.referral_submitted": _("发出救助转介"),
    "case.referral_under_review": _("转介受理审核"),
    "case.referral_approved": _("转介获批准"),
    "case.referral_rejected": _("转介未获批准"),
    "case.referral_review_due": _("救助到期待复审"),
    "case.referral_renewed": _("复审后继续享受救助"),
    "case.referral_ended": _("救助终止"),
    "case.referral_escalated": _("转介逾期督办"),
    "case.partner_link_issued": _("生成协作部门一次性链接"),
    "referral.link_opened": _("打开协作部门一次性链接"),
    "referral.link_decided": _("经一次性链接记录转介决定"),
    "referral.scan": _("转介期限扫描"),
}

# --- employment and the aid ledger ------------------------------------------------------------------------------------
EMPLOYMENT_LABELS: dict[str, Any] = {
    "case.employment_profile": _("就业帮扶档案"),
    "case.employment_service": _("就业服务"),
    "case.placement": _("安置就业"),
    "case.placement_ended": _("就业结束"),
    "case.aid": _("帮扶发放"),
}

# --- the dashboard (a metric family) and the demo --------------------------------------------------------------------
METRICS: list[Any] = [metrics.FAMILY]
DEMO: list[DemoStep] = [DemoStep("assistance", demo.assistance_step, after=("cases",))]

AREA = Area(
    name="assistance",
    nav=[*REFERRAL_NAV],
    cards=[*REFERRAL_CARDS],
    worklist=[*REFERRAL_WORKLIST],
    capabilities=capabilities.CAPABILITIES,
    metrics=METRICS,
    parameters=PARAMETERS,
    jobs=[*REFERRAL_JOBS],
    demo=DEMO,
    hooks={
        CASE_TABS: [links.case_tab],
        CASE_EVENT_DETAILS: [links.event_details],
        NOTICE_SECTIONS: [links.notice_sections],
    },
    audit_labels={**INTAKE_LABELS, **REFERRAL_LABELS, **EMPLOYMENT_LABELS},
)
