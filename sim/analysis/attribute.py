"""`attribute`: how much of an outcome's probability each mechanism (or intervention) accounts for.

Every on/off configuration of k players is run with the same replicate seeds; exact Shapley values
split P(all on) - P(all off) among the players, and a bootstrap over replicates that keeps the
pairing gives their intervals. Players are mechanisms (off = `mechanisms.<name>.enabled = false`)
or the named interventions of a menu (on = applied).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.checks import check_leader, check_menu, default_outcome, scenario_leaders
from sim.analysis.configurations import (
    Configuration,
    ConfigurationRuns,
    IncompleteRuns,
    check_analysis_dir,
    labelled_design,
    parse_outcome,
    run_configurations,
)
from sim.analysis.menu import Intervention, combine, load_menu
from sim.analysis.output import write_tables
from sim.analysis.shapley import paired_bootstrap, shapley
from sim.errors import InputError
from sim.names import p_wins, plural
from sim.run.stats import wilson

MAX_PLAYERS = 12  # 4,096 configurations: beyond that the exact method is a week of runs
BOOTSTRAP_DRAWS = 2000
_BOOTSTRAP_STREAM = 0xB007


@dataclass
class Attribution:
    """The configurations' probabilities and the players' Shapley values with intervals."""

    scenario: str
    kind: str  # "mechanism" or "switch"
    players: list[str]
    outcome: str
    configurations: pd.DataFrame
    attribution: pd.DataFrame
    replicates: int
    used_replicates: int
    seed: int
    failed: int
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> float:
        """P(all on) - P(all off): what the Shapley values share out."""
        col = f"p_{self.outcome}"
        return float(self.configurations[col].iloc[-1] - self.configurations[col].iloc[0])

    def write(self, out: str | Path) -> list[Path]:
        """Write configurations.csv, attribution.csv, analysis.json and the figure into `out`."""
        from sim.analysis.figures import attribution_figure
        from sim.plots.style import save

        out = Path(out)
        tables = {"configurations.csv": self.configurations, "attribution.csv": self.attribution}
        paths = write_tables(out, tables, self.meta)
        paths.append(save(attribution_figure(self), out / "figures" / "attribution.png"))
        return paths

    def report(self) -> str:
        """Lines for the terminal: the players by Shapley value, with intervals."""
        table = self.attribution.sort_values("shapley", key=abs, ascending=False)
        col = f"p_{self.outcome}"
        on, off = self.configurations[col].iloc[-1], self.configurations[col].iloc[0]
        lines = [
            f"{p_wins(self.outcome)}: all on {on:.3f}, all off {off:.3f}; difference {self.total:+.3f} "
            f"shared among {len(self.players)} {plural(self.kind, len(self.players))} "
            f"({self.used_replicates} paired replicates)"
        ]
        lines += [
            f"  {row[self.kind]:<28} {row['shapley']:+.3f}  [{row['lo']:+.3f}, {row['hi']:+.3f}]"
            for _, row in table.iterrows()
        ]
        if self.failed:
            lines.append(f"note: {self.failed} run(s) failed; their replicates were left out everywhere")
        return "\n".join(lines)


def mechanism_configurations(players: list[str]) -> list[Configuration]:
    """Every on/off combination of the mechanisms, by bitmask (bit j = players[j] on)."""
    return [
        Configuration(
            {m: bool(mask >> j & 1) for j, m in enumerate(players)},
            {f"mechanisms.{m}.enabled": bool(mask >> j & 1) for j, m in enumerate(players)},
        )
        for mask in range(2 ** len(players))
    ]


def switch_configurations(menu: list[Intervention]) -> list[Configuration]:
    """Every subset of the menu's interventions applied together, by bitmask."""
    configs = []
    for mask in range(2 ** len(menu)):
        chosen = [item for j, item in enumerate(menu) if mask >> j & 1]
        merged = combine(chosen)
        if merged is None:
            names = " and ".join(item.name for item in chosen)
            raise InputError(
                f"--switches: {names} set the same path to different values: expected "
                "interventions that can be applied together"
            )
        configs.append(Configuration({item.name: bool(mask >> j & 1) for j, item in enumerate(menu)}, merged))
    return configs


def _mechanism_names(scenario: Path, requested: list[str] | None) -> list[str]:
    from sim.names import did_you_mean
    from sim.scenario import load_scenario

    known = list(load_scenario(scenario).resolved()["mechanisms"])
    if requested is None:
        return known
    for name in requested:
        if name not in known:
            hint = did_you_mean(name, known)
            raise InputError(
                f"--mechanisms: {name}: unknown mechanism: expected some of {', '.join(known)}{hint}"
            )
    if len(set(requested)) < len(requested) or not requested:
        raise InputError("--mechanisms: expected distinct mechanism names, at least one")
    return list(requested)


