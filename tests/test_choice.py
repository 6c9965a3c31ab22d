"""The members' choice (sim.mechanisms.choice): the kernel against the reference, the logit, the following."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
from helpers import small_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.mechanisms import choice
from sim.model.core import PowerStruggleModel
from sim.model.leaders import RUNG
from sim.model.party.membership import BIN_CENTRES

HISTORICAL = str(Path(__file__).resolve().parents[1] / "scenarios" / "historical.toml")

_MODELS: dict[int, PowerStruggleModel] = {}


def _model(seed: int) -> PowerStruggleModel:
    """A small model of January 1924 (built once per seed: hypothesis reuses them)."""
    if seed not in _MODELS:
        _MODELS[seed] = PowerStruggleModel(scenario=HISTORICAL, overrides={"party.scale": 0.02}, rng=seed)
    return _MODELS[seed]


state = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 3),
        "months": st.integers(0, 30),
        "fear": st.floats(0.0, 2.0),
        "rungs": st.lists(st.integers(0, 4), min_size=7, max_size=7),
        "mobilised": st.lists(st.booleans(), min_size=7, max_size=7),
        "org": st.integers(0, 89),
        "bin": st.integers(0, len(BIN_CENTRES) - 1),
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(state)
def test_fast_utilities_match_the_reference(s: dict) -> None:
    """Random states: the array kernel gives docs/model.md section 7.5's utility for any member."""
    model = copy.deepcopy(_model(s["seed"]))
    for _ in range(s["months"]):
        model.step()
    for leader, rung, mob in zip(model.leaders, s["rungs"], s["mobilised"], strict=True):
        leader.rung = max(leader.rung, rung)
        leader.mobilised = mob
    model.fear = s["fear"]
    model.refresh_ruling()
    fast = choice.utilities(model)[s["org"], s["bin"]]
    ref = choice.utility_reference(model, s["org"], float(BIN_CENTRES[s["bin"]]))
    assert np.array_equal(np.isinf(fast), np.isinf(ref))
    assert np.allclose(fast[np.isfinite(fast)], ref[np.isfinite(ref)], rtol=1e-9, atol=1e-9)


def test_shares_are_a_logit_over_eligible_leaders() -> None:
    model = copy.deepcopy(_model(1))
    model.leaders[model.leader_index["trotsky"]].rung = RUNG["party_expulsion"]
    p = choice.choice_shares(model)
    assert np.allclose(p.sum(axis=2), 1.0)
    assert (p[:, :, model.leader_index["trotsky"]] == 0).all()  # nobody follows an expelled leader
    u = choice.utilities(model)[3, 20]  # Gumbel noise of scale 1
    finite = np.isfinite(u)
    expected = np.exp(u[finite] - u[finite].max())
    assert np.allclose(p[3, 20][finite], expected / expected.sum())


def test_the_secretarys_patron_draws_his_organisations_members() -> None:
    model = copy.deepcopy(_model(2))
    stalin = model.leader_index["stalin"]
    secretaries = model.party.apparatus.secretaries
    free = next(o for o, sec in enumerate(secretaries) if sec.patron < 0 and sec.organisation >= 4)
    before = choice.choice_shares(model)[free, :, stalin].copy()
    secretaries[free].patron = stalin
    after = choice.choice_shares(model)[free, :, stalin]
    assert (after > before).all()


def test_reweighing_moves_the_following_toward_the_choice_and_strands_nobody() -> None:
    model = copy.deepcopy(_model(3))
    trotsky = model.leader_index["trotsky"]
    model.leaders[trotsky].rung = RUNG["party_expulsion"]
    before = model.support.copy()
    target = choice.following(model)
    choice.reweigh(model)
    assert model.support[trotsky] == 0.0  # his followers must choose again
    assert np.isclose(model.support.sum(), 1.0)
    rate = model.cfg.mechanisms.delegate_choice.reconsider_rate
    others = np.arange(len(model.leaders)) != trotsky
    kept = before[others] * (1 - rate)
    assert np.allclose(model.support[others], kept + target[others] * (1 - kept.sum()))


def test_members_follow_the_man_their_secretary_owes_his_post_to() -> None:
    from sim.mechanisms.choice import choice_shares

    model = small_model()
    stalin = model.leader_index["stalin"]
    for _ in range(12):
        model.step()
    table = model.party.members.table
    by_org = np.einsum("ob,obk->ok", table, choice_shares(model))
    by_org /= by_org.sum(axis=1, keepdims=True)
    his = model.party.apparatus.patrons() == stalin
    assert by_org[his, stalin].mean() > by_org[~his, stalin].mean() + 0.1
