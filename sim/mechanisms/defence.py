"""Who defends the General Secretary when Lenin's letter is read (part of mechanism 4, the testament).

Seed: the testament "suggested Stalin be removed from his post"; in May 1924 Zinoviev and Kamenev
defended him, because they feared Trotsky more. Whether his partners do so is a choice, not a given:
each weighs the bloc's common enemy against the General Secretary himself (the alliances' measure of
fear, power times exp(ideology_weight x distance)) and defends him with probability equal to the
enemy's share of the two fears. The delegates who follow a defender vote to keep him (except those
the letter turns); a partner who will not defend him sends his followers to the other side. If the
Congress votes him out, the partners who left him undefended have broken the bloc: it ends, those
who defended him stay with him, and the deserters are free to seek new partners (from the next
month's alliance search). No number is added: the fear is the alliances' own.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sim.model.politics import Coalition, camp_of, perceived_threat

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel


def bloc_of(model: PowerStruggleModel, holder: int) -> Coalition | None:
    """The coalition the General Secretary belongs to, if any."""
    return next((c for c in model.coalitions if holder in c.members), None)


def defence_probability(model: PowerStruggleModel, partner: int, holder: int, enemy: int) -> float:
    """The enemy's share of the partner's two fears: the bloc's enemy and the General Secretary."""
    if not model.leaders[enemy].eligible:
        return 0.0
    fear_enemy = perceived_threat(model, partner, camp_of(model, enemy))
    fear_holder = perceived_threat(model, partner, frozenset((holder,)))
    total = fear_enemy + fear_holder
    return fear_enemy / total if total > 0 else 1.0


def defenders(model: PowerStruggleModel, holder: int) -> tuple[frozenset[int], frozenset[int]]:
    """(partners who defend the General Secretary, partners who leave him undefended)."""
    bloc = bloc_of(model, holder)
    if bloc is None:
        return frozenset(), frozenset()
    rng = model.streams["legacy"]
    stand, leave = set(), set()
    for k in sorted(bloc.members - {holder}):
        (stand if rng.random() < defence_probability(model, k, holder, bloc.against) else leave).add(k)
    return frozenset(stand), frozenset(leave)


def break_bloc(model: PowerStruggleModel, holder: int, stood: frozenset[int], when: date) -> None:
    """The bloc of a General Secretary voted out undefended ends; his defenders stay with him."""
    bloc = bloc_of(model, holder)
    if bloc is None:
        return
    mech = model.cfg.mechanisms.alliances
    deserters = bloc.members - stood - {holder}
    if not deserters:
        return
    for k in deserters:
        model.distrust[holder, k] += mech.betrayal
        model.distrust[k, holder] += mech.betrayal
    office = model.cfg.names.first_office
    model.coalitions.end(bloc, f"his partners would not defend the {office}", when)
    kept = set(stood) | {holder}
    if len(kept) >= 2 and bloc.against not in kept and model.leaders[bloc.against].eligible:
        model.coalitions.start(kept, bloc.against, when, detail=f"against {model.leader_names[bloc.against]}")
