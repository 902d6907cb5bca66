from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from directory.models import Organisation, Region
from directory.reach import ReachQuerySet

if TYPE_CHECKING:
    from directory.models import User


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Education(models.TextChoices):
    NONE = "none", _("文盲或半文盲")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中专或技校")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("未婚")
    MARRIED = "married", _("已婚")
    DIVORCED = "divorced", _("离异")
    WIDOWED = "widowed", _("丧偶")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


class PreReleaseEducation(models.TextChoices):
    VOCATIONAL_SKILLS = "vocational_skills", _("职业技能培训")
    JOB_SEEKING = "job_seeking", _("就业指导")
    SOCIAL_ADAPTATION = "social_adaptation", _("社会适应性教育")
    MENTAL_HEALTH = "mental_health", _("心理健康教育")
    POLICY_BRIEFING = "policy_briefing", _("政策宣讲")


class PersonQuerySet(ReachQuerySet["Person"]):
    # The offices of the hukou place and of the residence both reach the person (dual management, DESIGN §2.7).
    region_fields = ("hukou_region", "residence_region")

    def addressed_to(self, user: User) -> Q:
        # A facility reaches the people it holds or held.
        if user.organisation_id and user.role == "facility_liaison":
            return Q(custodies__facility_id=user.organisation_id)
        return Q(pk__in=[])

    def visible_to(self, user: Any) -> models.QuerySet[Person]:
        # the custody join can repeat a person
        return super().visible_to(user).distinct()


class Person(models.Model):
    """A person in custody or released. The ID number is optional: people without a verified one are allowed and
    marked unverified (``id_verified`` False)."""

    name = models.CharField(_("姓名"), max_length=64)
    name_pinyin = models.CharField(max_length=256, editable=False, db_index=True)  # "zhangsan": pinyin search
    name_initials = models.CharField(max_length=64, editable=False, db_index=True)  # "zs": initials search
    former_names = models.CharField(_("曾用名"), max_length=200, blank=True)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=16, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number = EncryptedTextField(_("公民身份号码"), blank=True, default="")
    # keyed hash of the normalized ID number: exact lookup and one person per ID number
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    id_verified = models.BooleanField(_("身份已核实"), default=False)
    hukou_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("户籍地")
    )
    hukou_address = models.CharField(_("户籍地址"), max_length=200, blank=True)
    residence_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("居住地")
    )
    residence_address = models.CharField(_("居住地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    education = models.CharField(_("文化程度"), max_length=16, choices=Education.choices, blank=True)
    occupation = models.CharField(_("捕前职业"), max_length=64, blank=True)
    marital_status = models.CharField(_("婚姻状况"), max_length=16, choices=MaritalStatus.choices, blank=True)
    no_home = models.BooleanField(_("无家可归"), default=False)
    no_family = models.BooleanField(_("无亲可投"), default=False)
    no_income = models.BooleanField(_("无生活来源"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        indexes = [
            # reach: officers' subtree prefix on either region column (LIKE 'prefix%')
            models.Index(fields=["hukou_region"], name="person_hukou_idx"),
            models.Index(fields=["residence_region"], name="person_residence_idx"),
            # name search: exact or prefix on the Chinese name
            models.Index(fields=["name"], name="person_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def three_nos(self) -> bool:
        return self.no_home and self.no_family and self.no_income


class Custody(models.Model):
    """The inmate part: one stay in one facility, with what the facility knows at release."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="custodies")
    facility = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("监所"))
    offence = models.CharField(_("罪名"), max_length=128)
    sentence_months = models.PositiveIntegerField(_("刑期(月)"))
    sentence_start = models.DateField(_("刑期起日"), null=True, blank=True)
    sentence_end = models.DateField(_("刑期止日"), null=True, blank=True)
    risk_level = models.CharField(_("危险性评估"), max_length=8, choices=RiskLevel.choices, blank=True)
    key_target = models.BooleanField(_("重点帮教对象"), default=False)
    key_target_reasons = models.JSONField(_("列为重点的原因"), default=list, blank=True)
    needs = models.JSONField(_("需求"), default=list, blank=True)
    pre_release_education = models.JSONField(_("出监教育"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("服刑信息")
        verbose_name_plural = _("服刑信息")
        indexes = [
            # a facility's own inmates (PersonQuerySet.addressed_to)
            models.Index(fields=["facility", "person"], name="custody_facility_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.facility_id}"
