"""Issue 9's mechanisms: record plenums, offices, deviation vs faction, capitulation, the policy split."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from sim.calendar import SessionSlot
from sim.leaders import RUNG
from sim.mechanisms import alliances, capitulation, defence, institutions, offices
from sim.model import PowerStruggleModel
from sim.politics import secretariat_holder

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"


def small_model(seed: int = 1, **overrides: object) -> PowerStruggleModel:
    return PowerStruggleModel(scenario=HISTORICAL, overrides={"party.scale": 0.05, **overrides}, rng=seed)


def test_listed_plenums_replace_the_rule_and_keep_their_dates() -> None:
    model = small_model()
    plenums = [s for slots in model.sessions.values() for s in slots if s.kind == "cc_plenum"]
    listed = {s.date for s in model.cfg.calendar.sessions if s.kind == "plenum"}
    assert {s.date for s in plenums} == listed and date(1927, 10, 21) in listed
    joint = {s.date for s in plenums if s.joint}
    assert date(1927, 11, 12) in joint and date(1928, 7, 4) not in joint


def test_a_calendar_without_plenums_gets_them_by_rule() -> None:
    model = small_model()
    sessions = [s for s in model.cfg.calendar.sessions if s.kind != "plenum"]
    ruled = small_model(**{"calendar.sessions": [s.model_dump() for s in sessions]})
    plenums = [s for slots in ruled.sessions.values() for s in slots if s.kind == "cc_plenum"]
    assert plenums and all(s.date.day == 15 and s.joint for s in plenums)


def test_the_general_secretary_is_succeeded_not_left_vacant() -> None:
    model = small_model()
    stalin = model.leader_index["stalin"]
    model.leaders[stalin].apply_sanction("post_removal", model.month)
    assert secretariat_holder(model) is None
    offices.fill_general_secretary(model, date(1924, 5, 23), "13th Party Congress", removed=stalin)
    holder = secretariat_holder(model)
    assert holder is not None and holder != stalin


def test_capitulation_has_no_threshold_but_follows_willingness() -> None:
    model = small_model()
    trotsky, zinoviev = model.leader_index["trotsky"], model.leader_index["zinoviev"]
    for k in (trotsky, zinoviev):
        model.leaders[k].rung = RUNG["cc_removal"]
    low, high = capitulation.propensity(model, trotsky), capitulation.propensity(model, zinoviev)
    assert 0.0 < low < high


def test_recanting_disbands_the_faction_and_costs_standing() -> None:
    model = small_model()
    trotsky = model.leader_index["trotsky"]
    leader = model.leaders[trotsky]
    leader.mobilised, leader.rung = True, RUNG["politburo_removal"]
    followers = float(model.support[trotsky])
    capitulation.recant(model, trotsky)
    assert leader.capitulated and not leader.mobilised and leader.standing == pytest.approx(0.5)
    assert model.support[trotsky] == pytest.approx(followers / 2)  # as many as the standing he gave up


def _expulsion_vote(model: PowerStruggleModel, target: int, joint: bool) -> bool:
    leader = model.leaders[target]
    leader.rung, leader.in_cc, leader.declared_opposition = RUNG["cc_removal"], False, True
    session = SessionSlot(date(1927, 11, 12), "Joint CC-CCC plenum", "cc_plenum", 0, joint=joint)
    for _ in range(50):
        leader.offence_month = model.month  # a renewed offence (sim.mechanisms.defiance)
        leader.faction_act_month = model.month  # an open act: what the Control Commission answers
        institutions._move_sanction(model, session, target)
        leader.last_sanction_month = -999
    return leader.rung >= RUNG["party_expulsion"]


def test_only_an_organised_faction_is_expelled_and_only_by_a_joint_plenum() -> None:
    model = small_model(**{"mechanisms.institutions.proposal_rate": 1.0})
    bukharin = model.leader_index["bukharin"]
    assert not _expulsion_vote(model, bukharin, joint=True)  # a deviation: no faction
    model.leaders[bukharin].mobilised = True
    assert not _expulsion_vote(model, bukharin, joint=False)  # an ordinary plenum cannot expel
    assert _expulsion_vote(model, bukharin, joint=True)  # an organised faction, a joint plenum


def test_the_grain_crisis_raises_the_policy_pressure_on_a_bloc() -> None:
    model = small_model()
    bloc = {model.leader_index["stalin"], model.leader_index["bukharin"]}
    before = alliances.policy_pressure(model, bloc)
    model._shock("grain_crisis", model.cfg.events.grain_crisis)
    assert model.agrarian_salience > 0.8
    assert alliances.policy_pressure(model, bloc) > before


def test_partners_defend_the_general_secretary_as_they_fear_the_enemy() -> None:
    model = small_model()
    stalin, trotsky, zinoviev = (model.leader_index[n] for n in ("stalin", "trotsky", "zinoviev"))
    # The Troika against Trotsky: Zinoviev defends Stalin more readily the stronger Trotsky's camp.
    weak = defence.defence_probability(model, zinoviev, stalin, trotsky)
    model.support[:] = 0.0
    model.support[[trotsky, stalin]] = (0.6, 0.1)
    model.support_list = model.support.tolist()
    model.cache.structure_changed()
    model.cache.support_changed(b"test")
    strong = defence.defence_probability(model, zinoviev, stalin, trotsky)
    assert 0.0 < weak < strong < 1.0


def test_an_undefended_general_secretary_voted_out_loses_his_bloc() -> None:
    model = small_model()
    stalin, zinoviev, kamenev = (model.leader_index[n] for n in ("stalin", "zinoviev", "kamenev"))
    model.distrust[:] = 0.0
    defence.break_bloc(model, stalin, frozenset({kamenev}), date(1924, 5, 23))
    blocs = [c.members for c in model.coalitions]
    assert {stalin, kamenev} in blocs and not any(zinoviev in m for m in blocs)
    assert model.distrust[stalin, zinoviev] > 0.0 and model.distrust[stalin, kamenev] == 0.0


def test_the_new_cc_elects_the_secretariat_and_not_the_man_just_voted_out() -> None:
    model = small_model()
    stalin, zinoviev = model.leader_index["stalin"], model.leader_index["zinoviev"]
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")
    model.central_committee.seat(np.full(50, zinoviev), np.full(50, zinoviev))  # the new CC is Zinoviev's
    offices.reelect_general_secretary(model, date(1925, 12, 18), "14th Party Congress")
    assert secretariat_holder(model) == zinoviev
    model.central_committee.seat(np.full(50, stalin), np.full(50, stalin))
    offices.reelect_general_secretary(model, date(1925, 12, 18), "14th Party Congress", barred=stalin)
    assert secretariat_holder(model) == zinoviev  # the barred cannot take it back the same day


def test_a_bloc_whose_enemy_recanted_may_break() -> None:
    model = small_model(**{"mechanisms.alliances.dissolve_rate": 1.0, "mechanisms.alliances.rivalry": 10.0})
    trotsky = model.leader_index["trotsky"]
    assert any(c.against == trotsky for c in model.coalitions)
    alliances._dissolve(model)
    assert any(c.against == trotsky for c in model.coalitions)  # a live threat holds the Troika
    model.leaders[trotsky].capitulated = True
    alliances._dissolve(model)
    assert not any(c.against == trotsky for c in model.coalitions)
