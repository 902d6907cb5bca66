"""The API's input and output shapes, one module per part (``intake``, ``referrals``, ``employment``)."""
