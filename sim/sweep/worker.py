"""The runner of one chunk: load each point's scenario once, run its replicates, return Arrow tables.

This is the only code that executes on workers (local processes or Dask workers), so it imports
nothing from the coordinator's side and returns plain picklable data.
"""

from __future__ import annotations

import importlib
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

RUN_FUNCTION = "sim.run.runner:simulate"
DETAIL_TABLES = ("events", "votes", "timeseries")


@dataclass(frozen=True, slots=True)
class RunSpec:
    """One run: its coordinates in the design and its seed.

    Under a posterior (`sim.run.posterior`), `posterior` holds each calibrated path with the value the
    run uses and whether it was drawn; without one it is empty and the run is as it always was.
    """

    run_id: int
    point_id: int
    replicate: int
    seed: int
    posterior: tuple[tuple[str, Any, bool], ...] = ()


@dataclass(frozen=True, slots=True)
class ChunkTask:
    """Everything a worker needs for one chunk; the scenarios travel resolved, so workers need no files."""

    chunk_id: int
    runs: tuple[RunSpec, ...]
    points: dict[int, tuple[str, dict[str, Any]]]
    columns: dict[int, dict[str, Any]]
    scenarios: dict[str, dict[str, Any]]
    fixed: dict[str, Any]
    outputs: tuple[str, ...]
    run_function: str = RUN_FUNCTION
    #: "tables": Arrow tables for a sweep directory; "replicates": each run's ReplicateOutput, for the
    #: in-memory Results of `run` and `compare`.
    keep: str = "tables"
    #: Names the design: a worker keeps the scenarios it validated for (token, point) across chunks.
    token: str = ""


@dataclass(slots=True)
class ChunkResult:
    """The chunk's tables (None when empty) and its failed runs."""

    chunk_id: int
    tables: dict[str, Any] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    completed: int = 0
    seconds: float = 0.0
    replicates: list[tuple[int, Any]] = field(default_factory=list)


def resolve_function(name: str) -> Callable[..., Any]:
    """Look up `module:function`; Python caches the module (its import costs seconds, once per process).

    The attribute is read each time, so a patched function is seen.
    """
    module, _, attr = name.partition(":")
    return getattr(importlib.import_module(module), attr)


def warm_up(run_function: str = RUN_FUNCTION) -> None:
    """Pay the model's import cost when a worker starts, not inside the first chunk's timing."""
    resolve_function(run_function)
    importlib.import_module("sim.scenario")
    importlib.import_module("pyarrow")


_SCENARIOS: dict[tuple[str, int], Any] = {}


def _scenario(task: ChunkTask, point_id: int) -> Any:
    """The point's validated scenario, built once per worker process and design.

    Validation costs milliseconds a chunk, which a long sweep need not pay again.
    """
    from sim.scenario import load_scenario

    key = (task.token, point_id)
    if not task.token or key not in _SCENARIOS:
        name, overrides = task.points[point_id]
        scenario = load_scenario(task.scenarios[name], task.fixed | overrides)
        if not task.token:
            return scenario
        if len(_SCENARIOS) >= 64:
            _SCENARIOS.clear()
        _SCENARIOS[key] = scenario
    return _SCENARIOS[key]


def _error_text(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    at = f" (at {where[0].filename.rsplit('/', 1)[-1]}:{where[0].lineno})" if where else ""
    return " ".join(f"{type(exc).__name__}: {exc}{at}".split())


def _summary_row(
    run: RunSpec, columns: dict[str, Any], summary: dict[str, Any], elapsed: float
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "run_id": run.run_id,
        "point_id": run.point_id,
        "replicate": run.replicate,
        "seed": run.seed,
    }
    row.update(columns)
    for key, value in summary.items():
        if key in ("replicate", "seed"):
            continue
        # The contract writes a missing date as an empty string; in Parquet it is a null.
        row[key] = None if value == "" else value
    row["elapsed"] = elapsed
    return row


def _drops_timeseries(task: ChunkTask) -> bool:
    return task.keep == "tables" and "timeseries" not in task.outputs


def _simulate_drawn(
    simulate: Callable[..., Any], scenario: Any, run: RunSpec, options: dict[str, Any]
) -> Any:
    """Run with the values drawn from a posterior set (and not jittered); the summary carries them all."""
    from sim.scenario import load_scenario

    drawn = {path: value for path, value, was_drawn in run.posterior if was_drawn}
    if drawn:
        scenario = load_scenario(scenario.resolved(), drawn)
        options = options | {"drawn": frozenset(drawn)}
    output = simulate(scenario, run.seed, run.replicate, **options)
    output.summary.update((path, value) for path, value, _ in run.posterior)
    return output


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Run every run of a chunk; a run that raises becomes a failure record and the chunk goes on."""
    started = time.perf_counter()
    simulate = resolve_function(task.run_function)
    # The built-in replay can skip the leader-month table when the sweep does not keep it.
    options = {"timeseries": False} if task.run_function == RUN_FUNCTION and _drops_timeseries(task) else {}
    result = ChunkResult(task.chunk_id)
    rows: dict[str, list[dict[str, Any]]] = {"runs": [], **{t: [] for t in DETAIL_TABLES}}
    loaded: dict[int, Any] = {}
    for run in task.runs:
        t0 = time.perf_counter()
        try:
            if run.point_id not in loaded:
                loaded = {run.point_id: _scenario(task, run.point_id)}
            if run.posterior:
                output = _simulate_drawn(simulate, loaded[run.point_id], run, options)
            else:
                output = simulate(loaded[run.point_id], run.seed, run.replicate, **options)
        except Exception as exc:  # noqa: BLE001 - a failing run must not stop the sweep
            loaded.pop(run.point_id, None)
            _SCENARIOS.pop((task.token, run.point_id), None)
            result.failures.append(
                {
                    "run_id": run.run_id,
                    "point_id": run.point_id,
                    "replicate": run.replicate,
                    "seed": run.seed,
                    "error": _error_text(exc),
                }
            )
            continue
        elapsed = time.perf_counter() - t0
        result.completed += 1
        if task.keep == "replicates":
            result.replicates.append((run.run_id, output))
            continue
        rows["runs"].append(_summary_row(run, task.columns[run.point_id], output.summary, elapsed))
        for table in DETAIL_TABLES:
            if table in task.outputs:
                keys = {"run_id": run.run_id, "point_id": run.point_id}
                rows[table].extend(keys | r for r in output.records(table))
    if any(rows.values()):
        import pyarrow as pa

        for table, table_rows in rows.items():
            if table_rows:
                result.tables[table] = pa.Table.from_pylist(table_rows)
    result.seconds = time.perf_counter() - started
    return result
