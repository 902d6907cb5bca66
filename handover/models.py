from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.events import EventRow, timeline_index
from directory.models import Organisation, Region
from directory.reach import NOTHING, ReachQuerySet
from people.models import Custody, Person

if TYPE_CHECKING:
    from directory.models import User


class NoticeQuerySet(ReachQuerySet["ReleaseNotice"]):
    # ``region`` is the receiving office's region (or the county's while a notice waits for routing), so an office
    # reaches its own notices and every level above reaches its subtree.
    region_fields = ("region",)

    def addressed_to(self, user: User) -> Q:
        if user.role == "facility_liaison" and user.organisation_id:
            return Q(facility_id=user.organisation_id)
        return NOTHING


class ReleaseNotice(models.Model):
    """刑满释放人员通知书: the facility's notice to the community office, and the hand-over it starts."""

    class Status(models.TextChoices):
        AWAITING_VERIFICATION = "awaiting_verification", _("待核查")
        VERIFIED = "verified", _("已核查")
        RETURNED = "returned", _("退回待改派")
        RELEASED = "released", _("已释放待报到")
        HANDED_OVER = "handed_over", _("已衔接")
        MISSED = "missed", _("漏管")
        WITHDRAWN = "withdrawn", _("已撤回")

    class VerificationResult(models.TextChoices):
        CONFIRMED = "confirmed", _("核实无误")
        NOT_OURS = "not_ours", _("非本辖区人员")
        IDENTITY_MISMATCH = "identity_mismatch", _("身份信息不符")

    class CheckInMethod(models.TextChoices):
        ESCORTED = "escorted", _("接送报到")
        SELF_REPORTED = "self_reported", _("自行报到")
        FAMILY_ACCOMPANIED = "family_accompanied", _("家属陪同报到")

    OPEN = (Status.AWAITING_VERIFICATION, Status.VERIFIED, Status.RETURNED, Status.RELEASED)

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="notices", verbose_name=_("人员"))
    custody = models.ForeignKey(Custody, null=True, blank=True, on_delete=models.PROTECT, related_name="notices")
    facility = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("监所")
    )
    receiving_office = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("接收单位")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("接收地区"))
    status = models.CharField(_("状态"), max_length=32, choices=Status.choices, default=Status.AWAITING_VERIFICATION)
    key_target = models.BooleanField(_("重点帮教对象"), default=False)
    expected_release_date = models.DateField(_("预计释放日期"))
    sent_on = models.DateField(_("发送日期"))
    verify_by = models.DateField(_("核查期限"))
    verification_result = models.CharField(max_length=32, choices=VerificationResult.choices, blank=True)
    verification_note = models.CharField(max_length=500, blank=True)
    verified_on = models.DateField(null=True, blank=True)
    released_on = models.DateField(_("释放日期"), null=True, blank=True)
    check_in_by = models.DateField(_("报到期限"), null=True, blank=True)
    escorted = models.BooleanField(_("必接必送"), null=True, blank=True)
    escort_staff = models.JSONField(default=list, blank=True)
    escort_family = models.JSONField(default=list, blank=True)
    escort_vehicle = models.CharField(max_length=64, blank=True)
    checked_in_on = models.DateField(_("报到日期"), null=True, blank=True)
    check_in_method = models.CharField(max_length=32, choices=CheckInMethod.choices, blank=True)
    # 漏管 stays counted for its period even after a late check-in (DESIGN §5), so it is a fact of its own
    missed_on = models.DateField(_("漏管日期"), null=True, blank=True)
    backfilled = models.BooleanField(_("补录"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("刑满释放人员通知书")
        verbose_name_plural = _("刑满释放人员通知书")
        constraints = [
            # one open notice per person (DESIGN §5: a second one is 409)
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["awaiting_verification", "verified", "returned", "released"]),
                name="one_open_notice_per_person",
            ),
            # a re-sent import row is the same notice (idempotent on person + expected release date)
            models.UniqueConstraint(
                fields=["person", "expected_release_date"],
                condition=~Q(status="withdrawn"),
                name="one_notice_per_person_and_release",
            ),
        ]
        indexes = [
            # office inbox and stats: region prefix + status
            models.Index(fields=["region", "status"], name="notice_region_status_idx"),
            # the nightly scan: released, not checked in, deadline passed
            models.Index(fields=["status", "check_in_by"], name="notice_checkin_due_idx"),
            models.Index(fields=["status", "verify_by"], name="notice_verify_due_idx"),
            # stats by release period
            models.Index(fields=["released_on"], name="notice_released_idx"),
            # facility's own list
            models.Index(fields=["facility", "status"], name="notice_facility_idx"),
        ]

    def __str__(self) -> str:
        return f"通知书 #{self.pk} {self.person_id}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class NoticeEvent(EventRow):
    """One row per transition of a notice: its history (STYLE.md 5), written by ``handover.events``."""

    class Action(models.TextChoices):
        SENT = "sent", _("监所发出通知书")
        VERIFIED = "verified", _("司法所核查确认")
        RETURNED = "returned", _("退回上级")
        ROUTED = "routed", _("改派")
        WITHDRAWN = "withdrawn", _("监所撤回")
        RELEASED = "released", _("刑满释放")
        CHECKED_IN = "checked_in", _("报到衔接")
        MISSED = "missed", _("逾期未报到，列为漏管")
        BACKFILLED = "backfilled", _("司法所补录")

    # no index of its own: notice_event_idx leads with it
    notice = models.ForeignKey(ReleaseNotice, on_delete=models.CASCADE, related_name="events", db_index=False)
    action = models.CharField(max_length=32, choices=Action.choices)

    class Meta(EventRow.Meta):
        # the notice page's history, GET /notices/{id} and the exports' "who returned it": one notice's rows by id
        indexes = [timeline_index("notice", name="notice_event_idx")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.action}"


