"""What the stay pages add to the registries: the base manager's home cards, the reserve-a-bed section on the
notice page and the 过渡安置 tab on the case page."""

from __future__ import annotations

from bases.parts import Part

PART = Part()
