"""The output contract's tables and their column order (docs/contract.md).

One place for the code that writes the rows (sim.runner) and the code that frames and writes the
tables (sim.results); importing it costs nothing.
"""

from __future__ import annotations

TABLES: tuple[str, ...] = ("summary", "events", "votes", "timeseries")

#: Column order of each table (the summary's leader-dependent columns come from the rows).
COLUMNS: dict[str, tuple[str, ...]] = {
    "summary": ("replicate", "seed", "winner", "consolidation_date"),
    "events": ("replicate", "date", "kind", "actor", "body", "detail"),
    "votes": ("replicate", "date", "body", "motion", "for", "against", "abstain", "voting_delegates"),
    "timeseries": (
        "replicate",
        "date",
        "leader",
        "support",
        "pb_seat",
        "cc_share",
        "rung",
        "legitimacy",
        "standing",
        "position",
        "camp",
    ),
}

COMPARISON_COLUMNS: tuple[str, ...] = (
    "scenario",
    "metric",
    "value",
    "lo",
    "hi",
    "diff",
    "diff_lo",
    "diff_hi",
    "n",
)
