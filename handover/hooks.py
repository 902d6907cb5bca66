"""The hooks the hand-over's pages fire for the areas above it (``core.areas.fire``), instead of importing them.

``NOTICE_LINKS``: called as ``fire(NOTICE_LINKS, user=user, notice=notice)`` when the notice page is shown; a
handler answers what the page links to about the notice (the cases area: ``{"case": ..., "case_url": ...}``).
"""

from __future__ import annotations

NOTICE_LINKS = "handover.notice_links"
