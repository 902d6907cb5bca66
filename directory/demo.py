"""The demo directory of DESIGN §7: regions, organisations and one user per role. Synthetic, idempotent."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from core.areas import DemoContext
from core.audit import Actor
from directory import services
from directory.management.commands.load_regions import CPCA_FILE, read_region_csv
from directory.models import Organisation, Region, Role, User

DEMO_TOWNSHIPS = Path(__file__).resolve().parent / "data" / "demo_townships.csv"
PROVINCE, NANJING, SUZHOU = "320000000000", "320100000000", "320500000000"
XUANWU, QINHUAI, GUSU = "320102000000", "320104000000", "320508000000"
TOWNSHIPS = ["320102001000", "320102002000", "320104001000", "320508001000"]
COUNTIES = [XUANWU, QINHUAI, GUSU]
FACILITY = "P320001"

K = Organisation.Kind


def _county_orgs() -> list[tuple[str, str, str, str]]:
    names = {XUANWU: "玄武区", QINHUAI: "秦淮区", GUSU: "姑苏区"}
    rows: list[tuple[str, str, str, str]] = []
    for county, cname in names.items():
        short = county[:6]
        rows += [
            (f"SFJ{short}", f"{cname}司法局安置帮教工作办公室", K.COUNTY_BUREAU, county),
            (f"MZ{short}", f"{cname}民政局", K.CIVIL_AFFAIRS, county),
            (f"RS{short}", f"{cname}人力资源和社会保障局", K.HR_SOCIAL_SECURITY, county),
            (f"GA{short}", f"{cname}公安分局", K.PUBLIC_SECURITY, county),
        ]
    return rows


ORGANISATIONS: list[tuple[str, str, str, str]] = [
    (f"SFS{TOWNSHIPS[0][:9]}", "玄武区示范一街道司法所", K.JUSTICE_OFFICE, TOWNSHIPS[0]),
    (f"SFS{TOWNSHIPS[1][:9]}", "玄武区示范二街道司法所", K.JUSTICE_OFFICE, TOWNSHIPS[1]),
    (f"SFS{TOWNSHIPS[2][:9]}", "秦淮区示范街道司法所", K.JUSTICE_OFFICE, TOWNSHIPS[2]),
    (f"SFS{TOWNSHIPS[3][:9]}", "姑苏区示范街道司法所", K.JUSTICE_OFFICE, TOWNSHIPS[3]),
    *_county_orgs(),
    ("ABB320100", "南京市安置帮教工作办公室", K.RESETTLEMENT_OFFICE, NANJING),
    ("ABB320500", "苏州市安置帮教工作办公室", K.RESETTLEMENT_OFFICE, SUZHOU),
    ("ABB320000", "江苏省安置帮教工作办公室", K.RESETTLEMENT_OFFICE, PROVINCE),
    (FACILITY, "江苏省示范监狱", K.PRISON, NANJING),
    ("SG320102", "玄武区示范社会工作服务中心", K.SERVICE_PROVIDER, XUANWU),
    ("ZY320102", "玄武区安置帮教志愿者协会", K.VOLUNTEER_ASSOCIATION, XUANWU),
    ("JD320102", "玄武区过渡性安置基地", K.TRANSITIONAL_BASE, XUANWU),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    organisation: str
    full_name: str


DEMO_USERS = [
    DemoUser("facility_liaison", Role.FACILITY_LIAISON, FACILITY, "演示监所联络员"),
    DemoUser("office_officer", Role.OFFICE_OFFICER, f"SFS{TOWNSHIPS[0][:9]}", "演示司法所干部"),
    DemoUser("office_officer_b", Role.OFFICE_OFFICER, f"SFS{TOWNSHIPS[2][:9]}", "演示秦淮司法所干部"),
    DemoUser("county_officer", Role.COUNTY_OFFICER, "SFJ320102", "演示县级安帮办"),
    DemoUser("city_officer", Role.CITY_OFFICER, "ABB320100", "演示市级安帮办"),
    DemoUser("province_officer", Role.PROVINCE_OFFICER, "ABB320000", "演示省级安帮办"),
    DemoUser("partner_officer", Role.PARTNER_OFFICER, "MZ320102", "演示民政干部"),
    DemoUser("police_officer", Role.POLICE_OFFICER, "GA320102", "演示社区民警"),
    DemoUser("social_worker", Role.SOCIAL_WORKER, "SG320102", "演示社会工作者"),
    DemoUser("volunteer", Role.VOLUNTEER, "ZY320102", "演示志愿者"),
    DemoUser("base_manager", Role.BASE_MANAGER, "JD320102", "演示基地管理员"),
    DemoUser("system_admin", Role.SYSTEM_ADMIN, "ABB320000", "演示系统管理员"),
    DemoUser("security_admin", Role.SECURITY_ADMIN, "ABB320000", "演示安全管理员"),
    DemoUser("audit_admin", Role.AUDIT_ADMIN, "ABB320000", "演示审计管理员"),
]
# The justice office of 姑苏区示范街道 has no demo user above: the hand-over and case demos add this one to verify,
# check in and manage its people (an office acts only on its own notices and cases), unless the office has an
# officer already.
GUSU_OFFICER = DemoUser("office_officer_gusu", Role.OFFICE_OFFICER, f"SFS{TOWNSHIPS[3][:9]}", "演示姑苏司法所干部")


@transaction.atomic
def build_directory(*, password: str) -> None:
    """Create what is missing and leave the rest; running it twice changes nothing but the demo password."""
    actor = Actor.system()
    if not Region.objects.filter(code=PROVINCE).exists():
        services.load_regions(rows=read_region_csv(CPCA_FILE), by=actor)
    if Region.objects.filter(code__in=TOWNSHIPS).count() < len(TOWNSHIPS):
        services.load_regions(rows=read_region_csv(DEMO_TOWNSHIPS), by=actor)
    existing = set(Organisation.objects.values_list("code", flat=True))
    for code, name, kind, region in ORGANISATIONS:
        if code not in existing:
            services.create_organisation(code=code, name=name, kind=kind, region_code=region, by=actor)
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            services.create_user(
                username=demo.username,
                password=password,
                role=demo.role,
                full_name=demo.full_name,
                organisation=Organisation.objects.get(code=demo.organisation),
                by=actor,
            )
        elif not user.check_password(password):
            services.set_password(user=user, password=password, by=actor)


def add_gusu_officer(password: str | None) -> User:
    """Create ``GUSU_OFFICER`` (with ``password``, or a random one without it)."""
    return services.create_user(
        username=GUSU_OFFICER.username,
        password=password or secrets.token_urlsafe(18),
        role=GUSU_OFFICER.role,
        full_name=GUSU_OFFICER.full_name,
        organisation=Organisation.objects.get(code=GUSU_OFFICER.organisation),
        by=Actor.system(),
    )


# --- the demo steps (directory.contrib) -----------------------------------------------------------------------------


def directory_step(context: DemoContext) -> Sequence[str]:
    build_directory(password=context.password)
    return []


def sign_ins_step(context: DemoContext) -> Sequence[str]:
    """The sign-ins the demo made, for whoever runs it (the last step: a later one may add the 姑苏 officer)."""
    lines = [f"demo sign-ins (password for all: {context.password}):"]
    lines += [f"  {demo.username:<18} {demo.full_name}" for demo in DEMO_USERS]
    if User.objects.filter(username=GUSU_OFFICER.username).exists():
        lines.append(f"  {GUSU_OFFICER.username:<18} {GUSU_OFFICER.full_name}")
    return lines
