"""`sim.score(...)`: run a scenario and score its replicates against a targets file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.errors import InputError
from sim.record.score import AnyTarget, score_table, values_frame
from sim.record.targets import EventDate, EventShare, load_targets
from sim.results import Results, atomic_directory

if TYPE_CHECKING:
    from sim.scenario import ScenarioModel


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


def actors_of(cfg: ScenarioModel) -> list[str]:
    """Whom a target may be about: the scenario's leaders and its named Politburo members."""
    return [*cfg.leaders, *cfg.initial_state.politburo_members]


def check_actors(targets: Sequence[AnyTarget], actors: Sequence[str], where: str) -> None:
    """A target about someone the scenario does not have is an error (a typo would never be met)."""
    known = {str(x).lower() for x in actors}
    for t in targets:
        if isinstance(t, EventDate | EventShare) and t.actor not in known:
            raise InputError(
                f"{where}: target {t.name}: actor: {t.actor!r} is not a leader or Politburo member of the "
                f"scenario (expected one of {', '.join(sorted(known))})"
            )


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
    from sim.api import normalise_overrides, prepare, run_loaded

    ts = resolve_targets(targets)
    ov = normalise_overrides(overrides)  # type: ignore[arg-type]
    sc = prepare(scenario, ov)
    cfg = sc.config
    check_actors(ts, actors_of(cfg), str(targets) if isinstance(targets, str | Path) else "targets")
    res = run_loaded(sc, replicates, seed, workers, progress, ov)
    return Score(score_results(res, ts), res)
