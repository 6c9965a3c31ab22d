"""Mechanism 10, exogenous shocks and policy drift: the war scare and the grain crisis move the agenda.

Seed: the turn against the Right. A shock shifts the policy agenda or the climate of fear; flexible
leaders move their line toward the agenda, opening distances that break old alliances.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel
    from sim.scenario import ShockEvent


def strike(model: PowerStruggleModel, event: ShockEvent) -> None:
    """Apply a shock's agenda shift and fear."""
    mech = model.cfg.mechanisms.shocks
    if not mech.enabled:
        return
    model.agenda = max(-1.0, min(1.0, model.agenda + event.agenda_shift * mech.strength))
    model.fear += event.fear_boost * mech.strength
    model.agrarian_salience = min(1.0, model.agrarian_salience + event.agrarian_salience * mech.strength)


def drift(model: PowerStruggleModel) -> None:
    """Leaders move toward a line between conviction and agenda, set by flexibility; members follow slowly.

    A leader of flexibility f settles at ideology + f * (agenda - ideology): the rigid keep their
    convictions, the opportunist takes up whatever the agenda demands (the turn against the Right).
    """
    mech = model.cfg.mechanisms.shocks
    model.fear *= 1.0 - mech.fear_decay
    if not mech.enabled:
        return
    for leader in model.leaders:
        conviction = leader.params.ideology
        target = conviction + leader.flexibility * (model.agenda - conviction)
        leader.position += min(1.0, mech.drift_rate * mech.strength) * (target - leader.position)
    # The press and the agitprop carry the line to the cells: each member's line moves `member_drift`
    # of the way toward the agenda each month.
    model.party.members.drift(model.agenda, min(1.0, mech.member_drift * mech.strength))
