"""`draw_all`: every figure that fits what a results directory holds, written in one go."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from sim import cast as principals
from sim.errors import InputError
from sim.plots import style
from sim.plots.alliances import alliance_timeline
from sim.plots.compare import comparison_from_summaries, key_dates, winner_probabilities
from sim.plots.fates import institutional_fates
from sim.plots.load import ComparisonData, RunData, SweepData, load
from sim.plots.party import apparatus_over_time, delegations_at_congresses, party_growth
from sim.plots.support import support_over_time
from sim.plots.sweep import default_outcome, outcomes, sweep_outcome
from sim.plots.votes import vote_shares
from sim.record.marks import RecordMarks, load_marks
from sim.scenario.names import names_of


def run_figures(
    run: RunData,
    replicate: int | None = None,
    caption: str | None = None,
    notes: list[str] | None = None,
    record: RecordMarks | None = None,
    leaders: list[str] | None = None,
) -> dict[str, Figure]:
    """Build the figures of one run, keyed by file stem; a table the run lacks skips its figure.

    `leaders` is the cast whose colours the figures use (default: the run's own scenario's).
    """
    cap = caption if caption is not None else style.caption_text(run.manifest, run.replicates)
    where = f"{run.path}: " if run.path else ""
    if replicate is not None and len(run.summary) and replicate not in set(run.summary["replicate"]):
        have = sorted(run.summary["replicate"].unique())
        raise InputError(
            f"{where}replicate {replicate} not in the results: expected one of {have[0]}..{have[-1]}"
        )
    out: dict[str, Figure] = {}
    leaders = leaders or cast_of([run])  # one cast, so every figure gives a leader the same colour
    if "timeseries.csv" not in run.missing:
        out["support_over_time"] = support_over_time(run.timeseries, run.events, leaders=leaders, caption=cap)
    if "summary.csv" not in run.missing or "events.csv" not in run.missing:
        out["institutional_fates"] = institutional_fates(
            run.summary,
            run.events,
            replicate=replicate,
            leaders=leaders,
            caption=cap,
            record=record,
            names=names_of(run.manifest),  # the scenario's offices and bodies (First Sec., Presidium)
        )
    if "events.csv" not in run.missing:
        out["alliances"] = alliance_timeline(
            run.events, replicates=run.replicates or None, caption=cap, leaders=leaders
        )
    if "votes.csv" not in run.missing:
        out["votes"] = vote_shares(run.votes, caption=cap, record=record)
    if "timeseries.csv" not in run.missing and "secretary_share" in run.timeseries:
        out["apparatus"] = apparatus_over_time(run.timeseries, run.events, caption=cap, leaders=leaders)
    if not run.party.empty:
        drives = ((run.manifest.get("scenario") or {}).get("party") or {}).get("drives")
        out["party_growth"] = party_growth(run.party, run.events, caption=cap, drives=drives)
    if not run.delegations.empty:
        out["delegations"] = delegations_at_congresses(run.delegations, caption=cap, leaders=leaders)
    if notes is not None and run.missing:
        notes.append(f"{where}no {', '.join(run.missing)}: the figures that need them were skipped")
    return out


def cast_of(runs: list[RunData]) -> list[str] | None:
    """The leaders of the runs' scenarios in order (manifest `leaders`, else the summary's columns).

    None when no run names its cast: the figures then fall back to the 1924 cast's colours.
    """
    cast: list[str] = []
    for run in runs:
        columns = [str(c) for c in run.summary.columns]
        names = run.manifest.get("leaders") or [
            c.removeprefix("support_final_") for c in columns if c.startswith("support_final_")
        ]
        cast += [str(n).lower() for n in names]
    return list(dict.fromkeys(cast)) or None


def scenario_leaders(manifest: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The scenario's leaders with their posts at the start, or None where the results do not say.

    A run's manifest carries its resolved scenario; a sweep's names its scenario file, read again here
    (None if it has gone).
    """
    scenario = manifest.get("scenario")
    if isinstance(scenario, dict) and isinstance(scenario.get("leaders"), dict):
        return scenario["leaders"]
    design = manifest.get("design")
    entries = design.get("scenarios") if isinstance(design, dict) else None
    first = entries[0] if isinstance(entries, list) and entries and isinstance(entries[0], dict) else {}
    if not first.get("file"):
        return None
    from sim.scenario import load_scenario

    try:
        return load_scenario(Path(str(first["file"]))).config.leaders
    except (InputError, OSError):
        return None


def principal_and_rival(manifest: Mapping[str, Any], cast: list[str] | None) -> tuple[str | None, str | None]:
    """The leader a figure follows and his rival (`sim.cast`): from the scenario, else the cast's order."""
    leaders = scenario_leaders(manifest) or cast or []
    return principals.principal(leaders), principals.rival(leaders)


