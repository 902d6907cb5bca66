from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.events import EventRow, timeline_index
from directory.models import Organisation, Region, Role, region_prefix
from directory.reach import NOTHING, ReachQuerySet, in_region_subtree
from people.models import Person, RiskLevel

if TYPE_CHECKING:
    from directory.models import User


class CaseQuerySet(ReachQuerySet["Case"]):
    # The managing office's region, and the hukou region: the hukou office keeps seeing a dual-managed case
    # (DESIGN §2.7). ``region`` is the managing office's township.
    region_fields = ("region", "hukou_region")

    def addressed_to(self, user: User) -> Q:
        org = user.organisation_id
        if user.role in (Role.SOCIAL_WORKER, Role.VOLUNTEER):
            # the cases whose assistance group they are in
            return Q(group_members__user=user, group_members__removed_on__isnull=True)
        if user.role == Role.POLICE_OFFICER and user.organisation is not None:
            # trace requests sent to their organisation, and the key targets of their area
            area = user.organisation.region
            return Q(trace_requests__to_organisation_id=org) | (
                Q(level=Case.Level.KEY, status__in=[Case.Status.ACTIVE, Case.Status.LOST_CONTACT])
                & in_region_subtree(region_prefix(area.code, area.level), "region")
            )
        if user.role == Role.OFFICE_OFFICER and org is not None:
            # an office asked to accept a transfer, or to trace someone, sees that case
            pending_transfer = Q(transfers__to_office_id=org, transfers__status="pending")
            return pending_transfer | Q(trace_requests__to_organisation_id=org)
        return NOTHING

    def visible_to(self, user: object) -> models.QuerySet[Case]:
        qs = super().visible_to(user)
        role = getattr(user, "role", "")
        if role in (Role.SOCIAL_WORKER, Role.VOLUNTEER, Role.POLICE_OFFICER, Role.OFFICE_OFFICER):
            return qs.distinct()  # the joins above can repeat a case
        return qs


