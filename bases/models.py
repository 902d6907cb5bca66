"""Transitional bases (过渡性安置基地, seed §3): the bases with their standard (functions, staff, rules adopted),
certification and yearly evaluation, and the stays of the people they house, from a bed reserved at the hand-over
to the exit and the follow-up after it.

A bed is held by a stay from its first day to its expected last (``Stay.holds_until``, exclusive): a reservation
from ``planned_from``, an admission from ``admitted_on``; a discharge ends the hold on its day, a cancellation or a
no-show ends it at once. ``bases.beds`` counts the holds; no day ever holds more than ``Base.beds``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from directory.models import Organisation, Region
from directory.reach import NOTHING, ReachQuerySet
from handover.models import ReleaseNotice
from people.models import Person

if TYPE_CHECKING:
    from directory.models import User


class BaseQuerySet(ReachQuerySet["Base"]):
    """Bases are facilities, not people: every officer sees the bases of their province (an office reserves a bed
    wherever one is free), a base manager their own base. Editing a base asks ``bases.manage`` (its region's county
    and above)."""

    region_fields = ("region",)

    def addressed_to(self, user: User) -> Q:
        organisation = user.organisation
        if organisation is None or not organisation.is_active:
            return NOTHING
        if user.role == "base_manager":
            return Q(operator_id=organisation.pk)
        if user.is_officer:
            return Q(region__code__startswith=organisation.region_id[:2])
        return NOTHING


class Base(models.Model):
    """过渡性安置基地: who runs it, where, how many beds, what it offers and under which rules, its certification."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("自主型")
        ENTERPRISE = "enterprise", _("企业依托型")
        JOINT = "joint", _("共建型")

    class Status(models.TextChoices):
        PLANNED = "planned", _("规划中")
        BUILDING = "building", _("建设中")
        OPERATING = "operating", _("运营中")
        SUSPENDED = "suspended", _("暂停")
        CLOSED = "closed", _("已关闭")

    class Function(models.TextChoices):
        HOUSING = "housing", _("临时住宿")
        MEALS = "meals", _("就餐")
        VOCATIONAL_TRAINING = "vocational_training", _("职业技能培训")
        COUNSELLING = "counselling", _("心理疏导")
        JOB_GUIDANCE = "job_guidance", _("就业指导")
        LEGAL_AID = "legal_aid", _("法律援助")
        MEDICAL = "medical", _("医疗")

    class Rule(models.TextChoices):
        DAILY_MANAGEMENT = "daily_management", _("日常管理")
        TRAINING = "training", _("教育培训")
        COUNSELLING = "counselling", _("心理辅导")
        JOB_GUIDANCE = "job_guidance", _("就业指导")
        EVALUATION = "evaluation", _("考核奖惩")

    class Policy(models.TextChoices):
        TAX = "tax", _("税收优惠")
        CREDIT = "credit", _("信贷扶持")
        SUBSIDY = "subsidy", _("补贴")

    # the operator's organisation kinds (directory.Organisation.Kind)
    OPERATOR_KINDS = ("transitional_base", "enterprise")
    # a base that takes new reservations and admissions
    OPEN = (Status.OPERATING,)

    name = models.CharField(_("基地名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    operator = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("运营单位"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在地区"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    beds = models.PositiveIntegerField(_("床位数"))
    functions = models.JSONField(_("功能"), default=list, blank=True)
    rules = models.JSONField(_("管理制度"), default=list, blank=True)
    policies = models.JSONField(_("享受政策"), default=list, blank=True)  # enterprise bases: Policy values
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    # None: the region's ``base_max_stay_days``
    max_stay_days = models.PositiveIntegerField(_("最长安置天数"), null=True, blank=True)
    certified_by = models.CharField(_("认定机关"), max_length=100, blank=True)
    certificate_number = models.CharField(_("认定文号"), max_length=64, blank=True)
    certified_on = models.DateField(_("认定日期"), null=True, blank=True)
    certificate_expires = models.DateField(_("认定有效期至"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("过渡性安置基地")
        verbose_name_plural = _("过渡性安置基地")
        ordering = ["region_id", "name"]
        constraints = [models.CheckConstraint(condition=Q(beds__gte=1), name="base_beds_at_least_one")]
        indexes = [models.Index(fields=["region", "status"], name="base_region_status_idx")]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A member of a base's staff."""

    base = models.ForeignKey(Base, on_delete=models.CASCADE, related_name="staff")
    name = models.CharField(_("姓名"), max_length=64)
    post = models.CharField(_("岗位"), max_length=64)
    full_time = models.BooleanField(_("专职"), default=True)

    class Meta:
        verbose_name = _("基地工作人员")
        verbose_name_plural = _("基地工作人员")
        ordering = ["base_id", "-full_time", "pk"]

    def __str__(self) -> str:
        return self.name


class Evaluation(models.Model):
    """The yearly evaluation (年度考核) of a base: a score 0-100 per criterion, their mean as the total, the grade,
    and the reward or the rectification it leads to."""

    class Criterion(models.TextChoices):
        SAFETY = "safety", _("安全管理")
        SERVICES = "services", _("服务质量")
        PLACEMENTS = "placements", _("安置成效")
        RECORDS = "records", _("台账记录")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        GOOD = "good", _("良好")
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    class Outcome(models.TextChoices):
        REWARD = "reward", _("奖励")
        RECTIFICATION = "rectification", _("限期整改")
        NONE = "none", _("无")

    base = models.ForeignKey(Base, on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveIntegerField(_("年度"))
    scores = models.JSONField(_("分项得分"), default=dict)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1)
    grade = models.CharField(_("等次"), max_length=16, choices=Grade.choices)
    outcome = models.CharField(_("奖惩"), max_length=16, choices=Outcome.choices, default=Outcome.NONE)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    rectify_by = models.DateField(_("整改期限"), null=True, blank=True)
    evaluated_on = models.DateField(_("考核日期"))
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("基地年度考核")
        verbose_name_plural = _("基地年度考核")
        ordering = ["base_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["base", "year"], name="one_evaluation_per_base_and_year")]

    def __str__(self) -> str:
        return f"{self.base_id} {self.year}"


class StayQuerySet(ReachQuerySet["Stay"]):
    """A stay is reached by the officers of the office that reserved it (its ``region``: the person's office) and
    of the base's region (the county that oversees the base), and by the manager of its base. Nothing else: a base
    manager never reaches the person's case."""

    region_fields = ("region", "base__region")

    def addressed_to(self, user: User) -> Q:
        if user.role == "base_manager" and user.organisation_id:
            return Q(base__operator_id=user.organisation_id)
        return NOTHING


class Stay(models.Model):
    """One person's stay at a base: ``reserved → admitted → discharged``, or ``cancelled`` / ``no_show`` before
    admission. A reservation made from a release notice keeps the notice and gets the case at check-in."""

    class Status(models.TextChoices):
        RESERVED = "reserved", _("已预订")
        ADMITTED = "admitted", _("在住")
        DISCHARGED = "discharged", _("已离开")
        CANCELLED = "cancelled", _("已取消")
        NO_SHOW = "no_show", _("未到")

    class Reason(models.TextChoices):
        """Why the person needs a bed (screening)."""

        THREE_NOS = "three_nos", _("三无人员")
        NO_HOME = "no_home", _("无家可归")
        KEY_TARGET = "key_target", _("重点帮教对象")
        HARDSHIP = "hardship", _("生活困难")

    class Outcome(models.TextChoices):
        EMPLOYED = "employed", _("就业")
        FAMILY = "family", _("回归家庭")
        HOUSING_AID = "housing_aid", _("住房救助")
        OTHER_HOUSING = "other_housing", _("其他住所")
        LEFT = "left", _("自行离开")
        EXPELLED = "expelled", _("违规清退")
        REOFFENDED = "reoffended", _("重新犯罪")

    # holding a bed
    HOLDING = (Status.RESERVED, Status.ADMITTED)

    base = models.ForeignKey(Base, on_delete=models.PROTECT, related_name="stays", verbose_name=_("基地"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("人员"))
    notice = models.ForeignKey(ReleaseNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # the office that reserved the bed and its region (the stay's reach, like the notice's or the case's)
    office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("预订单位"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RESERVED)
    reasons = models.JSONField(_("入住原因"), default=list, blank=True)  # Reason values
    reason = models.CharField(_("情况说明"), max_length=500)
    # what the office chose to tell the base about the person (nothing of the offence unless written here)
    shared_note = models.CharField(_("告知基地的情况"), max_length=500, blank=True)
    planned_from = models.DateField(_("预计入住日期"))
    # the first day the bed is free again (exclusive end of the hold); kept by bases.beds
    holds_until = models.DateField(_("床位占用至"))
    admitted_on = models.DateField(_("入住日期"), null=True, blank=True)
    consent = models.BooleanField(_("本人同意"), default=False)
    extended_until = models.DateField(_("延期至"), null=True, blank=True)
    discharged_on = models.DateField(_("离开日期"), null=True, blank=True)
    outcome = models.CharField(_("去向"), max_length=16, choices=Outcome.choices, blank=True)
    discharge_note = models.CharField(_("离开说明"), max_length=500, blank=True)
    ended_on = models.DateField(_("取消或未到日期"), null=True, blank=True)  # cancelled / no_show
    end_reason = models.CharField(max_length=500, blank=True)
    reserved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StayQuerySet.as_manager()

    class Meta:
        verbose_name = _("基地安置")
        verbose_name_plural = _("基地安置")
        ordering = ["-planned_from", "-pk"]
        constraints = [
            # one stay holding a bed per person
            models.UniqueConstraint(
                fields=["person"], condition=Q(status__in=["reserved", "admitted"]), name="one_holding_stay_per_person"
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(admitted_on__lte=models.F("discharged_on")),
                name="stay_discharged_after_admission",
            ),
        ]
        indexes = [
            models.Index(fields=["base", "status"], name="stay_base_status_idx"),
            models.Index(fields=["region", "status"], name="stay_region_status_idx"),
            models.Index(fields=["notice"], name="stay_notice_idx"),
            models.Index(fields=["case"], name="stay_case_idx"),
        ]

    def __str__(self) -> str:
        return f"安置 #{self.pk} @ {self.base_id}"


class Extension(models.Model):
    """An extension of a stay beyond its maximum (延期), approved by the county."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="extensions")
    until = models.DateField(_("延期至"))
    reason = models.CharField(_("延期理由"), max_length=500)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField(_("批准日期"))

    class Meta:
        ordering = ["stay_id", "approved_on", "pk"]

    def __str__(self) -> str:
        return f"{self.stay_id} → {self.until}"


class LogEntry(models.Model):
    """The base's daily log of a stay: training, counselling, job guidance, incidents."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("教育培训")
        COUNSELLING = "counselling", _("心理疏导")
        JOB_GUIDANCE = "job_guidance", _("就业指导")
        INCIDENT = "incident", _("违规或事件")
        OTHER = "other", _("其他")

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="log")
    on = models.DateField(_("日期"))
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    note = models.CharField(_("内容"), max_length=1000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stay_id", "-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.stay_id} {self.on} {self.kind}"


class FollowUp(models.Model):
    """回访 after a discharge: at ``base_follow_up_first_days`` (30) and ``base_follow_up_second_days`` (90), due on
    the worklist of the office that reserved the stay; ``done_on`` when the office records it."""

    class Kind(models.TextChoices):
        FIRST = "first", _("首次回访")
        SECOND = "second", _("第二次回访")

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    due_on = models.DateField(_("回访期限"))
    done_on = models.DateField(_("回访日期"), null=True, blank=True)
    note = models.CharField(_("回访情况"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["stay_id", "due_on"]
        constraints = [models.UniqueConstraint(fields=["stay", "kind"], name="one_follow_up_per_stay_and_kind")]
        indexes = [models.Index(fields=["done_on", "due_on"], name="followup_due_idx")]

    def __str__(self) -> str:
        return f"{self.stay_id} {self.kind}"
