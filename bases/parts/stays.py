"""What the stays part of the bases area adds to the registries: the labels of its audit and timeline rows."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bases.parts import Part

PART = Part(
    audit_labels={
        "stay.reserved": _("预订基地床位"),
        "case.stay_reserved": _("预订基地床位"),
    }
)
