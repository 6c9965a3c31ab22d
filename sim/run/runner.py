"""One replicate in-process (`simulate`) and its tables; many replicates run on the sweep engine."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.model.core import PowerStruggleModel
from sim.model.leaders import LADDER
from sim.model.outcome import winner_from_history
from sim.run.seeds import replicate_seeds  # noqa: F401 - the runner's public name for the seed tree
from sim.run.tables import COLUMNS, LeaderMonth
from sim.scenario import Scenario

SANCTION_KINDS: tuple[str, ...] = (*LADDER[1:], "gs_removal")


@dataclass(slots=True)
class ReplicateOutput:
    """The four tables of one replicate as plain Python data, picklable and cheap to ship.

    The summary row, event and vote rows, and the timeseries as columns: a leader-month table is
    long, and columns are cheaper to build and to turn into a DataFrame than one dict per row.
    """

    summary: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    votes: list[dict[str, Any]] = field(default_factory=list)
    timeseries: dict[str, list[Any] | np.ndarray] = field(default_factory=dict)
    steps: int = 0
    party: list[dict[str, Any]] = field(default_factory=list)
    delegations: list[dict[str, Any]] = field(default_factory=list)

    def records(self, table: str) -> list[dict[str, Any]]:
        """The rows of `events`, `votes` or `timeseries`, one dict per row (plain Python values)."""
        if table != "timeseries":
            return list(getattr(self, table))
        columns = {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in self.timeseries.items()}
        return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def simulate(
    scenario: Scenario,
    seed: int,
    replicate: int = 0,
    *,
    timeseries: bool = True,
    drawn: frozenset[str] = frozenset(),
) -> ReplicateOutput:
    """Run one replicate to the end of the window and return its tables.

    `timeseries=False` leaves the leader-month table empty, for a sweep that does not keep it.
    `drawn` names the dotted paths whose values were drawn from a posterior (`sim.run.posterior`):
    `parameter_uncertainty` does not jitter them.
    """
    model = PowerStruggleModel(
        scenario=scenario, rng=seed, replicate=replicate, monthly_records=timeseries, drawn=drawn
    )
    while model.running:
        model.step()
    return collect_output(model, seed, replicate, timeseries=timeseries)


def collect_output(
    model: PowerStruggleModel, seed: int, replicate: int, *, timeseries: bool = True
) -> ReplicateOutput:
    """Turn a finished model into its table rows (without the timeseries when it is not wanted)."""
    winner, first = winner_from_history(model.consolidation_history)
    winner_name = model.leader_names[winner] if winner >= 0 else "none"
    # A date that never came is missing (None), as reading summary.csv back gives it (NaN).
    consolidation_date = model.months[first].isoformat() if winner >= 0 else None
    events = [{"replicate": replicate, **e} for e in model.events]
    politburo = model.cfg.names.politburo  # the scenario's name for it (1953: the Presidium)
    if winner >= 0:
        events.append(
            {
                "replicate": replicate,
                "date": consolidation_date,
                "kind": "consolidation",
                "actor": winner_name,
                "body": "",
                "detail": f"holds the CC, the {politburo}, the Secretariat and the apparatus to the end",
            }
        )
    events.sort(key=lambda e: e["date"])
    votes = [{"replicate": replicate, **v} for v in model.votes]
    summary: dict[str, Any] = {
        "replicate": replicate,
        "seed": seed,
        "winner": winner_name,
        "consolidation_date": consolidation_date,
    }
    for k, name in enumerate(model.leader_names):
        summary[f"support_final_{name}"] = round(float(model.support[k]), 5)
    firsts: dict[tuple[str, str], str] = {}
    for e in events:
        key = (e["actor"], e["kind"])
        if e["kind"] in SANCTION_KINDS and key not in firsts:
            firsts[key] = e["date"]
    for name in model.leader_names:
        for kind in SANCTION_KINDS:
            summary[f"{name}__{kind}"] = firsts.get((name, kind))
    # The delegates' votes on the line: an open discussion's vote is the members', not a session's.
    members_votes = {s.body for slots in model.sessions.values() for s in slots if s.kind == "discussion"}
    line = [
        v["for"] / max(1, v["for"] + v["against"] + v["abstain"])
        for v in model.votes
        if v["motion"] == "leadership line" and v["body"] not in members_votes
    ]
    summary["line_for_share_mean"] = round(float(np.mean(line)), 5) if line else float("nan")
    holder = next((lead.name for lead in model.leaders if lead.holds_secretariat and lead.eligible), "none")
    summary["gs_holder_final"] = holder
    summary["n_alliances"] = sum(e["kind"] == "alliance_formed" for e in events)
    columns = timeseries_columns(model, replicate) if timeseries else {}
    party = [{"replicate": replicate, **row} for row in model.party.rows]
    delegations = [{"replicate": replicate, **row} for row in model.delegations]
    return ReplicateOutput(
        summary,
        events,
        votes,
        columns,
        steps=len(model.consolidation_history),
        party=party,
        delegations=delegations,
    )


# The fields of the monthly `sim.run.tables.LeaderMonth` record that the timeseries table keeps.
TIMESERIES_FIELDS: tuple[str, ...] = COLUMNS["timeseries"][2:]
_ROUNDED = frozenset(
    {"support", "cc_share", "legitimacy", "standing", "position", "secretary_share", "member_share"}
)
_INTEGER = frozenset({"pb_seat", "rung"})


def timeseries_columns(model: PowerStruggleModel, replicate: int) -> dict[str, list[Any] | np.ndarray]:
    """Monthly values per leader, read from the model's DataCollector, as columns (numbers as arrays)."""
    data = model.datacollector.model_vars
    records = [record for state in data["leader_state"] for record in state]
    per_month = len(model.leaders)
    columns: dict[str, list[Any] | np.ndarray] = {
        "replicate": np.full(len(records), replicate),
        "date": [when for when in data["date"] for _ in range(per_month)],
    }
    # A record is a sim.run.tables.LeaderMonth; its fields are read by name.
    fields = dict(zip(LeaderMonth._fields, zip(*records, strict=True), strict=True)) if records else {}
    for name in TIMESERIES_FIELDS:
        values = fields.get(name, ())
        if name in _ROUNDED:
            columns[name] = np.round(np.array(values, dtype=float), 5)
        elif name in _INTEGER:
            columns[name] = np.array(values, dtype=np.int64)
        else:
            columns[name] = list(values)
    return columns


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)
