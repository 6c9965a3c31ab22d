"""The Python API: run a scenario's replicates into `Results`, or compare scenarios into a `Comparison`.

Example::

    import sim
    res = sim.run_scenario("scenarios/historical.toml", replicates=50, seed=1)
    res.summary.winner.value_counts()
    res.write("results/historical")
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import InputError
from sim.run.posterior import Posterior, as_posterior
from sim.run.provenance import now, provenance, versions
from sim.run.results import Comparison, Results, comparison_table
from sim.scenario import Scenario, load_scenario, parse_assignment

if TYPE_CHECKING:
    from sim.run.checkpoint import Checkpoint

ScenarioSource = str | Path | Mapping[str, Any] | Scenario
Overrides = Mapping[str, Any] | Iterable[str] | None

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")

__all__ = ["compare_scenarios", "normalise_overrides", "prepare", "run_scenario", "versions"]


def normalise_overrides(overrides: Overrides) -> dict[str, Any]:
    """Accept a mapping of dotted paths or `path=value` strings; return a plain dict."""
    if overrides is None:
        return {}
    if isinstance(overrides, Mapping):
        return dict(overrides)
    if isinstance(overrides, str):
        overrides = [overrides]
    out: dict[str, Any] = {}
    for item in overrides:
        path, value = parse_assignment(str(item))
        out[path] = value
    return out


def check_counts(replicates: object, seed: object, workers: object) -> None:
    """Check replicates, seed and workers once, at the public entry, before anything is loaded."""
    _positive(replicates, "replicates")
    _positive(workers, "workers")
    _seed(seed)


def _positive(value: object, option: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(f"{option}: expected an integer >= 1 (got {value!r})")
    return value


def _seed(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"seed: expected an integer >= 0 (got {value!r})")
    return value


def prepare(source: ScenarioSource, overrides: Overrides = None) -> Scenario:
    """Load and validate a scenario (with overrides) and check its name makes a directory name."""
    ov = normalise_overrides(overrides)
    if isinstance(source, Scenario):
        scenario = source if not ov else _reload(source, ov)
    else:
        scenario = load_scenario(source, ov or None)
    if not _SAFE_NAME.match(scenario.name):
        where = scenario.source or "<scenario mapping>"
        raise InputError(
            f"{where}: name: expected letters, digits, '_', '-' or '.' usable as a directory name "
            f"(got {scenario.name!r})"
        )
    return scenario


def _reload(scenario: Scenario, overrides: Mapping[str, Any]) -> Scenario:
    if scenario.source is not None:
        return load_scenario(scenario.source, overrides)
    return load_scenario(scenario.resolved(), overrides)


def _progress(progress: bool | Callable[[], None], total: int, desc: str) -> Callable[[], None] | None:
    if progress is True:
        from sim.run.progress import Progress

        return Progress(total, desc=desc)
    return progress if callable(progress) else None


def posterior_standing(
    scenarios: Sequence[Scenario], posterior: Posterior, overrides: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """Per scenario, the calibrated paths whose own value stands (the others are drawn).

    A scenario without one of the calibrated paths is an InputError, raised before anything runs.
    """
    explicit = dict(overrides or {})
    standing = []
    for sc in scenarios:
        where = f"scenario '{sc.name}'"
        standing.append(posterior.standing(sc.resolved(), explicit, where))
        posterior.check_draws(sc.resolved(), standing[-1], where)
    return standing


def _posterior_runs(
    scenarios: Sequence[Scenario],
    posterior: Posterior | None,
    seed: int,
    replicates: int,
    overrides: Mapping[str, Any] | None,
) -> tuple[list[list[Any]] | None, list[dict[str, Any]]]:
    """Each scenario's replicates' calibrated parameters, and each run manifest's `posterior` object."""
    if posterior is None:
        return None, [{} for _ in scenarios]
    standing = posterior_standing(scenarios, posterior, overrides)
    draws = posterior.draws(seed, replicates)
    parameters = [[posterior.parameters(d, kept) for d in draws] for kept in standing]
    described = [
        {
            "posterior": posterior.describe()
            | {"drawn": [p for p in posterior.paths if p not in kept], "standing": kept}
        }
        for kept in standing
    ]
    return parameters, described


