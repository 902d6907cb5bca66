from __future__ import annotations

import datetime as dt

from handover.services import scan_deadlines


def handover_deadlines(as_of: dt.date) -> str:
    counts = scan_deadlines(as_of=as_of)
    return ", ".join(f"{name} {count}" for name, count in counts.items())
