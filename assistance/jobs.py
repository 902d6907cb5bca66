"""The assistance area's nightly job: the referrals' deadlines (``assistance.services.referrals.scan_referrals``)."""

from __future__ import annotations

import datetime as dt

from assistance.services.referrals import scan_referrals


def referral_deadlines(as_of: dt.date) -> str:
    counts = scan_referrals(as_of=as_of)
    return ", ".join(f"{name} {count}" for name, count in counts.items())