def _run_all(
    scenarios: Sequence[Scenario],
    replicates: int,
    seed: int,
    workers: int,
    progress: bool | Callable[[], None],
    overrides: Mapping[str, Any] | None,
    backend: str | None = None,
    scheduler: str | None = None,
    posterior: Posterior | None = None,
    checkpoint: Checkpoint | None = None,
) -> tuple[list[Results], dict[str, Any]]:
    """Run the k-point design (one point per scenario) on the sweep engine; Results per scenario.

    Returns the Results and the backend's description (name, workers) for the manifests. With a
    `checkpoint` the finished replicates are kept as they come, and those an earlier, stopped run
    kept are not run again (`sim.run.checkpoint`).
    """
    from sim.run.checkpoint import fingerprint
    from sim.run.seeds import replicate_seeds
    from sim.sweep.memory import run_points

    seeds = replicate_seeds(seed, replicates)
    parameters, described = _posterior_runs(scenarios, posterior, seed, replicates, overrides)
    kept: dict[int, Any] = {}
    if checkpoint is not None:
        digest = posterior.describe().get("sha256") if posterior is not None else None
        kept = checkpoint.open(fingerprint([sc.sha256 for sc in scenarios], replicates, seed, digest))
    desc = scenarios[0].name if len(scenarios) == 1 else f"{len(scenarios)} scenarios"
    bar = _progress(progress, replicates * len(scenarios) - len(kept), desc)
    outputs: dict[int, Any] = dict(kept)
    resumed = [sum(1 for r in kept if r // replicates == i) for i in range(len(scenarios))]
    count = list(resumed)
    started = [""] * len(scenarios)
    timing: list[dict[str, Any]] = [{} for _ in scenarios]
    engine: dict[str, Any] = {}
    t_prev, stamp_prev = time.perf_counter(), now()
    try:
        points = run_points(
            scenarios,
            seeds,
            backend=backend,
            workers=workers,
            scheduler=scheduler,
            on_done=bar,
            on_backend=engine.update,
            parameters=parameters,
            skip=frozenset(kept),
        )
        for run_id, out in points:
            i = run_id // replicates
            if not started[i]:
                started[i] = stamp_prev
            outputs[run_id] = out
            count[i] += 1
            if checkpoint is not None:
                checkpoint.keep(run_id, out)
            if count[i] == replicates:
                t = time.perf_counter()
                timing[i] = {"started": started[i], "finished": now(), "seconds": round(t - t_prev, 3)}
                t_prev, stamp_prev = t, timing[i]["finished"]
    except BaseException:
        if checkpoint is not None:
            checkpoint.release()  # stopped: a resume, in this process or another, may take it over
        raise
    finally:
        if checkpoint is not None:
            checkpoint.flush()  # a stop or a failing replicate keeps every replicate finished so far
            if not checkpoint.kept_parts():
                checkpoint.discard()  # nothing finished (say, no backend): leave nothing to resume
        close = getattr(bar, "close", None)
        if callable(close):
            close()
    results = []
    per_scenario = [[outputs[i * replicates + r] for r in range(replicates)] for i in range(len(scenarios))]
    for sc, outs, tm, under, n_kept in zip(scenarios, per_scenario, timing, described, resumed, strict=True):
        cfg = sc.config
        manifest: dict[str, Any] = {
            "kind": "run",
            "scenario_name": sc.name,
            "scenario_file": str(sc.source) if sc.source else None,
            "scenario": sc.resolved(),
            "overrides": dict(overrides or {}),
            "master_seed": seed,
            "seeds": seeds,
            "replicates": replicates,
            "step": "month",
            "steps": outs[0].steps if outs else 0,
            "start": cfg.start.isoformat(),
            "end": cfg.end.isoformat(),
            "leaders": list(cfg.leaders),
            **provenance(engine, sc.sha256),
            "timings": tm,
            **under,
            **({"resumed_replicates": n_kept} if n_kept else {}),
        }
        results.append(Results.from_outputs(outs, manifest))
    return results, engine


def run_loaded(
    scenario: Scenario,
    replicates: int,
    seed: int,
    workers: int = 1,
    progress: bool | Callable[[], None] = False,
    overrides: Mapping[str, Any] | None = None,
    *,
    backend: str | None = None,
    scheduler: str | None = None,
    posterior: Posterior | None = None,
    checkpoint: Checkpoint | None = None,
) -> Results:
    """Run a loaded scenario's replicates (a one-point design) and assemble the tables and manifest.

    The counts are not checked again here: `run_scenario` and the CLI have checked them. With a
    `checkpoint` (`sim.run.checkpoint`) a stopped run can be resumed.
    """
    runs, _ = _run_all(
        [scenario], replicates, seed, workers, progress, overrides, backend, scheduler, posterior, checkpoint
    )
    return runs[0]


def run_scenario(
    source: ScenarioSource,
    replicates: int = 100,
    seed: int = 0,
    overrides: Overrides = None,
    workers: int = 1,
    progress: bool = False,
    *,
    backend: str | None = None,
    scheduler: str | None = None,
    posterior: str | Path | Posterior | None = None,
) -> Results:
    """Run `replicates` replicates of a scenario (path, mapping or Scenario) and return their tables.

    `overrides` maps dotted paths to values (`{"party.scale": 0.02}`) or is a list of `path=value`
    strings; the same `seed` gives the same tables whatever `workers` and `backend` (serial, local,
    dask) are, and the same replicates as a sweep point with the same seed. `posterior` (a
    `calibrate` output directory) draws each replicate's calibrated parameters from its posterior
    (`sim.run.posterior`). Raises `InputError` on bad input.
    """
    check_counts(replicates, seed, workers)
    ov = normalise_overrides(overrides)
    scenario = prepare(source, ov)
    return run_loaded(
        scenario,
        replicates,
        seed,
        workers,
        progress,
        ov,
        backend=backend,
        scheduler=scheduler,
        posterior=as_posterior(posterior),
    )


def compare_loaded(
    scenarios: Sequence[Scenario],
    replicates: int,
    seed: int,
    workers: int = 1,
    progress: bool | Callable[[], None] = False,
    overrides: Mapping[str, Any] | None = None,
    *,
    backend: str | None = None,
    scheduler: str | None = None,
    posterior: Posterior | None = None,
    checkpoint: Checkpoint | None = None,
) -> Comparison:
    """Run loaded scenarios (a k-point design) on common random numbers and build the comparison.

    With a `checkpoint` (`sim.run.checkpoint`) a stopped comparison can be resumed.
    """
    started, t0 = now(), time.perf_counter()
    runs, engine = _run_all(
        scenarios, replicates, seed, workers, progress, overrides, backend, scheduler, posterior, checkpoint
    )
    results = {sc.name: res for sc, res in zip(scenarios, runs, strict=True)}
    manifest = {
        "kind": "comparison",
        "scenarios": list(results),
        "scenario_files": [str(sc.source) if sc.source else None for sc in scenarios],
        "replicates": replicates,
        "master_seed": seed,
        "overrides": dict(overrides or {}),
        "reference": scenarios[0].name,
        **provenance(engine, {sc.name: sc.sha256 for sc in scenarios}),
        "timings": {"started": started, "finished": now(), "seconds": round(time.perf_counter() - t0, 3)},
        **({"posterior": posterior.describe()} if posterior is not None else {}),
    }
    return Comparison(results, comparison_table(results), manifest)


def load_all(sources: Sequence[ScenarioSource], overrides: Overrides = None) -> list[Scenario]:
    """Load every scenario before running any; names must be distinct (they name the subdirectories)."""
    if len(sources) < 2:
        raise InputError(f"compare: expected at least two scenarios (got {len(sources)})")
    ov = normalise_overrides(overrides)
    scenarios = [prepare(s, ov) for s in sources]
    seen: dict[str, Scenario] = {}
    for sc in scenarios:
        if sc.name in seen:
            raise InputError(
                f"{sc.source or '<scenario mapping>'}: name: {sc.name!r} is also the name of "
                f"{seen[sc.name].source or 'another scenario'}: expected distinct scenario names"
            )
        seen[sc.name] = sc
    _one_case(scenarios)
    return scenarios


def _one_case(scenarios: Sequence[Scenario]) -> None:
    """Refuse a comparison of two cases: a window sharing no day with the first's has nothing to pair."""
    ref = scenarios[0]
    for sc in scenarios[1:]:
        if sc.config.start > ref.config.end or sc.config.end < ref.config.start:
            raise InputError(
                f"{sc.source or '<scenario mapping>'}: start: {sc.config.start} to {sc.config.end} shares no "
                f"day with {ref.source or ref.name} ({ref.config.start} to {ref.config.end}): expected "
                "scenarios of one case (compare pairs each run with the first scenario's; run the other "
                "case on its own)"
            )


def compare_scenarios(
    sources: Sequence[ScenarioSource],
    replicates: int = 100,
    seed: int = 0,
    overrides: Overrides = None,
    workers: int = 1,
    progress: bool = False,
    *,
    backend: str | None = None,
    scheduler: str | None = None,
    posterior: str | Path | Posterior | None = None,
) -> Comparison:
    """Run each scenario with the same replicates and seeds; differences are against the first.

    With `posterior` replicate i draws the same calibrated parameters in every scenario, except
    where a scenario's own value stands (`sim.run.posterior`).
    """
    check_counts(replicates, seed, workers)
    ov = normalise_overrides(overrides)
    scenarios = load_all(sources, ov)
    return compare_loaded(
        scenarios,
        replicates,
        seed,
        workers,
        progress,
        ov,
        backend=backend,
        scheduler=scheduler,
        posterior=as_posterior(posterior),
    )
