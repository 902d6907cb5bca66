"""Reads within reach, one module per part (``referrals``...): missing and out of reach are both 404."""
