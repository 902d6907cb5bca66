from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from directory.reach import ReachQuerySet


def region_prefix(code: str, level: str) -> str:
    """The significant digits of a 12-digit code at its level: its subtree is every code starting with them."""
    return code[: Region.PREFIX_LENGTH[level]]


def level_of(code: str) -> str:
    """The level a 12-digit statistical code sits at, read from its trailing zero groups."""
    if code == "0" * 12:
        return Region.Level.NATIONAL
    if code[2:] == "0" * 10:
        return Region.Level.PROVINCE
    if code[4:] == "0" * 8:
        return Region.Level.CITY
    if code[6:] == "0" * 6:
        return Region.Level.COUNTY
    if code[9:] == "000":
        return Region.Level.TOWNSHIP
    return Region.Level.VILLAGE


class Region(models.Model):
    """An administrative division by its 12-digit statistical code (county 6 + township 3 + village 3).

    The code is the primary key, so every foreign key to a region holds the code itself and "this region's subtree"
    is a prefix match on that column, with no join (see ``directory.reach``).
    """

    class Level(models.TextChoices):
        NATIONAL = "national", _("全国")
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县")
        TOWNSHIP = "township", _("乡镇街道")
        VILLAGE = "village", _("村居")

    NATIONAL_CODE = "000000000000"
    PREFIX_LENGTH = {"national": 0, "province": 2, "city": 4, "county": 6, "township": 9, "village": 12}

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级")
    )
    longitude = models.DecimalField(max_digits=10, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(max_digits=10, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[0-9]{12}$"), name="region_code_12_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def prefix(self) -> str:
        return region_prefix(self.code, self.level)

    def ancestors(self) -> list[Region]:
        """From the parent up to the province (one query per level, at most four)."""
        chain: list[Region] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class OrganisationQuerySet(ReachQuerySet["Organisation"]):
    def visible_to(self, user: Any) -> models.QuerySet[Organisation]:
        # The directory of organisations is open to every signed-in user: a facility must find the office it
        # writes to, an office the police branch it asks. It holds no personal data.
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all()


class UserQuerySet(ReachQuerySet["User"]):
    region_fields = ("organisation__region",)
    admins_reach = True

    def addressed_to(self, user: User) -> Q:
        return Q(pk=user.pk)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PRISON = "prison", _("监狱")
        DETENTION_CENTER = "detention_center", _("看守所")
        JUSTICE_OFFICE = "justice_office", _("司法所")
        COUNTY_BUREAU = "county_bureau", _("县(区)司法局安帮办")
        RESETTLEMENT_OFFICE = "resettlement_office", _("安置帮教工作办公室")
        CIVIL_AFFAIRS = "civil_affairs", _("民政")
        HR_SOCIAL_SECURITY = "hr_social_security", _("人力资源和社会保障")
        HEALTH = "health", _("卫生健康")
        EDUCATION = "education", _("教育")
        HOUSING = "housing", _("住房和城乡建设")
        PUBLIC_SECURITY = "public_security", _("公安")
        SERVICE_PROVIDER = "service_provider", _("社会服务机构")
        VOLUNTEER_ASSOCIATION = "volunteer_association", _("志愿者协会")
        TRANSITIONAL_BASE = "transitional_base", _("过渡性安置基地")
        ENTERPRISE = "enterprise", _("企业")

    code = models.CharField(_("机构代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("地区"))
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["region_id", "kind", "code"]
        indexes = [
            # GET /organizations?kind=&region=: kind equality plus the region prefix
            models.Index(fields=["kind", "region"], name="org_kind_region_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    FACILITY_LIAISON = "facility_liaison", _("监所联络员")
    OFFICE_OFFICER = "office_officer", _("司法所工作人员")
    COUNTY_OFFICER = "county_officer", _("县级安帮办")
    CITY_OFFICER = "city_officer", _("市级安帮办")
    PROVINCE_OFFICER = "province_officer", _("省级安帮办")
    NATIONAL_OFFICER = "national_officer", _("国家级安帮办")
    SOCIAL_WORKER = "social_worker", _("社会工作者")
    VOLUNTEER = "volunteer", _("志愿者")
    PARTNER_OFFICER = "partner_officer", _("协作部门工作人员")
    BASE_MANAGER = "base_manager", _("过渡性安置基地管理员")
    POLICE_OFFICER = "police_officer", _("公安民警")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# Roles that reach every record whose region lies in their organisation's region subtree.
OFFICER_ROLES = frozenset(
    {
        Role.OFFICE_OFFICER,
        Role.COUNTY_OFFICER,
        Role.CITY_OFFICER,
        Role.PROVINCE_OFFICER,
        Role.NATIONAL_OFFICER,
    }
)
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class AnbangUserManager(UserManager["User"]):
    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def visible_to(self, user: User) -> models.QuerySet[User]:
        return self.get_queryset().visible_to(user)


class User(AbstractUser):
    """A person who signs in. Belongs to one organisation and holds one role (DESIGN §1)."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users", verbose_name=_("机构")
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, blank=True)
    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    # Staff ID numbers are kept like everyone else's: encrypted, with a keyed hash for uniqueness.
    id_number = EncryptedTextField(_("身份证号"), blank=True, default="")
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    totp_secret = EncryptedTextField(_("动态口令密钥"), blank=True, default="")

    objects: ClassVar[AnbangUserManager] = AnbangUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_officer(self) -> bool:
        return self.role in OFFICER_ROLES

    @property
    def is_administrator(self) -> bool:
        """One of the three administrators (system, security, audit: 等保 三员)."""
        return self.role in ADMIN_ROLES

    @property
    def region_code(self) -> str | None:
        return self.organisation.region_id if self.organisation_id and self.organisation else None


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once, when issued."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"token {self.pk} of {self.user_id}"


class LoginFailure(models.Model):
    """A failed sign-in. Counted per username and IP over the lockout window (kept in the database, so every
    app server sees the same count)."""

    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            # directory.services.is_locked_out: failures of one username+IP since a time
            models.Index(fields=["username", "ip", "at"], name="login_failure_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip} {self.at}"


class PolicyValue(models.Model):
    """A policy parameter's value for a region (null: national) from a date on (DESIGN §4).

    The value in force for a region on a day is the row of the nearest enclosing region (county, then city,
    then province, then national) with the latest ``effective_from`` not after that day; the code's national
    default applies when no row matches (see ``directory.policy``).
    """

    name = models.CharField(_("参数"), max_length=64)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("地区"))
    value = models.PositiveIntegerField(_("取值"))
    effective_from = models.DateField(_("生效日期"))
    note = models.CharField(_("依据"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table keeps the name it was created with in the core app, so moving the model moved no data.
        db_table = "core_policyvalue"
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")
        constraints = [
            # one value per parameter, region and day; NULL (national) needs its own partial constraint because
            # NULLs are distinct in unique indexes on both SQLite and PostgreSQL
            models.UniqueConstraint(
                fields=["name", "region", "effective_from"],
                condition=models.Q(region__isnull=False),
                name="policy_one_regional_value_per_day",
            ),
            models.UniqueConstraint(
                fields=["name", "effective_from"],
                condition=models.Q(region__isnull=True),
                name="policy_one_national_value_per_day",
            ),
        ]
        indexes = [
            # directory.policy.policy_value: rows of one parameter for a region chain, latest first
            models.Index(fields=["name", "region", "-effective_from"], name="policy_lookup_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.value} ({self.region_id or 'national'} from {self.effective_from})"
