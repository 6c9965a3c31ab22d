"""Mechanism 2, information: the holder of the records attacks harder and foresees moves against him.

Seed: "Access to sensitive information about opponents." The edge itself is computed by
`sim.model.politics.information_edge`; this module applies the foresight half of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.politics import information_edge

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
