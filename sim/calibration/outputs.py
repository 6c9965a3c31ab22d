"""The outputs of a calibration: posterior, generations, calibrated scenario, predictive score, manifest.

Written when the budget is spent (or, on resume, when there is nothing left to run), each file whole.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibration.pool import run_jobs
from sim.calibration.simulator import key
from sim.calibration.space import Param
from sim.record.score import AnyTarget, replicate_values, score_table


@dataclass
class Calibration:
    """A finished calibration: its directory and the main tables."""

    out: Path
    posterior: Any  # pandas DataFrame: one row per particle, a column per path, weight, generation
    generations: Any
    score: Any
    manifest: dict[str, Any]


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The q-quantile of x under weights w (the smallest x whose cumulative weight reaches q)."""
    order = np.argsort(x)
    cum = np.cumsum(w[order]) / np.sum(w)
    return float(x[order][min(int(np.searchsorted(cum, q)), len(x) - 1)])


def _write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def posterior_frame(history: Any, params: Sequence[Param]) -> pd.DataFrame:
    """The last generation's particles: a column per dotted path, `weight` and `generation`."""
    t = int(history.max_t)
    df, w = history.get_distribution(m=0, t=t)
    out = pd.DataFrame({p.path: df[key(i)].to_numpy(float) for i, p in enumerate(params)})
    for p in params:
        if p.integer:
            out[p.path] = out[p.path].round().astype(int)
    out["weight"] = np.asarray(w, dtype=float)
    out["generation"] = t
    return out


def generations_frame(history: Any) -> pd.DataFrame:
    """Epsilon, simulations, acceptance rate and effective sample size of every generation."""
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    rows = []
    for _, r in pops.iterrows():
        t = int(r["t"])
        _, w = history.get_distribution(m=0, t=t)
        w = np.asarray(w, dtype=float)
        ess = float(w.sum() ** 2 / np.sum(w**2)) if len(w) else float("nan")
        rows.append({
            "generation": t, "epsilon": float(r["epsilon"]), "simulations": int(r["samples"]),
            "particles": int(r["particles"]),
            "acceptance_rate": round(int(r["particles"]) / max(1, int(r["samples"])), 5),
            "ess": round(ess, 2),
        })  # fmt: skip
    return pd.DataFrame(
        rows, columns=["generation", "epsilon", "simulations", "particles", "acceptance_rate", "ess"]
    )


def _toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return repr(round(float(v), 6))  # type: ignore[arg-type]


def calibrated_toml(scenario: Any, out: Path, values: Mapping[str, float | int], note: str) -> str:
    """A scenario whose `base` is the input and whose calibrated paths are set to `values`."""
    base = os.path.relpath(Path(scenario.source).resolve(), out.resolve())
    tables: dict[str, list[tuple[str, object]]] = {}
    top: list[tuple[str, object]] = []
    for path, v in values.items():
        *parents, leaf = path.split(".")
        (tables.setdefault(".".join(parents), []) if parents else top).append((leaf, v))
    lines = [f"# {line}" for line in note.splitlines()]
    lines += [f"base = {json.dumps(base)}", f"name = {json.dumps(scenario.name + '_calibrated')}"]
    what = "Posterior medians of a calibration to the record (docs/calibration.md)."
    lines += [f"description = {json.dumps(what)}"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in top]
    for table, items in tables.items():
        lines += ["", f"[{table}]"] + [f"{k} = {_toml_value(v)}" for k, v in items]
    return "\n".join(lines) + "\n"


def _one(job: tuple[str, dict[str, Any], int, list[AnyTarget]]) -> dict[str, float]:
    from sim.run.runner import simulate
    from sim.scenario import load_scenario

    source, overrides, seed, targets = job
    try:
        out = simulate(load_scenario(source, overrides), seed, timeseries=False)
    except Exception:  # noqa: BLE001 - a failed predictive run counts as a history with no value
        return {t.name: float("nan") for t in targets}
    return replicate_values(out.events, out.votes, targets)


