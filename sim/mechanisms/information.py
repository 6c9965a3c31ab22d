"""Mechanism 2, information: the holder of the records attacks harder and foresees moves against him.

Seed: "Access to sensitive information about opponents." The edge is the holder's control of
appointments (his files on the cadres) times the mechanism's strength; it sharpens his campaigns
(`attack_multiplier`) and discounts moves against him (`foresight_discount`), his clients' wavering in
a Politburo vote among them (`sim.mechanisms.politburo_vote`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.mechanisms.staffing import secretariat_control
from sim.model.politics import secretariat_holder

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel


def foresight_discount(model: PowerStruggleModel, targeted_camp: frozenset[int]) -> float:
    """Factor (<= 1) on the success of a move against a camp that reads its opponents' letters."""
    mech = model.cfg.mechanisms.information
    edge = information_edge(model, targeted_camp)
    return max(0.0, 1.0 - mech.foresight * edge)


def attack_multiplier(model: PowerStruggleModel, attacking_camp: frozenset[int]) -> float:
    """Factor (>= 1) on the damage a campaign does when its authors hold the records."""
    return 1.0 + model.cfg.mechanisms.information.attack_bonus * information_edge(model, attacking_camp)


def information_edge(model: PowerStruggleModel, camp: frozenset[int]) -> float:
    """The records advantage a camp draws from holding the Secretariat: strength x appointment control."""
    mech = model.cfg.mechanisms.information
    if not mech.enabled:
        return 0.0
    h = secretariat_holder(model)
    if h is None or h not in camp:
        return 0.0
    return mech.strength * secretariat_control(model, h)
