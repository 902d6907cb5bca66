"""What core adds to the system: its housekeeping jobs and the labels of the audit actions it records."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core import jobs
from core.areas import Area, Job

AREA = Area(
    name="core",
    jobs=[
        Job("clear_expired_sessions", jobs.clear_expired_sessions),
        # Last: what every other job audited is in the head it notes.
        Job("audit_head", jobs.audit_head, last=True),
    ],
    audit_labels={
        "export": _("导出名单"),
        "person.list": _("查阅人员名单"),
        "person.read": _("查阅人员信息"),
    },
)
