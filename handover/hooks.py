"""The hooks the hand-over's pages fire for the areas above it (``core.areas.fire``), instead of importing them.

``NOTICE_LINKS``: called as ``fire(NOTICE_LINKS, user=user, notice=notice)`` when the notice page is shown; a
handler answers what the page links to about the notice (the cases area: ``{"case": ..., "case_url": ...}``).

``NOTICE_SECTIONS``: called as ``fire(NOTICE_SECTIONS, user=user, notice=notice)`` when the notice page is shown; a
handler answers ``{key: html}``, a section the page shows below its own (the assistance area: the pre-release
education and the difficulties the inmate reported), already rendered and escaped; sections come in key order.
"""

from __future__ import annotations

NOTICE_LINKS = "handover.notice_links"
NOTICE_SECTIONS = "handover.notice_sections"
