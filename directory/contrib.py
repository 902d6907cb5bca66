"""What the directory adds: every role's home page (title, introduction and the cards of work whose area has not
landed yet, which that area fills in by key), the navigation every user has (the audit log's page among it), sign-in
housekeeping, the demo directory and its sign-ins, and the labels of the account, organisation and audit log actions
in the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.areas import Area, DemoStep, HomeCard, HomeIntro, Job, NavEntry
from directory import demo, jobs
from directory.models import Role

R = Role

HOMES = [
    HomeIntro(
        R.FACILITY_LIAISON, _("监所工作台"), _("发送刑满释放人员通知书、登记释放与必接必送、报送未成年子女信息。")
    ),
    HomeIntro(R.OFFICE_OFFICER, _("司法所工作台"), _("核查通知书、接收报到、建立帮教档案、走访与协查。")),
    HomeIntro(R.COUNTY_OFFICER, _("县级安帮办工作台"), _("辖区内退回通知的改派、全县帮教档案与预警督办。")),
    HomeIntro(R.CITY_OFFICER, _("市级安帮办工作台"), _("全市衔接率、安置率、帮教率与考评。")),
    HomeIntro(R.PROVINCE_OFFICER, _("省级安帮办工作台"), _("全省统计、半年与年度报表、政策参数。")),
    HomeIntro(R.NATIONAL_OFFICER, _("国家级安帮办工作台"), _("全国统计与政策参数。")),
    HomeIntro(R.SOCIAL_WORKER, _("社会工作者工作台"), _("所在帮教小组的对象与服务记录。")),
    HomeIntro(R.VOLUNTEER, _("志愿者工作台"), _("所在帮教小组的对象与活动。")),
    HomeIntro(R.PARTNER_OFFICER, _("协作部门工作台"), _("转介到本部门的救助与就业帮扶事项。")),
    HomeIntro(R.BASE_MANAGER, _("过渡性安置基地工作台"), _("本基地的床位、入住与服务记录。")),
    HomeIntro(R.POLICE_OFFICER, _("公安工作台"), _("发给本单位的协查通报与辖区重点帮教对象。")),
    HomeIntro(R.SYSTEM_ADMIN, _("系统管理员工作台"), _("管理用户与机构。")),
    HomeIntro(R.SECURITY_ADMIN, _("安全管理员工作台"), _("角色、口令策略与动态口令。")),
    HomeIntro(R.AUDIT_ADMIN, _("审计管理员工作台"), _("查阅审计日志，核验日志完整性。")),
]

# Work announced on a role's home before its area exists: a dash and 建设中 until the area registers a card with the
# same key (the area's card replaces this one).
ANNOUNCED = [
    HomeCard("children.entry", R.FACILITY_LIAISON, _("未成年子女信息"), _("在押人员未成年子女的情况报送。"), order=30),
    HomeCard("reports.evaluation", R.CITY_OFFICER, _("考评"), _("对下级安帮办的考核评价。"), order=20),
    HomeCard("reports.reports", R.PROVINCE_OFFICER, _("报表"), _("半年与年度统计报表。"), order=20),
    HomeCard("policy.parameters", R.PROVINCE_OFFICER, _("政策参数"), _("本省适用的期限与标准。"), order=30),
    HomeCard("assistance.referrals", R.PARTNER_OFFICER, _("待办转介"), _("转介到本部门、尚未办结的事项。")),
    HomeCard("bases.stays", R.BASE_MANAGER, _("入住人员"), _("目前在本基地入住的人员。"), order=10),
    HomeCard("bases.beds", R.BASE_MANAGER, _("床位"), _("本基地床位的使用情况。"), order=20),
]

ADMIN_CARDS = [
    HomeCard("directory.users", R.SYSTEM_ADMIN, _("用户管理"), _("新建、停用用户，分配角色与机构。"), order=10),
    HomeCard("directory.organisations", R.SYSTEM_ADMIN, _("机构管理"), _("各级机构及其所在地区。"), order=20),
    HomeCard("directory.security", R.SECURITY_ADMIN, _("安全策略"), _("口令、锁定与动态口令的设置。")),
    HomeCard(
        "core.audit_log",
        R.AUDIT_ADMIN,
        _("审计日志"),
        _("全部写入、导出、登录与查阅记录，可核验完整性。"),
        url_name="core:audit_log",
    ),
]

AREA = Area(
    name="directory",
    homes=HOMES,
    cards=ANNOUNCED + ADMIN_CARDS,
    nav=[
        NavEntry(_("工作台"), "directory:home", order=0),
        NavEntry(_("系统管理"), "admin:index", frozenset({R.SYSTEM_ADMIN}), order=900),
        NavEntry(_("审计日志"), "core:audit_log", frozenset({R.AUDIT_ADMIN}), order=910),
        NavEntry(_("接口文档"), "api:openapi-view", order=990),
    ],
    jobs=[Job("purge_login_failures", jobs.purge_login_failures)],
    # The regions, organisations and one user per role every other demo step acts as; last, the sign-ins they made.
    demo=[DemoStep("directory", demo.directory_step), DemoStep("sign_ins", demo.sign_ins_step, last=True)],
    audit_labels={
        "login": _("登录"),
        "logout": _("退出"),
        "token.issue": _("签发接口令牌"),
        "token.revoke": _("吊销接口令牌"),
        "organisation.create": _("新建机构"),
        "user.create": _("新建用户"),
        "user.deactivate": _("停用用户"),
        "user.set_password": _("设置口令"),
        "user.enroll_totp": _("绑定动态口令"),
        "regions.load": _("导入行政区划"),
        "admin.add": _("系统管理：新增"),
        "admin.change": _("系统管理：修改"),
        "policy.set": _("设置政策参数"),
        "holiday.add": _("新增节假日调整"),
        "holiday.change": _("修改节假日调整"),
        "holiday.delete": _("删除节假日调整"),
        "audit.view": _("查阅审计日志"),
        "audit.verify": _("核验审计日志"),
    },
)
