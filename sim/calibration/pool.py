"""Where the pilot's and the predictive runs execute: in-process when few, else on preloaded workers.

Each used to start a pool of `spawn` processes, each importing the model afresh: some seven seconds
for the pilot and as many again for two predictive stages of one run each, on a calibration whose
generations take tens of seconds. Workers are now forked from the fork server that `calibrate`
starts at once with the model preloaded (as `sweep` does), and a handful of runs stay in-process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from sim.sweep.forkserver import start_method

#: What the fork server imports before forking a calibration's workers.
PRELOAD = ["sim.calibration.simulator", "sim.calibration.outputs", "sim.runner", "sim.scenario"]


def prestart() -> None:
    """Launch the fork server now, with the model preloaded (no-op where there is no fork server)."""
    context = start_method()
    if context.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    context.set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()


def run_jobs[J, R](function: Callable[[J], R], jobs: Sequence[J], workers: int) -> list[R]:
    """`function` over `jobs` in order: in-process for fewer than two jobs per worker, else on a pool."""
    if workers <= 1 or len(jobs) < 2 * workers:
        return [function(j) for j in jobs]
    context: Any = start_method()
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # small chunks: a worker left idle while the other finishes a long last chunk costs more than
        # sending the few kilobytes of a job more often
        return list(pool.map(function, jobs, chunksize=max(1, len(jobs) // (workers * 16))))
