"""Where chunks run: in this process, in a pool of local worker processes, or on a Dask cluster.

Each backend yields `(task, result)` pairs as chunks finish, keeping only a small window of chunks
in flight, so the coordinator never holds more than a few chunks' results in memory.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import threading
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from sim.errors import InputError
from sim.sweep.experiment import BACKENDS
from sim.sweep.forkserver import preload_modules, start_method
from sim.sweep.worker import RUN_FUNCTION, ChunkResult, ChunkTask, run_chunk, warm_up

Outcome = tuple[ChunkTask, ChunkResult | BaseException]


class SerialBackend:
    """Runs chunks one after the other in this process: for debugging and tiny sweeps."""

    name = "serial"

    def __init__(self, run_function: str = RUN_FUNCTION) -> None:
        self.workers = 1
        self.run_function = run_function

    def __enter__(self) -> SerialBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def describe(self) -> dict[str, Any]:
        """Backend facts for the manifest."""
        return {"backend": self.name, "workers": self.workers}

    def run(self, tasks: Iterable[ChunkTask], window: int) -> Iterator[Outcome]:
        """Run each chunk in turn."""
        for task in tasks:
            try:
                yield task, run_chunk(task)
            except Exception as exc:  # noqa: BLE001 - reported by the engine as a lost chunk
                yield task, exc


def refuse_in_a_starting_worker() -> None:
    """Stop a script that starts a pool from within a worker that is still importing it.

    Local workers start from a fork server, which imports the user's script (as `__mp_main__`) in each
    new worker: a script that calls `sim.sweep` or `sim.run_scenario` at its top level, without
    `if __name__ == "__main__":`, ran its whole body again in every worker, whose nested pool could not
    start, so each worker's copy of the script went on with an empty table.
    """
    import multiprocessing

    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise RuntimeError(
            "a local pool was started while a worker process was importing the main script: "
            'put the call under `if __name__ == "__main__":` (Python\'s multiprocessing rule), '
            'or use backend="serial"'
        )


def _local_worker_init(run_function: str) -> None:
    # Ctrl-C reaches the whole process group; only the coordinator should react to it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up(run_function)


class LocalBackend:
    """A process pool created once per sweep; each worker imports the model once and runs many chunks."""

    name = "local"

    def __init__(self, workers: int, run_function: str = RUN_FUNCTION) -> None:
        self.workers = workers
        self.run_function = run_function
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalBackend:
        refuse_in_a_starting_worker()
        context = start_method()
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload(preload_modules(self.run_function))
        self.pool = ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=_local_worker_init, initargs=(self.run_function,)
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            interrupted = any(isinstance(e, KeyboardInterrupt | GeneratorExit) for e in exc)
            if interrupted:
                self._stop_now()
            else:
                # Every chunk has come back: let the workers leave normally and the pool's manager
                # thread close and free its queues, so that their semaphores are released now (the
                # CLI ends with os._exit, which runs no finalizer, and a worker ended mid-operation
                # left the resource tracker to report semaphores as leaked).
                self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
            gc.collect()

    def _stop_now(self) -> None:
        """End the workers now (Ctrl-C; unfinished chunks rerun on --resume), without a stray traceback.

        Torn down mid-flight, the pool's manager thread may raise while it reads from a worker just
        terminated (CPython 3.12; seen about once in 60 interrupted sweeps). On a stop that is expected
        and tells the user nothing, so its exception is not printed; the thread is given a few seconds
        to end, and the hook is put back.
        """
        if self.pool is None:
            return
        manager = getattr(self.pool, "_executor_manager_thread", None)
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        previous = threading.excepthook

        def quiet(args: threading.ExceptHookArgs) -> None:
            if args.thread is not manager:
                previous(args)

        threading.excepthook = quiet
        try:
            self.pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
            if manager is not None:
                manager.join(timeout=5)
        finally:
            threading.excepthook = previous

    def describe(self) -> dict[str, Any]:
        """Backend facts for the manifest."""
        return {
            "backend": self.name,
            "workers": self.workers,
            "start_method": start_method().get_start_method(),
        }

    def run(self, tasks: Iterable[ChunkTask], window: int) -> Iterator[Outcome]:
        """Keep `window` chunks queued on the pool; yield each as it finishes."""
        assert self.pool is not None, "use LocalBackend as a context manager"
        pending: dict[Future[ChunkResult], ChunkTask] = {}
        source = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                task = next(source, None)
                if task is None:
                    exhausted = True
                    break
                pending[self.pool.submit(run_chunk, task)] = task
            if not pending:
                return
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                task = pending.pop(future)
                try:
                    yield task, future.result()
                except Exception as exc:  # noqa: BLE001 - a dead worker process (BrokenProcessPool)
                    yield task, exc


def _probe(address: str, timeout: float) -> None:
    """Fail at once on a refused tcp:// address (Dask's own client would retry until its timeout)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme != "tcp" or not parts.hostname:
        return  # tls://, ucx://, ... : leave it to Dask
    try:
        with socket.create_connection((parts.hostname, parts.port or 8786), timeout=timeout):
            return
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(
            f"--scheduler {address}: cannot connect ({reason}): "
            "expected the address of a running Dask scheduler, e.g. tcp://host:8786"
        ) from None


