"""The policy parameters of the assistance area (``Area.parameters``): each with a national default, overridable
per province, city or county from a date on, like every deadline (DESIGN §4). ``referral_response_days`` (20
working days) is the directory's own; an urgent temporary-aid referral is answered the same day (seed §4: 急难
救助), a rule rather than a number."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from directory.policy import Parameter, Unit

PARAMETERS = [
    Parameter(
        "referral_response_days_dibao",
        _("低保转介回复期限"),
        30,
        Unit.WORKING_DAYS,
        "《最低生活保障审核确认办法》(民发〔2021〕57号) 第 19 条：30 个工作日内审核确认",
    ),
    Parameter("partner_link_days", _("协作部门一次性链接有效期"), 14, Unit.DAYS, ""),
    # The 低保 line is set by each city or county; the national default is a placeholder below every line in force
    # in 2025, so an office that has not entered its own line gets no hint rather than a false one.
    Parameter("dibao_line_monthly", _("最低生活保障标准"), 600, Unit.YUAN_MONTHLY, "各地标准为准，此为保底默认值"),
    Parameter("tekun_age_from", _("特困供养：老年人年龄"), 60, Unit.AGE, "《特困人员认定办法》第 4 条"),
    Parameter("tekun_age_under", _("特困供养：未成年人年龄"), 16, Unit.AGE, "《特困人员认定办法》第 4 条"),
    Parameter("working_age_from", _("就业援助：劳动年龄下限"), 16, Unit.AGE, "《劳动法》第 15 条"),
    Parameter("working_age_to", _("就业援助：劳动年龄上限（不含）"), 60, Unit.AGE, "法定退休年龄"),
]
