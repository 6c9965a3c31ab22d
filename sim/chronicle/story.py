"""The chronicle of one replicate: its sentences in date order, from tables or a results directory."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.chronicle.sentences import _is_politburo, event_sentence, vote_sentence
from sim.errors import InputError
from sim.names import did_you_mean
from sim.plots.load import ComparisonData, RunData, SweepData, load, normalise
from sim.scenario.names import DEFAULT_NAMES, Names, names_of

_ORDER = {"exogenous": 0, "session": 1, "vote": 2, "event": 3, "alliance": 4, "consolidation": 5}


def chronicle(
    events: pd.DataFrame,
    votes: pd.DataFrame | None = None,
    summary: pd.DataFrame | None = None,
    *,
    replicate: int = 0,
    manifest: dict | None = None,
    names: Names | None = None,
) -> list[str]:
    """Tell one replicate's story as dated lines, headed by what was simulated and ending with the outcome.

    `names` are the scenario's names for its bodies and offices; by default the manifest's, else 1924's.
    """
    ev = (
        normalise(events)
        if events is not None
        else pd.DataFrame(columns=["replicate", "date", "kind", "actor"])
    )
    vt = (
        normalise(votes)
        if votes is not None
        else pd.DataFrame(columns=["replicate", "date", "body", "motion"])
    )
    sm = normalise(summary) if summary is not None else pd.DataFrame(columns=["replicate"])
    have = set(ev.get("replicate", pd.Series(dtype=int))) | set(sm.get("replicate", pd.Series(dtype=int)))
    if replicate not in have:
        span = f"{min(have)}..{max(have)}" if have else "none in these results"
        raise InputError(f"replicate {replicate} not in the results: expected one of {span}")
    m = manifest or {}
    resolved = m.get("scenario") if isinstance(m.get("scenario"), dict) else {}
    cast = tuple(str(n).lower() for n in (resolved.get("leaders") or {}))
    scenario_events = resolved.get("events") if isinstance(resolved.get("events"), dict) else None
    names = names or names_of(m)
    srow = (
        sm[sm["replicate"] == replicate].iloc[0]
        if "replicate" in sm and (sm["replicate"] == replicate).any()
        else pd.Series(dtype=object)
    )
    seed = srow.get("seed") if len(srow) else None
    head = f"Chronicle of replicate {replicate}"
    if m.get("scenario_name"):
        head += f" of scenario '{m['scenario_name']}'"
    if seed is not None and pd.notna(seed):
        head += f" (seed {int(seed)})"
    items: list[tuple[pd.Timestamp, int, int, str]] = []
    e = ev[(ev["replicate"] == replicate) & ev["date"].notna()] if len(ev) else ev
    v = vt[(vt["replicate"] == replicate) & vt["date"].notna()] if len(vt) else vt
    carried = set()
    for i, (_, row) in enumerate(v.iterrows()):
        items.append((row["date"], _ORDER["vote"], i, vote_sentence(row, names)))
        motion = str(row.get("motion", ""))
        consent = _is_politburo(row, names)  # its yes only sends it to the plenum
        if (
            ":" in motion
            and not consent
            and pd.to_numeric(row.get("for"), errors="coerce")
            > pd.to_numeric(row.get("against"), errors="coerce")
        ):
            kind, who = (s.strip().lower() for s in motion.split(":", 1))
            carried.add((row["date"], kind, who))
    for i, (_, row) in enumerate(e.iterrows()):
        if (row["date"], str(row.get("kind")), str(row.get("actor"))) in carried:
            continue  # the vote's sentence already says it
        said = event_sentence(row, cast, scenario_events, names)
        if said:
            items.append((row["date"], _ORDER[said[1]], i, said[0]))
    items.sort(key=lambda x: (x[0], x[1], x[2]))
    lines = [head + ":"]
    lines += [f"{d:%d %b %Y}  {text}" for d, _, _, text in items]
    if not items:
        lines.append("(nothing happened in this replicate: no events or votes were recorded)")
    lines.append(_outcome(srow, names))
    return lines


def _outcome(srow: pd.Series, names: Names = DEFAULT_NAMES) -> str:
    """Say who won and when power was consolidated, and who holds the first office (the closing line)."""
    if not len(srow):
        return "Outcome: not recorded (no summary row for this replicate)."
    winner = str(srow.get("winner", "")).strip().lower()
    date = srow.get("consolidation_date")
    if winner in ("", "none", "nan", "<na>"):
        text = "Outcome: no one consolidates power by the end of the period; the struggle is unresolved."
    else:
        text = f"Outcome: {winner.capitalize()} wins"
        text += f", consolidating power on {date:%d %b %Y}." if pd.notna(date) else "."
    gs = srow.get("gs_holder_final")
    if pd.notna(gs) and str(gs).strip() and str(gs).lower() not in ("none", "nan"):
        text += f" {names.first_office} at the end: {str(gs).capitalize()}."
    return text


def chronicle_of(results_dir: Path, replicate: int = 0, scenario: str | None = None) -> list[str]:
    """Chronicle of one replicate of a run directory (or of one scenario of a comparison directory)."""
    data = load(Path(results_dir))
    if isinstance(data, SweepData):
        raise InputError(
            f"{results_dir}: a sweep directory: expected a run or comparison directory "
            "(sweeps keep no per-replicate story)"
        )
    run: RunData
    if isinstance(data, ComparisonData):
        if not data.runs:
            raise InputError(
                f"{results_dir}: no scenario runs in this comparison: expected one folder per scenario"
            )
        name = scenario or next(iter(data.runs))
        if name not in data.runs:
            raise InputError(
                f"{results_dir}: scenario {name!r} not in this comparison: expected one of "
                f"{', '.join(data.runs)}{did_you_mean(name, data.runs)}"
            )
        run = data.runs[name]
    else:
        run = data
        named = str(run.manifest.get("scenario_name") or "")
        if scenario is not None and scenario != named:
            raise InputError(
                f"{results_dir}: --scenario {scenario}: a run directory of scenario {named!r}: expected "
                "--scenario only with a comparison directory, or that name"
            )
    if "events.csv" in run.missing and "votes.csv" in run.missing:
        raise InputError(f"{run.path}: no events.csv or votes.csv: expected the run's event and vote tables")
    try:
        return chronicle(run.events, run.votes, run.summary, replicate=replicate, manifest=run.manifest)
    except InputError as err:
        raise InputError(f"{run.path}: {err}") from None
