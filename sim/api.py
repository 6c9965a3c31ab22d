"""The Python API: run a scenario's replicates into `Results`, or compare scenarios into a `Comparison`.

Example::

    import sim
    res = sim.run_scenario("scenarios/historical.toml", replicates=50, seed=1, overrides={"delegates": 300})
    res.summary.winner.value_counts()
    res.write("results/historical")
"""

from __future__ import annotations

import functools
import platform
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from importlib import metadata
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from sim.cache import caching_enabled
from sim.errors import InputError
from sim.results import Comparison, Results, comparison_table
from sim.scenario import Scenario, load_scenario, parse_assignment

ScenarioSource = str | Path | Mapping[str, Any] | Scenario
Overrides = Mapping[str, Any] | Iterable[str] | None

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


@functools.cache
def package_version() -> str:
    """Return the installed powerstruggle version (or the source tree's, when not installed)."""
    try:
        return metadata.version("powerstruggle")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
        return "0+unknown"


def versions() -> dict[str, str]:
    """Versions of powerstruggle, mesa, python, numpy and pandas for the manifest.

    The package's own is read once per process: reading installed metadata costs about a millisecond.
    """
    import mesa
    import numpy
    import pandas

    return {
        "powerstruggle": package_version(),
        "mesa": str(mesa.__version__),
        "python": platform.python_version(),
        "numpy": str(numpy.__version__),
        "pandas": str(pandas.__version__),
    }


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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _outputs(
    scenarios: Sequence[Scenario], seeds: list[int], workers: int, on_done: Callable[[], None] | None
) -> Iterator[tuple[int, Any]]:
    """Yield (scenario index, ReplicateOutput) in order; one process pool serves every scenario."""
    from sim.runner import run_replicates, simulate

    n = len(seeds)
    if len(scenarios) == 1 or workers <= 1:
        for i, sc in enumerate(scenarios):
            for out in run_replicates(sc, seeds, workers=min(workers, n), on_done=on_done):
                yield i, out
        return
    jobs = [(sc, s, r) for sc in scenarios for r, s in enumerate(seeds)]
    chunk = max(1, len(jobs) // (workers * 8))
    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=get_context("spawn"))
    try:
        for k, out in enumerate(pool.map(simulate, *zip(*jobs, strict=True), chunksize=chunk)):
            if on_done:
                on_done()
            yield k // n, out
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _progress(progress: bool | Callable[[], None], total: int, desc: str) -> Callable[[], None] | None:
    if progress is True:
        from sim.progress import ReplicateProgress

        return ReplicateProgress(total, desc=desc)
    return progress if callable(progress) else None


def _run_all(
    scenarios: Sequence[Scenario],
    replicates: int,
    seed: int,
    workers: int,
    progress: bool | Callable[[], None],
    overrides: Mapping[str, Any] | None,
) -> list[Results]:
    replicates = _positive(replicates, "replicates")
    workers = _positive(workers, "workers")
    seed = _seed(seed)
    from sim.runner import replicate_seeds

    seeds = replicate_seeds(seed, replicates)
    desc = scenarios[0].name if len(scenarios) == 1 else f"{len(scenarios)} scenarios"
    bar = _progress(progress, replicates * len(scenarios), desc)
    used = min(workers, replicates * len(scenarios))
    outputs: list[list[Any]] = [[] for _ in scenarios]
    started = [""] * len(scenarios)
    timing: list[dict[str, Any]] = [{} for _ in scenarios]
    t_prev, stamp_prev = time.perf_counter(), _now()
    try:
        for i, out in _outputs(scenarios, seeds, used, bar):
            if not outputs[i]:
                started[i] = stamp_prev
            outputs[i].append(out)
            if len(outputs[i]) == replicates:
                t = time.perf_counter()
                timing[i] = {"started": started[i], "finished": _now(), "seconds": round(t - t_prev, 3)}
                t_prev, stamp_prev = t, timing[i]["finished"]
    finally:
        close = getattr(bar, "close", None)
        if callable(close):
            close()
    vers = versions()
    results = []
    for sc, outs, tm in zip(scenarios, outputs, timing, strict=True):
        cfg = sc.config
        manifest: dict[str, Any] = {
            "kind": "run",
            "scenario_name": sc.name,
            "scenario_file": str(sc.source) if sc.source else None,
            "scenario_sha256": sc.sha256,
            "cache": caching_enabled(),  # false when POWERSTRUGGLE_NO_CACHE=1 recomputed every query
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
            "workers": used,
            "versions": vers,
            "timings": tm,
        }
        results.append(Results.from_outputs(outs, manifest))
    return results


def run_loaded(
    scenario: Scenario,
    replicates: int,
    seed: int,
    workers: int = 1,
    progress: bool | Callable[[], None] = False,
    overrides: Mapping[str, Any] | None = None,
) -> Results:
    """Run a loaded scenario's replicates (in order) and assemble the tables and the manifest."""
    return _run_all([scenario], replicates, seed, workers, progress, overrides)[0]


def run_scenario(
    source: ScenarioSource,
    replicates: int = 100,
    seed: int = 0,
    overrides: Overrides = None,
    workers: int = 1,
    progress: bool = False,
) -> Results:
    """Run `replicates` replicates of a scenario (path, mapping or Scenario) and return their tables.

    `overrides` maps dotted paths to values (`{"delegates": 300}`) or is a list of `path=value`
    strings; the same `seed` gives the same tables whatever `workers` is. Raises `InputError` on bad
    input.
    """
    ov = normalise_overrides(overrides)
    _positive(replicates, "replicates")
    _positive(workers, "workers")
    _seed(seed)
    scenario = prepare(source, ov)
    return run_loaded(scenario, replicates, seed, workers, progress, ov)


def compare_loaded(
    scenarios: Sequence[Scenario],
    replicates: int,
    seed: int,
    workers: int = 1,
    progress: bool | Callable[[], None] = False,
    overrides: Mapping[str, Any] | None = None,
) -> Comparison:
    """Run loaded scenarios with the same seeds (common random numbers) and build the comparison."""
    started, t0 = _now(), time.perf_counter()
    runs = _run_all(scenarios, replicates, seed, workers, progress, overrides)
    results = {sc.name: res for sc, res in zip(scenarios, runs, strict=True)}
    manifest = {
        "kind": "comparison",
        "scenarios": list(results),
        "scenario_files": [str(sc.source) if sc.source else None for sc in scenarios],
        "replicates": replicates,
        "master_seed": seed,
        "overrides": dict(overrides or {}),
        "reference": scenarios[0].name,
        "workers": runs[0].manifest["workers"],
        "versions": versions(),
        "timings": {"started": started, "finished": _now(), "seconds": round(time.perf_counter() - t0, 3)},
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
    return scenarios


def compare_scenarios(
    sources: Sequence[ScenarioSource],
    replicates: int = 100,
    seed: int = 0,
    overrides: Overrides = None,
    workers: int = 1,
    progress: bool = False,
) -> Comparison:
    """Run each scenario with the same replicates and seeds; differences are against the first."""
    ov = normalise_overrides(overrides)
    _positive(replicates, "replicates")
    _positive(workers, "workers")
    _seed(seed)
    scenarios = load_all(sources, ov)
    return compare_loaded(scenarios, replicates, seed, workers, progress, ov)
