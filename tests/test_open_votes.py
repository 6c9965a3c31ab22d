"""Open votes at Congresses and Conferences: a machine delivers its delegation; fear silences dissent."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.mechanisms import institutions
from sim.model import PowerStruggleModel

HISTORICAL = Path(__file__).resolve().parents[1] / "scenarios" / "historical.toml"
DELEGATION, FEAR = "mechanisms.institutions.delegation_discipline", "mechanisms.institutions.open_vote_fear"


def _zinoviev_in_opposition(**overrides: object) -> tuple[PowerStruggleModel, int, np.ndarray]:
    """January 1924's model with Zinoviev, still Leningrad's boss, alone against Stalin."""
    base = {"delegates": 2000, "parameter_uncertainty": 0.0}
    model = PowerStruggleModel(scenario=HISTORICAL, overrides={**base, **overrides}, rng=4)
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")
    stalin, zinoviev = model.leader_index["stalin"], model.leader_index["zinoviev"]
    model.ruling = frozenset({stalin})
    leningrad = np.flatnonzero(model.pool.bloc == model.bloc_index["leningrad"])
    model.pool.set_allegiance(np.arange(model.pool.n), stalin)  # every delegate backs Stalin
    model.refresh_support()
    model.ruling = frozenset({stalin})
    return model, zinoviev, leningrad


def test_a_boss_who_holds_his_post_delivers_his_delegation() -> None:
    model, zinoviev, leningrad = _zinoviev_in_opposition(**{DELEGATION: 1.0, FEAR: 0.0})
    assert model.bloc_head_active()[model.bloc_index["leningrad"]] == zinoviev
    voters = np.arange(model.pool.n)
    _, no, _ = institutions.tally(model, voters, frozenset({zinoviev}), open_vote=True)
    assert no == leningrad.size  # his delegation, though it backs Stalin, votes with its machine
    _, no_plenum, _ = institutions.tally(model, voters, frozenset({zinoviev}))
    assert no_plenum == 0  # cast man by man, nobody backs him
    model.leaders[zinoviev].holds_home_post = False  # Leningrad taken from him (January 1926)
    _, no_after, _ = institutions.tally(model, voters, frozenset({zinoviev}), open_vote=True)
    assert no_after == 0


def test_fear_keeps_dissenters_from_voting_against_in_the_open() -> None:
    model, zinoviev, _ = _zinoviev_in_opposition(**{FEAR: 2.0, DELEGATION: 0.0})
    voters = np.arange(model.pool.n)
    model.pool.set_allegiance(voters[:600], zinoviev)
    model.refresh_support()
    model.fear = 0.0
    _, calm, _ = institutions.tally(model, voters, frozenset({zinoviev}), open_vote=True)
    model.fear = 1.0
    _, afraid, _ = institutions.tally(model, voters, frozenset({zinoviev}), open_vote=True)
    _, unafraid, _ = institutions.tally(model, voters, frozenset({zinoviev}))
    assert unafraid == 600
    assert afraid < calm < unafraid
    assert afraid < 0.2 * 600


def test_the_open_vote_rules_draw_from_their_own_stream() -> None:
    a, zinoviev, _ = _zinoviev_in_opposition(**{FEAR: 0.0, DELEGATION: 0.0})
    b, _, _ = _zinoviev_in_opposition(**{FEAR: 1.0, DELEGATION: 0.5})
    voters = np.arange(a.pool.n)
    institutions.tally(b, voters, frozenset({zinoviev}), open_vote=True)
    institutions.tally(a, voters, frozenset({zinoviev}), open_vote=True)
    # The institutions stream is where both now stand alike: the open vote drew from `votes` only.
    assert a.streams["institutions"].random() == b.streams["institutions"].random()
