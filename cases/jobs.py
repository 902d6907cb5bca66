from __future__ import annotations

import datetime as dt

from cases.services import scan_cases


def case_deadlines(as_of: dt.date) -> str:
    counts = scan_cases(as_of=as_of)
    return ", ".join(f"{name} {count}" for name, count in counts.items())
