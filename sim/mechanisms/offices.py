"""Offices are offices: a post the party's rules create is filled by the majority, not left to a person.

Seed: the General Secretary's post "gave Stalin control over appointments". When its holder loses it (a
sanction, or a Congress that reads the testament and votes him out) the Central Committee elects a
successor the same day: the strongest camp in the CC chooses its best organiser. The post is never
left vacant while anyone eligible sits in the Politburo.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sim.model.politics import camp_of, secretariat_holder

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel


def choose_general_secretary(model: PowerStruggleModel, removed: int | None) -> int | None:
    """The CC majority's choice: the best organiser of the camp with the most CC members behind it.

    `removed` (the holder just voted out) cannot succeed himself; his allies can.
    """
    cc = model.central_committee.support()
    eligible = [
        k
        for k, lead in enumerate(model.leaders)
        if k != removed and lead.eligible and lead.in_politburo and not lead.capitulated
    ]
    if not eligible:
        eligible = [k for k, lead in enumerate(model.leaders) if k != removed and lead.eligible]
    if not eligible:
        return None

    def camp_weight(k: int) -> float:
        return float(sum(cc[m] for m in camp_of(model, k)))

    best_camp = max(camp_weight(k) for k in eligible)
    pool = [k for k in eligible if camp_weight(k) >= best_camp - 1e-12]
    return max(pool, key=lambda k: (model.leaders[k].organisational_skill, -k))


def fill_general_secretary(
    model: PowerStruggleModel, when: date, body: str, removed: int | None = None
) -> None:
    """If nobody eligible holds the Secretariat, the CC elects a successor now."""
    if secretariat_holder(model) is not None:
        return
    successor = choose_general_secretary(model, removed)
    if successor is not None:
        _appoint(model, successor, when, body)


def _appoint(model: PowerStruggleModel, successor: int, when: date, body: str) -> None:
    model.leaders[successor].take_post("general_secretary")
    model.log_event(when, "gs_appointed", model.leaders[successor].name, body, "elected by the CC majority")


def reelect_general_secretary(
    model: PowerStruggleModel, when: date, body: str, barred: int | None = None
) -> None:
    """The CC a Congress has just elected elects the Secretariat (the first plenum after a Congress).

    The General Secretary keeps his post while his camp has the most CC members; otherwise the new
    majority gives it to its best organiser, as it would fill a vacancy. A holder this Congress has
    just voted out (`barred`) is not elected again.
    """
    holder = secretariat_holder(model)
    if holder is None:
        fill_general_secretary(model, when, body, removed=barred)
        return
    cc = model.central_committee.support()
    holder_camp = float(sum(cc[m] for m in camp_of(model, holder)))
    choice = choose_general_secretary(model, removed=barred)
    if choice is None or choice in camp_of(model, holder):
        return
    if float(sum(cc[m] for m in camp_of(model, choice))) <= holder_camp:
        return
    model.leaders[holder].lose_post("general_secretary")
    reason = "the new CC's majority is not his camp"
    model.log_event(when, "gs_removal", model.leaders[holder].name, body, reason)
    _appoint(model, choice, when, body)  # the new majority's choice, never the holder the Congress barred
