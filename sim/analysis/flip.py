"""`flip`: the smallest sets of interventions from a menu that make a leader the likely winner.

The search goes by increasing set size. Every set is run with the same replicate seeds as the
scenario as given, so each difference is paired. A set whose P(leader wins) reaches the threshold is
a flip; its supersets are never tried (they are not minimal), so every flip reported is minimal.
"""

from __future__ import annotations

import itertools
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.checks import check_leader, check_menu, scenario_leaders
from sim.analysis.configurations import (
    Configuration,
    check_analysis_dir,
    check_scenario,
    labelled_design,
    run_configurations,
)
from sim.analysis.menu import Intervention, combine, load_menu
from sim.analysis.output import write_tables
from sim.errors import InputError
from sim.names import p_wins
from sim.run.stats import newcombe_paired, wilson

FLIP_COLUMNS = ["size", "interventions", "p", "lo", "hi", "diff", "diff_lo", "diff_hi", "n"]


@dataclass
class FlipSearch:
    """Every set tried, the minimal flips among them, and the scenario as given."""

    scenario: str
    leader: str
    threshold: float
    tested: pd.DataFrame
    baseline: float
    replicates: int
    seed: int
    failed: int
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def flips(self) -> pd.DataFrame:
        """The minimal sets that reach the threshold, smallest first, then by P(leader wins)."""
        rows = self.tested[self.tested["flips"]]
        return rows.sort_values(["size", "p"], ascending=[True, False])[FLIP_COLUMNS].reset_index(drop=True)

    def write(self, out: str | Path) -> list[Path]:
        """Write flips.csv, tested.csv, analysis.json and the figure into `out`."""
        from sim.analysis.figures import flip_figure
        from sim.plots.style import save

        out = Path(out)
        paths = write_tables(out, {"flips.csv": self.flips, "tested.csv": self.tested}, self.meta)
        who = "nobody consolidating" if self.leader == "none" else f"{self.leader} the winner"
        title = f"Which changes make {who} likely? ({Path(self.scenario).stem})"
        note = f"{self.scenario} · {self.replicates} replicates per set, paired · seed {self.seed}"
        figure = flip_figure(self.tested, self.baseline, self.threshold, self.leader, title, note)
        paths.append(save(figure, out / "figures" / "flips.png"))
        return paths

    def report(self) -> str:
        """Lines for the terminal: the scenario as given, then each minimal flip."""
        lines = [
            f"{p_wins(self.leader)} as given: {self.baseline:.3f}; threshold {self.threshold:g}; "
            f"{len(self.tested) - 1} set(s) tried"
        ]
        flips = self.flips
        if flips.empty:
            best = self.tested.sort_values("p", ascending=False).iloc[0]
            lines.append(
                f"no set tried flips the outcome; the best is {best['interventions'] or '(as given)'} "
                f"at {best['p']:.3f} [{best['lo']:.3f}, {best['hi']:.3f}]"
            )
        for row in flips.itertuples(index=False):
            lines.append(
                f"  size {row.size}: {row.interventions:<40} p {row.p:.3f} [{row.lo:.3f}, {row.hi:.3f}]"
                f"  diff {row.diff:+.3f} [{row.diff_lo:+.3f}, {row.diff_hi:+.3f}]"
            )
        if self.failed:
            lines.append(f"note: {self.failed} run(s) failed; pairs with a failed run were left out")
        return "\n".join(lines)


def _candidates(
    menu: list[Intervention], size: int, flipped: list[frozenset[str]]
) -> list[list[Intervention]]:
    """Sets of `size` interventions that can be applied together and hold no flip already found."""
    found = []
    for combo in itertools.combinations(menu, size):
        names = frozenset(m.name for m in combo)
        if any(f <= names for f in flipped) or combine(list(combo)) is None:
            continue
        found.append(list(combo))
    return found


def _configuration(menu: list[Intervention], chosen: list[Intervention]) -> Configuration:
    names = {m.name for m in chosen}
    return Configuration({m.name: m.name in names for m in menu}, combine(chosen) or {})


