"""Mechanism 3, propaganda and narrative: campaigns against the main rival and a controlled press.

Seed: framed as individualist and disloyal, the Menshevik past, "Bonapartism"; control of the media.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.mechanisms.information import attack_multiplier
from sim.model.politics import leadership_target, opposition

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel


def campaign(model: PowerStruggleModel) -> None:
    """The leadership campaigns against the camp it fears most; standing recovers elsewhere."""
    mech = model.cfg.mechanisms.propaganda
    for leader in model.leaders:
        leader.standing += mech.recovery * (1.0 - leader.standing)
    if not mech.enabled:
        return
    ruling = model.ruling
    target = leadership_target(model)
    if not target:
        return
    capacity = sum(model.leaders[k].organisational_skill for k in ruling) / len(ruling)
    bite = mech.damage * mech.strength * capacity * attack_multiplier(model, ruling)
    for k in target:
        t = model.leaders[k]
        answered = mech.answer_effect if t.mobilised else 0.0
        hit = min(1.0, bite * t.vulnerability * (1.0 - answered))  # no campaign takes more than all
        t.standing *= 1.0 - hit
        t.legitimacy = max(0.0, t.legitimacy - mech.legitimacy_damage * hit)
    for k in opposition(model):
        model.leaders[k].standing *= 1.0 - mech.press_decay * mech.strength