def _predictive_table(values: dict[str, pd.DataFrame], targets: Sequence[AnyTarget]) -> pd.DataFrame:
    """`stage`, then one column per target: a date target's day as an ISO date (empty where it never came)."""
    table = pd.concat([v.assign(stage=s) for s, v in values.items()], ignore_index=True)
    for t in targets:
        if t.kind == "event_date" and t.name in table:
            table[t.name] = [
                "" if pd.isna(day) else dt.date.fromordinal(int(round(day))).isoformat()
                for day in table[t.name]
            ]
    return table[["stage", *[c for c in table.columns if c != "stage"]]]


def predictive_stages(
    source: Path, stages: Mapping[str, list[dict[str, Any]]], seeds: list[int], targets: Sequence[AnyTarget],
    workers: int,
) -> dict[str, pd.DataFrame]:  # fmt: skip
    """One replicate per draw (seeded) of every stage, its value for every target, a frame per stage.

    The stages' runs share one pool: no worker waits at the end of one stage for the next to start.
    """
    jobs = [
        (str(source), d, s, list(targets))
        for draws in stages.values()
        for d, s in zip(draws, seeds, strict=True)
    ]
    rows = run_jobs(_one, jobs, workers)
    columns = [t.name for t in targets]
    return {
        stage: pd.DataFrame(rows[i * len(seeds) : (i + 1) * len(seeds)], columns=columns, dtype=float)
        for i, stage in enumerate(stages)
    }


