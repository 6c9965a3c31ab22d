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
from sim.politics import in_opposition, structural_memo

if TYPE_CHECKING:
    from sim.model import PowerStruggleModel

ENROLEE_CHARISMA = 0.5  # raw recruits of 1924 knew the apparatus, not the heroes of 1917
ENROLEE_BANDWAGON = 1.5


def eligible_mask(model: PowerStruggleModel) -> np.ndarray:
    """Which leaders delegates may back, cached until a sanction changes it."""
    memo = structural_memo(model)
    if "eligible" not in memo:
        memo["eligible"] = np.array([lead.eligible for lead in model.leaders])
    return memo["eligible"]  # type: ignore[return-value]


def leader_terms(model: PowerStruggleModel) -> dict[str, np.ndarray]:
    """Per-leader quantities every delegate weighs."""
    leaders = model.leaders
    ruling = model.ruling
    memo = structural_memo(model)
    structural = memo.get(("leader_terms", ruling))
    if structural is None:
        opp = np.array([in_opposition(model, k, ruling) for k in range(len(leaders))])
        rung = np.array([lead.rung for lead in leaders], dtype=float)
        structural = {
            "rung_danger": np.maximum(rung - 1.0, 0.0) / 6.0,
            "opposition": opp,
            "eligible": eligible_mask(model),
            "mobilised": np.array([lead.mobilised and lead.eligible for lead in leaders]),
            "bloc_head_active": model.bloc_head_active(),
        }
        memo[("leader_terms", ruling)] = structural
    return {
        **structural,
        "position": np.array([lead.position for lead in leaders]),
        "appeal": np.array([lead.charisma * lead.standing for lead in leaders]),
        "legitimacy": np.array([lead.legitimacy for lead in leaders]),
        "danger": structural["rung_danger"] + structural["opposition"] * (0.15 + model.fear),
    }


def utilities(model: PowerStruggleModel, rows: np.ndarray) -> np.ndarray:
    """Utility of each leader for each delegate in `rows` (rows x leaders), noise excluded.

    Computed in float32 with per-row and per-leader factors combined by outer products: the choice
    is the model's hottest loop (mesa-notes: ~10 ns per array element, ~2 us per Python call).
    """
    w = model.cfg.mechanisms.delegate_choice
    pool = model.pool
    t = leader_terms(model)
    f32 = np.float32
    x = pool.ideology[rows]
    enrolee = pool.enrolee[rows]
    position = t["position"].astype(f32)
    support = model.support.astype(f32)
    u = np.abs(x[:, None] - position[None, :])
    u *= f32(-w.ideology)
    enrolee_charisma = np.where(enrolee, f32(ENROLEE_CHARISMA), f32(1.0))
    charisma_row = pool.charisma_weight[rows] * enrolee_charisma * f32(w.charisma)
    u += charisma_row[:, None] * t["appeal"].astype(f32)[None, :]
    u += (w.legitimacy * t["legitimacy"] + w.bandwagon * model.support).astype(f32)[None, :]
    if enrolee.any():
        extra = f32(w.bandwagon * (ENROLEE_BANDWAGON - 1.0))
        u[enrolee] += extra * support[None, :]
    u -= (pool.fear_weight[rows] * f32(w.fear))[:, None] * t["danger"].astype(f32)[None, :]
    # One-hot terms added through flat indices (row * leaders + leader): cheaper than 2-D fancy indexing.
    n_leaders = u.shape[1]
    flat = u.reshape(-1)
    base = np.arange(rows.size) * n_leaders
    patron = pool.patron[rows]
    has = patron != NO_PATRON
    flat[base[has] + patron[has]] += f32(w.patronage) * loyalty(model, rows[has])
    head = t["bloc_head_active"][pool.bloc[rows]]
    hb = head >= 0
    flat[base[hb] + head[hb]] += f32(w.bloc)
    flat[base + pool.allegiance[rows]] += f32(w.inertia)
    mob = model.cfg.mechanisms.mobilisation
    if mob.enabled:
        for k in np.flatnonzero(t["mobilised"]):
            lead = model.leaders[k]
            pull = mob.faction_pull * mob.strength * lead.organisational_skill
            pull *= foresight_discount(model, model.ruling)
            u[:, k] += f32(pull) * np.exp(-np.abs(x - f32(lead.position)) / f32(mob.reach))
    u *= f32(w.strength)
    u[:, ~t["eligible"]] = f32(-1e9)
    return u


def gumbel_noise(model: PowerStruggleModel, shape: tuple[int, int]) -> np.ndarray:
    """Standard Gumbel draws in float32, as -log of standard exponentials from the model's generator."""
    e = model.rng.standard_exponential(shape, dtype=np.float32)
    np.maximum(e, np.float32(1e-30), out=e)
    np.log(e, out=e)
    np.negative(e, out=e)
    return e


def reweigh(model: PowerStruggleModel) -> None:
    """A random share of delegates reconsider; each picks the leader with the highest noisy utility."""
    w = model.cfg.mechanisms.delegate_choice
    pool = model.pool
    # Delegates whose leader was expelled must choose again, whatever the rate.
    stranded = ~eligible_mask(model)[pool.allegiance]
    if w.enabled:
        stranded |= model.rng.random(pool.n) < w.reconsider_rate
    rows = np.flatnonzero(stranded)
    if rows.size == 0:
        return
    u = utilities(model, rows)
    u += np.float32(w.noise) * gumbel_noise(model, u.shape)
    pool.allegiance[rows] = np.argmax(u, axis=1)
