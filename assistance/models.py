"""Help that arrives (社会救助与就业帮扶, seed §4): what the facility taught and heard before release, what the office
explained at check-in, the needs it assessed, the referrals it sent to partner departments and their answers (also
through a one-time link), the employment services and placements, and every hand-out of the aid ledger.

The office asks; the department decides: a referral keeps both sides and the dates between them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from core.events import EventRow, timeline_index
from directory.models import Organisation, Role
from directory.reach import NOTHING, ReachQuerySet
from handover.models import ReleaseNotice

if TYPE_CHECKING:
    from directory.models import User


class Scheme(models.TextChoices):
    """What a referral asks for; the department that decides it is ``DEPARTMENT[scheme]``."""

    DIBAO = "dibao", _("最低生活保障")
    TEKUN = "tekun", _("特困人员救助供养")
    TEMPORARY_AID = "temporary_aid", _("临时救助")
    MEDICAL_AID = "medical_aid", _("医疗救助")
    EDUCATION_AID = "education_aid", _("教育救助")
    HOUSING_AID = "housing_aid", _("住房救助")
    EMPLOYMENT_AID = "employment_aid", _("就业援助")
    UNEMPLOYMENT_REGISTRATION = "unemployment_registration", _("失业登记")
    PENSION_CONTINUATION = "pension_continuation", _("养老保险接续")
    UNEMPLOYMENT_INSURANCE = "unemployment_insurance", _("失业保险金")


K = Organisation.Kind
# Seed §4: 民政 for 低保, 特困 and temporary aid; 卫健 medical; 教育; 住建 housing; 人社 employment and insurance.
DEPARTMENT: dict[str, str] = {
    Scheme.DIBAO: K.CIVIL_AFFAIRS,
    Scheme.TEKUN: K.CIVIL_AFFAIRS,
    Scheme.TEMPORARY_AID: K.CIVIL_AFFAIRS,
    Scheme.MEDICAL_AID: K.HEALTH,
    Scheme.EDUCATION_AID: K.EDUCATION,
    Scheme.HOUSING_AID: K.HOUSING,
    Scheme.EMPLOYMENT_AID: K.HR_SOCIAL_SECURITY,
    Scheme.UNEMPLOYMENT_REGISTRATION: K.HR_SOCIAL_SECURITY,
    Scheme.PENSION_CONTINUATION: K.HR_SOCIAL_SECURITY,
    Scheme.UNEMPLOYMENT_INSURANCE: K.HR_SOCIAL_SECURITY,
}
# Benefits paid every month (the decision's amount is a monthly one); the others are paid once.
MONTHLY_SCHEMES = frozenset({Scheme.DIBAO, Scheme.TEKUN, Scheme.PENSION_CONTINUATION, Scheme.UNEMPLOYMENT_INSURANCE})


class Difficulty(models.TextChoices):
    """What an inmate reports before release, and what a hand-out answers."""

    HOUSING = "housing", _("住房")
    INCOME = "income", _("收入")
    WORK = "work", _("就业")
    HEALTH = "health", _("健康")
    FAMILY = "family", _("家庭")
    DEBT = "debt", _("债务")


# --- before release and at check-in -----------------------------------------------------------------------------------


class ReleaseEducation(models.Model):
    """出监教育: the courses the facility gave before release (``[{kind, on, hours}]``, kinds of
    ``people.models.PreReleaseEducation``) and the difficulties the inmate reported (``Difficulty``); one record per
    notice, replaced whole when the facility records it again."""

    notice = models.OneToOneField(ReleaseNotice, on_delete=models.CASCADE, related_name="education")
    courses = models.JSONField(default=list, blank=True)
    difficulties = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"education {self.notice_id}"


class Briefing(models.Model):
    """The policy briefing at check-in: the schemes explained (``Scheme``), the person's acknowledgement."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="briefings")
    briefed_on = models.DateField()
    schemes = models.JSONField(default=list)
    acknowledged = models.BooleanField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # the case tab (latest first) and the briefing count of the dashboard
        indexes = [models.Index(fields=["case", "-briefed_on"], name="briefing_case_idx")]

    def __str__(self) -> str:
        return f"briefing {self.case_id} {self.briefed_on}"


