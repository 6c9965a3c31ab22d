"""The output contract's tables and their column order (docs/contract.md).

One place for the code that writes the rows (sim.run.runner) and the code that frames and writes the
tables (sim.run.results); importing it costs nothing.
"""

from __future__ import annotations

from typing import NamedTuple


class LeaderMonth(NamedTuple):
    """What the model records for each leader each month (the DataCollector's `leader_state`).

    Declared once: the timeseries table's columns after `replicate` and `date` are these fields, in
    this order, less those in `NOT_TABULATED`.
    """

    leader: str
    support: float  # his following: the share of the party's members who follow him
    pb_seat: int  # sim.model.leaders.Seat: 0 none, 1 candidate, 2 full
    cc_share: float  # share of the Central Committee backing him
    rung: int  # index on the sanctions ladder (sim.model.leaders.LADDER)
    legitimacy: float
    standing: float
    position: float
    camp: str  # his camp's members, joined by '+'
    general_secretary: bool
    secretary_share: float  # his clients' share of the provincial secretaries
    member_share: float  # share of members in organisations his clients run


#: Fields of the monthly record that no table keeps (the view reads them from the model).
NOT_TABULATED: frozenset[str] = frozenset({"general_secretary"})

TABLES: tuple[str, ...] = ("summary", "events", "votes", "timeseries", "party", "delegations")

#: Column order of each table (the summary's leader-dependent columns come from the rows).
COLUMNS: dict[str, tuple[str, ...]] = {
    "summary": ("replicate", "seed", "winner", "consolidation_date"),
    "events": ("replicate", "date", "kind", "actor", "body", "detail"),
    "votes": ("replicate", "date", "body", "motion", "for", "against", "abstain", "voting_delegates"),
    "timeseries": ("replicate", "date", *(f for f in LeaderMonth._fields if f not in NOT_TABULATED)),
    "party": ("replicate", "date", "members", "candidates", "recruits", "secretaries_placed", "simulated"),
    "delegations": ("replicate", "date", "body", "organisation", "patron", "delegates", "for", "against"),
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
