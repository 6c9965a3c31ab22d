"""Alliances: the pairwise compatibility matrix against its plain pair-by-pair reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.mechanisms.alliances import camp_compatibility, compatibility, compatibility_matrix
from sim.model import PowerStruggleModel

HISTORICAL = str(Path(__file__).resolve().parents[1] / "scenarios" / "historical.toml")
_MODEL = PowerStruggleModel(scenario=HISTORICAL, overrides={"party.scale": 0.01}, rng=0)
N = len(_MODEL.leaders)

unit = st.floats(0.0, 1.0)


@settings(max_examples=60, deadline=None)
@given(
    positions=st.lists(st.floats(-1.0, 1.0), min_size=N, max_size=N),
    willingness=st.lists(unit, min_size=N, max_size=N),
    distrust=st.lists(unit, min_size=N * N, max_size=N * N),
    camp=st.sets(st.integers(0, N - 1), min_size=2, max_size=N),
)
def test_matrix_equals_pairwise_compatibility(
    positions: list[float], willingness: list[float], distrust: list[float], camp: set[int]
) -> None:
    model = _MODEL
    for leader, x, cw in zip(model.leaders, positions, willingness, strict=True):
        leader.position, leader.compromise_willingness = x, cw
    model.distrust = np.array(distrust).reshape(N, N)
    matrix = compatibility_matrix(model)
    for a in range(N):
        for b in range(N):
            assert abs(matrix[a][b] - compatibility(model, a, b)) < 1e-12
    assert abs(camp_compatibility(model, camp, matrix) - camp_compatibility(model, camp)) < 1e-12


def test_compatibility_falls_with_distance_and_distrust() -> None:
    model = PowerStruggleModel(scenario=HISTORICAL, overrides={"party.scale": 0.01}, rng=1)
    a, b = 0, 1
    before = compatibility(model, a, b)
    model.distrust[a, b] += 0.3
    assert compatibility(model, a, b) < before
    model.leaders[b].position = model.leaders[a].position + 1.5
    assert compatibility(model, a, b) < before - 0.3


def test_a_boss_fights_with_his_machine_until_a_congress_condemns_his_line() -> None:
    import copy

    from sim.mechanisms import alliances

    model = copy.deepcopy(_MODEL)
    zinoviev, trotsky, stalin = (model.leader_index[n] for n in ("zinoviev", "trotsky", "stalin"))
    assert model.party.apparatus.runs_organisation(zinoviev)  # Leningrad's boss in January 1924
    assert alliances.relies_on_machine(model, {zinoviev, model.leader_index["kamenev"]})
    assert not alliances.relies_on_machine(model, {trotsky})  # PUR is a CC department: no machine
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")
    model.ruling = frozenset({stalin})
    before = len(list(model.coalitions))
    for _ in range(30):  # Zinoviev, targeted, would take Trotsky as a partner if he could
        alliances._seek_partner(model, zinoviev, alliances._Month(model))
    assert len(list(model.coalitions)) == before
    model.condemned.add(zinoviev)  # the 14th Congress upholds the line against him
    assert not alliances.relies_on_machine(model, {zinoviev})
