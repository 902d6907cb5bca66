"""The hooks the case pages fire for the areas above them (``core.areas.fire``), instead of importing them.

``CASE_TABS``: called as ``fire(CASE_TABS, user=user, case=case)`` when a case page is shown; a handler answers
``{key: CaseTab}`` for the tabs of the case it adds (the assistance area: 救助与就业), or nothing for a user who may
not open them. The tab's page is the area's own; it shows the same tab bar (``cases.views.common.case_tabs``).

``CASE_EVENT_DETAILS``: called as ``fire(CASE_EVENT_DETAILS, events=[...])`` with the timeline rows whose action
the cases do not know (rows an area above wrote on the case timeline); a handler answers ``{str(id): [detail]}``
for its own rows, once per page, not once per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

CASE_TABS = "cases.case_tabs"
CASE_EVENT_DETAILS = "cases.event_details"


@dataclass(frozen=True)
class CaseTab:
    """A tab of the case page: its label, the page it opens and its place (the case's own tab is 0)."""

    label: str | Promise
    url: str
    order: int = 500
