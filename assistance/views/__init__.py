"""The pages of the assistance area, one module per part; ``case_tab`` is the 救助与就业 tab of the case page,
which shows each part's section."""
