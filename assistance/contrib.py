"""What the assistance area adds (社会救助与就业帮扶, seed §4): its policy parameters, its capabilities, the
救助与就业 tab of the case page and the details of its timeline rows, the pre-release education on the notice page,
and per part of the work its navigation, home cards, worklist kinds, jobs, metrics, demo and audit labels.

Every timeline action of the area is also an audit action ``case.<action>`` (``assistance.common``), labelled once
here for both the timeline and the audit log."""

from __future__ import annotations

from typing import Any

from assistance import capabilities, demo, links, metrics
from assistance.parameters import PARAMETERS
from cases.hooks import CASE_EVENT_DETAILS, CASE_TABS
from core.areas import Area, DemoStep, HomeCard, Job, NavEntry, WorklistKind
from handover.hooks import NOTICE_SECTIONS

# --- intake: pre-release education, briefing at check-in, needs assessment -------------------------------------------
INTAKE_LABELS: dict[str, Any] = {}

# --- referrals: to partner departments, their decisions, one-time partner links, the nightly scan ---------------------
REFERRAL_NAV: list[NavEntry] = []
REFERRAL_CARDS: list[HomeCard] = []
REFERRAL_WORKLIST: list[WorklistKind] = []
REFERRAL_JOBS: list[Job] = []
REFERRAL_LABELS: dict[str, Any] = {}

# --- employment and the aid ledger ------------------------------------------------------------------------------------
EMPLOYMENT_LABELS: dict[str, Any] = {}

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
