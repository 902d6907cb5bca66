"""What the cases add: their pages in the navigation, their home cards, visits, risk reviews, trace responses and
transfers on the worklist, the nightly case scan, the case opened at check-in (``handover.checked_in``) and the link
to it from the notice page (``handover.notice_links``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases import capabilities, demo, jobs, worklist
from cases.links import notice_links
from cases.models import CaseEvent
from cases.services import open_case_at_check_in
from core.areas import Area, DemoStep, HomeCard, Job, NavEntry
from directory.models import OFFICER_ROLES, Role
from handover.hooks import NOTICE_LINKS
from handover.services import CHECKED_IN

R = Role
GROUP = frozenset({R.SOCIAL_WORKER, R.VOLUNTEER})
POLICE = frozenset({R.POLICE_OFFICER})

AREA = Area(
    name="cases",
    nav=[
        NavEntry(_("帮教档案"), "cases:list", OFFICER_ROLES, order=210),
        NavEntry(_("我的帮教对象"), "cases:list", GROUP, order=210),
        NavEntry(_("协查通报"), "cases:traces", POLICE, order=210),
        NavEntry(_("重点帮教对象"), "cases:list", POLICE, order=215),
        NavEntry(
            _("待办事项"), "cases:worklist", frozenset({R.OFFICE_OFFICER, R.COUNTY_OFFICER, *GROUP, *POLICE}), order=220
        ),
        NavEntry(_("协查通报"), "cases:traces", OFFICER_ROLES, order=230),
        NavEntry(_("档案移交"), "cases:transfers", frozenset({R.OFFICE_OFFICER, R.COUNTY_OFFICER}), order=240),
    ],
    cards=[
        HomeCard(
            "cases.visits",
            R.OFFICE_OFFICER,
            _("到期走访"),
            _("本周期内应当走访的帮教对象。"),
            url_name="cases:worklist",
            worklist="cases.visits",
            order=30,
        ),
        *(
            HomeCard(
                "cases.mine",
                role,
                _("我的帮教对象"),
                _("您所在帮教小组负责的人员。"),
                url_name="cases:list",
                count=worklist.my_cases_count,
                order=10,
            )
            for role in GROUP
        ),
        HomeCard(
            "cases.records",
            R.SOCIAL_WORKER,
            _("服务记录"),
            _("个案服务、走访与活动记录。"),
            url_name="cases:worklist",
            order=20,
        ),
        HomeCard(
            "cases.traces",
            R.POLICE_OFFICER,
            _("协查通报"),
            _("发给本单位、尚未反馈的协查请求。"),
            url_name="cases:traces",
            worklist="cases.traces",
            order=10,
        ),
        HomeCard(
            "cases.key_targets",
            R.POLICE_OFFICER,
            _("重点帮教对象"),
            _("本辖区的重点帮教对象名单。"),
            url_name="cases:list",
            order=20,
        ),
    ],
    worklist=worklist.WORKLIST,
    capabilities=capabilities.CAPABILITIES,
    # After the hand-over's scan: a person it marks missed tonight is not yet a case the case scan could touch.
    jobs=[Job("case_deadlines", jobs.case_deadlines, after=("handover_deadlines",))],
    hooks={CHECKED_IN: [open_case_at_check_in], NOTICE_LINKS: [notice_links]},
    # The cases the hand-over demo opened at check-in, given a life.
    demo=[DemoStep("cases", demo.cases_step, after=("handover",))],
    # every timeline action is also an audit action (case.<action>), under the timeline's label
    audit_labels={
        **{f"case.{action.value}": action.label for action in CaseEvent.Action},
        "case.list": _("查阅帮教档案名单"),
        "case.scan": _("帮教档案期限扫描"),
    },
)