class NeedsAssessment(models.Model):
    """What the person lives on, and the eligibility hints the rules gave (``[{scheme, rule}]``): hints, never
    decisions; the department decides on the referral."""

    class Housing(models.TextChoices):
        OWN = "own", _("自有住房")
        FAMILY = "family", _("借住亲属")
        RENTING = "renting", _("租房")
        NONE = "none", _("无住所")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs_assessments")
    assessed_on = models.DateField()
    income_monthly = models.DecimalField(max_digits=12, decimal_places=2)  # the household's, yuan a month
    household_size = models.PositiveSmallIntegerField()
    can_work = models.BooleanField()
    disability = models.BooleanField(default=False)
    chronic_illness = models.BooleanField(default=False)
    housing = models.CharField(max_length=16, choices=Housing.choices)
    # someone legally obliged to support the person (法定赡养、抚养、扶养义务人) and able to
    has_supporter = models.BooleanField()
    sudden_hardship = models.BooleanField(default=False)  # a sudden hardship (临时救助)
    unemployed = models.BooleanField(default=True)
    age = models.PositiveSmallIntegerField()  # from the ID's birth date, on the day of the assessment
    hints = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(household_size__gte=1), name="assessment_household_at_least_one"),
            models.CheckConstraint(condition=Q(income_monthly__gte=0), name="assessment_income_not_negative"),
        ]
        indexes = [models.Index(fields=["case", "-assessed_on"], name="assessment_case_idx")]

    def __str__(self) -> str:
        return f"assessment {self.case_id} {self.assessed_on}"


# --- referrals to partner departments ---------------------------------------------------------------------------------


class ReferralQuerySet(ReachQuerySet["Referral"]):
    # the officers above reach the referrals of the cases in their region; a department the ones sent to it
    region_fields = ("case__region",)

    def addressed_to(self, user: User) -> Q:
        if user.role == Role.PARTNER_OFFICER and user.organisation_id:
            return Q(to_organisation_id=user.organisation_id)
        return NOTHING


class Referral(models.Model):
    """救助转介: the office asks a department for a scheme; the department answers by ``respond_by``.

    ``submitted → under_review → approved | rejected``; an approved benefit becomes ``review_due`` on its review
    date, ``approved`` again when the department's review continues it (a renewal, with the next review date), and
    ``ended`` when it stops."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已转介")
        UNDER_REVIEW = "under_review", _("审核中")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")
        REVIEW_DUE = "review_due", _("待复审")
        ENDED = "ended", _("已终止")

    # waiting for the department's decision (the clock runs)
    PENDING = (Status.SUBMITTED, Status.UNDER_REVIEW)
    # a benefit granted and not yet ended
    IN_FORCE = (Status.APPROVED, Status.REVIEW_DUE)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    scheme = models.CharField(max_length=32, choices=Scheme.choices)
    from_office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    urgent = models.BooleanField(default=False)
    submitted_on = models.DateField()
    respond_by = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=64, blank=True)  # the department's file number
    # yuan a month for MONTHLY_SCHEMES, else once
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    decision_reason = models.CharField(max_length=500, blank=True)
    escalated_on = models.DateField(null=True, blank=True)  # overdue and raised to the county
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        constraints = [
            # one request at a time per case and scheme: a second while the first waits is a 409
            models.UniqueConstraint(
                fields=["case", "scheme"],
                condition=Q(status__in=["submitted", "under_review"]),
                name="one_pending_referral_per_scheme",
            ),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0), name="referral_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "review_due", "ended"]) | Q(starts_on__isnull=False),
                name="approved_referral_has_start",
            ),
        ]
        indexes = [
            # a department's inbox, and an office's outgoing list, by state
            models.Index(fields=["to_organisation", "status"], name="referral_incoming_idx"),
            models.Index(fields=["from_office", "status"], name="referral_outgoing_idx"),
            # the nightly scan: pending past respond_by, in force past review_on
            models.Index(fields=["status", "respond_by"], name="referral_due_idx"),
            models.Index(fields=["status", "review_on"], name="referral_review_idx"),
            # the case tab
            models.Index(fields=["case", "-id"], name="referral_case_idx"),
        ]

    def __str__(self) -> str:
        return f"referral {self.case_id} {self.scheme} → {self.to_organisation_id}"


class ReferralEvent(EventRow):
    """A referral's history (``GET /referrals/{id}`` ``history``); the case timeline has a row for each too."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("发出转介")
        UNDER_REVIEW = "under_review", _("受理审核")
        APPROVED = "approved", _("批准")
        REJECTED = "rejected", _("不予批准")
        REVIEW_DUE = "review_due", _("到期复审")
        RENEWED = "renewed", _("复审后继续享受")
        ENDED = "ended", _("终止")
        ESCALATED = "escalated", _("逾期督办")
        LINK_ISSUED = "link_issued", _("生成协作链接")
        LINK_OPENED = "link_opened", _("协作链接被打开")

    # no index of its own: referral_event_idx leads with it
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events", db_index=False)
    action = models.CharField(max_length=32, choices=Action.choices)

    class Meta(EventRow.Meta):
        indexes = [timeline_index("referral", name="referral_event_idx")]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.action}"


