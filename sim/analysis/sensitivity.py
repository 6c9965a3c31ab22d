"""`sensitivity`: global sensitivity of the outcomes to an experiment's sampled parameters (SALib).

The experiment's `[sample]` uses SALib's own design (`sobol_saltelli` or `morris`); the sweep engine
runs its points with common seeds, each point's replicates give its outcomes, and SALib's analysers
read them in design order. Beside each index goes the replicate noise: the share of the outcome's
variance across points that the finite number of replicates alone would produce. With few
replicates a Sobol' index partly measures the model's noise, and that share says how much.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.configurations import IncompleteRuns, check_analysis_dir
from sim.analysis.output import write_tables
from sim.analysis.sampling import design_seed, problem
from sim.errors import InputError

METHODS = {"sobol": "sobol_saltelli", "morris": "morris"}
NOISE_DRAWS = 50
_NOISE_STREAM = 0x0015E

#: Outcomes per point from its runs: a function of the runs table giving one column per outcome.
Outcomes = Callable[[pd.DataFrame, Mapping[str, Any]], pd.DataFrame]


def default_outcomes(runs: pd.DataFrame, scenario: Mapping[str, Any]) -> pd.DataFrame:
    """P(the principal wins) as `p_<principal>`, and the median consolidation date in days after the start.

    The principal is the first office's holder at the start (`sim.cast.principal`): `p_stalin` in 1924,
    `p_khrushchev` in 1953. No consolidation counts as the last day of the window, so the median is a
    censored one.
    """
    from sim.cast import principal

    column = f"p_{principal(scenario['leaders'])}"
    start = pd.Timestamp(str(scenario["start"]))
    end = (pd.Timestamp(str(scenario["end"])) - start).days
    days = (pd.to_datetime(runs["consolidation_date"]) - start).dt.days.fillna(end)
    frame = pd.DataFrame(
        {
            "point_id": runs["point_id"],
            column: (runs["winner"] == column.removeprefix("p_")) * 1.0,
            "consolidation_days": days.astype(float),
        }
    )
    grouped = frame.groupby("point_id")
    return pd.DataFrame(
        {
            column: grouped[column].mean(),
            "median_consolidation_days": grouped["consolidation_days"].median(),
        }
    )


@dataclass
class Sensitivity:
    """The indices per parameter and outcome, with the replicate noise, and the per-point outcomes."""

    experiment: str
    method: str
    indices: pd.DataFrame
    second_order: pd.DataFrame
    points: pd.DataFrame
    replicates: int
    failed: int
    meta: dict[str, Any] = field(default_factory=dict)

    def write(self, out: str | Path) -> list[Path]:
        """Write indices.csv (and indices_s2.csv), outcomes.csv, analysis.json and the figure."""
        from sim.analysis.figures import sensitivity_figure
        from sim.plots.style import save

        out = Path(out)
        tables = {"indices.csv": self.indices, "outcomes.csv": self.points}
        if not self.second_order.empty:
            tables["indices_s2.csv"] = self.second_order
        paths = write_tables(out, tables, self.meta)
        size = f"{len(self.points)} points × {self.replicates} replicates"
        title = f"{self.method} indices · {self.experiment} · {size}"
        note = f"{self.experiment} · {size} · master seed {self.meta.get('master_seed', '?')}"
        noise = {
            outcome: noise_words(rows, self.points[outcome])
            for outcome, rows in self.indices.groupby("outcome", sort=False)
        }
        figure = sensitivity_figure(self.indices, self.method, title, note, noise)
        paths.append(save(figure, out / "figures" / "indices.png"))
        return paths

    def report(self) -> str:
        """Lines for the terminal: each outcome's indices, largest first, with the noise share."""
        key = "ST" if self.method == "sobol" else "mu_star"
        conf = f"{key}_conf"
        lines = []
        for outcome, rows in self.indices.groupby("outcome", sort=False):
            lines.append(f"{outcome} ({self.method}; {noise_words(rows, self.points[outcome])}):")
            for _, row in rows.sort_values(key, ascending=False).iterrows():
                extra = (
                    f"  S1 {row['S1']:.3f} ± {row['S1_conf']:.3f}"
                    if self.method == "sobol"
                    else (f"  sigma {row['sigma']:.3g}")
                )
                lines.append(f"  {row['parameter']:<44} {key} {row[key]:.3g} ± {row[conf]:.3g}{extra}")
        if self.failed:
            lines.append(
                f"note: {self.failed} run(s) failed; the points' outcomes use their other replicates"
            )
        return "\n".join(lines)


