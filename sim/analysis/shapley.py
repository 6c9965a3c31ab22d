"""Exact Shapley values over on/off players, and a paired bootstrap of them over replicates.

Configurations are numbered by bitmask: bit j set means player j is on. With the value v of every
configuration, player j's Shapley value is the weighted mean of its marginal contributions,
    phi_j = sum over S not containing j of |S|! (k-|S|-1)! / k! * (v(S + j) - v(S)),
which is linear in v: phi = W v. The values sum to v(all on) - v(all off) exactly (efficiency).
"""

from __future__ import annotations

import math

import numpy as np


def shapley_weights(k: int) -> np.ndarray:
    """The k x 2^k matrix W with phi = W @ v for a vector v of configuration values (by bitmask)."""
    if not 1 <= k <= 16:
        raise ValueError(f"expected 1 to 16 players (got {k})")
    masks = np.arange(2**k)
    sizes = np.array([bin(m).count("1") for m in masks])
    weight = np.array([math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)])
    matrix = np.zeros((k, 2**k))
    for j in range(k):
        on = (masks >> j) & 1 == 1
        matrix[j, on] = weight[sizes[on] - 1]  # v(S + j), with |S| = size - 1
        matrix[j, ~on] = -weight[sizes[~on]]  # v(S)
    return matrix


def shapley(values: np.ndarray) -> np.ndarray:
    """Exact Shapley values of a vector of 2^k configuration values (by bitmask)."""
    k = int(round(math.log2(len(values))))
    if 2**k != len(values):
        raise ValueError(f"expected 2^k configuration values (got {len(values)})")
    return shapley_weights(k) @ np.asarray(values, dtype=float)


def paired_bootstrap(
    outcomes: np.ndarray, draws: int, rng: np.random.Generator, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals (lo, hi) of the Shapley values over bootstrap draws of replicates.

    `outcomes` is configurations x replicates (0/1). Each draw resamples replicate indices once and
    uses them in every configuration, so the common-seed pairing that makes the differences precise
    is kept. A draw is a vector of counts per replicate, so the cost is one matrix product.
    """
    n_configs, n = outcomes.shape
    k = int(round(math.log2(n_configs)))
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=draws)  # draws x replicates
    means = outcomes @ counts.T / n  # configurations x draws
    phis = shapley_weights(k) @ means  # players x draws
    tail = (1.0 - level) / 2.0
    return np.quantile(phis, tail, axis=1), np.quantile(phis, 1.0 - tail, axis=1)
