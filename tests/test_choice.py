"""The delegate choice's numerical kernels: the argmax, the Gumbel noise and the logit they make."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# --- the fast kernel against model.md section 7.5 written plainly ----------------------------------

_MODELS: dict[int, object] = {}


def _model(seed: int) -> object:
    """A small model after its settling rounds (built once per seed: hypothesis reuses them)."""
    from sim.model import PowerStruggleModel

    if seed not in _MODELS:
        _MODELS[seed] = PowerStruggleModel(scenario=HISTORICAL, overrides={"delegates": 300}, rng=seed)
    return _MODELS[seed]


state = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 3),
        "months": st.integers(0, 30),
        "fear": st.floats(0.0, 2.0),
        "rungs": st.lists(st.integers(0, 4), min_size=8, max_size=8),
        "mobilised": st.lists(st.booleans(), min_size=8, max_size=8),
        "enrolee_share": st.floats(0.0, 1.0),
        "inertia": st.booleans(),
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(state)
def test_fast_utilities_and_choices_match_the_reference(s: dict) -> None:
    """Random states: same utilities to float32 precision, and the same choices under the same noise."""
    import copy

    from sim.mechanisms.choice import structural_terms, utilities, utility_reference

    model = copy.deepcopy(_model(s["seed"]))
    for _ in range(s["months"]):
        model.step()
    rng = np.random.default_rng(s["months"])
    for leader, rung, mob in zip(model.leaders, s["rungs"], s["mobilised"], strict=False):
        leader.rung = max(leader.rung, rung)
        leader.mobilised = mob
    model.fear = s["fear"]
    model.pool.enrolee[:] = rng.random(model.pool.n) < s["enrolee_share"]
    model.refresh_ruling()
    rows = np.flatnonzero(rng.random(model.pool.n) < 0.5)
    fast = utilities(model, rows, s["inertia"])
    ref = utility_reference(model, rows, s["inertia"])
    assert fast.shape == ref.shape
    assert np.allclose(fast, ref, rtol=1e-5, atol=1e-4)
    noise = np.zeros(fast.shape, dtype=np.float32)
    add_gumbel_noise(np.random.default_rng(7), noise, model.cfg.mechanisms.delegate_choice.noise)
    noisy_ref = ref + noise
    top2 = np.sort(noisy_ref, axis=0)[-2:] if ref.shape[0] > 1 else np.vstack([noisy_ref - 1, noisy_ref])
    clear = top2[1] - top2[0] > 1e-3  # a near-tie may go either way in float32
    cols = structural_terms(model).cols
    assert np.array_equal(cols[first_argmax(fast + noise)][clear], cols[noisy_ref.argmax(axis=0)][clear])
    assert clear.mean() > 0.95
