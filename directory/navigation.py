"""Navigation and home page content by role. Later issues add their entries here.

Each role's home page is a row of task cards. A card names a piece of work, says in one line what it holds, links to
the page that lists it once that page exists (``url_name``), and shows a count once a selector can give one
(``count``). Until then the card shows a dash, never a made-up number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases import navigation as cases_nav
from directory.models import OFFICER_ROLES, Role, User
from handover import navigation as handover_nav


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str


@dataclass(frozen=True)
class Task:
    label: str | Promise
    hint: str | Promise = ""
    # The page that lists this work, as a URL name; None until that page exists.
    url_name: str | None = None
    # How many items wait for this user, from a selector that applies ``visible_to(user)``; None until one exists.
    count: Callable[[User], int] | None = None


@dataclass(frozen=True)
class Home:
    title: str | Promise
    intro: str | Promise
    tasks: list[Task] = field(default_factory=list)


@dataclass(frozen=True)
class TaskCard:
    """A task as the home page shows it to one user."""

    label: str | Promise
    hint: str | Promise
    url: str | None
    count: int | None


HOMES: dict[str, Home] = {
    Role.FACILITY_LIAISON: Home(
        _("监所工作台"),
        _("发送刑满释放人员通知书、登记释放与必接必送、报送未成年子女信息。"),
        [
            Task(
                _("预释放人员通知"),
                _("即将刑满释放人员的通知书，发往户籍地司法所核查。"),
                url_name="handover:notices",
                count=handover_nav.open_notices_count,
            ),
            Task(_("释放登记"), _("登记释放情况与必接必送交接。"), url_name="handover:notices"),
            Task(_("未成年子女信息"), _("在押人员未成年子女的情况报送。")),
        ],
    ),
    Role.OFFICE_OFFICER: Home(
        _("司法所工作台"),
        _("核查通知书、接收报到、建立帮教档案、走访与协查。"),
        [
            Task(
                _("待核查通知"),
                _("监所发来、尚未核查的通知书。"),
                url_name="handover:inbox",
                count=handover_nav.awaiting_verification_count,
            ),
            Task(
                _("待报到人员"),
                _("已释放、尚未到司法所报到的人员。"),
                url_name="handover:inbox_check_in",
                count=handover_nav.awaiting_check_in_count,
            ),
            Task(
                _("到期走访"),
                _("本周期内应当走访的帮教对象。"),
                url_name="cases:worklist",
                count=cases_nav.visits_due_count,
            ),
        ],
    ),
    Role.COUNTY_OFFICER: Home(
        _("县级安帮办工作台"),
        _("辖区内退回通知的改派、全县帮教档案与预警督办。"),
        [
            Task(
                _("退回待改派"),
                _("司法所退回、需要改派的通知书。"),
                url_name="handover:returned",
                count=handover_nav.returned_count,
            ),
            Task(_("衔接情况"), _("全县通知、核查与报到的衔接进度。"), url_name="stats:handover"),
            Task(
                _("预警督办"),
                _("逾期未报到、脱管失联等预警事项。"),
                url_name="handover:alerts",
                count=handover_nav.open_alerts_count,
            ),
        ],
    ),
    Role.CITY_OFFICER: Home(
        _("市级安帮办工作台"),
        _("全市衔接率、安置率、帮教率与考评。"),
        [
            Task(_("统计分析"), _("全市各项工作指标与趋势。"), url_name="stats:handover"),
            Task(_("考评"), _("对下级安帮办的考核评价。")),
        ],
    ),
    Role.PROVINCE_OFFICER: Home(
        _("省级安帮办工作台"),
        _("全省统计、半年与年度报表、政策参数。"),
        [
            Task(_("统计分析"), _("全省各项工作指标与趋势。"), url_name="stats:handover"),
            Task(_("报表"), _("半年与年度统计报表。")),
            Task(_("政策参数"), _("本省适用的期限与标准。")),
        ],
    ),
    Role.NATIONAL_OFFICER: Home(
        _("国家级安帮办工作台"),
        _("全国统计与政策参数。"),
        [Task(_("统计分析"), _("全国各项工作指标与趋势。"), url_name="stats:handover")],
    ),
    Role.SOCIAL_WORKER: Home(
        _("社会工作者工作台"),
        _("所在帮教小组的对象与服务记录。"),
        [
            Task(
                _("我的帮教对象"),
                _("您所在帮教小组负责的人员。"),
                url_name="cases:list",
                count=cases_nav.my_cases_count,
            ),
            Task(_("服务记录"), _("个案服务、走访与活动记录。"), url_name="cases:worklist"),
        ],
    ),
    Role.VOLUNTEER: Home(
        _("志愿者工作台"),
        _("所在帮教小组的对象与活动。"),
        [
            Task(
                _("我的帮教对象"),
                _("您所在帮教小组负责的人员。"),
                url_name="cases:list",
                count=cases_nav.my_cases_count,
            )
        ],
    ),
    Role.PARTNER_OFFICER: Home(
        _("协作部门工作台"),
        _("转介到本部门的救助与就业帮扶事项。"),
        [Task(_("待办转介"), _("转介到本部门、尚未办结的事项。"))],
    ),
    Role.BASE_MANAGER: Home(
        _("过渡性安置基地工作台"),
        _("本基地的床位、入住与服务记录。"),
        [
            Task(_("入住人员"), _("目前在本基地入住的人员。")),
            Task(_("床位"), _("本基地床位的使用情况。")),
        ],
    ),
    Role.POLICE_OFFICER: Home(
        _("公安工作台"),
        _("发给本单位的协查通报与辖区重点帮教对象。"),
        [
            Task(
                _("协查通报"),
                _("发给本单位、尚未反馈的协查请求。"),
                url_name="cases:traces",
                count=cases_nav.open_traces_count,
            ),
            Task(_("重点帮教对象"), _("本辖区的重点帮教对象名单。"), url_name="cases:list"),
        ],
    ),
    Role.SYSTEM_ADMIN: Home(
        _("系统管理员工作台"),
        _("管理用户与机构。"),
        [
            Task(_("用户管理"), _("新建、停用用户，分配角色与机构。")),
            Task(_("机构管理"), _("各级机构及其所在地区。")),
        ],
    ),
    Role.SECURITY_ADMIN: Home(
        _("安全管理员工作台"),
        _("角色、口令策略与动态口令。"),
        [Task(_("安全策略"), _("口令、锁定与动态口令的设置。"))],
    ),
    Role.AUDIT_ADMIN: Home(
        _("审计管理员工作台"),
        _("查阅审计日志，核验日志完整性。"),
        [Task(_("审计日志"), _("全部写入、导出、登录与查阅记录，可核验完整性。"), url_name="core:audit_log")],
    ),
}

DEFAULT_HOME = Home(_("工作台"), _("您的账号尚未分配角色，请联系系统管理员。"))


def home_for(user: User) -> Home:
    return HOMES.get(user.role, DEFAULT_HOME)


def cards_for(user: User) -> list[TaskCard]:
    return [
        TaskCard(
            label=task.label,
            hint=task.hint,
            url=reverse(task.url_name) if task.url_name else None,
            count=task.count(user) if task.count is not None else None,
        )
        for task in home_for(user).tasks
    ]


def nav_for(user: User) -> list[NavItem]:
    items = [NavItem(_("工作台"), reverse("directory:home"))]
    items += handover_nav.handover_nav_items(user)
    items += cases_nav.cases_nav_items(user)
    if user.role in OFFICER_ROLES:
        items.append(NavItem(_("统计分析"), reverse("stats:handover")))
    if user.role == Role.SYSTEM_ADMIN:
        items.append(NavItem(_("系统管理"), reverse("admin:index")))
    if user.role == Role.AUDIT_ADMIN:
        items.append(NavItem(_("审计日志"), reverse("core:audit_log")))
    items.append(NavItem(_("接口文档"), reverse("api:openapi-view")))
    return items