def flip(
    scenario: str | Path,
    to: str,
    menu: str | Path,
    *,
    threshold: float = 0.5,
    max_size: int = 3,
    replicates: int = 100,
    seed: int = 0,
    workers: int | None = None,
    backend: str = "local",
    scheduler: str | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: str = "off",
    overrides: dict[str, Any] | None = None,
    run_function: str | None = None,
) -> FlipSearch:
    """Search the menu's sets by size for every minimal one with P(`to` wins) >= threshold."""
    scenario = check_scenario(scenario)
    items = load_menu(menu)
    leader = check_leader(f"--to {to}", to.lower(), scenario_leaders(scenario, overrides))
    check_menu(menu, items, scenario, overrides)
    if not 0.0 < threshold <= 1.0:
        raise InputError(f"--threshold {threshold}: expected a probability in (0, 1]")
    if max_size < 1:
        raise InputError(f"--max-size {max_size}: expected an integer >= 1")
    if out is not None:
        check_analysis_dir(Path(out), resume)
        result = _search(
            scenario,
            leader,
            items,
            threshold,
            max_size,
            replicates,
            seed,
            Path(out),
            dict(
                workers=workers,
                backend=backend,
                scheduler=scheduler,
                resume=resume,
                progress=progress,
                run_function=run_function,
            ),
            overrides,
        )
        result.write(out)
        return result
    with tempfile.TemporaryDirectory(prefix="powerstruggle-flip-") as tmp:
        return _search(
            scenario,
            leader,
            items,
            threshold,
            max_size,
            replicates,
            seed,
            Path(tmp),
            dict(
                workers=workers,
                backend=backend,
                scheduler=scheduler,
                progress=progress,
                run_function=run_function,
            ),
            overrides,
        )


def _search(
    scenario: Path,
    leader: str,
    menu: list[Intervention],
    threshold: float,
    max_size: int,
    replicates: int,
    seed: int,
    root: Path,
    run_options: dict[str, Any],
    overrides: dict[str, Any] | None,
) -> FlipSearch:
    # validate every intervention alone before the first run: a typo is an error, not a failed run
    labelled_design(scenario, [_configuration(menu, [m]) for m in menu], 1, seed, overrides)
    rows: list[dict[str, Any]] = []
    flipped: list[frozenset[str]] = []
    baseline: np.ndarray | None = None
    failed = 0
    size, sets = 1, [[], *_candidates(menu, 1, flipped)]  # the scenario as given runs with the singles
    while sets:
        design = labelled_design(
            scenario, [_configuration(menu, s) for s in sets], replicates, seed, overrides
        )
        runs = run_configurations(design, root / "sweeps" / f"size_{size}", **run_options)
        runs.require_complete()
        failed += runs.failed
        wins = runs.outcome_matrix("winner", leader)
        baseline = wins[0] if baseline is None else baseline
        for chosen, outcome in zip(sets, wins, strict=True):
            row = _row(chosen, outcome, baseline, threshold)
            names = frozenset(m.name for m in chosen)
            if row["flips"] and any(f <= names for f in flipped):
                row["flips"] = False  # a superset of a flip (the singles, when the scenario as given flips)
            rows.append(row)
            if row["flips"]:
                flipped.append(names)
        if rows[0]["flips"] or size >= min(max_size, len(menu)):
            break  # already the likely winner as given, or the largest size asked for is done
        size += 1
        sets = _candidates(menu, size, flipped)
    tested = pd.DataFrame(rows, columns=[*FLIP_COLUMNS, "flips"])
    base_p = float(tested["p"].iloc[0])
    meta = {
        "kind": "flip",
        "scenario": str(scenario),
        "leader": leader,
        "threshold": threshold,
        "max_size": max_size,
        "menu": [{"name": m.name, "description": m.description, "set": m.values} for m in menu],
        "replicates": replicates,
        "master_seed": seed,
        "failed_runs": failed,
        "interval": "p: Wilson 95%; diff: Newcombe's paired 95% interval against the scenario as given",
    }
    return FlipSearch(str(scenario), leader, threshold, tested, base_p, replicates, seed, failed, meta)


def _row(
    chosen: list[Intervention], outcome: np.ndarray, baseline: np.ndarray, threshold: float
) -> dict[str, Any]:
    """One set's P(leader wins) with its interval, and its paired difference from the scenario as given."""
    done = ~np.isnan(outcome)
    k, n = int(np.nansum(outcome)), int(done.sum())
    lo, hi = wilson(k, n)
    both = done & ~np.isnan(baseline)
    x, b = outcome[both] == 1, baseline[both] == 1
    if not chosen:  # the scenario as given, against itself
        diff, diff_lo, diff_hi = 0.0, 0.0, 0.0
    else:
        diff, diff_lo, diff_hi = newcombe_paired(
            int((x & b).sum()), int((x & ~b).sum()), int((~x & b).sum()), int((~x & ~b).sum())
        )
    p = k / n if n else float("nan")
    return {
        "size": len(chosen),
        "interventions": "+".join(m.name for m in chosen),
        "p": p,
        "lo": lo,
        "hi": hi,
        "diff": diff,
        "diff_lo": diff_lo,
        "diff_hi": diff_hi,
        "n": n,
        "flips": bool(n and p >= threshold),
    }
