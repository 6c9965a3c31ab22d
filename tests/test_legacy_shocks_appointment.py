"""Direct tests of three rules modules: legacy (the funeral and the cult), shocks and appointment."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from sim.mechanisms import appointment, legacy, shocks
from sim.model import PowerStruggleModel
from sim.party.apparatus import NOBODY
from sim.scenario import ShockEvent

HISTORICAL = Path(__file__).resolve().parents[1] / "scenarios" / "historical.toml"


def small_model(**overrides: object) -> PowerStruggleModel:
    base = {"party.scale": 0.05, "parameter_uncertainty": 0.0}
    return PowerStruggleModel(scenario=HISTORICAL, overrides={**base, **overrides}, rng=1)


# --- legacy: the funeral and the cult --------------------------------------------------------------


def test_the_funeral_shares_a_fixed_pool_among_those_present_and_the_absent_lose() -> None:
    model = small_model(**{"events.funeral.absent": ["trotsky"]})
    mech = model.cfg.mechanisms.legacy
    before = {lead.name: lead.legitimacy for lead in model.leaders}
    legacy.funeral(model)
    trotsky = model.leaders[model.leader_index["trotsky"]]
    assert trotsky.legitimacy == pytest.approx(
        max(0.0, before["trotsky"] - mech.funeral_penalty * mech.strength)
    )
    assert trotsky.mantle == 0.0
    present = [lead for lead in model.leaders if lead.name != "trotsky"]
    total = sum(before[lead.name] for lead in present)
    pool = mech.funeral_bonus * mech.strength * len(model.leaders)
    for lead in present:  # each gains his share of the pool, by legitimacy (capped at 1)
        assert lead.legitimacy == pytest.approx(
            min(1.0, before[lead.name] + pool * before[lead.name] / total)
        )
    # the mantle: his legitimacy after the funeral over an even share of the present's before it
    for lead in present:
        assert lead.mantle == pytest.approx(len(model.leaders) * lead.legitimacy / total)
    stalin, zinoviev = (model.leaders[model.leader_index[n]] for n in ("stalin", "zinoviev"))
    assert (stalin.mantle > zinoviev.mantle) == (before["stalin"] > before["zinoviev"])


def test_an_absent_heirs_share_goes_to_the_others() -> None:
    gains = {}
    for absent in ([], ["trotsky"]):
        model = small_model(**{"events.funeral.absent": absent})
        stalin = model.leaders[model.leader_index["stalin"]]
        before = stalin.legitimacy
        legacy.funeral(model)
        gains[bool(absent)] = stalin.legitimacy - before
    assert gains[True] > gains[False] > 0


def test_the_cult_feeds_only_the_leadership_and_only_after_lenins_death() -> None:
    model = small_model()
    before = [lead.legitimacy for lead in model.leaders]
    legacy.cult(model)  # Lenin alive: no cult yet
    assert [lead.legitimacy for lead in model.leaders] == before
    model.lenin_dead = True
    legacy.cult(model)
    mech = model.cfg.mechanisms.legacy
    for k, lead in enumerate(model.leaders):
        if k in model.ruling:
            want = before[k] + mech.cult_rate * mech.strength * lead.mantle * (1.0 - before[k])
            assert lead.legitimacy == pytest.approx(want)
        else:
            assert lead.legitimacy == before[k]


def test_the_cult_is_off_with_its_mechanism() -> None:
    model = small_model(**{"mechanisms.legacy.enabled": False})
    model.lenin_dead = True
    before = [lead.legitimacy for lead in model.leaders]
    legacy.cult(model)
    legacy.funeral(model)
    assert [lead.legitimacy for lead in model.leaders] == before


# --- shocks: a shock moves the agenda, fear and salience; drift follows -----------------------------


def test_a_shock_moves_the_agenda_within_bounds_and_raises_fear_and_salience() -> None:
    model = small_model()
    model.agenda, model.fear, model.agrarian_salience = 0.9, 0.1, 0.95
    strength = model.cfg.mechanisms.shocks.strength
    shocks.strike(
        model, ShockEvent(date=date(1928, 1, 6), agenda_shift=0.5, fear_boost=0.2, agrarian_salience=0.3)
    )
    assert model.agenda == pytest.approx(min(1.0, 0.9 + 0.5 * strength))
    assert model.fear == pytest.approx(0.1 + 0.2 * strength)
    assert model.agrarian_salience == 1.0  # capped
    shocks.strike(model, ShockEvent(date=date(1928, 1, 6), agenda_shift=-2.0))
    assert model.agenda == -1.0


def test_leaders_drift_toward_conviction_plus_flexibility_times_the_agenda() -> None:
    model = small_model()
    model.agenda, model.fear = -1.0, 0.5
    mech = model.cfg.mechanisms.shocks
    before = [(lead.position, lead.params.ideology, lead.flexibility) for lead in model.leaders]
    shocks.drift(model)
    assert model.fear == pytest.approx(0.5 * (1.0 - mech.fear_decay))
    for lead, (pos, ideology, flex) in zip(model.leaders, before, strict=True):
        target = ideology + flex * (model.agenda - ideology)
        assert lead.position == pytest.approx(
            pos + min(1.0, mech.drift_rate * mech.strength) * (target - pos)
        )
    rigid = min(model.leaders, key=lambda lead: lead.flexibility)
    supple = max(model.leaders, key=lambda lead: lead.flexibility)
    assert abs(supple.position - supple.params.ideology) > abs(rigid.position - rigid.params.ideology)


def test_with_shocks_off_fear_still_fades_and_nobody_drifts() -> None:
    model = small_model(**{"mechanisms.shocks.enabled": False})
    model.agenda, model.fear = -1.0, 0.5
    positions = [lead.position for lead in model.leaders]
    shocks.drift(model)
    shocks.strike(model, ShockEvent(date=date(1928, 1, 6), agenda_shift=0.5, fear_boost=0.2))
    assert [lead.position for lead in model.leaders] == positions
    assert model.agenda == -1.0 and model.fear < 0.5


# --- appointment: the Secretariat places the secretaries --------------------------------------------


def test_the_secretariat_replaces_others_men_and_leaves_its_allies_alone() -> None:
    model = small_model(
        **{"mechanisms.appointment.monthly_rate": 1.0, "mechanisms.appointment.home_protection": 0.0}
    )
    stalin = model.leader_index["stalin"]
    apparatus = model.party.apparatus
    allies = set(model.ruling) | {stalin}
    allied_before = {o: p for o, p in enumerate(apparatus.patrons()) if p in allies and p != stalin}
    for _ in range(60):
        appointment.place_secretaries(model, stalin)
    after = apparatus.patrons()
    for o, p in allied_before.items():
        assert after[o] == p  # the Troika respected each other's organisations
    others = [o for o, p in enumerate(after) if p not in allies]
    assert len(others) < 0.2 * len(after)  # nearly every other man has been replaced by now
    assert (after == stalin).sum() > (np.asarray(list(allied_before.values())) == stalin).sum()


def test_without_a_holder_nobody_places_anyone() -> None:
    model = small_model()
    before = model.party.apparatus.patrons().copy()
    appointment.place_secretaries(model, None)
    assert (model.party.apparatus.patrons() == before).all()
    assert NOBODY == -1


def test_the_placement_rate_is_lever_times_control_times_skill() -> None:
    model = small_model()
    stalin = model.leader_index["stalin"]
    mech = model.cfg.mechanisms.appointment
    from sim.mechanisms.staffing import secretariat_control

    want = mech.monthly_rate * mech.strength * secretariat_control(model, stalin)
    want *= model.leaders[stalin].organisational_skill
    assert appointment.secretariat_rate(model, stalin) == pytest.approx(want)
    model.leaders[stalin].organisational_skill = 0.0
    assert appointment.secretariat_rate(model, stalin) == 0.0
