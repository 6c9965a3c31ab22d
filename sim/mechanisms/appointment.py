"""Mechanism 1, the circular flow of power: the Secretariat places the provincial secretaries.

Seed: "Control over party membership and personnel appointments ... build a loyal base." Daniels (1957):
the Secretariat "recommended" the gubkom and obkom secretaries, elected in form and appointed in fact,
and moved them at will; the secretaries chose the delegates who elected the Central Committee.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.mechanisms.staffing import secretariat_control
from sim.model.leaders import RUNG
from sim.model.party.apparatus import NOBODY
from sim.model.politics import camp_of, secretariat_holder

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel


def secretariat_rate(model: PowerStruggleModel, holder: int) -> float:
    """Monthly chance the holder replaces a secretary who is nobody's man: lever x control x skill."""
    mech = model.cfg.mechanisms.appointment
    skill = model.leaders[holder].organisational_skill
    return mech.monthly_rate * mech.strength * secretariat_control(model, holder) * skill


def appoint(model: PowerStruggleModel) -> None:
    """One month of the Secretariat's placements."""
    if model.cfg.mechanisms.appointment.enabled:
        place_secretaries(model, secretariat_holder(model))


def place_secretaries(model: PowerStruggleModel, holder: int | None) -> None:
    """The Secretariat "recommends" provincial secretaries: it replaces those who are not its camp's men.

    Daniels (1957): secretaries elected in form, appointed in fact, and moved at will. Each month a
    secretary who is nobody's man is replaced by the holder's with the chance `secretariat_rate`, an
    opponent's man with (1 + `targeting`) times that, one whose boss holds his organisation's post (and
    is not the holder's ally) with (1 - `home_protection`) times that; a secretary whose patron has lost
    his posts or his party card is replaced with the chance of the holder's control (the organisation
    falls to the centre within weeks, as Leningrad did after the 14th Congress). Allies' men are left
    alone: the Troika respected each other's organisations.
    """
    mech = model.cfg.mechanisms.appointment
    if holder is None:
        return
    apparatus = model.party.apparatus
    patron = apparatus.patrons()
    boss = apparatus.bosses()
    n_leaders = len(model.leaders)
    allies = np.zeros(n_leaders + 1, dtype=bool)  # the last entry stands for nobody (index -1)
    allies[list(camp_of(model, holder))] = True
    stripped = model.cache.by_structure("stripped_of_posts", _stripped, model)
    rate = secretariat_rate(model, holder)
    p = np.where(patron == NOBODY, rate, rate * (1.0 + mech.targeting))
    p = np.where(stripped[patron], mech.strength * secretariat_control(model, holder), p)
    p = np.where(boss >= 0, p * (1.0 - mech.home_protection), p)
    p[allies[patron] | allies[boss]] = 0.0
    draws = model.streams["party"].random(p.size)
    for o in np.flatnonzero(draws < p):
        apparatus.install(int(o), holder)


def _stripped(model: PowerStruggleModel) -> np.ndarray:
    """Per leader (and a last entry for nobody), whether he has lost his posts to a sanction."""
    return np.array(
        [not lead.holds_home_post and lead.rung >= RUNG["post_removal"] for lead in model.leaders] + [False]
    )