def comparison_figures(
    cmp: ComparisonData,
    replicate: int | None = None,
    notes: list[str] | None = None,
    record: RecordMarks | None = None,
) -> dict[str, Figure]:
    """P(winner) and key dates across scenarios, then each scenario's own run figures in a sub-folder."""
    names = list(cmp.runs) or list(dict.fromkeys(cmp.comparison.get("scenario", pd.Series(dtype=str))))
    reps = cmp.manifest.get("replicates") or next((r.replicates for r in cmp.runs.values()), None)
    cap = style.caption_text({**cmp.manifest, "scenarios": names}, reps, what="comparison")
    if reps:
        cap = cap.replace(" replicates", " replicates per scenario", 1)
    table = cmp.comparison
    if table.empty or not table["metric"].str.startswith("p_winner_", na=False).any():
        table = comparison_from_summaries({n: r.summary for n, r in cmp.runs.items()})
    leaders = cast_of(list(cmp.runs.values()))
    # the first scenario is the one the others are compared with: its principal and rival are followed
    first = next(iter(cmp.runs.values()), None)
    focus, rival = principal_and_rival(first.manifest, cast_of([first])) if first else (None, None)
    out = {
        "winner_probabilities": winner_probabilities(
            table, scenarios=names, caption=cap, focus=focus, leaders=leaders
        )
    }
    if cmp.runs:
        out["key_dates"] = key_dates(
            {n: r.summary for n, r in cmp.runs.items()},
            caption=cap,
            record=record,
            leaders=leaders,
            rival=rival,
        )
    for name, run in cmp.runs.items():
        # the scenarios of a comparison share their replicates: one that is not there is an error
        for stem, fig in run_figures(run, replicate, notes=notes, record=record, leaders=leaders).items():
            out[f"{name}/{stem}"] = fig
    if notes is not None and cmp.missing:
        notes.append(f"{cmp.path}: no {', '.join(cmp.missing)}")
    return out


def sweep_figures(sw: SweepData, notes: list[str] | None = None) -> dict[str, Figure]:
    """P(the principal wins) against the swept parameters (`sim.cast`: Stalin in 1924, Khrushchev in 1953)."""
    m = sw.manifest
    n_points = (
        len(sw.points)
        if not sw.points.empty
        else (sw.runs["point_id"].nunique() if "point_id" in sw.runs else None)
    )
    design = m.get("design") if isinstance(m.get("design"), dict) else {}
    reps = m.get("replicates") or design.get("replicates")
    # the replicates go in as "per point": a bare "8 replicates" would read as the whole sweep's
    parts = style.caption_text({k: v for k, v in m.items() if k != "replicates"}, None, "experiment").split(
        "  ·  "
    )
    extra = [
        f"{n_points} points" if n_points is not None else "",
        f"{reps} replicate{'s' if reps != 1 else ''} per point" if reps else "",
    ]
    cap = "  ·  ".join([parts[0], *[e for e in extra if e], *parts[1:]])
    names = outcomes(sw.points, sw.runs)
    winners = [w for w in names if w != "none"]
    columns = [str(c) for c in sw.runs.columns]
    cast = [c.removeprefix("support_final_") for c in columns if c.startswith("support_final_")] or None
    focus = principal_and_rival(m, cast)[0]
    if focus is None or (winners and focus not in winners):  # no scenario, or not among the outcomes
        focus = default_outcome(sw.points, sw.runs, cast)
    out = {
        f"sweep_p_{focus}": sweep_outcome(
            sw.points, sw.parameters, runs=sw.runs, outcome=focus, caption=cap, leaders=cast
        )
    }
    if notes is not None and sw.missing:
        notes.append(f"{sw.path}: no {', '.join(sw.missing)}")
    return out


def _check_record_fits(targets: Path, data: RunData | ComparisonData | SweepData) -> None:
    """The targets must name the run's leaders and fall in its window, as `score` checks.

    Marks of the other case's record (its leaders, its dates) would otherwise be left off every
    figure without a word. The run's scenario is the one its manifest holds; a manifest that does not
    hold a valid one (an older version's) leaves the file's own check.
    """
    from pydantic import ValidationError

    from sim.record.checks import check_targets
    from sim.record.targets import load_targets
    from sim.scenario import ScenarioModel

    run = data if isinstance(data, RunData) else None
    if isinstance(data, ComparisonData):
        run = next(iter(data.runs.values()), None)
    config = run.manifest.get("scenario") if run is not None else None
    if not isinstance(config, dict):
        return
    try:
        cfg = ScenarioModel.model_validate(config)
    except ValidationError:
        return
    check_targets(load_targets(targets), cfg, f"--targets {targets}")


def draw_all(
    results_dir: Path,
    out_dir: Path | None = None,
    fmt: str = "png",
    *,
    replicate: int | None = None,
    notes: list[str] | None = None,
    targets: Path | None = None,
    replace: bool = True,
) -> list[Path]:
    """Draw every figure that fits the directory (run, comparison or sweep); return the files written.

    All figures are built before any file is written, and each file is written atomically, so bad input
    fails with an InputError and leaves no half-finished set of figures behind. With `replace` False
    (the CLI without --force) an existing figure file is an error, checked before any is written.
    """
    results_dir = Path(results_dir)
    fmt = str(fmt).lower().lstrip(".")
    if fmt not in style.FORMATS:
        raise InputError(f"{results_dir}: figure format {fmt!r}: expected one of {', '.join(style.FORMATS)}")
    record = load_marks(targets)  # the record's marks (`--targets`), checked before anything is drawn
    data = load(results_dir)
    if targets is not None:
        _check_record_fits(Path(targets), data)
    if isinstance(data, RunData):
        figures = run_figures(data, replicate, notes=notes, record=record)
    elif isinstance(data, ComparisonData):
        figures = comparison_figures(data, replicate, notes=notes, record=record)
    else:
        figures = sweep_figures(data, notes=notes)
    out_dir = Path(out_dir) if out_dir is not None else results_dir / "figures"
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: not a directory: expected a folder for the figures")
    paths = [out_dir / f"{stem}.{fmt}" for stem in figures]
    existing = [p.name for p in paths if p.exists()]
    if existing and not replace:
        shown = ", ".join(existing[:3]) + (", ..." if len(existing) > 3 else "")
        raise InputError(
            f"--out {out_dir}: figures exist ({shown}): expected a new folder, or --force to replace them"
        )
    return [style.save(fig, out_dir / f"{stem}.{fmt}") for stem, fig in figures.items()]