def prepare_experiment(
    source: str | Path | Mapping[str, Any],
    method: str | None,
    replicates: int | None,
    seed: int | None = None,
) -> Any:
    """Load the experiment and check it suits `method` (its points share replicate seeds)."""
    from sim.sweep.experiment import load_experiment

    experiment = load_experiment(source, replicates, seed)
    where = experiment.where
    sample = experiment.spec.sample
    if sample is None or sample.method not in METHODS.values():
        raise InputError(
            f'{where}: sample.method: expected "sobol_saltelli" or "morris" for sensitivity '
            f"(got {sample.method if sample else 'no [sample] table'!r})"
        )
    if method is not None and METHODS.get(method) != sample.method:
        raise InputError(f"--method {method}: expected the method of the file's [sample] ({sample.method})")
    if experiment.spec.grid:
        raise InputError(
            f"{where}: grid: expected no [grid] with a SALib sample (its analysers need its points)"
        )
    if len(experiment.scenario_files) != 1:
        raise InputError(f"{where}: experiment.scenario: expected one scenario for sensitivity")
    return experiment


def sensitivity(
    experiment: str | Path | Mapping[str, Any],
    method: str | None = None,
    *,
    replicates: int | None = None,
    workers: int | None = None,
    backend: str | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: str = "off",
    outcomes: Outcomes = default_outcomes,
    run_function: str | None = None,
    seed: int | None = None,
) -> Sensitivity:
    """Run the experiment's SALib design with common seeds and compute the indices of each outcome.

    `replicates` and `seed` override the file's values.
    """
    from sim.sweep.design import build_design

    exp = prepare_experiment(experiment, method, replicates, seed)
    design = build_design(exp)
    backend = backend or exp.spec.experiment.backend or "local"
    if out is not None:
        check_analysis_dir(Path(out), resume)
        result = _run_and_analyse(
            design, Path(out) / "sweep", backend, workers, resume, progress, outcomes, run_function
        )
        result.write(out)
        return result
    with tempfile.TemporaryDirectory(prefix="powerstruggle-sensitivity-") as tmp:
        return _run_and_analyse(
            design, Path(tmp) / "sweep", backend, workers, False, progress, outcomes, run_function
        )


def _run_and_analyse(
    design: Any,
    sweep_dir: Path,
    backend: str,
    workers: int | None,
    resume: bool,
    progress: str,
    outcomes: Outcomes,
    run_function: str | None,
) -> Sensitivity:
    from sim.sweep.engine import Sweep
    from sim.sweep.worker import RUN_FUNCTION

    report = Sweep(design, sweep_dir, run_function or RUN_FUNCTION).execute(
        backend_name=backend,
        workers=workers,
        scheduler=None,
        resume=resume,
        chunk_size=None,
        progress=progress,
    )
    if report.missing:
        why = "; ".join(report.errors[:1]) or "interrupted"
        raise IncompleteRuns(f"{sweep_dir}: {report.missing} run(s) not done ({why}): rerun with --resume")
    runs = pd.read_parquet(sweep_dir / "runs.parquet")
    return analyse(design, runs, outcomes, report.failed)


