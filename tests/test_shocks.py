"""Shocks and drift (sim.mechanisms.shocks): a shock moves the agenda, fear and salience; lines drift."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import HISTORICAL, ROOT, exact_model, small_model

from sim.mechanisms import shocks
from sim.model.calendar import SessionSlot
from sim.scenario import ShockEvent, load_scenario


def _final_positions(**overrides: object) -> dict[str, float]:
    model = small_model(**{"parameter_uncertainty": 0.0, **overrides})
    while model.running:
        model.step()
    return {lead.name: lead.position for lead in model.leaders}


def test_grain_crisis_moves_the_flexible_to_the_left_and_the_rigid_less() -> None:
    """Seed: the turn against the Right. The crisis shifts the agenda left; flexible leaders follow."""
    with_crisis = _final_positions()
    without = _final_positions(**{"events.grain_crisis.enabled": False})
    assert with_crisis["stalin"] < without["stalin"] - 0.1  # Stalin, flexible, turns left with the agenda
    moved = {name: abs(with_crisis[name] - without[name]) for name in with_crisis}
    assert moved["stalin"] > moved["bukharin"]  # Bukharin, rigid, keeps his line
    ideology = load_scenario(HISTORICAL).config.leaders
    s, b = (abs(with_crisis[n] - ideology[n].ideology) for n in ("stalin", "bukharin"))
    assert s > b


def test_a_shock_moves_the_agenda_within_bounds_and_raises_fear_and_salience() -> None:
    model = exact_model()
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
    model = exact_model()
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
    model = exact_model(**{"mechanisms.shocks.enabled": False})
    model.agenda, model.fear = -1.0, 0.5
    positions = [lead.position for lead in model.leaders]
    shocks.drift(model)
    shocks.strike(model, ShockEvent(date=date(1928, 1, 6), agenda_shift=0.5, fear_boost=0.2))
    assert [lead.position for lead in model.leaders] == positions
    assert model.agenda == -1.0 and model.fear < 0.5


def test_a_shock_dated_after_a_session_of_its_month_strikes_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cult condemned on 25 February 1956 weighs on nothing the 20th Congress (14 February) decides."""
    from sim.mechanisms import institutions
    from sim.model.core import PowerStruggleModel

    model = PowerStruggleModel(
        scenario=ROOT / "scenarios" / "succession_1953.toml", overrides={"party.scale": 0.05}, rng=2
    )
    seen: list[float] = []
    hold = institutions.hold_session

    def spy(m: PowerStruggleModel, session: SessionSlot) -> None:
        if session.date == date(1956, 2, 14):
            seen.append(m.agenda)
        hold(m, session)

    monkeypatch.setattr(institutions, "hold_session", spy)
    before = model.agenda
    while model.running and model.date_iso < "1956-01-01":
        model.step()
        before = model.agenda
    model.step()  # February 1956
    assert model.date_iso == "1956-02-01"
    assert seen == [before]  # the Congress met under January's agenda
    assert model.agenda != before  # the shock struck in February, after the Congress