class DaskBackend:
    """Chunks as Dask tasks: on a scheduler at ADDRESS, or on a LocalCluster started for this sweep.

    The scheduler reschedules the tasks of a worker that dies, so a lost worker costs time, not results.
    """

    name = "dask"

    def __init__(
        self,
        workers: int | None,
        scheduler: str | None,
        run_function: str = RUN_FUNCTION,
        connect_timeout: float = 10.0,
    ) -> None:
        self.requested = workers
        self.workers = workers or 1
        self.scheduler = scheduler
        self.run_function = run_function
        self.connect_timeout = connect_timeout
        self.client: Any = None
        self.cluster: Any = None

    def __enter__(self) -> DaskBackend:
        from distributed import Client, LocalCluster

        if self.scheduler:
            _probe(self.scheduler, self.connect_timeout)
            try:
                self.client = Client(self.scheduler, timeout=self.connect_timeout)
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(
                    f"--scheduler {self.scheduler}: cannot connect ({type(exc).__name__}): "
                    "expected the address of a running Dask scheduler, e.g. tcp://host:8786"
                ) from None
            try:
                self.client.wait_for_workers(1, timeout=60)
            except TimeoutError:
                self.client.close()
                raise InputError(
                    f"--scheduler {self.scheduler}: no worker joined within 60 s: "
                    "expected at least one dask worker connected to the scheduler"
                ) from None
            threads = sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values())
            self.workers = self.requested or max(1, threads)
        else:
            self.workers = self.requested or os.cpu_count() or 1
            self.cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                # The scheduler's HTTP server still listens, by default on 8787: a free port instead,
                # so that another cluster on this machine does not make it warn.
                scheduler_kwargs={"dashboard_address": ":0"},
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)
        try:
            self.client.run(warm_up, self.run_function)
        except Exception as exc:  # noqa: BLE001 - typically the project is not installed on a worker
            self.__exit__(None, None, None)
            where = self.scheduler or "LocalCluster"
            raise InputError(
                f"--scheduler {where}: a Dask worker cannot load the model ({type(exc).__name__}: {exc}): "
                "expected powerstruggle installed on every worker host"
            ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None

    def describe(self) -> dict[str, Any]:
        """Backend facts for the manifest."""
        return {
            "backend": self.name,
            "workers": self.workers,
            "scheduler": self.scheduler or "LocalCluster",
            "dashboard": self.client.dashboard_link
            if self.client is not None and self.cluster is None
            else None,
        }

    def run(self, tasks: Iterable[ChunkTask], window: int) -> Iterator[Outcome]:
        """Submit up to `window` chunks; as each completes, yield it, release it and submit the next."""
        from distributed import as_completed

        source = iter(tasks)
        token = uuid.uuid4().hex[:12]  # task keys unique to this sweep on a shared scheduler

        def submit(task: ChunkTask) -> Any:
            future = self.client.submit(
                run_chunk, task, key=f"powerstruggle-{token}-{task.chunk_id}", pure=False
            )
            owner[future.key] = task
            return future

        owner: dict[str, ChunkTask] = {}
        first = [submit(t) for t in (next(source, None) for _ in range(window)) if t is not None]
        queue = as_completed(first)
        del first
        for future in queue:
            task = owner.pop(future.key)
            try:
                outcome: ChunkResult | BaseException = future.result()
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker after repeated worker deaths
                outcome = exc
            future.release()
            nxt = next(source, None)
            if nxt is not None:
                queue.add(submit(nxt))
            yield task, outcome


def make_backend(
    name: str, workers: int | None, scheduler: str | None, run_function: str = RUN_FUNCTION
) -> SerialBackend | LocalBackend | DaskBackend:
    """Build the backend named on the command line or in the experiment, checking name and workers."""
    if name not in BACKENDS:
        raise InputError(f"--backend {name}: unknown backend: expected one of {', '.join(BACKENDS)}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise InputError(f"--workers {workers}: expected an integer >= 1")
    if scheduler and name != "dask":
        raise InputError(f"--scheduler {scheduler}: only used with --backend dask: expected --backend dask")
    if name == "serial":
        return SerialBackend(run_function)
    if name == "local":
        return LocalBackend(workers or os.cpu_count() or 1, run_function)
    return DaskBackend(workers, scheduler, run_function)
