"""Appointment (sim.mechanisms.appointment): the Secretariat places the provincial secretaries."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import exact_model, small_model

from sim.mechanisms import appointment
from sim.model.party.apparatus import NOBODY


def test_appointment_raises_the_share_of_secretaries_loyal_to_the_holder() -> None:
    model = small_model()
    stalin = model.leader_index["stalin"]
    before = model.party.apparatus.secretary_shares()[stalin]
    for _ in range(24):
        appointment.appoint(model)
    assert model.party.apparatus.secretary_shares()[stalin] > before + 0.1


def test_appointment_switched_off_places_nobody() -> None:
    model = small_model(**{"mechanisms.appointment.enabled": False})
    patrons = model.party.apparatus.patrons().copy()
    for _ in range(12):
        appointment.appoint(model)
    assert np.array_equal(patrons, model.party.apparatus.patrons())


def test_the_secretariat_replaces_others_men_and_leaves_its_allies_alone() -> None:
    model = exact_model(
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
    model = exact_model()
    before = model.party.apparatus.patrons().copy()
    appointment.place_secretaries(model, None)
    assert (model.party.apparatus.patrons() == before).all()
    assert NOBODY == -1


def test_the_placement_rate_is_lever_times_control_times_skill() -> None:
    model = exact_model()
    stalin = model.leader_index["stalin"]
    mech = model.cfg.mechanisms.appointment
    from sim.mechanisms.staffing import secretariat_control

    want = mech.monthly_rate * mech.strength * secretariat_control(model, stalin)
    want *= model.leaders[stalin].organisational_skill
    assert appointment.secretariat_rate(model, stalin) == pytest.approx(want)
    model.leaders[stalin].organisational_skill = 0.0
    assert appointment.secretariat_rate(model, stalin) == 0.0
