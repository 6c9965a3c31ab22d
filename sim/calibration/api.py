"""`sim.calibrate(...)`: ABC-SMC (pyabc) over a scenario's parameters, fitted to the record's `fit` targets.

The run lives in its output directory: `calibration.json` (what is calibrated), pyabc's history
database `abc.db` (every finished generation), `sampler.json` (the sampler's rate after it) and
`failures.log`. Ctrl-C leaves them; `resume=True` continues from the last finished generation. When
the budget is spent the outputs are written (sim.calibration.outputs).
"""

from __future__ import annotations

import json
import logging
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.calibration.outputs import Calibration, write_outputs
from sim.calibration.pool import run_jobs
from sim.calibration.simulator import (
    ProjectedDistance,
    RecordSimulator,
    ScaledDistance,
    bounds,
    informative_weights,
    key,
    projection,
)
from sim.calibration.space import Param, build_space, parse_param, read_space
from sim.calibration.statistics import FAILED, missing, observed, statistics, summarise
from sim.cli.options import BACKENDS, WORKERS
from sim.errors import InputError
from sim.record.score import AnyTarget

SPEC = "calibration.json"
DB = "abc.db"
RATE = "sampler.json"


#: The fewest particles a default population has, and so the smallest budget without --population:
#: a pilot of one population from the prior and a first generation.
MIN_POPULATION = 20


