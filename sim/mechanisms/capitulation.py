"""Capitulation is a choice: a sanctioned leader weighs recanting, a truce, or holding out.

Seed: Zinoviev and Kamenev recanted and were readmitted; Trotsky "refused to compromise" and was exiled.
A sanctioned oppositionist weighs, when a sanction has just passed (and, once expelled, every month
while exile looms), what recanting saves him (the next step of the ladder,
valued by his compromise willingness) against what holding out promises (his camp's strength beside
the leadership's). Recanting disbands his faction and drops his platform: he keeps his place, loses
standing, and is not pursued further; an expelled leader who recants is readmitted after a probation.
No threshold bars anyone: the unwilling recant rarely, not never.

Between the two lies the truce: a faction that has lost a step may disband and keep its views. Record:
on 16 October 1926 Trotsky, Zinoviev and Kamenev signed a declaration renouncing factional methods
while upholding their platform, and on 8 August 1927 another; each bought months in which the Control
Commission's steps (the CC seat, the party card) had no new factional act to answer (Deutscher, The
Prophet Unarmed, ch. 5; Carr, Foundations of a Planned Economy, vol. 2, ch. 42). The faction must be
built again (`sim.mechanisms.mobilisation`) before it can act in the open.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sim.mechanisms import mobilisation
from sim.model.leaders import LADDER, RUNG
from sim.model.politics import camp_of, power

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel

#: The most severe step of the ladder a party member can lose by holding out (his party card).
_TOP = RUNG["party_expulsion"]


def stake(rung: int) -> float:
    """How much the next sanction takes, in (0, 1]: the party card counts fully, censure least."""
    nxt = min(rung + 1, len(LADDER) - 1)
    return min(1.0, nxt / _TOP)


def hope(model: PowerStruggleModel, k: int) -> float:
    """What holding out promises: his camp's share of the support it and the leadership command."""
    own = power(model, camp_of(model, k))
    ruling = power(model, model.ruling)
    return own / (own + ruling) if own + ruling > 0 else 0.0


def resolve(model: PowerStruggleModel, k: int) -> float:
    """The willingness to compromise with which leader k weighs recanting, in [0, 1].

    Record: the United Opposition's leaders recanted together while their bloc held (the declaration of
    16 October 1926 was signed by Trotsky, Zinoviev and Kamenev alike); Zinoviev and Kamenev recanted
    apart from Trotsky only once the bloc was broken by their expulsion in December 1927. A member of a
    bloc weighs recanting with the willingness of the bloc's least willing member; out of a bloc, his own.
    So while the bloc holds its members rarely recant; one who does recants alone and leaves it.
    """
    camp = camp_of(model, k)
    if len(camp) < 2:
        return model.leaders[k].compromise_willingness
    return min(model.leaders[m].compromise_willingness for m in camp)


def propensity(model: PowerStruggleModel, k: int, rung: int | None = None) -> float:
    """How strongly leader k leans to recant: stake x resolve^2 x (1 - hope), in [0, 1].

    The stake is that of the step after `rung` (default: the rung he stands on).
    """
    rung = model.leaders[k].rung if rung is None else rung
    return stake(rung) * resolve(model, k) ** 2 * (1.0 - hope(model, k))


def recant_hazard(model: PowerStruggleModel, k: int) -> float:
    """Monthly chance that an expelled leader, facing exile, recants: capitulation_rate x propensity."""
    mech = model.cfg.mechanisms.repression
    return min(1.0, mech.capitulation_rate * mech.strength * propensity(model, k))


def truce_propensity(model: PowerStruggleModel, k: int) -> float:
    """How strongly leader k's bloc leans to a truce: stake x willingness x (1 - hope), in [0, 1].

    One factor of willingness fewer than recanting: he gives up the faction, not his views. The bloc's
    most willing partner carries it (Zinoviev and Kamenev brought Trotsky to sign in October 1926).
    """
    willing = max(model.leaders[m].compromise_willingness for m in camp_of(model, k))
    return stake(model.leaders[k].rung) * willing * (1.0 - hope(model, k))


def recants_to_keep(model: PowerStruggleModel, k: int, step: str, when: date) -> bool:
    """Facing `step` at a session, leader k may recant on the spot to keep what it would take.

    Chance recant_on_sanction x `propensity` with the stake of that step. Called once his bloc has
    broken, so he weighs with his own willingness, not the bloc's (June 1957: Bulganin and Voroshilov
    recanted at the plenum, Molotov did not). Returns whether he recanted (logged on `when`).
    """
    mech = model.cfg.mechanisms.repression
    if not mech.enabled or model.leaders[k].capitulated:
        return False
    lean = propensity(model, k, RUNG[step] - 1)
    if model.streams["repression"].random() < min(1.0, mech.recant_on_sanction * mech.strength * lean):
        recant(model, k, when)
        return True
    return False


def weigh_after_sanction(model: PowerStruggleModel, k: int, when: date | None = None) -> bool:
    """Just sanctioned, he sees the next step coming: he may recant, or his faction may call a truce.

    Each with chance recant_on_sanction x its propensity; returns whether he recanted. `when` is the
    day of the sanction (a session's date); the answer is logged that day, never before the blow
    that prompted it (default: the middle of the month, for the monthly steps).
    """
    mech = model.cfg.mechanisms.repression
    if not mech.enabled or model.leaders[k].capitulated:
        return False
    rng = model.streams["repression"]
    p = min(1.0, mech.recant_on_sanction * mech.strength * propensity(model, k))
    if rng.random() < p:
        recant(model, k, when)
        return True
    # The truce is a bargain in the Central Committee: seats and a voice there kept for the faction given
    # up. Out of the CC there is nothing left to keep but the card, and the Opposition, out of it in
    # October 1927, went to the streets on 7 November.
    if model.leaders[k].in_cc and mobilisation.bloc_organised(model, k):
        if rng.random() < min(1.0, mech.recant_on_sanction * mech.strength * truce_propensity(model, k)):
            call_truce(model, k, when)
    return False


def call_truce(model: PowerStruggleModel, k: int, when: date | None = None) -> None:
    """Leader k's bloc disbands its faction and keeps its platform: every member's faction is undone."""
    when = when or model.mid_month
    for m in sorted(camp_of(model, k)):
        leader = model.leaders[m]
        if leader.mobilised:
            detail = "renounces factional methods, keeps his views"
            model.log_event(when, "truce", leader.name, "", detail)
        leader.mobilised = False
        leader.organising = 0


def recant(model: PowerStruggleModel, k: int, when: date | None = None) -> None:
    """He renounces opposition: faction disbanded, platform withdrawn, standing lost (logged on `when`)."""
    when = when or model.mid_month
    mech = model.cfg.mechanisms.repression
    leader = model.leaders[k]
    leader.capitulated = True
    leader.mobilised = False
    leader.declared_opposition = False
    leader.capitulated_month = model.month
    leader.standing *= 1.0 - mech.recant_standing_loss
    model.log_event(when, "capitulation", leader.name, "", "renounces opposition")
    model.coalitions.leave(k, when, "capitulated")
    # His followers hear him accept the line: as many as the standing he gave up go over to it.
    going = model.support[k] * mech.recant_standing_loss
    if going > 0:
        head = max(model.ruling, key=lambda m: (model.support[m], -m))
        shares = model.support.copy()
        shares[k] -= going
        shares[head] += going
        model.set_support(shares)
