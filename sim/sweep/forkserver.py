"""The local workers' fork server, started as early as possible with the model preloaded.

Importing Mesa and the model takes a second or two. A fork server launched at the top of a command
does that while the coordinator imports and validates, and every worker is then forked from it
ready to run. This module imports nothing but `multiprocessing`, so starting it costs nothing.
"""

from __future__ import annotations

import multiprocessing

RUN_FUNCTION = "sim.run.runner:simulate"  # the same default as sim.sweep.worker.RUN_FUNCTION


def start_method() -> multiprocessing.context.BaseContext:
    """'forkserver' where available (no inherited threads or locks, model preloaded once), else 'spawn'."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def preload_modules(run_function: str = RUN_FUNCTION) -> list[str]:
    """What the fork server imports before forking workers: the worker, the model, Arrow."""
    return ["sim.sweep.worker", "sim.scenario", "pyarrow", run_function.partition(":")[0]]


def prestart_local(run_function: str = RUN_FUNCTION) -> None:
    """Launch the fork server now (no-op where there is none); a later pool reuses it."""
    context = start_method()
    if context.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    context.set_forkserver_preload(preload_modules(run_function))
    forkserver.ensure_running()