def analyse(design: Any, runs: pd.DataFrame, outcomes: Outcomes, failed: int = 0) -> Sensitivity:
    """SALib's indices of each outcome, with the replicate noise share, from a finished design's runs."""
    sample = design.experiment.spec.sample
    scenario = next(iter(design.scenarios.values()))
    names = list(sample.bounds)
    spec = problem(dict(sample.bounds))
    values = outcomes(runs, scenario).reindex(range(len(design.points)))
    if values.isna().any().any():
        lost = int(values.isna().any(axis=1).sum())
        raise IncompleteRuns(
            f"{lost} point(s) have no completed run (see failures.csv): the indices need all"
        )
    x = np.array([[p.values[n] for n in names] for p in design.points], dtype=float)
    noise = _noise_shares(runs, scenario, outcomes, values, design.seed)
    method = "sobol" if sample.method == "sobol_saltelli" else "morris"
    rows, pairs = [], []
    for outcome in values.columns:
        y = values[outcome].to_numpy(float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a constant outcome gives nan indices, which the table shows
            result = _salib(method, spec, x, y, sample, design_seed(design.seed))
        for j, name in enumerate(names):
            row = {"parameter": name, "outcome": outcome}
            keys = (
                ("S1", "S1_conf", "ST", "ST_conf")
                if method == "sobol"
                else ("mu_star", "mu_star_conf", "sigma", "mu")
            )
            row.update({k: float(result[k][j]) for k in keys})
            row["noise_share"] = noise[outcome]
            rows.append(row)
            if method == "sobol" and sample.second_order:
                for i in range(j + 1, len(names)):
                    pairs.append(
                        {
                            "parameter": name,
                            "other": names[i],
                            "outcome": outcome,
                            "S2": float(result["S2"][j, i]),
                            "S2_conf": float(result["S2_conf"][j, i]),
                        }
                    )
    points = pd.concat([pd.DataFrame(x, columns=names), values.reset_index(drop=True)], axis=1)
    points.insert(0, "point_id", range(len(points)))
    meta = {
        "kind": "sensitivity",
        "experiment": design.experiment.name,
        "method": sample.method,
        "points": len(design.points),
        "base_sample": sample.points,
        "replicates": design.replicates,
        "master_seed": design.seed,
        "common_random_numbers": True,
        "failed_runs": failed,
        "noise_share": noise,
        "noise": "mean over points of the bootstrap variance of the point's outcome over its replicates, "
        "divided by the outcome's variance across points",
    }
    return Sensitivity(
        design.experiment.name,
        method,
        pd.DataFrame(rows),
        pd.DataFrame(pairs),
        points,
        design.replicates,
        failed,
        meta,
    )


def _salib(method: str, spec: dict[str, Any], x: np.ndarray, y: np.ndarray, sample: Any, seed: int) -> Any:
    if method == "sobol":
        from SALib.analyze import sobol

        return sobol.analyze(spec, y, calc_second_order=sample.second_order, seed=seed)
    from SALib.analyze import morris

    return morris.analyze(spec, x, y, num_levels=sample.levels, seed=seed)


def noise_words(rows: pd.DataFrame, across_points: pd.Series) -> str:
    """The replicate noise for the report and the figure, in words where the ratio alone would mislead.

    `across_points`: the outcome at each point, to tell an outcome that does not vary.
    """
    noise = float(rows["noise_share"].iloc[0])
    if across_points.nunique(dropna=True) < 2:
        return "the outcome is the same at every point: no index to read"
    if np.isnan(noise):
        return "replicate noise not measured: it needs 2 or more replicates per point"
    if noise >= 1:
        return (
            f"replicate noise {noise:.2g} times its variance across points: the indices mostly measure noise"
        )
    return f"replicate noise ≈ {noise:.0%} of its variance across points"


def _noise_shares(
    runs: pd.DataFrame, scenario: Mapping[str, Any], outcomes: Outcomes, values: pd.DataFrame, seed: int
) -> dict[str, float]:
    """Per outcome: the mean of the points' bootstrap variances over the variance across points.

    0: the indices measure the parameters; near 1: they mostly measure the replicates' noise.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, _NOISE_STREAM]))
    order = runs.sort_values(["point_id", "replicate"]).reset_index(drop=True)
    starts = order.groupby("point_id").indices
    if min((len(idx) for idx in starts.values()), default=0) < 2:  # one replicate shows no noise: unknown
        return {name: float("nan") for name in values.columns}
    draws = []
    for _ in range(NOISE_DRAWS):
        picks = np.concatenate([rng.choice(idx, size=len(idx)) for idx in starts.values()])
        draws.append(outcomes(order.iloc[picks], scenario).reindex(values.index))
    stacked = np.stack([d.to_numpy(float) for d in draws])  # draws x points x outcomes
    within = np.nanmean(np.nanvar(stacked, axis=0, ddof=1), axis=0)
    between = values.to_numpy(float).var(axis=0, ddof=1)
    return {
        name: float(w / b) if b > 0 else float("nan")
        for name, w, b in zip(values.columns, within, between, strict=True)
    }
