"""Mechanism 5, delegate choice: each month some cadres re-weigh whom to back (random utility).

Seed: the rank and file follow the apparatus, Lenin's guardian and the side that is winning, not the
best orator. Utility of backing leader j: patronage, home organisation, ideological distance,
charisma times standing, legitimacy, bandwagon, fear of backing a loser, a faction's pull, and inertia,
plus Gumbel noise (a multinomial logit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.delegates import NO_PATRON
from sim.mechanisms.appointment import loyalty
from sim.mechanisms.information import foresight_discount
from sim.politics import in_opposition

if TYPE_CHECKING:
    from sim.model import PowerStruggleModel

ENROLEE_CHARISMA = 0.5  # raw recruits of 1924 knew the apparatus, not the heroes of 1917
ENROLEE_BANDWAGON = 1.5


def leader_terms(model: PowerStruggleModel) -> dict[str, np.ndarray]:
    """Per-leader quantities every delegate weighs."""
    leaders = model.leaders
    ruling = model.ruling
    opp = np.array([in_opposition(model, k, ruling) for k in range(len(leaders))])
    rung = np.array([lead.rung for lead in leaders], dtype=float)
    return {
        "position": np.array([lead.position for lead in leaders]),
        "appeal": np.array([lead.charisma * lead.standing for lead in leaders]),
        "legitimacy": np.array([lead.legitimacy for lead in leaders]),
        "danger": np.maximum(rung - 1.0, 0.0) / 6.0 + opp * (0.15 + model.fear),
        "eligible": np.array([lead.eligible for lead in leaders]),
        "mobilised": np.array([lead.mobilised and lead.eligible for lead in leaders]),
        "bloc_head_active": model.bloc_head_active(),
    }


def utilities(model: PowerStruggleModel, rows: np.ndarray) -> np.ndarray:
    """Utility of each leader for each delegate in `rows` (rows x leaders), noise excluded."""
    w = model.cfg.mechanisms.delegate_choice
    pool = model.pool
    t = leader_terms(model)
    x = pool.ideology[rows].astype(np.float64)[:, None]
    enrolee = pool.enrolee[rows][:, None]
    u = -w.ideology * np.abs(x - t["position"][None, :])
    u += (
        w.charisma
        * np.where(enrolee, ENROLEE_CHARISMA, 1.0)
        * pool.charisma_weight[rows][:, None]
        * t["appeal"]
    )
    u += w.legitimacy * t["legitimacy"]
    u += w.bandwagon * np.where(enrolee, ENROLEE_BANDWAGON, 1.0) * model.support[None, :]
    u -= w.fear * pool.fear_weight[rows][:, None] * t["danger"][None, :]
    n = rows.size
    ar = np.arange(n)
    patron = pool.patron[rows]
    has = patron != NO_PATRON
    u[ar[has], patron[has]] += w.patronage * loyalty(model)[rows][has]
    head = t["bloc_head_active"][pool.bloc[rows]]
    hb = head >= 0
    u[ar[hb], head[hb]] += w.bloc
    u[ar, pool.allegiance[rows]] += w.inertia
    mob = model.cfg.mechanisms.mobilisation
    if mob.enabled:
        for k in np.flatnonzero(t["mobilised"]):
            lead = model.leaders[k]
            pull = mob.faction_pull * mob.strength * lead.organisational_skill
            pull *= foresight_discount(model, model.ruling)
            u[:, k] += pull * np.exp(-np.abs(x[:, 0] - lead.position) / mob.reach)
    u *= w.strength
    u[:, ~t["eligible"]] = -1e9
    return u


def reweigh(model: PowerStruggleModel) -> None:
    """A random share of delegates reconsider; each picks the leader with the highest noisy utility."""
    w = model.cfg.mechanisms.delegate_choice
    pool = model.pool
    if not w.enabled:
        stranded = ~np.array([lead.eligible for lead in model.leaders])[pool.allegiance]
        rows = np.flatnonzero(stranded)
    else:
        rows = np.flatnonzero(model.rng.random(pool.n) < w.reconsider_rate)
        stranded = ~np.array([lead.eligible for lead in model.leaders])[pool.allegiance]
        rows = np.union1d(rows, np.flatnonzero(stranded))
    if rows.size == 0:
        return
    u = utilities(model, rows)
    u += w.noise * model.rng.gumbel(size=u.shape)
    pool.allegiance[rows] = np.argmax(u, axis=1).astype(np.int8)
