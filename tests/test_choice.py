"""The delegate choice's numerical kernels: the argmax, the Gumbel noise and the logit they make."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.mechanisms.choice import add_gumbel_noise, first_argmax

HISTORICAL = str(Path(__file__).resolve().parents[1] / "scenarios" / "historical.toml")


@pytest.mark.parametrize("width", [7, 300, 5000])
def test_first_argmax_matches_numpy_including_ties(width: int) -> None:
    rng = np.random.default_rng(width)
    u = rng.integers(0, 3, size=(5, width)).astype(np.float32)  # many ties
    assert np.array_equal(first_argmax(u), np.argmax(u, axis=0))


def test_gumbel_noise_has_the_gumbel_mean_and_variance() -> None:
    u = np.zeros((4, 250_000), dtype=np.float32)
    add_gumbel_noise(np.random.default_rng(1), u, 1.0)
    assert abs(float(u.mean()) - 0.5772) < 0.005  # Euler-Mascheroni constant
    assert abs(float(u.var()) - np.pi**2 / 6) < 0.02
    assert np.isfinite(u).all()


def test_noisy_argmax_is_a_multinomial_logit() -> None:
    """argmax(u + s*G) picks leader j with probability softmax(u / s)_j."""
    utility = np.array([0.0, 0.5, 1.0], dtype=np.float32)
    scale = 0.8
    n = 200_000
    u = np.repeat(utility[:, None], n, axis=1)
    add_gumbel_noise(np.random.default_rng(2), u, scale)
    shares = np.bincount(first_argmax(u), minlength=3) / n
    expected = np.exp(utility / scale) / np.exp(utility / scale).sum()
    assert np.allclose(shares, expected, atol=0.005)


def test_with_every_leader_expelled_allegiances_stand() -> None:
    from sim.leaders import RUNG
    from sim.mechanisms.choice import reweigh
    from sim.model import PowerStruggleModel

    model = PowerStruggleModel(scenario=HISTORICAL, overrides={"delegates": 100}, rng=2)
    before = model.pool.allegiance.copy()
    for leader in model.leaders:
        leader.rung = RUNG["party_expulsion"]
    reweigh(model)
    assert np.array_equal(model.pool.allegiance, before)
