"""Navigation and home page content by role. Later issues add their entries here."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from directory.models import Role, User


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str


@dataclass(frozen=True)
class Home:
    title: str | Promise
    intro: str | Promise
    tasks: list[str | Promise] = field(default_factory=list)


HOMES: dict[str, Home] = {
    Role.FACILITY_LIAISON: Home(
        _("监所工作台"),
        _("发送刑满释放人员通知书、登记释放与必接必送、报送未成年子女信息。"),
        [_("预释放人员通知"), _("释放登记"), _("未成年子女信息")],
    ),
    Role.OFFICE_OFFICER: Home(
        _("司法所工作台"),
        _("核查通知书、接收报到、建立帮教档案、走访与协查。"),
        [_("待核查通知"), _("待报到人员"), _("到期走访")],
    ),
    Role.COUNTY_OFFICER: Home(
        _("县级安帮办工作台"),
        _("辖区内退回通知的改派、全县帮教档案与预警督办。"),
        [_("退回待改派"), _("衔接情况"), _("预警督办")],
    ),
    Role.CITY_OFFICER: Home(_("市级安帮办工作台"), _("全市衔接率、安置率、帮教率与考评。"), [_("统计分析"), _("考评")]),
    Role.PROVINCE_OFFICER: Home(
        _("省级安帮办工作台"), _("全省统计、半年与年度报表、政策参数。"), [_("统计分析"), _("报表"), _("政策参数")]
    ),
    Role.NATIONAL_OFFICER: Home(_("国家级安帮办工作台"), _("全国统计与政策参数。"), [_("统计分析")]),
    Role.SOCIAL_WORKER: Home(_("社会工作者工作台"), _("所在帮教小组的对象与服务记录。"), [_("我的帮教对象")]),
    Role.VOLUNTEER: Home(_("志愿者工作台"), _("所在帮教小组的对象与活动。"), [_("我的帮教对象")]),
    Role.PARTNER_OFFICER: Home(_("协作部门工作台"), _("转介到本部门的救助与就业帮扶事项。"), [_("待办转介")]),
    Role.BASE_MANAGER: Home(_("过渡性安置基地工作台"), _("本基地的床位、入住与服务记录。"), [_("入住人员"), _("床位")]),
    Role.POLICE_OFFICER: Home(_("公安工作台"), _("发给本单位的协查通报与辖区重点帮教对象。"), [_("协查通报")]),
    Role.SYSTEM_ADMIN: Home(_("系统管理员工作台"), _("管理用户与机构。"), [_("用户管理"), _("机构管理")]),
    Role.SECURITY_ADMIN: Home(_("安全管理员工作台"), _("角色、口令策略与动态口令。"), [_("安全策略")]),
    Role.AUDIT_ADMIN: Home(_("审计管理员工作台"), _("查阅审计日志，核验日志完整性。"), [_("审计日志")]),
}

DEFAULT_HOME = Home(_("工作台"), _("您的账号尚未分配角色，请联系系统管理员。"))


def home_for(user: User) -> Home:
    return HOMES.get(user.role, DEFAULT_HOME)


def nav_for(user: User) -> list[NavItem]:
    items = [NavItem(_("工作台"), reverse("directory:home"))]
    if user.role == Role.SYSTEM_ADMIN:
        items.append(NavItem(_("系统管理"), reverse("admin:index")))
    items.append(NavItem(_("接口文档"), reverse("api:openapi-view")))
    return items