class _PosteriorFigures:
    """marginals.png and pairs.png, drawn in a forked process while the rest is written (workers > 1).

    They take a second or more of one core at the end of a calibration, when the other cores are idle;
    drawn aside, they overlap the predictive runs, the other files and the predictive figure. With one
    worker they are drawn in this process, at `wait`.
    """

    def __init__(self, folder: Path, posterior: pd.DataFrame, params: Sequence[Param], workers: int) -> None:
        from sim.calibration.figures import posterior_figures
        from sim.calibration.pool import fork_pool

        self.args = (folder, posterior, list(params))
        self.pool = fork_pool(1) if workers > 1 else None
        self.future = None if self.pool is None else self.pool.submit(posterior_figures, *self.args)

    def wait(self) -> list[Path]:
        """The figures' paths once they are written (an error drawing them is raised here)."""
        if self.pool is None or self.future is None:
            from sim.calibration.figures import posterior_figures

            return posterior_figures(*self.args)
        try:
            return self.future.result()
        finally:
            self.pool.shutdown(wait=True)

    def abandon(self) -> None:
        """Something else failed: wait for the drawing process to end, whatever it gives."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _draws(
    params: Sequence[Param], posterior: pd.DataFrame, n: int, seed: int
) -> tuple[list[dict], list[dict]]:
    rng = np.random.default_rng([seed, 2])
    prior = [{p.path: p.value(rng.uniform(p.low, p.high)) for p in params} for _ in range(n)]
    w = posterior["weight"].to_numpy(float)
    idx = rng.choice(len(posterior), size=n, p=w / w.sum())
    post = [{p.path: p.value(float(posterior[p.path].iloc[i])) for p in params} for i in idx]
    return prior, post


def write_outputs(
    out: Path,
    scenario: Any,
    targets: Sequence[AnyTarget],
    params: Sequence[Param],
    history: Any,
    spec: Mapping[str, Any],
    run: Mapping[str, Any],
) -> Any:
    """Write posterior.parquet, generations.csv, calibrated.toml, score.csv, manifest.json, figures/."""
    from sim.run.runner import replicate_seeds

    posterior = posterior_frame(history, params)
    generations = generations_frame(history)
    w = posterior["weight"].to_numpy(float)
    medians = {p.path: p.value(weighted_quantile(posterior[p.path].to_numpy(float), w, 0.5)) for p in params}
    n = int(run["predictive"])
    prior_draws, post_draws = _draws(params, posterior, n, int(run["seed"]))
    seeds = replicate_seeds(int(run["seed"]), n)  # the same seeds for both stages: paired histories
    workers = int(run["workers"])
    figures = _PosteriorFigures(out / "figures", posterior, params, workers)  # drawn aside if workers > 1
    try:
        calibration = _write_files(out, scenario, targets, params, history, spec, run, posterior,
                                   generations, medians, prior_draws, post_draws, seeds)  # fmt: skip
    except BaseException:
        figures.abandon()
        raise
    figures.wait()
    return calibration


def _write_files(
    out: Path, scenario: Any, targets: Sequence[AnyTarget], params: Sequence[Param], history: Any,
    spec: Mapping[str, Any], run: Mapping[str, Any], posterior: pd.DataFrame, generations: pd.DataFrame,
    medians: Mapping[str, float | int], prior_draws: list[dict[str, Any]], post_draws: list[dict[str, Any]],
    seeds: list[int],
) -> Calibration:  # fmt: skip
    """The predictive stages, then every file but the posterior's figures."""
    from sim.calibration.figures import predictive_figure
    from sim.run.api import versions

    n, workers = int(run["predictive"]), int(run["workers"])
    stages = {"prior": prior_draws, "posterior": post_draws}
    values = predictive_stages(Path(scenario.source), stages, seeds, targets, workers)
    w = posterior["weight"].to_numpy(float)
    score = pd.concat(
        [score_table(v, targets).assign(stage=stage) for stage, v in values.items()], ignore_index=True
    )
    score = score[["stage", *[c for c in score.columns if c != "stage"]]]
    posterior.to_parquet(out / "posterior.parquet", index=False)
    generations.to_csv(out / "generations.csv", index=False)
    score.to_csv(out / "score.csv", index=False)
    _predictive_table(values, targets).to_csv(out / "predictive.csv", index=False)
    note = f"Calibrated by `powerstruggle calibrate` ({datetime.now(UTC):%Y-%m-%d}); see its manifest.json."
    _write_text(out / "calibrated.toml", calibrated_toml(scenario, out, medians, note))
    failures = out / "failures.log"
    n_failed = len(failures.read_text(encoding="utf-8").splitlines()) if failures.exists() else 0
    import pyabc

    summary = {
        p.path: {
            "median": medians[p.path],
            "q05": weighted_quantile(posterior[p.path].to_numpy(float), w, 0.05),
            "q95": weighted_quantile(posterior[p.path].to_numpy(float), w, 0.95),
            "prior": [p.low, p.high],
        }
        for p in params
    }
    budgeted = int(history.total_nr_simulations) + int(spec.get("pilot", 0))
    budgeted += int(run.get("discarded_simulations", 0))
    manifest = {
        "kind": "calibration",
        **dict(spec),
        **dict(run),
        # every run the calibration made: the budget's (the pilot's, the generations', those of a
        # generation the budget cut off) and the predictive stages'
        "simulations": budgeted + 2 * n,
        "budget_simulations": budgeted,
        "predictive_simulations": 2 * n,
        "abc_simulations": int(history.total_nr_simulations),
        "generations": int(history.max_t) + 1,
        "failed_simulations": n_failed,
        "posterior": summary,
        "fit_targets": [t.name for t in targets if t.role == "fit"],
        "validate_targets": [t.name for t in targets if t.role == "validate"],
        "predictive_seeds": seeds,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": {**versions(), "pyabc": str(pyabc.__version__)},
    }
    _write_text(out / "manifest.json", json.dumps(manifest, indent=2, default=str) + "\n")
    note = (
        f"scenario: {scenario.name}  ·  {n} posterior draws, one replicate each  ·  calibration seed "
        f"{run['seed']}  ·  drawn {datetime.now(UTC):%Y-%m-%d}"
    )
    predictive_figure(out / "figures", values["posterior"], targets, note)
    return Calibration(out, posterior, generations, score, manifest)
