"""Run named configurations of one scenario through the sweep engine, with common random numbers.

A configuration is a set of labels (a mechanism on or off, an intervention applied or not) and the
scenario overrides they stand for. Each becomes a point of a sweep design whose replicate i has the
same seed at every point, so the engine's backends, chunks, resume, progress and failure records
all apply, and any two configurations are paired replicate by replicate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError
from sim.sweep.design import Design, Point, build_design
from sim.sweep.experiment import Scalar, parse_experiment
from sim.tomlfile import file_not_found


class IncompleteRuns(RuntimeError):
    """Some runs were not done (interrupted, or chunks lost): the analysis needs --resume first."""


@dataclass(frozen=True, slots=True)
class Configuration:
    """One point of an analysis: labels for the tables, overrides for the scenario."""

    labels: dict[str, Scalar]
    overrides: dict[str, Any]


@dataclass(slots=True)
class LabelledDesign(Design):
    """A design whose points are given configurations; tables show their labels, not the overrides."""

    labels: dict[int, dict[str, Scalar]] = field(default_factory=dict)

    def point_columns(self, point: Point) -> dict[str, Scalar]:
        """The configuration's labels (e.g. `appointment = True`) as the point's columns."""
        return dict(self.labels[point.point_id])


@dataclass
class ConfigurationRuns:
    """The runs of a set of configurations: one row per completed run, and what did not complete."""

    runs: pd.DataFrame
    n_configurations: int
    replicates: int
    failed: int
    missing: int
    sweep_dir: Path
    errors: list[str]

    def require_complete(self) -> None:
        """Raise IncompleteRuns unless every run either completed or failed (and was recorded)."""
        if self.missing:
            why = "; ".join(self.errors[:1]) or "interrupted"
            raise IncompleteRuns(
                f"{self.sweep_dir}: {self.missing} run(s) not done ({why}): "
                "rerun with --resume to complete them"
            )

    def outcome_matrix(self, column: str, value: str) -> np.ndarray:
        """Configurations x replicates: 1.0 where `column == value`, 0.0 where not, nan if not run."""
        matrix = np.full((self.n_configurations, self.replicates), np.nan)
        hit = (self.runs[column].astype(str) == value).to_numpy(dtype=float)
        matrix[self.runs["point_id"].to_numpy(), self.runs["replicate"].to_numpy()] = hit
        return matrix


def base_experiment(
    scenario: str | Path, replicates: int, seed: int, fixed: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The experiment mapping behind an analysis: one scenario, its replicates, shared seeds."""
    return {
        "experiment": {
            "name": Path(scenario).stem,
            "scenario": str(Path(scenario).resolve()),
            "replicates": replicates,
            "seed": seed,
            "outputs": ["summary"],
        },
        "fixed": dict(fixed or {}),
    }


def check_scenario(scenario: str | Path) -> Path:
    """Refuse a missing scenario file in the CLI's one-line form before anything runs."""
    path = Path(scenario)
    if not path.is_file():
        raise file_not_found(path, "scenario")
    return path


def labelled_design(
    scenario: str | Path,
    configurations: Sequence[Configuration],
    replicates: int,
    seed: int,
    fixed: Mapping[str, Any] | None = None,
) -> LabelledDesign:
    """Validate the scenario and every configuration's overrides, then lay them out as a design."""
    from sim.scenario import load_scenario

    check_scenario(scenario)
    try:
        experiment = parse_experiment(base_experiment(scenario, replicates, seed, fixed))
        plain = build_design(experiment)
    except InputError as exc:  # the fixed overrides are the command's --set values
        text = str(exc).replace("<experiment mapping>: fixed.", "--set ")
        text = text.replace("<experiment mapping>: fixed:", "--set:").replace("<experiment mapping>: ", "")
        raise InputError(text) from None
    name, resolved = next(iter(plain.scenarios.items()))
    for config in configurations:
        try:
            load_scenario(resolved, plain.fixed | config.overrides)
        except InputError as exc:
            what = "+".join(k for k, v in config.labels.items() if v is True) or "as given"
            raise InputError(f"{scenario}: {what}: {str(exc).split(': ', 1)[-1]}") from None
    points = [Point(i, name, dict(c.overrides)) for i, c in enumerate(configurations)]
    columns = list(configurations[0].labels) if configurations else []
    return LabelledDesign(
        experiment=experiment,
        replicates=replicates,
        seed=seed,
        columns=columns,
        points=points,
        fixed=plain.fixed,
        scenarios=plain.scenarios,
        scenario_files=plain.scenario_files,
        scenario_sha256=plain.scenario_sha256,
        labels={i: dict(c.labels) for i, c in enumerate(configurations)},
    )


def run_configurations(
    design: LabelledDesign,
    sweep_dir: Path,
    *,
    backend: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: str = "auto",
    run_function: str | None = None,
) -> ConfigurationRuns:
    """Run (or resume) the design in `sweep_dir` and read back its runs."""
    from sim.sweep.engine import Sweep
    from sim.sweep.worker import RUN_FUNCTION

    if backend not in ("local", "serial", "dask"):
        raise InputError(f"--backend {backend}: expected local, serial or dask")
    if not resume:
        from sim.cli.options import announce_runs

        planned = len(design.points) * design.replicates
        announce_runs(
            planned, f"{design.experiment.name}: {len(design.points)} configurations", progress == "off"
        )
    sweep = Sweep(design, Path(sweep_dir), run_function or RUN_FUNCTION)
    report = sweep.execute(
        backend_name=backend,
        workers=workers,
        scheduler=scheduler,
        resume=resume,
        chunk_size=None,
        progress=progress,
    )
    parts = sorted((Path(sweep_dir) / "runs.parquet").glob("part-*.parquet"))
    runs = (
        pd.read_parquet(Path(sweep_dir) / "runs.parquet")
        if parts
        else pd.DataFrame(columns=["point_id", "replicate", "winner", "consolidation_date"])
    )
    return ConfigurationRuns(
        runs,
        len(design.points),
        design.replicates,
        report.failed,
        report.missing,
        Path(sweep_dir),
        list(report.errors),
    )


def parse_outcome(text: str) -> tuple[str, str]:
    """`winner=stalin` -> ('winner', 'stalin'); the outcome whose probability an analysis weighs."""
    column, sep, value = text.partition("=")
    column, value = column.strip(), value.strip().strip("'\"")
    if not sep or column != "winner" or not value:
        raise InputError(f"--outcome {text}: expected winner=LEADER (e.g. winner=stalin, winner=none)")
    return column, value.lower()


def check_analysis_dir(out: Path, resume: bool) -> None:
    """A new or empty directory, or (with --resume) one this analysis wrote before."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: is a file: expected a directory for the analysis")
    if out.is_dir() and any(out.iterdir()) and not resume:
        raise InputError(
            f"--out {out}: directory exists and is not empty: expected a new directory, "
            "or --resume to continue the analysis in it"
        )
