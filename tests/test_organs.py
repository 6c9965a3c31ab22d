"""The political police as a power base (sim.mechanisms.organs): feared, then arrested and sentenced."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from helpers import exact_model

from sim.model.core import PowerStruggleModel
from sim.model.leaders import RUNG
from sim.model.politics import camp_of, main_threat, police_chiefs, power

ROOT = Path(__file__).resolve().parents[1]
S53 = ROOT / "scenarios" / "succession_1953.toml"


def _model_1953(seed: int = 3) -> PowerStruggleModel:
    return PowerStruggleModel(S53, overrides={"parameter_uncertainty": 0.0}, rng=seed)


def test_nobody_commands_the_police_in_1924() -> None:
    model = exact_model()
    assert model.party.apparatus.police_posts == frozenset()
    assert police_chiefs(model) == frozenset()
    stalin = model.leader_index["stalin"]
    camp = camp_of(model, stalin)
    assert power(model, camp) == sum([model.support_list[k] for k in camp])  # the following, unchanged


def test_the_police_chief_counts_as_strong_as_the_strongest_camp() -> None:
    model = _model_1953()
    beria = model.leader_index["beria"]
    assert police_chiefs(model) == frozenset({beria})
    own = float(model.support[beria])
    camps = {camp_of(model, k) for k in range(len(model.leaders))}
    strongest = max(sum(model.support[k] for k in c) for c in camps)
    assert own < strongest  # his following alone would make him nobody's main threat
    assert power(model, camp_of(model, beria)) == strongest
    khrushchev = model.leader_index["khrushchev"]
    assert main_threat(model, khrushchev) == camp_of(model, beria)


def test_a_police_chief_who_lost_his_post_commands_nothing() -> None:
    model = _model_1953()
    beria = model.leaders[model.leader_index["beria"]]
    beria.lose_post("mvd")
    assert police_chiefs(model) == frozenset()


def _first(events: list[dict], kind: str, actor: str) -> dict | None:
    return next((e for e in events if e["kind"] == kind and e["actor"] == actor), None)


def test_beria_is_arrested_by_a_coalition_and_sentenced_at_the_next_session() -> None:
    model = _model_1953()
    model.run_model()
    arrest = _first(model.events, "arrest", "beria")
    assert arrest is not None
    # The arrest answers a coalition formed against him, not his following.
    formed = [
        e for e in model.events if e["kind"] == "alliance_formed" and "against beria" in str(e["detail"])
    ]
    assert formed and formed[0]["date"] <= arrest["date"]
    beria = model.leaders[model.leader_index["beria"]]
    assert beria.arrested and not beria.eligible and not beria.posts
    sentence = [e for e in model.events if e["actor"] == "beria" and e["date"] > arrest["date"]]
    assert [e["kind"] for e in sentence[:3]] == ["politburo_removal", "cc_removal", "party_expulsion"]
    assert len({e["date"] for e in sentence[:3]}) == 1  # one session's verdict
    # No ladder after it: the arrested neither recant nor go into exile.
    later = {e["kind"] for e in sentence[3:]}
    assert not later & {"capitulation", "internal_exile", "exile_abroad", "factional_act"}
    assert beria.rung == RUNG["party_expulsion"]


def test_the_arrest_is_put_to_the_politburo() -> None:
    model = _model_1953()
    model.run_model()
    votes = [v for v in model.votes if str(v["motion"]).startswith("arrest: ")]
    assert votes and all(v["body"] == "Presidium" for v in votes)  # the scenario's name for the body
    carried = [v for v in votes if v["for"] > v["against"]]
    assert len(carried) == 1  # once carried, there is nobody left to arrest


def test_without_repression_nobody_is_arrested() -> None:
    model = PowerStruggleModel(
        S53, overrides={"parameter_uncertainty": 0.0, "mechanisms.repression.enabled": False}, rng=3
    )
    model.run_model()
    assert _first(model.events, "arrest", "beria") is None
    assert np.isfinite(model.support).all()


def test_the_chronicle_tells_the_arrest_before_the_verdict(tmp_path: Path) -> None:
    from sim.chronicle import chronicle_of
    from sim.run.api import run_scenario

    out = run_scenario(S53, replicates=1, seed=3).write(tmp_path / "run")
    lines = chronicle_of(out, 0)
    arrest = next(i for i, line in enumerate(lines) if "votes" in line and "to arrest Beria" in line)
    verdict = next(i for i, line in enumerate(lines) if "Beria is expelled from the party" in line)
    assert arrest < verdict
    assert not any("put to the plenum a motion to arrest" in line for line in lines)
