"""Page forms, one module per part (``intake``, ``referrals``, ``employment``)."""
