"""Mechanism 8, mobilisation and factionalism: a leader under attack may organise a faction.

Seed: Trotsky declined to mobilise after Lenin's death and refused to build a faction. A faction is
built, not declared: `steps` steps (a platform, supporters in the cells, a press and couriers, the
appeal to the ranks), each taken in a month with probability `steps x rate x will` (at most 1), so the
mean time to a faction is that of a one-shot hazard `rate x will` (below that cap) but a determined
leader's faction comes at a foreseeable pace and a reluctant one's late. A faction pulls like-minded
delegates (see `choice`) and answers campaigns (see `propaganda`), but hands the majority the charge
of factionalism that unlocks the upper rungs of the ladder (see `institutions`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.politics import camp_of, leadership_target

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel


def organise(model: PowerStruggleModel) -> None:
    """Leaders who face the leadership decide whether to organise this month."""
    mech = model.cfg.mechanisms.mobilisation
    if not mech.enabled:
        return
    ruling = model.ruling
    threat = leadership_target(model)
    for k, leader in enumerate(model.leaders):
        if k in ruling or leader.mobilised or leader.capitulated or not leader.eligible:
            continue
        allied = len(camp_of(model, k)) > 1 and any(
            c.against in ruling for c in model.coalitions if k in c.members
        )
        if not allied and k not in threat:
            continue
        # One more step of building it this month; `steps` = 1 is a one-shot monthly hazard.
        pace = mech.steps * mech.rate * mech.strength * will(model, k, allied)
        if model.streams["mobilisation"].random() < min(1.0, pace):
            leader.organising += 1
        if leader.organising >= mech.steps:
            leader.mobilised = True
            model.log_event(
                model.mid_month, "mobilisation", leader.name, "", "organises a faction and platform"
            )


def will(model: PowerStruggleModel, k: int, allied: bool) -> float:
    """How readily leader k builds a faction, in [0, 1]: the will and the nerve, `mobilisation^2`.

    In a bloc against the leadership the most determined partner organises for all, at the pace he
    would keep for himself: the United Opposition's faction was Zinoviev's Leningrad machine as much
    as Trotsky's following. A bloc of reluctant men is no bolder than the boldest of them: in 1953-58
    no bloc of the Presidium's losers appealed to the ranks, and the majority of June 1957 was a
    majority in the Presidium, not a faction in the cells (Taubman, Khrushchev, 2003, ch. 11).
    """
    if allied:
        return max(model.leaders[m].mobilisation for m in camp_of(model, k)) ** 2
    return model.leaders[k].mobilisation ** 2


def bloc_organised(model: PowerStruggleModel, k: int) -> bool:
    """Whether leader k stands in an organised faction: his own, or his bloc's through any partner."""
    return any(model.leaders[m].mobilised for m in camp_of(model, k))