def attribute(
    scenario: str | Path,
    mechanisms: list[str] | None = None,
    *,
    switches: str | Path | None = None,
    outcome: str | None = None,
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
) -> Attribution:
    """Run every configuration of the players with common seeds and attribute P(outcome) among them.

    With `out` the runs are kept in `out/sweep` (resumable) and the tables are written to `out`;
    without it they live in a temporary directory.
    """
    import tempfile

    from sim.analysis.configurations import check_scenario

    scenario = check_scenario(scenario)
    outcome = outcome if outcome is not None else default_outcome(scenario, overrides)
    _, value = parse_outcome(outcome)
    check_leader(f"--outcome {outcome}", value, scenario_leaders(scenario, overrides))
    if switches is not None and mechanisms is not None:
        raise InputError("--switches: expected either --mechanisms or --switches, not both")
    if switches is not None:
        menu = load_menu(switches)
        check_menu(switches, menu, scenario, overrides)
        players, kind = [m.name for m in menu], "switch"
        if len(players) > MAX_PLAYERS:
            raise InputError(f"{switches}: intervention: expected at most {MAX_PLAYERS} (got {len(players)})")
        configs = switch_configurations(menu)
    else:
        players, kind = _mechanism_names(scenario, mechanisms), "mechanism"
        configs = mechanism_configurations(players)
    design = labelled_design(scenario, configs, replicates, seed, overrides)
    if out is not None:
        check_analysis_dir(Path(out), resume)
        runs = run_configurations(
            design,
            Path(out) / "sweep",
            backend=backend,
            scheduler=scheduler,
            workers=workers,
            resume=resume,
            progress=progress,
            run_function=run_function,
        )
        result = summarise(runs, scenario, kind, players, value, seed)
        result.write(out)
        return result
    with tempfile.TemporaryDirectory(prefix="powerstruggle-attribute-") as tmp:
        runs = run_configurations(
            design,
            Path(tmp) / "sweep",
            backend=backend,
            scheduler=scheduler,
            workers=workers,
            progress=progress,
            run_function=run_function,
        )
        return summarise(runs, scenario, kind, players, value, seed)


def summarise(
    runs: ConfigurationRuns, scenario: Path, kind: str, players: list[str], value: str, seed: int
) -> Attribution:
    """Probabilities per configuration and Shapley values, over the replicates complete everywhere."""
    runs.require_complete()
    matrix = runs.outcome_matrix("winner", value)
    complete = ~np.isnan(matrix).any(axis=0)
    if not complete.any():
        raise IncompleteRuns(
            f"{scenario}: every replicate failed in some configuration: see {runs.sweep_dir / 'failures.csv'}"
        )
    paired = matrix[:, complete]
    n = paired.shape[1]
    wins = paired.sum(axis=1).astype(int)
    p = wins / n
    col = f"p_{value}"
    rows = []
    for mask in range(len(p)):
        lo, hi = wilson(int(wins[mask]), n)
        rows.append(
            {
                **{m: bool(mask >> j & 1) for j, m in enumerate(players)},
                col: p[mask],
                "lo": lo,
                "hi": hi,
                "wins": int(wins[mask]),
                "n": n,
            }
        )
    configurations = pd.DataFrame(rows)
    phi = shapley(p)
    rng = np.random.default_rng(np.random.SeedSequence([seed, _BOOTSTRAP_STREAM]))
    lo, hi = paired_bootstrap(paired, BOOTSTRAP_DRAWS, rng)
    attribution = pd.DataFrame({kind: players, "shapley": phi, "lo": lo, "hi": hi})
    meta = {
        "kind": "attribution",
        "scenario": str(scenario),
        "players": kind,
        "outcome": f"winner={value}",
        "replicates": runs.replicates,
        "paired_replicates": n,
        "master_seed": seed,
        "failed_runs": runs.failed,
        "bootstrap_draws": BOOTSTRAP_DRAWS,
        "interval": "95% percentile bootstrap over replicates, resampled jointly in every configuration",
        "total": float(p[-1] - p[0]),
    }
    return Attribution(
        str(scenario),
        kind,
        players,
        value,
        configurations,
        attribution,
        runs.replicates,
        n,
        seed,
        runs.failed,
        meta,
    )
