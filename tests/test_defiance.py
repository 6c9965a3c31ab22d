"""The renewed offence: beyond censure and posts, each step of the ladder answers a new act of defiance."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from sim.mechanisms import capitulation, defiance, institutions, repression
from sim.model.calendar import SessionSlot
from sim.model.core import PowerStruggleModel
from sim.model.leaders import RUNG

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"
JOINT = SessionSlot(date(1926, 10, 23), "Joint CC-CCC plenum", "cc_plenum", 0, joint=True)


def small_model(seed: int = 1, **overrides: object) -> PowerStruggleModel:
    base = {"party.scale": 0.05, "mechanisms.institutions.proposal_rate": 1.0}
    return PowerStruggleModel(scenario=HISTORICAL, overrides={**base, **overrides}, rng=seed)


def _tries(model: PowerStruggleModel, target: int, times: int = 30) -> int:
    """Propose the next sanction against `target` up to `times` times; return his rung."""
    for _ in range(times):
        institutions._move_sanction(model, JOINT, target)
    return model.leaders[target].rung


def _oppositionist(model: PowerStruggleModel, name: str, rung: str) -> int:
    k = model.leader_index[name]
    leader = model.leaders[k]
    leader.rung, leader.declared_opposition, leader.mobilised = RUNG[rung], True, True
    leader.last_sanction_month = model.month - 12
    return k


def test_a_leader_who_keeps_discipline_is_not_pushed_past_his_posts() -> None:
    model = small_model()
    trotsky = _oppositionist(model, "trotsky", "post_removal")
    model.leaders[trotsky].offence_month = model.month - 13  # his offence came before the last sanction
    assert _tries(model, trotsky) == RUNG["post_removal"]
    defiance.offend(model, trotsky)  # a new act
    assert _tries(model, trotsky) == RUNG["politburo_removal"]
    assert _tries(model, trotsky) == RUNG["politburo_removal"]  # that act is spent on that step


def test_deviation_alone_still_costs_censure_and_posts() -> None:
    model = small_model()
    bukharin = _oppositionist(model, "bukharin", "none")
    assert model.leaders[bukharin].offence_month < model.leaders[bukharin].last_sanction_month
    assert _tries(model, bukharin, times=1) == RUNG["post_removal"]  # factional: posts, without a new act


def test_a_bloc_with_new_partners_is_an_offence_and_its_remnant_is_not() -> None:
    model = small_model()
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")
    stalin, trotsky, zinoviev, kamenev = (
        model.leader_index[n] for n in ("stalin", "trotsky", "zinoviev", "kamenev")
    )
    model.central_committee.seat(np.full(40, stalin), np.full(40, stalin))  # the CC is Stalin's
    model.refresh_ruling()
    assert model.ruling == frozenset({stalin})
    model.month = 30
    model.coalitions.start({trotsky, zinoviev, kamenev}, against=stalin)
    assert all(model.leaders[k].offence_month == 30 for k in (trotsky, zinoviev, kamenev))
    model.month = 33
    model.coalitions.leave(zinoviev, date(1926, 10, 15), "capitulated")  # the rest carry on: no new act
    assert model.leaders[trotsky].offence_month == 30 and model.leaders[kamenev].offence_month == 30


def test_reach_company_a_following_or_nothing_left_to_lose() -> None:
    model = small_model()
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")
    trotsky, zinoviev = model.leader_index["trotsky"], model.leader_index["zinoviev"]
    model.leaders[trotsky].rung = RUNG["post_removal"]
    alone = defiance.reach(model, trotsky)
    assert alone < 1.0  # an isolated leader with his seats to lose mostly keeps discipline
    model.leaders[trotsky].rung = RUNG["cc_removal"]
    assert defiance.reach(model, trotsky) >= 2 / 3  # out of the Politburo and the CC: little left to lose
    model.leaders[trotsky].rung = RUNG["post_removal"]
    model.coalitions.start({trotsky, zinoviev}, against=model.leader_index["stalin"])
    assert defiance.reach(model, trotsky) == 1.0


def test_only_organised_factions_and_unrepentant_exiles_commit_open_acts() -> None:
    model = small_model(**{"mechanisms.mobilisation.rate": 1.0})
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")
    stalin, trotsky, zinoviev = (model.leader_index[n] for n in ("stalin", "trotsky", "zinoviev"))
    model.coalitions.start({trotsky, zinoviev}, against=stalin)  # a bloc: reach 1
    model.ruling = frozenset({stalin})
    model.month = 40
    defiance.monthly(model)
    assert model.leaders[trotsky].offence_month < 40  # not organised: no act
    model.leaders[trotsky].mobilised = True
    defiance.monthly(model)
    assert model.leaders[trotsky].offence_month == 40 and model.leaders[zinoviev].offence_month < 40
    model.month = 41
    model.leaders[zinoviev].rung = RUNG["party_expulsion"]  # expelled, unrepentant: acts unorganised
    defiance.monthly(model)
    assert model.leaders[zinoviev].offence_month == 41
    model.month = 42
    model.leaders[zinoviev].capitulated = True  # recanted: no more acts
    defiance.monthly(model)
    assert model.leaders[zinoviev].offence_month == 41


def _exile_in_alma_ata() -> tuple[PowerStruggleModel, int]:
    model = small_model(
        **{
            "mechanisms.repression.exile_abroad_rate": 1.0,
            "mechanisms.repression.capitulation_rate": 0.0,
            "mechanisms.repression.recant_on_sanction": 0.0,
        }
    )
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")
    stalin, trotsky = model.leader_index["stalin"], model.leader_index["trotsky"]
    model.ruling = frozenset({stalin})
    model.leaders[stalin].ruthlessness = 1.0
    exiled = model.leaders[trotsky]
    exiled.rung, exiled.last_sanction_month = RUNG["internal_exile"], 0
    model.month = 30
    return model, trotsky


def test_deportation_abroad_waits_for_activity_in_exile_then_follows_a_refused_warning() -> None:
    model, trotsky = _exile_in_alma_ata()
    exiled = model.leaders[trotsky]
    for _ in range(20):
        repression.monthly(model)
    assert exiled.rung == RUNG["internal_exile"]  # he has kept quiet in exile
    defiance.offend(model, trotsky)
    repression.monthly(model)
    assert exiled.ultimatum_month == model.month and exiled.rung == RUNG["internal_exile"]
    assert [e["kind"] for e in model.events][-1] == "ultimatum"
    repression.monthly(model)
    assert exiled.rung == RUNG["internal_exile"]  # the same month: his answer is not yet in
    model.month += 1
    repression.monthly(model)  # he has not recanted: he refused, and is deported
    assert exiled.rung == RUNG["exile_abroad"]
    assert [e["kind"] for e in model.events][-1] == "exile_abroad"


def test_a_warned_exile_who_recants_is_not_deported() -> None:
    model, trotsky = _exile_in_alma_ata()
    exiled = model.leaders[trotsky]
    defiance.offend(model, trotsky)
    repression.monthly(model)
    assert exiled.ultimatum_month == model.month
    capitulation.recant(model, trotsky)  # he gives in to the warning
    for _ in range(6):
        model.month += 1
        repression.monthly(model)
    assert exiled.rung == RUNG["internal_exile"] and exiled.capitulated


def test_the_control_commission_answers_a_factions_open_acts_not_a_speech() -> None:
    model = small_model()
    trotsky = _oppositionist(model, "trotsky", "politburo_removal")  # organised (mobilised)
    rung = RUNG["cc_removal"]
    defiance.offend(model, trotsky)  # a stand at a session
    assert defiance.reoffended(model, trotsky)
    assert not defiance.offence_answered(model, trotsky, rung)
    assert defiance.offence_answered(model, trotsky, RUNG["politburo_removal"])  # enough for a Politburo seat
    model.leaders[trotsky].faction_act_month = model.month  # meetings, an illegal press, the streets
    assert defiance.offence_answered(model, trotsky, rung)
    bukharin = _oppositionist(model, "bukharin", "politburo_removal")
    model.leaders[bukharin].mobilised = False  # a deviation inside the leadership, no faction
    defiance.offend(model, bukharin)
    assert defiance.offence_answered(model, bukharin, RUNG["politburo_removal"])
    assert not defiance.offence_answered(model, bukharin, rung)  # the Right kept its CC seats: no faction


def test_one_who_has_recanted_is_not_pursued_further() -> None:
    model = small_model()
    trotsky = _oppositionist(model, "trotsky", "politburo_removal")
    model.leaders[trotsky].faction_act_month = model.month  # an open act that would answer the CC step
    model.leaders[trotsky].capitulated = True
    assert _tries(model, trotsky) == RUNG["politburo_removal"]
    model.leaders[trotsky].capitulated = False
    assert _tries(model, trotsky) > RUNG["politburo_removal"]


def test_the_majoritys_fire_falls_on_the_strongest_opponent() -> None:
    model = small_model()
    trotsky = _oppositionist(model, "trotsky", "cc_removal")
    model.support[trotsky] = 0.01
    assert institutions.focus_on(model, trotsky, 0.64) == pytest.approx(0.125)  # sqrt(0.01 / 0.64)
    model.support[trotsky] = 0.64
    assert institutions.focus_on(model, trotsky, 0.64) == pytest.approx(1.0)  # the strongest draws it all
