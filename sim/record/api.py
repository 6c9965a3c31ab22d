"""`sim.score(...)`: run a scenario and score its replicates against a targets file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.record.checks import actors_of, check_targets
from sim.record.score import AnyTarget, score_table, values_frame
from sim.record.targets import load_targets
from sim.run.results import Results, atomic_directory

if TYPE_CHECKING:
    from sim.scenario import ScenarioModel

__all__ = ["Score", "actors_of", "checked_targets", "resolve_targets", "score", "score_results"]


@dataclass
class Score:
    """The score table of a run (`table`) and the run it scored (`results`)."""

    table: pd.DataFrame
    results: Results

    def write(self, out_dir: str | Path) -> Path:
        """Write the run's tables and score.csv into `out_dir` atomically."""
        out = Path(out_dir)
        with atomic_directory(out) as tmp:
            self.results.write_into(tmp)
            self.table.to_csv(tmp / "score.csv", index=False)
        return out


def resolve_targets(targets: str | Path | Sequence[AnyTarget]) -> list[AnyTarget]:
    """A targets file's targets, or the given list unchanged."""
    if isinstance(targets, str | Path):
        return load_targets(targets)
    return list(targets)


def checked_targets(targets: str | Path | Sequence[AnyTarget], cfg: ScenarioModel) -> list[AnyTarget]:
    """The targets (file or list), each checked against the scenario it will score (sim.record.checks)."""
    ts = resolve_targets(targets)
    check_targets(ts, cfg, str(targets) if isinstance(targets, str | Path) else "targets")
    return ts


def score_results(results: Results, targets: str | Path | Sequence[AnyTarget]) -> pd.DataFrame:
    """Score an existing run (a `Results`) against the targets."""
    ts = resolve_targets(targets)
    reps = [int(r) for r in results.summary["replicate"]] if len(results.summary) else []
    return score_table(values_frame(results.events, results.votes, reps, ts), ts)


def score(
    scenario: str | Path,
    targets: str | Path | Sequence[AnyTarget],
    replicates: int = 100,
    seed: int = 0,
    workers: int = 1,
    overrides: object = None,
    progress: bool | Callable[[], None] = False,
) -> Score:
    """Run `replicates` replicates of the scenario and score them against the targets (file or list)."""
    from sim.run.api import normalise_overrides, prepare, run_loaded

    ov = normalise_overrides(overrides)  # type: ignore[arg-type]
    sc = prepare(scenario, ov)
    ts = checked_targets(targets, sc.config)
    res = run_loaded(sc, replicates, seed, workers, progress, ov)
    return Score(score_results(res, ts), res)
