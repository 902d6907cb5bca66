"""What the hand-over adds: its pages in the navigation, its home cards, the notices to verify and the people to
check in on the worklist, the nightly deadline scan."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.areas import Area, DemoStep, HomeCard, Job, NavEntry
from directory.models import OFFICER_ROLES, Role
from handover import capabilities, demo, jobs, worklist

R = Role
FACILITY = frozenset({R.FACILITY_LIAISON})
ROUTING_ROLES = capabilities.ROUTING_ROLES

AREA = Area(
    name="handover",
    nav=[
        NavEntry(_("释放通知书"), "handover:notices", FACILITY, order=110),
        NavEntry(_("新建通知书"), "handover:notice_new", FACILITY, order=120),
        NavEntry(_("批量导入"), "handover_import:import", FACILITY, order=130),
        NavEntry(_("衔接工作"), "handover:inbox", OFFICER_ROLES, order=110),
        NavEntry(_("退回待改派"), "handover:returned", ROUTING_ROLES, order=120),
        NavEntry(_("释放后72小时"), "handover:first_72_hours", OFFICER_ROLES, order=130),
        NavEntry(_("预警"), "handover:alerts", OFFICER_ROLES, order=140),
        NavEntry(_("通知书查询"), "handover:notices", OFFICER_ROLES, order=150),
        NavEntry(_("补录"), "handover:backfill", frozenset({R.OFFICE_OFFICER}), order=160),
    ],
    cards=[
        HomeCard(
            "handover.open_notices",
            R.FACILITY_LIAISON,
            _("预释放人员通知"),
            _("即将刑满释放人员的通知书，发往户籍地司法所核查。"),
            url_name="handover:notices",
            count=worklist.open_notices_count,
            order=10,
        ),
        HomeCard(
            "handover.release",
            R.FACILITY_LIAISON,
            _("释放登记"),
            _("登记释放情况与必接必送交接。"),
            url_name="handover:notices",
            order=20,
        ),
        HomeCard(
            "handover.verification",
            R.OFFICE_OFFICER,
            _("待核查通知"),
            _("监所发来、尚未核查的通知书。"),
            url_name="handover:inbox",
            worklist="handover.verification",
            order=10,
        ),
        HomeCard(
            "handover.check_in",
            R.OFFICE_OFFICER,
            _("待报到人员"),
            _("已释放、尚未到司法所报到的人员。"),
            url_name="handover:inbox_check_in",
            worklist="handover.check_in",
            order=20,
        ),
        HomeCard(
            "handover.returned",
            R.COUNTY_OFFICER,
            _("退回待改派"),
            _("司法所退回、需要改派的通知书。"),
            url_name="handover:returned",
            count=worklist.returned_count,
            order=10,
        ),
        HomeCard(
            "handover.alerts",
            R.COUNTY_OFFICER,
            _("预警督办"),
            _("逾期未报到、脱管失联等预警事项。"),
            url_name="handover:alerts",
            count=worklist.open_alerts_count,
            order=30,
        ),
    ],
    worklist=worklist.WORKLIST,
    capabilities=capabilities.CAPABILITIES,
    jobs=[Job("handover_deadlines", jobs.handover_deadlines)],
    demo=[DemoStep("handover", demo.handover_step, after=("directory",))],
    audit_labels={
        "notice.send": _("发送释放通知书"),
        "notice.verified": _("核查通知书"),
        "notice.returned": _("退回通知书"),
        "notice.route": _("改派通知书"),
        "notice.release": _("登记释放"),
        "notice.withdraw": _("撤回通知书"),
        "notice.check_in": _("登记报到"),
        "notice.backfill": _("补录"),
        "notice.mark_missed": _("标记未按期报到"),
        "notice.import": _("批量导入通知书"),
        "notice.list": _("查阅通知书名单"),
    },
)