def default_population(budget: int) -> int:
    """A twentieth of the budget, between 20 and 200 particles: enough generations to narrow down."""
    return int(min(200, max(MIN_POPULATION, budget // 20)))


def pilot_size(budget: int, population: int) -> int:
    """The pilot from the prior: an eighth of the budget, at least a population's worth, at most 400."""
    return int(max(min(population, budget // 2), min(budget // 8, 400)))


def _check_positive(value: object, option: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(f"{option}: expected an integer >= 1 (got {value!r})")
    return value


def _spec(
    scenario: Any, targets_path: str, params: Sequence[Param], population: int, seed: int,
    fit: Sequence[AnyTarget],
) -> dict[str, Any]:  # fmt: skip
    return {
        "scenario": str(Path(scenario.source).resolve()),
        "targets": str(Path(targets_path).resolve()),
        "params": [p.as_dict() for p in params],
        "population": population,
        "seed": seed,
        # what the distance compares, in the projection's row order (sim.calibration.statistics)
        "statistics": [s.name for s in statistics(fit)],
    }


def _prepare_dir(out: Path, spec: dict[str, Any], resume: bool) -> None:
    """A new calibration needs a new (or empty) directory; a resumed one must calibrate the same thing."""
    spec_file = out / SPEC
    if resume:
        if not (out / DB).exists() or not spec_file.exists():
            raise InputError(
                f"--out {out}: --resume: no calibration to resume here (expected {SPEC} and {DB})"
            )
        old = json.loads(spec_file.read_text(encoding="utf-8"))
        for k in ("scenario", "targets", "params", "population", "seed", "statistics"):
            if old.get(k) != spec[k]:
                raise InputError(
                    f"--out {out}: --resume: {k} differs from the stored calibration's: expected the same"
                )
        return
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"--out {out}: exists and is not empty: expected a new directory (or --resume)")


def _sampler(seed: int, workers: int, backend: str, scheduler: str | None) -> tuple[Any, Any]:
    """The seeded sampler for the backend and worker count, and a Dask client to close (or None).

    Its particles depend on the seed alone, not on the backend or the worker count
    (`sim.calibration.sampler`).
    """
    from sim.calibration.sampler import SeededSampler

    if backend == "dask":
        from dask.distributed import Client, LocalCluster

        if scheduler:
            client = Client(scheduler)
        else:
            client = Client(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True))
        return SeededSampler(seed, client=client), client
    return SeededSampler(seed, workers=workers), None


class _Progress(logging.Handler):
    """Turn pyabc's log lines into ours on stderr: generation, epsilon, acceptance, simulations, time left."""

    def __init__(self, abc: Any, budget: int, show: bool, offset: int = 0) -> None:
        super().__init__(logging.INFO)
        self.abc, self.budget, self.show, self.offset = abc, budget, show, offset
        self.t0 = time.perf_counter()
        self.start_sims: int | None = None
        self.eps = math.nan
        self.t = -1

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if msg.startswith("t: ") and "eps:" in msg:
            self.t = int(msg.split(",")[0].split(":")[1])
            self.eps = float(msg.split("eps:")[1].strip().rstrip("."))
            if self.start_sims is None:
                self.start_sims = int(self.abc.history.total_nr_simulations)
        elif msg.startswith("Accepted:") and self.show:
            spent = int(self.abc.history.total_nr_simulations) + self.offset  # the pilot's too
            rate = float(msg.split("=")[1].split(",")[0])
            done_here = spent - self.offset - (self.start_sims or 0)
            elapsed = time.perf_counter() - self.t0
            left = max(0, self.budget - spent) * elapsed / done_here if done_here else math.nan
            left_text = f"about {left / 60:.1f} min left" if math.isfinite(left) else ""
            print(
                f"generation {self.t}: epsilon {self.eps:.4g}, acceptance {rate:.1%}, "
                f"{spent}/{self.budget} simulations, {left_text}",
                file=sys.stderr,
                flush=True,
            )


def _import_pyabc() -> None:
    """Import pyabc and what builds on it (seconds: it loads scikit-learn, Dask and its plots)."""
    import pyabc  # noqa: F401

    import sim.calibration.budget
    import sim.calibration.transition  # noqa: F401


def _pilot(
    simulator: RecordSimulator, params: Sequence[Param], fit: Sequence[AnyTarget], n: int, seed: int,
    workers: int, progress: bool,
) -> dict[str, Any]:  # fmt: skip
    """Run `n` seeded replicates from the prior; return the targets' weights and the projection matrix.

    pyabc is imported while the pilot's workers run.
    """
    if progress:
        print(f"pilot: {n} simulations from the prior to weigh the targets", file=sys.stderr, flush=True)
    rng = np.random.default_rng([seed, 1])
    draws = [{p.path: p.value(rng.uniform(p.low, p.high)) for p in params} for _ in range(n)]
    seeds = [int(s) for s in rng.integers(0, 2**31 - 1, n)]
    jobs = list(zip(draws, seeds, strict=True))
    rows = run_jobs(simulator.pilot_job, jobs, workers, meanwhile=_import_pyabc)
    stats = statistics(fit)
    failed = np.array([bool(r[FAILED]) for r in rows], dtype=bool)
    summaries = [summarise(r, stats, simulator.end) for r in rows]
    thetas = np.array([[float(d[p.path]) - p.low for p in params] for d in draws])
    values = np.array([[sm[s.name] for s in stats] for sm in summaries], dtype=float)
    values[failed] = np.nan
    record = np.array([s.record for s in stats])
    scales = np.array([s.scale for s in stats])
    widths = np.array([p.high - p.low for p in params])
    absent = np.array([missing(r, stats) for r in rows], dtype=bool).reshape(len(rows), len(stats))
    weights = informative_weights(thetas, values)
    valid = int((~np.isnan(values).any(axis=1)).sum())
    edges = bounds(values, record, scales, absent, bounded=[s.bounded for s in stats])
    enough = valid >= 2 * len(stats) + 2
    matrix = projection(thetas, values, record, scales, widths, edges=edges) if enough else None
    spec: dict[str, Any] = {
        "weights": {s.name: round(float(w), 4) for s, w in zip(stats, weights, strict=True)},
        "projection": matrix.round(8).tolist() if matrix is not None else None,
        "edges": {"low": edges[0].round(6).tolist(), "high": edges[1].round(6).tolist()},
    }
    summaries = [{FAILED: float(f), **sm} for f, sm in zip(failed, summaries, strict=True)]
    spec["initial_epsilon"] = initial_epsilon(summaries, fit, spec)
    return spec


def _distance(fit: Sequence[AnyTarget], spec: dict[str, Any]) -> Any:
    """The calibration's distance: the pilot's projection, or the weighted per-target one without it."""
    if spec["projection"] is not None:
        return ProjectedDistance(fit, spec["projection"], spec.get("edges"))
    return ScaledDistance(fit, spec["weights"])  # too few valid pilot runs to regress on


def initial_epsilon(
    rows: Sequence[dict[str, float]], fit: Sequence[AnyTarget], spec: dict[str, Any]
) -> float | None:
    """The first generation's epsilon: the median distance of the pilot's runs (draws from the prior).

    pyabc would otherwise spend a population of simulations from the prior to find it.
    """
    distance, x0 = _distance(fit, spec), observed(statistics(fit))
    d = np.array([distance(r, x0) for r in rows], dtype=float)
    d = d[np.isfinite(d)]
    return round(float(np.median(d)), 8) if len(d) else None


def _targets_and_space(
    scenario: str | Path, targets: str | Path, params: Sequence[str] | None, space: str | Path | None
) -> tuple[Any, list[AnyTarget], list[AnyTarget], list[Param]]:
    from sim.record.checks import check_targets
    from sim.record.targets import load_targets
    from sim.run.api import prepare

    all_targets = load_targets(targets)
    fit = [t for t in all_targets if t.role == "fit"]
    if not fit:
        raise InputError(f'{targets}: target: expected at least one target with role = "fit"')
    sc = prepare(scenario)
    if sc.source is None:
        raise InputError("calibrate: expected a scenario file (the calibrated scenario names it as its base)")
    cfg = sc.config
    check_targets(all_targets, cfg, str(targets))
    if params and space:
        raise InputError("calibrate: expected --param or --space, not both")
    entries = [(*parse_param(p), "uniform") for p in params or []]
    if space:
        entries = read_space(space)
    return sc, all_targets, fit, build_space(sc, entries, "--param" if params else f"{space}: params")


def calibrate(
    scenario: str | Path,
    targets: str | Path,
    params: Sequence[str] | None = None,
    space: str | Path | None = None,
    budget: int = 3000,
    population: int | None = None,
    seed: int = 0,
    workers: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
    out: str | Path = "results/calibration",
    resume: bool = False,
    predictive: int = 100,
    progress: bool = False,
) -> Calibration:
    """Calibrate `params` (`PATH=LOW:HIGH` strings) or a `space` file by ABC-SMC; write and return the result.

    Same seed, budget and population give the same posterior on any worker count and backend
    (`sim.calibration.sampler`, docs/calibration.md).
    """
    budget = _check_positive(budget, "--budget")
    workers = _check_positive(workers, WORKERS)
    predictive = _check_positive(predictive, "--predictive")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"--seed: expected an integer >= 0 (got {seed!r})")
    if backend not in BACKENDS:
        raise InputError(f"--backend: expected one of {', '.join(BACKENDS)} (got {backend!r})")
    if backend == "serial":
        workers = 1  # every simulation in this process, as `run --backend serial` does
    if population is None and budget < 2 * MIN_POPULATION:
        raise InputError(
            f"--budget {budget}: too small for a calibration: expected at least {2 * MIN_POPULATION} "
            f"simulations (a pilot and a first generation of {MIN_POPULATION} particles)"
        )
    pop = default_population(budget) if population is None else _check_positive(population, "--population")
    if pop > budget:
        raise InputError(f"--population {pop}: more than --budget {budget}: expected population <= budget")
    sc, all_targets, fit, space_params = _targets_and_space(scenario, targets, params, space)
    out = Path(out)
    spec = _spec(sc, str(targets), space_params, pop, seed, fit)
    _prepare_dir(out, spec, resume)

    cfg = sc.config
    out.mkdir(parents=True, exist_ok=True)
    simulator = RecordSimulator(Path(sc.source), space_params, fit, cfg.end, out / "failures.log")
    # The model is imported and the scenario read here, before any worker is forked: the pilot's
    # workers and each generation's (pyabc forks them afresh) inherit both.
    simulator.warm_up()
    if resume:
        stored = json.loads((out / SPEC).read_text(encoding="utf-8"))
        for k in ("pilot", "weights", "projection"):
            spec[k] = stored[k]
        spec["edges"] = stored.get("edges")  # absent in calibrations made before the targets were clipped
        spec["initial_epsilon"] = stored.get("initial_epsilon")
    else:
        spec["pilot"] = pilot_size(budget, pop)
        spec.update(_pilot(simulator, space_params, fit, spec["pilot"], seed, workers, progress))
        (out / SPEC).write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")
    _import_pyabc()  # done already by the pilot, but not on resume
    import pyabc

    from sim.calibration.budget import BudgetedABCSMC
    from sim.calibration.transition import PRIOR_SHARE, DefensiveTransition

    prior = pyabc.Distribution(
        **{key(i): pyabc.RV("uniform", p.low, p.high - p.low) for i, p in enumerate(space_params)}
    )
    db = f"sqlite:///{(out / DB).resolve()}"
    started = time.perf_counter()
    distance = _distance(fit, spec)
    # The first generation's epsilon is the pilot's median distance; a resumed calibration's first one is
    # the median of the last stored generation's (pyabc reads it from the history).
    first_eps = spec.get("initial_epsilon")  # absent in calibrations made before it came from the pilot
    from_pilot = first_eps is not None and not resume
    eps = pyabc.MedianEpsilon(initial_epsilon=first_eps if from_pilot else "from_sample")
    abc_budget = budget - int(spec["pilot"])  # the pilot's simulations count against the budget
    handler = _Progress(None, budget, progress, int(spec["pilot"]))
    logger = logging.getLogger("ABC")
    # pyabc's own log lines are replaced by ours: the handlers of its loggers are set aside while it runs.
    pyabc_loggers = [
        logging.getLogger(n) for n in list(logging.root.manager.loggerDict) if n.startswith("ABC")
    ]
    set_aside = {lg.name: (list(lg.handlers), lg.level, lg.propagate) for lg in pyabc_loggers}
    for lg in pyabc_loggers:
        for h in list(lg.handlers):
            lg.removeHandler(h)
        if lg is not logger:
            lg.propagate = True
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    client = None
    try:
        sampler, client = _sampler(seed, workers, backend, scheduler)
        proposal = DefensiveTransition([p.low for p in space_params], [p.high for p in space_params])
        abc = BudgetedABCSMC(
            simulator,
            prior,
            distance,
            population_size=pop,
            sampler=sampler,
            transitions=proposal,
            eps=eps,
            budget=abc_budget,
            rate_file=out / RATE,
        )
        handler.abc = abc
        if resume:
            abc.load(db, 1)
            t_first = int(abc.history.max_t) + 1
            abc.remember_rates()
            abc.resume_sampler_rate()  # as if never interrupted
        else:
            abc.new(db, observed(statistics(fit)))
            t_first = 0
        # Every evaluation seeds numpy's global generator itself (sim.calibration.sampler); the main
        # process's draws, if pyabc makes any, are seeded too (per resumed start).
        np.random.seed((seed + 7919 * t_first) % 2**32)
        stopped = resume and abc.resume_stopped(out)  # the generations had stopped: only the outputs remain
        if not stopped and int(abc.history.total_nr_simulations) < abc_budget:
            abc.run(max_total_nr_simulations=abc_budget)
        history = abc.history
        if int(history.max_t) < 0:
            raise InputError(
                f"--budget {budget}: too small for one generation of {pop} particles: "
                "expected a larger budget"
            )
    finally:
        logger.removeHandler(handler)
        for name, (handlers, level, propagate) in set_aside.items():
            lg = logging.getLogger(name)
            for h in handlers:
                lg.addHandler(h)
            lg.setLevel(level)
            lg.propagate = propagate
        if client is not None:
            client.close()
    seconds = time.perf_counter() - started
    cut_off = abc.keep_stop(out)

    return write_outputs(
        out, sc, all_targets, space_params, history, spec,
        run={"budget": budget, "population": pop, "seed": seed, "workers": workers, "backend": backend,
             "scheduler": scheduler, "resumed": resume, "seconds": round(seconds, 2),
             "predictive": predictive, "discarded_simulations": abc.stopped_generation, "stop": abc.reason,
             "cut_off_generation": cut_off,
             "proposal": f"{PRIOR_SHARE:.0%} from the prior, the rest pyabc's kernel density (defensive)"},
    )  # fmt: skip
