"""Writes of the assistance area, one module per part of the work: ``intake`` (pre-release education, briefing,
needs assessment), ``referrals`` (referrals, decisions, partner links, the nightly scan), ``employment`` (profile,
services, placements) and ``aid`` (the ledger). Every write is one atomic service that writes one event on the case
timeline (``assistance.common.record_case_event``) and its audit row."""
