from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation, Region
from directory.reach import ReachQuerySet
from people.models import Person


class CaseQuerySet(ReachQuerySet["Case"]):
    # the managing office's region, and the hukou region so the hukou office keeps seeing a dual-managed case
    region_fields = ("region", "hukou_region")


class Case(models.Model):
    """帮教档案, opened at check-in. Minimal for now: the cases issue adds groups, visits, risk and closure."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在册")
        LOST_CONTACT = "lost_contact", _("脱管")
        CLOSED = "closed", _("已解除")

    class Level(models.TextChoices):
        KEY = "key", _("重点")
        ORDINARY = "ordinary", _("一般")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    notice = models.OneToOneField(
        "handover.ReleaseNotice", null=True, blank=True, on_delete=models.PROTECT, related_name="case"
    )
    managing_office = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    hukou_region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    level = models.CharField(_("帮教等级"), max_length=16, choices=Level.choices, default=Level.ORDINARY)
    opened_on = models.DateField(_("建档日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮教档案")
        verbose_name_plural = _("帮教档案")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=["active", "lost_contact"]),
                name="one_open_case_per_person",
            ),
        ]
        indexes = [models.Index(fields=["region", "status"], name="case_region_status_idx")]

    def __str__(self) -> str:
        return f"档案 #{self.pk}"
