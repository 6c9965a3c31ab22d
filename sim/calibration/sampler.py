"""A parallel ABC sampler whose particles do not depend on the worker count or the backend.

pyabc's parallel samplers reseed each worker from the clock and keep particles in the order they
finish, so two calibrations with the same seed gave different posteriors (docs/history.md). Here each
evaluation of a generation has an index and its own seed, drawn from the calibration's seed, the
generation and the index. Evaluations run in batches whose size depends only on what has been
accepted so far (`batch_size`), never on timing, on one process, on forked workers or on a Dask
cluster alike; the generation keeps the first `n` accepted by index, as a serial sampler would. The
batch's evaluations past the n-th acceptance ran, and count as simulations (against the budget too),
but are not kept. No index reaches pyabc's `max_eval`, so a generation never spends more than it is
allowed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from pyabc.sampler.base import Sampler

#: The smallest batch: below it, workers wait on each other at every batch's end for little work.
MIN_BATCH = 8
#: The acceptance rate assumed for a generation's first batch when no earlier generation is known
#: (the first generation's epsilon is the pilot's median distance: about half are accepted).
FIRST_RATE = 0.5
#: An earlier generation's rate is halved for the next one's first batch (pyabc's median epsilon).
DECAY = 0.5
#: Each batch is this share of the expected cost of the particles still missing: what a batch
#: evaluates past the last particle kept is spent for nothing, and a batch's end costs little.
SHARE = 0.5

_simulate: Callable[[], Any] | None = None  # the generation's simulate_one, in a worker


def evaluation_seed(seed: int, t: int, index: int) -> int:
    """The seed of evaluation `index` of generation `t` (t >= -1, pyabc's calibration sample being -1)."""
    return int(np.random.SeedSequence([seed, t + 1, index]).generate_state(1)[0])


def _evaluate_with(simulate_one: Callable[[], Any], seed: int) -> Any:
    """One evaluation: numpy's and Python's global generators (pyabc's and the simulator's) seeded first."""
    np.random.seed(seed)
    random.seed(seed)
    return simulate_one()


def _evaluate(seed: int) -> Any:
    assert _simulate is not None, "the worker was forked without the generation's simulate_one"
    return _evaluate_with(_simulate, seed)


def _evaluate_pickled(blob: bytes, seed: int) -> Any:
    import cloudpickle

    return _evaluate_with(cloudpickle.loads(blob), seed)


def batch_size(needed: int, accepted: int, evaluated: int, last_rate: float | None, room: float) -> int:
    """How many to evaluate next for the `needed` particles still missing.

    SHARE of their expected cost: at this generation's acceptance rate so far or, before any
    acceptance, at the last generation's rate halved (FIRST_RATE for the first); while evaluations
    have been made and none accepted, as many again. Never more than `room` (what max_eval leaves),
    never fewer than MIN_BATCH.
    """
    if accepted:
        size = math.ceil(SHARE * needed * evaluated / accepted)
    elif evaluated:
        size = evaluated
    else:
        rate = FIRST_RATE if last_rate is None else last_rate * DECAY
        size = math.ceil(SHARE * needed / max(rate, 1e-9))
    return int(min(max(MIN_BATCH, size), room))


class SeededSampler(Sampler):
    """pyabc sampler: evaluation i of generation t seeded by (seed, t, i), on `workers` or a Dask client."""

    def __init__(self, seed: int, workers: int = 1, client: Any = None) -> None:
        super().__init__()
        self.seed = int(seed)
        self.workers = max(1, int(workers))
        self.client = client
        self.last_rate: float | None = None

    def sample_until_n_accepted(
        self,
        n: int,
        simulate_one: Callable[[], Any],
        t: int,
        *,
        max_eval: float = np.inf,
        all_accepted: bool = False,  # noqa: ARG002 (the loop needs no shortcut)
        ana_vars: Any = None,  # noqa: ARG002
    ) -> Any:
        """Generation t: batches of seeded evaluations until n are accepted or max_eval is reached."""
        sample = self._create_empty_sample()
        evaluated = kept = accepted = 0
        # Indices below max_eval may run: a fractional max_eval (947.99... for a cap of 948) allows its
        # ceiling. Counting against the fraction left a room of 0.99..., a batch of 0 and a loop that
        # never ended.
        limit = max_eval if math.isinf(max_eval) else math.ceil(max_eval)
        with _Runner(simulate_one, self.workers, self.client) as run:
            while accepted < n and evaluated < limit:
                size = batch_size(n - accepted, accepted, kept, self.last_rate, limit - evaluated)
                seeds = [evaluation_seed(self.seed, t, evaluated + i) for i in range(size)]
                for particle in run(seeds):
                    evaluated += 1
                    if accepted < n:
                        sample.append(particle)
                        kept += 1
                        accepted += int(bool(particle.accepted))
        self.nr_evaluations_ = evaluated
        if kept:
            self.last_rate = accepted / kept  # up to the last particle kept: the batches' size aside
        if sample.n_accepted < n:
            sample.ok = False
        return sample


class _Runner:
    """Evaluates a batch of seeds in order: in this process, on forked workers, or on a Dask client."""

    def __init__(self, simulate_one: Callable[[], Any], workers: int, client: Any) -> None:
        self.simulate_one, self.workers, self.client = simulate_one, workers, client
        self.pool: Any = None
        self.blob: Any = None

    def __enter__(self) -> Callable[[Sequence[int]], list[Any]]:
        if self.client is not None:
            import cloudpickle

            self.blob = self.client.scatter(cloudpickle.dumps(self.simulate_one), broadcast=True)
            return self._on_dask
        if self.workers > 1:
            self.pool = _generation_pool(self.simulate_one, self.workers)
            return self._on_pool
        return self._here

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _here(self, seeds: Sequence[int]) -> list[Any]:
        return [_evaluate_with(self.simulate_one, s) for s in seeds]

    def _on_pool(self, seeds: Sequence[int]) -> list[Any]:
        return list(self.pool.map(_evaluate, seeds, chunksize=1))

    def _on_dask(self, seeds: Sequence[int]) -> list[Any]:
        futures = self.client.map(_evaluate_pickled, [self.blob] * len(seeds), seeds, pure=False)
        return self.client.gather(futures)


def _generation_pool(simulate_one: Callable[[], Any], workers: int) -> Any:
    """Workers that hold the generation's simulate_one.

    Forked after it is set, as pyabc's are; given it pickled where there is no fork.
    """
    global _simulate
    from sim.calibration.pool import fork_pool, spawned_pool

    _simulate = simulate_one
    pool = fork_pool(workers)
    if pool is None:
        import cloudpickle

        pool = spawned_pool(workers, _install, (cloudpickle.dumps(simulate_one),))
    return pool


def _install(blob: bytes) -> None:
    global _simulate
    import cloudpickle

    _simulate = cloudpickle.loads(blob)
