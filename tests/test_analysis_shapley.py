"""Exact Shapley values: efficiency, symmetry, a known game, and the paired bootstrap."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from sim.analysis.shapley import paired_bootstrap, shapley, shapley_weights


def by_definition(values: np.ndarray, k: int, j: int) -> float:
    """Player j's Shapley value summed subset by subset, as the textbook writes it."""
    others = [i for i in range(k) if i != j]
    total = 0.0
    for size in range(k):
        for subset in itertools.combinations(others, size):
            mask = sum(1 << i for i in subset)
            weight = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
            total += weight * (values[mask | 1 << j] - values[mask])
    return total


def test_matches_the_definition_and_sums_to_all_on_minus_all_off() -> None:
    rng = np.random.default_rng(1)
    for k in (1, 2, 3, 5):
        values = rng.random(2**k)
        phi = shapley(values)
        assert phi.sum() == pytest.approx(values[-1] - values[0], abs=1e-12)
        for j in range(k):
            assert phi[j] == pytest.approx(by_definition(values, k, j), abs=1e-12)


def test_glove_game() -> None:
    # players 0 and 1 hold left gloves, player 2 the right one; a pair is worth 1
    values = np.array([1.0 if (m & 4) and (m & 3) else 0.0 for m in range(8)])
    assert shapley(values) == pytest.approx([1 / 6, 1 / 6, 2 / 3])


def test_a_player_that_changes_nothing_gets_zero() -> None:
    values = np.array([0.1, 0.1, 0.6, 0.6])  # player 0 is a dummy, player 1 adds 0.5
    assert shapley(values) == pytest.approx([0.0, 0.5])


def test_weights_reject_too_many_players() -> None:
    with pytest.raises(ValueError):
        shapley_weights(17)
    with pytest.raises(ValueError):
        shapley(np.zeros(6))


def test_paired_bootstrap_covers_the_estimate_and_is_narrow_when_pairs_agree() -> None:
    rng = np.random.default_rng(3)
    n = 400
    base = rng.random(n) < 0.3
    # player 0 turns on the outcome in 40% more replicates; configurations share their replicates
    extra = rng.random(n) < 0.4
    outcomes = np.array([base, base | extra, base, base | extra], dtype=float)
    phi = shapley(outcomes.mean(axis=1))
    lo, hi = paired_bootstrap(outcomes, 1000, np.random.default_rng(4))
    assert lo[0] <= phi[0] <= hi[0] and lo[1] <= phi[1] <= hi[1]
    assert abs(lo[1]) < 1e-12 and abs(hi[1]) < 1e-12  # player 1 never matters: no spread at all
    assert hi[0] - lo[0] < 0.1
