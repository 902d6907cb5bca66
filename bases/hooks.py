"""What the bases area adds to the pages and services below it, through their hooks: the 过渡安置 tab of the case
page, the reserve-a-bed section of the notice page, the details of its timeline rows, and the reservation that
follows the notice (attached to the case at check-in, cancelled with a withdrawn notice)."""

from __future__ import annotations
