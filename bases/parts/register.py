"""What the register part of the bases area adds to the registries."""

from __future__ import annotations

from bases.parts import Part

PART = Part()