class Case(models.Model):
    """帮教档案, opened at check-in, carried for the assistance period (DESIGN §2 steps 6–8, 13)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在册")
        LOST_CONTACT = "lost_contact", _("脱管")
        CLOSED = "closed", _("已解除")

    class Level(models.TextChoices):
        KEY = "key", _("重点")
        ORDINARY = "ordinary", _("一般")

    class Origin(models.TextChoices):
        PRISON = "prison", _("刑满释放")
        COMMUNITY_CORRECTION = "community_correction", _("解除社区矫正")

    class ClosureReason(models.TextChoices):
        PERIOD_EXPIRED = "period_expired", _("帮教期满")
        REOFFENDED = "reoffended", _("重新犯罪")
        DIED = "died", _("死亡")
        EMIGRATED = "emigrated", _("出境定居")
        TRANSFERRED_OUT = "transferred_out", _("迁出")

    class Settlement(models.TextChoices):
        EMPLOYED = "employed", _("就业")
        SELF_EMPLOYED = "self_employed", _("自主创业")
        FARMING = "farming", _("务农")
        FLEXIBLE = "flexible", _("灵活就业")
        ALLOWANCE = "allowance", _("低保或供养")
        AT_BASE = "at_base", _("基地安置")
        STUDYING = "studying", _("就学")
        NOT_SETTLED = "not_settled", _("未安置")

    SETTLED = (
        Settlement.EMPLOYED,
        Settlement.SELF_EMPLOYED,
        Settlement.FARMING,
        Settlement.FLEXIBLE,
        Settlement.ALLOWANCE,
        Settlement.AT_BASE,
        Settlement.STUDYING,
    )
    OPEN = (Status.ACTIVE, Status.LOST_CONTACT)

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    notice = models.OneToOneField(
        "handover.ReleaseNotice", null=True, blank=True, on_delete=models.PROTECT, related_name="case"
    )
    managing_office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    hukou_office = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    hukou_region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(max_length=24, choices=Origin.choices, default=Origin.PRISON)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    level = models.CharField(_("帮教等级"), max_length=16, choices=Level.choices, default=Level.ORDINARY)
    risk_level = models.CharField(_("危险性"), max_length=8, choices=RiskLevel.choices, blank=True)
    risk_reasons = models.JSONField(default=list, blank=True)
    next_risk_review = models.DateField(null=True, blank=True)
    opened_on = models.DateField(_("建档日期"))
    period_end = models.DateField(_("帮教期满日"), null=True, blank=True)
    next_visit_due = models.DateField(_("下次走访"), null=True, blank=True)
    last_contact_on = models.DateField(null=True, blank=True)
    # the latest visit's date, whatever its outcome (``record_visit`` keeps it): the nightly register roll-up reads
    # it instead of the visit table (``stats.services``)
    last_visit_on = models.DateField(null=True, blank=True)
    settlement_status = models.CharField(max_length=16, choices=Settlement.choices, blank=True)
    settlement_since = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=24, choices=ClosureReason.choices, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closure_detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮教档案")
        verbose_name_plural = _("帮教档案")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["active", "lost_contact"]),
                name="one_open_case_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False) | ~Q(status="closed"),
                name="closed_case_has_date",
            ),
        ]
        indexes = [
            # lists and register statistics: region prefix + status
            models.Index(fields=["region", "status"], name="case_region_status_idx"),
            models.Index(fields=["hukou_region"], name="case_hukou_idx"),
            # nightly scans: visits overdue, periods ending, contact lost
            models.Index(fields=["status", "next_visit_due"], name="case_visit_due_idx"),
            models.Index(fields=["status", "period_end"], name="case_period_end_idx"),
            models.Index(fields=["status", "last_contact_on"], name="case_last_contact_idx"),
        ]

    def __str__(self) -> str:
        return f"档案 #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def dual_managed(self) -> bool:
        return self.hukou_office_id is not None and self.hukou_office_id != self.managing_office_id


class CaseEvent(EventRow):
    """The case timeline: one row per action (STYLE.md 5), written by ``cases.services.record_case_event``."""

    class Action(models.TextChoices):
        OPENED = "opened", _("报到建档")
        VISIT = "visit", _("走访")
        NOTE = "note", _("备注")
        GROUP_MEMBER_ADDED = "group_member_added", _("帮教小组增加成员")
        GROUP_MEMBER_REMOVED = "group_member_removed", _("帮教小组成员退出")
        AGREEMENT_SIGNED = "agreement_signed", _("签订帮教协议")
        RISK = "risk", _("危险性评估")
        SETTLEMENT = "settlement", _("安置情况变更")
        TRANSFER_REQUESTED = "transfer_requested", _("申请移交")
        TRANSFER_ACCEPTED = "transfer_accepted", _("移交已接收")
        TRANSFER_DECLINED = "transfer_declined", _("移交被拒绝")
        LOST_CONTACT = "lost_contact", _("脱管")
        CONTACT_RESTORED = "contact_restored", _("恢复联系")
        TRACE_SENT = "trace_sent", _("发出协查通报")
        TRACE_ANSWERED = "trace_answered", _("协查反馈")
        CLOSED = "closed", _("解除帮教")

    # no index of its own: case_event_idx leads with it
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    action = models.CharField(max_length=32, choices=Action.choices)

    class Meta(EventRow.Meta):
        # the case page's timeline and GET /cases/{id}/events: one case's rows by id
        indexes = [timeline_index("case", name="case_event_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class GroupMember(models.Model):
    class Part(models.TextChoices):
        OFFICE_OFFICER = "office_officer", _("司法所工作人员")
        VILLAGE_CADRE = "village_cadre", _("村(居)干部")
        COMMUNITY_POLICE = "community_police", _("社区民警")
        FAMILY_MEMBER = "family_member", _("家庭成员")
        SOCIAL_WORKER = "social_worker", _("社会工作者")
        VOLUNTEER = "volunteer", _("志愿者")

    # no index of its own: group_member_case_idx leads with it
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="group_members", db_index=False)
    part = models.CharField(max_length=24, choices=Part.choices)
    name = models.CharField(max_length=64)
    phone = models.CharField(max_length=32, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_on = models.DateField()
    removed_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            # CaseQuerySet.addressed_to: a social worker's / volunteer's cases
            models.Index(fields=["user", "removed_on"], name="group_member_user_idx"),
            # a standing group on a day, read from the index alone by the nightly register roll-up
            models.Index(fields=["case", "added_on", "removed_on"], name="group_member_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.part})"


class Agreement(models.Model):
    """The four-party assistance agreement (office, village / community, family, the person)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agreements")
    signed_on = models.DateField()
    signatories = models.JSONField(default=dict)  # {"office": name, "community": name, "family": name, "person": name}
    scan = models.FileField(upload_to="agreements/%Y/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"agreement {self.case_id} {self.signed_on}"


class Visit(models.Model):
    class Method(models.TextChoices):
        HOME = "home", _("入户走访")
        PHONE = "phone", _("电话")
        VIDEO = "video", _("视频")
        OFFICE = "office", _("来所谈话")
        WORKPLACE = "workplace", _("工作场所")

    class Outcome(models.TextChoices):
        MET = "met", _("见到本人")
        NOT_FOUND = "not_found", _("未找到")
        REFUSED = "refused", _("拒绝")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField()
    method = models.CharField(max_length=16, choices=Method.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    visitors = models.JSONField(default=list, blank=True)
    situation = models.JSONField(default=dict, blank=True)  # {living, work, family, health, mood}
    needs = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # the case page's visit list and the assistance rate ("a visit within the interval")
            models.Index(fields=["case", "-visited_on"], name="visit_case_idx"),
        ]

    def __str__(self) -> str:
        return f"visit {self.case_id} {self.visited_on}"


class RiskAssessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    assessed_on = models.DateField()
    risk_level = models.CharField(max_length=8, choices=RiskLevel.choices)
    key_target = models.BooleanField()
    reasons = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"risk {self.case_id} {self.assessed_on}"


class SettlementRecord(models.Model):
    """One row per change of settlement status: the history (the current one is also on the case)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="settlements")
    status = models.CharField(max_length=16, choices=Case.Settlement.choices)
    since = models.DateField()
    detail = models.CharField(max_length=500, blank=True)
    reason = models.CharField(max_length=500, blank=True)  # why not settled
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["case", "-since"], name="settlement_case_idx")]

    def __str__(self) -> str:
        return f"settlement {self.case_id} {self.status}"


class ContactLoss(models.Model):
    """A period of lost contact (脱管), from noted to restored: the register rates read it for any date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contact_losses")
    noted_on = models.DateField()
    restored_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    automatic = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"lost {self.case_id} {self.noted_on}"


class TransferQuerySet(ReachQuerySet["Transfer"]):
    region_fields = ("case__region",)

    def addressed_to(self, user: User) -> Q:
        if user.organisation_id:
            return Q(to_office_id=user.organisation_id)
        return NOTHING


class Transfer(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待接收")
        ACCEPTED = "accepted", _("已接收")
        DECLINED = "declined", _("已拒绝")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    new_address = models.CharField(max_length=200, blank=True)
    requested_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField(max_length=500, blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="pending"), name="one_pending_transfer"),
        ]

    def __str__(self) -> str:
        return f"transfer {self.case_id} → {self.to_office_id}"


class TraceQuerySet(ReachQuerySet["TraceRequest"]):
    region_fields = ("case__region",)

    def addressed_to(self, user: User) -> Q:
        if user.organisation_id:
            return Q(to_organisation_id=user.organisation_id)
        return NOTHING


class TraceRequest(models.Model):
    """协查通报: a request to another justice office or the police to find someone, with a response deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("待回复")
        ANSWERED = "answered", _("已回复")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Result(models.TextChoices):
        LOCATED = "located", _("已找到")
        NOT_LOCATED = "not_located", _("未找到")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="trace_requests")
    from_office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    last_known_address = models.CharField(max_length=200, blank=True)
    sent_on = models.DateField()
    respond_by = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    result = models.CharField(max_length=16, choices=Result.choices, blank=True)
    address = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=500, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_on = models.DateField(null=True, blank=True)

    objects = TraceQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["to_organisation", "status"], name="trace_incoming_idx"),
            models.Index(fields=["status", "respond_by"], name="trace_due_idx"),
        ]

    def __str__(self) -> str:
        return f"trace {self.case_id} → {self.to_organisation_id}"
