"""Where the pilot's and the predictive runs execute: in-process when few, else on forked workers.

Each used to start a pool of `spawn` processes, each importing the model afresh; then workers forked
from a fork server that imported the model a second time, beside the main process's own import. On
Linux the workers are now forked from the main process itself, which has imported the model and read
the scenario by then (as pyabc's generations are): nothing is imported twice. The pilot's workers are
forked before pyabc is imported, and the main process imports it while they run (`meanwhile`).
Elsewhere the workers come from a fork server with the model preloaded, or `spawn`.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from sim.sweep.forkserver import start_method

#: What a fork server imports before forking a calibration's workers (where there is no `fork`).
PRELOAD = ["sim.calibration.simulator", "sim.calibration.outputs", "sim.run.runner", "sim.scenario"]


def _pool(workers: int) -> ProcessPoolExecutor:
    """`fork_pool` on Linux (pyabc's samplers fork too), else a fork server with the model, or `spawn`."""
    forked = fork_pool(workers)
    if forked is not None:
        return forked
    return spawned_pool(workers)


def spawned_pool(
    workers: int, initializer: Callable[..., object] | None = None, initargs: tuple[Any, ...] = ()
) -> ProcessPoolExecutor:
    """Workers from a fork server with the model preloaded, or `spawn`; each runs `initializer` first."""
    context: Any = start_method()
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_initialise, initargs=(initializer, initargs)
    )


def _initialise(initializer: Callable[..., object] | None, initargs: tuple[Any, ...]) -> None:
    _leave_ctrl_c_to_the_main_process()
    if initializer is not None:
        initializer(*initargs)


def _leave_ctrl_c_to_the_main_process() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def fork_pool(workers: int) -> ProcessPoolExecutor | None:
    """A pool of processes forked from this one (nothing to import), or None where there is no fork."""
    if not (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()):
        return None
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_leave_ctrl_c_to_the_main_process,
    )


def run_jobs[J, R](
    function: Callable[[J], R], jobs: Sequence[J], workers: int, meanwhile: Callable[[], object] | None = None
) -> list[R]:
    """`function` over `jobs` in order: in-process for fewer than two jobs per worker, else on a pool.

    `meanwhile` runs in this process while the pool works (before the jobs, when they run in-process).
    """
    if workers <= 1 or len(jobs) < 2 * workers:
        if meanwhile is not None:
            meanwhile()
        return [function(j) for j in jobs]
    pool = _pool(workers)
    try:
        # small chunks: a worker left idle while the other finishes a long last chunk costs more than
        # sending the few kilobytes of a job more often
        results = pool.map(function, jobs, chunksize=max(1, len(jobs) // (workers * 16)))
        if meanwhile is not None:
            meanwhile()
        out = list(results)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # Ctrl-C: the runs not yet started are dropped
        raise
    pool.shutdown(wait=True)
    return out
