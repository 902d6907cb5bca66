"""What the statistics add: the hand-over and register metric families, the 统计分析 entry and cards for the officers,
and the nightly register roll-up."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.areas import Area, DemoStep, HomeCard, Job, NavEntry
from directory.models import OFFICER_ROLES, Role
from stats import demo, jobs
from stats.families import handover, register

R = Role

AREA = Area(
    name="stats",
    nav=[NavEntry(_("统计分析"), "stats:handover", OFFICER_ROLES, order=800)],
    cards=[
        HomeCard(
            "stats.handover",
            R.COUNTY_OFFICER,
            _("衔接情况"),
            _("全县通知、核查与报到的衔接进度。"),
            url_name="stats:handover",
            order=20,
        ),
        *(
            HomeCard("stats.rates", role, _("统计分析"), hint, url_name="stats:handover", order=10)
            for role, hint in (
                (R.CITY_OFFICER, _("全市各项工作指标与趋势。")),
                (R.PROVINCE_OFFICER, _("全省各项工作指标与趋势。")),
                (R.NATIONAL_OFFICER, _("全国各项工作指标与趋势。")),
            )
        ),
    ],
    metrics=[handover.FAMILY, register.FAMILY],
    # After the case scan: its closures and lost contacts of the night are dated as_of, so they do not touch the
    # closed day rolled up either way, but the order keeps the night's log readable.
    jobs=[Job("register_rollup", jobs.register_rollup, after=("case_deadlines",))],
    audit_labels={"stats.register_rollup": _("统计汇总")},
    # A roll-up is the register as recorded when it is made: after the case demo has written it.
    demo=[DemoStep("register_rollups", demo.register_rollups_step, after=("cases",))],
)