class AlertQuerySet(ReachQuerySet["Alert"]):
    region_fields = ("region",)


class Alert(models.Model):
    """A work item or warning about one notice, addressed by region to the office and everyone above it."""

    class Kind(models.TextChoices):
        VERIFICATION_DUE = "verification_due", _("核查即将到期")
        VERIFICATION_OVERDUE = "verification_overdue", _("核查已逾期")
        CHECK_IN_DUE = "check_in_due", _("报到即将到期")
        MISSED_INTAKE = "missed_intake", _("漏管")
        RELEASED_UNVERIFIED = "released_unverified", _("未核查即释放")
        KEY_TARGET_NO_ESCORT = "key_target_no_escort", _("重点对象释放无接送记录")
        KEY_TARGET_NOT_CHECKED_IN = "key_target_not_checked_in", _("重点对象释放三日未报到")

    notice = models.ForeignKey(ReleaseNotice, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        constraints = [
            # the nightly job may run twice: one alert per notice and kind
            models.UniqueConstraint(fields=["notice", "kind"], name="one_alert_per_notice_and_kind"),
        ]
        indexes = [models.Index(fields=["region", "resolved_on"], name="alert_open_idx")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.notice_id}"


class ImportJob(models.Model):
    """One upload of the monthly pre-release list (.xlsx / .csv): its progress while it runs, its result after.

    The import commits one batch at a time and updates this row in each batch's transaction, so the import page can
    poll it from another request while the upload is still being read. It is also the facility's record of what it
    sent: who, which file, how many rows were created, unchanged or refused.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    # generated by the client (crypto.randomUUID) so the page can poll before the upload's response arrives
    token = models.UUIDField(_("导入编号"), unique=True)
    facility = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("监所"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("文件名"), max_length=255)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RUNNING)
    # counted in the import's first pass over the file (blank rows included); exact when done
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    created = models.PositiveIntegerField(_("新建"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    # the first MAX_STORED_ERRORS row errors ({row, field, message}); error_count counts them all
    errors = models.JSONField(_("错误"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # touched by every save of the running import (each batch): a running import not touched for long has stopped
    # with its server (``handover.importing.INTERRUPTED_AFTER``)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        indexes = [
            # a facility's own imports, newest first (the import page's history)
            models.Index(fields=["facility", "-started_at"], name="import_facility_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"
