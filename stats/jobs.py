from __future__ import annotations

import datetime as dt

from stats.services import roll_up_closed_days


def register_rollup(as_of: dt.date) -> str:
    """The register roll-up of the closed day(s) (``stats.services.roll_up_closed_days``). Runs after the case
    scan (``after=`` in stats.contrib): the scan's closures and lost contacts of the night
    are dated ``as_of``, so they do not touch the day rolled up either way."""
    parts = []
    for result in roll_up_closed_days(as_of=as_of):
        if result.created:
            parts.append(f"{result.day} rolled up (regions {result.regions}, cases {result.cases})")
        else:
            parts.append(f"{result.day} already rolled up")
    return "; ".join(parts) or "no closed day to roll up"
