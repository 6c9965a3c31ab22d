"""`run` and `compare` on the sweep engine: a k-point design whose replicates come back in memory.

Point k is scenario k; replicate i of every point has the seed of replicate i in the one seed tree,
so `run`, `compare` and a sweep give the same replicates. The chunks go to the same backends as a
sweep's (serial, local process pool, Dask), and come back as `ReplicateOutput`s rather than being
written to a sweep directory, because a run's tables are small and wanted whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sim.errors import RunFailed
from sim.sweep.backends import make_backend
from sim.sweep.design import chunk_size_for, chunks
from sim.sweep.worker import RUN_FUNCTION, ChunkTask, RunSpec


def default_backend(backend: str | None, scheduler: str | None, workers: int, n_runs: int) -> str:
    """The backend when none is named: dask with a scheduler, serial for one worker or run, else local."""
    if backend:
        return backend
    if scheduler:
        return "dask"
    return "serial" if workers <= 1 or n_runs <= 1 else "local"


def _tasks(
    scenarios: Sequence[Any],
    seeds: Sequence[int],
    plan: Sequence[Sequence[int]],
    run_function: str,
    parameters: Sequence[Sequence[Any]] | None = None,
) -> Iterator[ChunkTask]:
    n = len(seeds)
    # Names these scenarios by content (each `sha256` covers its files and overrides): a worker
    # validates them once and reuses them in later calls with the same scenarios (a replay in a loop).
    token = hashlib.sha256("\n".join(sc.sha256 for sc in scenarios).encode()).hexdigest()
    for chunk_id, run_ids in enumerate(plan):
        runs = tuple(
            RunSpec(r, r // n, r % n, seeds[r % n], parameters[r // n][r % n] if parameters else ())
            for r in run_ids
        )
        point_ids = sorted({r.point_id for r in runs})
        yield ChunkTask(
            chunk_id,
            runs,
            {p: (str(p), {}) for p in point_ids},
            {p: {} for p in point_ids},
            {str(p): scenarios[p].resolved() for p in point_ids},
            {},
            (),
            run_function,
            keep="replicates",
            token=token,
        )


def run_points(
    scenarios: Sequence[Any],
    seeds: Sequence[int],
    *,
    backend: str | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    on_done: Callable[[], None] | None = None,
    on_backend: Callable[[dict[str, Any]], None] | None = None,
    run_function: str = RUN_FUNCTION,
    parameters: Sequence[Sequence[Any]] | None = None,
    skip: frozenset[int] = frozenset(),
) -> Iterator[tuple[int, Any]]:
    """Yield `(run id, ReplicateOutput)` in order; run id = scenario index x replicates + replicate.

    Results do not depend on the backend or the number of workers. A replicate that raises stops
    the run with a `RunFailed` naming it (a run's tables must be whole); so does a lost chunk.
    `on_backend` receives the backend's description (name, workers) for the manifest.
    `parameters[k][i]`, under a posterior, is replicate i of scenario k's calibrated parameters
    (`sim.run.posterior.RunParameters`). Run ids in `skip` (kept by an earlier, stopped run) are
    not run again.
    """
    todo = [r for r in range(len(scenarios) * len(seeds)) if r not in skip]
    n_runs = len(todo)
    if n_runs == 0:
        return
    name = default_backend(backend, scheduler, workers, n_runs)
    if name == "local":
        workers = min(workers, n_runs)
    engine = make_backend(name, workers, scheduler, run_function)
    plan = [[todo[i] for i in r] for r in chunks(n_runs, chunk_size_for(n_runs, engine.workers), taper=True)]
    waiting: dict[int, list[tuple[int, Any]]] = {}
    following = 0
    with engine:
        if on_backend is not None:
            on_backend(engine.describe())
        for task, outcome in engine.run(
            _tasks(scenarios, seeds, plan, run_function, parameters), 2 * engine.workers + 2
        ):
            if isinstance(outcome, BaseException):
                raise RunFailed(f"chunk {task.chunk_id} lost: {type(outcome).__name__}: {outcome}")
            if outcome.failures:
                f = outcome.failures[0]
                raise RunFailed(
                    f"scenario {scenarios[f['point_id']].name}, replicate {f['replicate']} "
                    f"(seed {f['seed']}) failed: {f['error']}"
                )
            if on_done is not None:
                for _ in outcome.replicates:
                    on_done()
            waiting[task.chunk_id] = outcome.replicates
            while following in waiting:
                yield from waiting.pop(following)
                following += 1