class PartnerLink(models.Model):
    """A one-time link for a department officer without an account: it shows the minimum of one referral and takes
    one decision. Only the token's SHA-256 is stored; the link answers 410 once used or past ``expires_at``."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="partner_links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"link {self.pk} for referral {self.referral_id}"


# --- employment -------------------------------------------------------------------------------------------------------


class EmploymentProfile(models.Model):
    """就业帮扶 profile: skills, certificates (prison training among them), schooling, what the person wishes, and
    the pension record before prison (insurance continuity)."""

    class Schooling(models.TextChoices):
        NONE = "none", _("未上学")
        PRIMARY = "primary", _("小学")
        JUNIOR = "junior", _("初中")
        SENIOR = "senior", _("高中")
        VOCATIONAL = "vocational", _("中专或技校")
        COLLEGE = "college", _("大专")
        BACHELOR = "bachelor", _("本科及以上")

    class PensionScheme(models.TextChoices):
        EMPLOYEE = "employee", _("城镇职工基本养老保险")
        RESIDENT = "resident", _("城乡居民基本养老保险")
        NONE = "none", _("未参保")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="employment_profile")
    skills = models.JSONField(default=list, blank=True)
    certificates = models.JSONField(default=list, blank=True)
    schooling = models.CharField(max_length=16, choices=Schooling.choices, blank=True)
    wish = models.CharField(max_length=500, blank=True)
    pension_scheme = models.CharField(max_length=16, choices=PensionScheme.choices, blank=True)
    pension_years_before = models.PositiveSmallIntegerField(null=True, blank=True)
    pension_resumed_on = models.DateField(null=True, blank=True)
    retired = models.BooleanField(default=False)
    pension_payment_resumed_on = models.DateField(null=True, blank=True)  # for a retiree: the pension paid again
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"employment profile {self.case_id}"


class EmploymentService(models.Model):
    class Kind(models.TextChoices):
        UNEMPLOYMENT_REGISTRATION = "unemployment_registration", _("失业登记")
        EMPLOYMENT_CERTIFICATE = "employment_certificate", _("办理就业创业证")
        HARDSHIP_RECOGNITION = "hardship_recognition", _("就业困难人员认定")
        POLICY_CONSULTATION = "policy_consultation", _("政策咨询")
        GUIDANCE = "guidance", _("职业指导")
        JOB_REFERRAL = "job_referral", _("职业介绍")
        TRAINING = "training", _("职业技能培训")
        PUBLIC_WELFARE_POST = "public_welfare_post", _("公益性岗位安置")
        STARTUP_LOAN = "startup_loan", _("创业担保贷款")
        TAX_RELIEF = "tax_relief", _("税收优惠")
        EMPLOYER_INCENTIVE = "employer_incentive", _("用人单位吸纳就业补贴")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="employment_services")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    given_on = models.DateField()
    provider = models.CharField(max_length=128, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    # training
    course = models.CharField(max_length=128, blank=True)
    hours = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    certificate = models.CharField(max_length=128, blank=True)
    # a guaranteed start-up loan (创业担保贷款): at most three years
    bank = models.CharField(max_length=128, blank=True)
    loan_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    loan_term_months = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(loan_term_months__isnull=True) | Q(loan_term_months__gte=1, loan_term_months__lte=36),
                name="startup_loan_at_most_three_years",
            ),
        ]
        indexes = [models.Index(fields=["case", "-given_on"], name="employment_service_case_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id} {self.given_on}"


class Placement(models.Model):
    """A job the person started (安置就业): it sets the case's settlement to ``employed``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="placements")
    employer = models.CharField(max_length=128)
    employer_credit_code = models.CharField(max_length=18, blank=True)  # 统一社会信用代码, checked when given
    job = models.CharField(max_length=128)
    started_on = models.DateField()
    contract_months = models.PositiveSmallIntegerField()
    social_insurance = models.BooleanField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="placement_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "-started_on"], name="placement_case_idx"),
            # the employment rate: placements in force on a day
            models.Index(fields=["started_on", "ended_on"], name="placement_in_force_idx"),
        ]

    def __str__(self) -> str:
        return f"placement {self.case_id} {self.employer}"


# --- the aid ledger ---------------------------------------------------------------------------------------------------


class AidEntry(models.Model):
    """帮扶台账: one hand-out to the person. ``budget_line`` names the line it draws on once the reports area
    keeps budgets (a code of that area's, kept as text so this area does not depend on it)."""

    class Kind(models.TextChoices):
        CASH = "cash", _("现金")
        VOUCHER = "voucher", _("购物券或代金券")
        IN_KIND = "in_kind", _("实物")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="aid_entries")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)  # yuan; in kind: its value
    given_on = models.DateField()
    purpose = models.CharField(max_length=200)
    need = models.CharField(max_length=16, choices=Difficulty.choices, blank=True)
    approved_by = models.CharField(max_length=64, blank=True)  # who approved the hand-out (name and post)
    budget_line = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="aid_amount_positive")]
        indexes = [
            models.Index(fields=["case", "-given_on"], name="aid_case_idx"),
            # the dashboard's aid total for a period
            models.Index(fields=["given_on"], name="aid_given_on_idx"),
        ]

    def __str__(self) -> str:
        return f"aid {self.case_id} {self.amount}"
