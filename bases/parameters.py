"""The policy parameters of the bases area (``Area.parameters``): national defaults, overridable per province, city
or county from a date on (DESIGN §4). A base may set its own maximum stay (``Base.max_stay_days``) below or above
the region's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from directory.policy import Parameter, Unit

PARAMETERS = [
    Parameter("base_max_stay_days", _("过渡性安置基地最长安置期限"), 90, Unit.DAYS, "推定（各地一般为三个月）"),
    Parameter("base_no_show_days", _("预订床位未到视为未入住"), 3, Unit.DAYS, ""),
    Parameter("base_certification_warning_days", _("基地认定到期提醒"), 60, Unit.DAYS, ""),
    Parameter("base_follow_up_first_days", _("离开基地后首次回访"), 30, Unit.DAYS, ""),
    Parameter("base_follow_up_second_days", _("离开基地后第二次回访"), 90, Unit.DAYS, ""),
]
