"""The one seed tree: replicate i's seed depends only on (master seed, i).

`run`, `compare` and every point of a sweep draw replicate i from the same seed, so scenarios and
sweep points are compared on common random numbers, whatever the backend or the number of workers.
"""

from __future__ import annotations

import numpy as np


def replicate_seed(master_seed: int, replicate: int) -> int:
    """Seed of replicate `replicate` under `master_seed`: SeedSequence(master, spawn_key=(replicate,))."""
    state = np.random.SeedSequence(master_seed, spawn_key=(replicate,)).generate_state(2, np.uint32)
    return (int(state[0]) << 31) | (int(state[1]) >> 1)  # 62 bits: fits a signed int64 column


def replicate_seeds(master_seed: int, n: int) -> list[int]:
    """Seeds of replicates 0 .. n-1 (a prefix of the same tree for any larger n)."""
    return [replicate_seed(master_seed, i) for i in range(n)]


def replicate_child(master_seed: int, replicate: int, child: int) -> np.random.SeedSequence:
    """Child `child` of replicate i's seed sequence: a stream of the run's own, apart from the model's.

    The model is seeded with `replicate_seed` (an integer), so its streams never meet this child's; a
    draw made here (a posterior's parameters) leaves every random number the model sees unchanged.
    """
    return np.random.SeedSequence(master_seed, spawn_key=(replicate, child))
