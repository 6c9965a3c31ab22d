"""Blocs: members recant together, are charged as one faction, a breaking bloc splits along its fault line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from sim.calendar import SessionSlot
from sim.leaders import RUNG
from sim.mechanisms import alliances, capitulation, institutions, mobilisation
from sim.model import PowerStruggleModel

HISTORICAL = Path(__file__).resolve().parents[1] / "scenarios" / "historical.toml"


def small_model(**overrides: object) -> PowerStruggleModel:
    base = {"party.scale": 0.05, "parameter_uncertainty": 0.0}
    return PowerStruggleModel(scenario=HISTORICAL, overrides={**base, **overrides}, rng=3)


def _clear(model: PowerStruggleModel) -> None:
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")


def _united_opposition(model: PowerStruggleModel) -> tuple[int, int, int]:
    stalin, trotsky, zinoviev = (model.leader_index[n] for n in ("stalin", "trotsky", "zinoviev"))
    _clear(model)
    model.coalitions.start({trotsky, zinoviev}, against=stalin)
    model.leaders[zinoviev].rung = RUNG["post_removal"]
    return stalin, trotsky, zinoviev


def test_a_member_of_a_bloc_weighs_recanting_with_its_least_willing_partner() -> None:
    model = small_model()
    _, trotsky, zinoviev = _united_opposition(model)
    z, t = model.leaders[zinoviev], model.leaders[trotsky]
    assert capitulation.resolve(model, zinoviev) == pytest.approx(t.compromise_willingness)
    assert capitulation.resolve(model, trotsky) == pytest.approx(t.compromise_willingness)
    together = capitulation.propensity(model, zinoviev)
    _clear(model)  # the bloc is broken: he weighs his own willingness again
    assert capitulation.resolve(model, zinoviev) == pytest.approx(z.compromise_willingness)
    assert capitulation.propensity(model, zinoviev) > 2 * together


def _big_troika(model: PowerStruggleModel) -> dict[str, int]:
    """Stalin, Zinoviev, Kamenev and the Right against a Trotsky who has just recanted (the enemy spent)."""
    idx = {n: model.leader_index[n] for n in ("stalin", "zinoviev", "kamenev", "bukharin", "rykov", "tomsky")}
    _clear(model)
    model.coalitions.start(set(idx.values()), against=model.leader_index["trotsky"])
    model.leaders[model.leader_index["trotsky"]].capitulated = True
    # Stalin heads the bloc's following (as by 1925): Stalin, Trotsky, Zinoviev, Kamenev, the Right.
    model.set_support(np.array([0.40, 0.05, 0.20, 0.10, 0.10, 0.08, 0.07]))
    return idx


def test_the_fault_line_runs_between_the_ruthless_rival_and_the_head() -> None:
    model = small_model()
    idx = _big_troika(model)
    members = set(idx.values())
    top = alliances.head(model, frozenset(members))
    assert top == idx["stalin"]
    leavers = alliances.fault_line(model, members, top)
    assert leavers == {idx["zinoviev"], idx["kamenev"]}


def test_a_bloc_breaking_along_its_fault_line_keeps_the_head_and_the_right_together() -> None:
    over = {"mechanisms.alliances.dissolve_rate": 1.0, "mechanisms.alliances.rivalry": 10.0}
    split = small_model(**over)
    idx = _big_troika(split)
    alliances._dissolve(split)
    blocs = [c for c in split.coalitions]
    assert len(blocs) == 1
    assert blocs[0].members == {idx["stalin"], idx["bukharin"], idx["rykov"], idx["tomsky"]}
    assert blocs[0].against == idx["zinoviev"]
    assert split.distrust[idx["stalin"], idx["zinoviev"]] > split.distrust[idx["stalin"], idx["bukharin"]]


JOINT = SessionSlot(date(1926, 7, 14), "Joint CC-CCC plenum", "cc_plenum", 0, joint=True)


def _proposals_against(model: PowerStruggleModel, target: int, tries: int = 300) -> int:
    """How often the leadership proposes the next sanction against `target` in `tries` sessions."""
    leader = model.leaders[target]
    before = len(model.votes)
    for _ in range(tries):
        leader.rung, leader.capitulated = RUNG["post_removal"], False
        leader.last_sanction_month = model.month - 12
        leader.offence_month = model.month  # a renewed offence: only the will decides
        institutions._move_sanction(model, JOINT, target, focus=1.0)
    return len(model.votes) - before


def test_a_bloc_is_charged_as_one_faction_once_a_partner_has_organised_it() -> None:
    model = small_model(
        **{"mechanisms.institutions.proposal_rate": 0.3, "mechanisms.repression.enabled": False}
    )
    stalin, trotsky, zinoviev = _united_opposition(model)
    model.ruling = frozenset({stalin})
    assert not mobilisation.bloc_organised(model, zinoviev)
    unorganised = _proposals_against(model, zinoviev)
    model.leaders[trotsky].mobilised = True  # Trotsky's faction, not one of Zinoviev's own
    assert mobilisation.bloc_organised(model, zinoviev)
    charged = _proposals_against(model, zinoviev)
    assert charged > 1.5 * unorganised > 0
