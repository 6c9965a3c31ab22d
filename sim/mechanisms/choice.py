"""Mechanism 5, delegate choice: each month some cadres re-weigh whom to back (random utility).

Seed: the rank and file follow the apparatus, Lenin's guardian and the side that is winning, not the
best orator. Utility of backing leader j: patronage, home organisation, ideological distance,
charisma times standing, legitimacy, bandwagon, fear of backing a loser, a faction's pull, and inertia,
plus Gumbel noise (a multinomial logit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.leaders import RUNG
from sim.mechanisms.appointment import loyalty
from sim.mechanisms.information import foresight_discount
from sim.politics import in_opposition, opposition

if TYPE_CHECKING:
    from sim.model import PowerStruggleModel

#: Technical: from this many delegates on, `first_argmax` compares row by row (faster than np.argmax).
ROW_BY_ROW_FROM = 1024


def eligible_mask(model: PowerStruggleModel) -> np.ndarray:
    """Which leaders delegates may back, cached until a sanction changes it."""
    return model.cache.by_structure("eligible", _eligible, model)


def _eligible(model: PowerStruggleModel) -> np.ndarray:
    return np.array([lead.eligible for lead in model.leaders])


@dataclass(frozen=True, slots=True)
class StructuralTerms:
    """What delegates weigh that changes only with alliances, offices, sanctions or the leadership."""

    cols: np.ndarray  # the eligible leaders: the only columns a choice is computed for
    # Leader index -> row of the utility buffer. Ineligible leaders, and index -1 (NO_PATRON), map to
    # its last row, a sink that is never read: one-hot terms then need no masks.
    slot: np.ndarray
    eligible: np.ndarray
    opposition: np.ndarray
    danger_base: list[tuple[float, float]]  # per column: (rung danger, 1 if in open opposition)
    mobilised: list[int]  # columns of organised factions
    bloc_head_slot: np.ndarray  # per bloc, the row of its active boss, else the sink


def structural_terms(model: PowerStruggleModel) -> StructuralTerms:
    """The structural terms for the current leadership, cached per structure."""
    ruling = model.ruling
    return model.cache.by_structure(("choice_terms", ruling), _structural_terms, model)


def _structural_terms(model: PowerStruggleModel) -> StructuralTerms:
    leaders = model.leaders
    eligible = eligible_mask(model)
    cols = np.flatnonzero(eligible)
    slot = np.full(len(leaders) + 1, cols.size, dtype=np.intp)
    slot[cols] = np.arange(cols.size)
    against = opposition(model)
    opposed = [k in against for k in range(len(leaders))]
    # Danger rises from 0 at a censure to 1 at exile abroad.
    span = RUNG["exile_abroad"] - RUNG["censure"]
    rung_danger = [max(lead.rung - float(RUNG["censure"]), 0.0) / span for lead in leaders]
    col_list = cols.tolist()
    return StructuralTerms(
        cols=cols,
        slot=slot,
        eligible=eligible,
        opposition=np.array(opposed),
        danger_base=[(rung_danger[k], float(opposed[k])) for k in col_list],
        mobilised=[c for c, k in enumerate(col_list) if leaders[k].mobilised],
        bloc_head_slot=slot[model.bloc_head_active()],
    )


def utilities(model: PowerStruggleModel, rows: np.ndarray, inertia: bool = True) -> np.ndarray:
    """Utility of each eligible leader for each delegate in `rows` (noise excluded, strength included).

    The result is leaders x delegates: row c is leader `structural_terms(model).cols[c]` (ineligible
    leaders get no row at all), column i is delegate `rows[i]`. Laid out this way every array
    operation runs along the long axis; the other way round, numpy's inner loops would be five
    elements long and the outer products three to ten times slower. Computed in float32, with the
    weights folded into the per-leader factors: the choice is the model's hottest loop (mesa-notes:
    ~10 ns per array element, ~2 us per numpy call).
    """
    w = model.cfg.mechanisms.delegate_choice
    s = w.strength
    pool = model.pool
    st = structural_terms(model)
    f32 = np.float32
    cols = st.cols.tolist()
    leaders = model.leaders
    support = model.support_list
    fear = w.base_fear + model.fear
    enrolee_bandwagon = s * w.bandwagon * (w.enrolee_bandwagon - 1.0)
    # Per-leader factors, one row each, built in one call: line, constant terms, appeal, danger and
    # the enrolees' extra bandwagon.
    position, const, appeal, danger, bandwagon = np.array(
        [
            (
                leaders[k].position,
                s * (w.legitimacy * leaders[k].legitimacy + w.bandwagon * support[k]),
                s * w.charisma * leaders[k].charisma * leaders[k].standing,
                s * w.fear * (rd + opp * fear),
                enrolee_bandwagon * support[k],
            )
            for k, (rd, opp) in zip(cols, st.danger_base, strict=True)
        ],
        dtype=f32,
    ).T

    n_rows = rows.size
    n_cols = len(cols)
    buffer = np.empty((n_cols + 1, n_rows), dtype=f32)  # the last row is the sink (see StructuralTerms)
    buffer[n_cols] = 0.0
    u = buffer[:n_cols]
    x = pool.ideology[rows]
    np.subtract(position[:, None], x, out=u)
    np.abs(u, out=u)
    u *= f32(-s * w.ideology)
    u += const[:, None]
    enrolee = pool.enrolee[rows]
    any_enrolee = bool(enrolee.any())
    charisma = pool.charisma_weight[rows]
    if any_enrolee:
        by_flag = np.array([1.0, w.enrolee_charisma], dtype=f32)  # raw recruits weigh charisma less
        charisma *= by_flag[enrolee.view(np.uint8)]
    u += appeal[:, None] * charisma
    u -= danger[:, None] * pool.fear_weight[rows]
    if any_enrolee:
        u += bandwagon[:, None] * enrolee
    # One-hot terms added through flat indices (leader row * delegates + delegate); a delegate with
    # no patron, no boss in post or an expelled leader adds to the sink row instead.
    flat = buffer.reshape(-1)
    at = np.arange(n_rows)
    flat[st.slot[pool.patron[rows]] * n_rows + at] += f32(s * w.patronage) * loyalty(model, rows)
    flat[st.bloc_head_slot[pool.bloc[rows]] * n_rows + at] += f32(s * w.bloc)
    if inertia:
        flat[st.slot[pool.allegiance[rows]] * n_rows + at] += f32(s * w.inertia)
    mob = model.cfg.mechanisms.mobilisation
    if mob.enabled and st.mobilised:
        discount = foresight_discount(model, model.ruling)
        for c in st.mobilised:
            lead = leaders[cols[c]]
            pull = s * mob.faction_pull * mob.strength * lead.organisational_skill * discount
            reach = np.abs(x - f32(lead.position))
            reach *= f32(-1.0 / mob.reach)
            np.exp(reach, out=reach)
            reach *= f32(pull)
            u[c] += reach
    return u


def utility_reference(model: PowerStruggleModel, rows: np.ndarray, inertia: bool = True) -> np.ndarray:
    """model.md section 7.5 written plainly (float64, leader by leader); for tests of `utilities` only.

    Rows are the eligible leaders in index order, columns the delegates `rows`, as in `utilities`.
    """
    w, mob, pool = model.cfg.mechanisms.delegate_choice, model.cfg.mechanisms.mobilisation, model.pool
    x, enrolee = pool.ideology[rows].astype(float), pool.enrolee[rows]
    loyal = np.minimum(1.0, (pool.tenure[rows] + 1.0) / model.cfg.mechanisms.appointment.loyalty_lag_months)
    boss = [
        k if k >= 0 and model.leaders[k].holds_home_post and model.leaders[k].eligible else -1
        for k in model.bloc_home
    ]
    out = []
    for j in (k for k, lead in enumerate(model.leaders) if lead.eligible):
        lead, support = model.leaders[j], model.support_list[j]
        opposed = in_opposition(model, j, model.ruling)
        rung_danger = max(lead.rung - RUNG["censure"], 0) / (RUNG["exile_abroad"] - RUNG["censure"])
        danger = rung_danger + opposed * (w.base_fear + model.fear)
        u = (
            w.patronage * loyal * (pool.patron[rows] == j)
            + w.bloc * (np.take(boss, pool.bloc[rows]) == j)
            - w.ideology * np.abs(x - lead.position)
            + w.charisma
            * lead.charisma
            * lead.standing
            * pool.charisma_weight[rows]
            * np.where(enrolee, w.enrolee_charisma, 1.0)
            + w.legitimacy * lead.legitimacy
            + w.bandwagon * support * np.where(enrolee, w.enrolee_bandwagon, 1.0)
            - w.fear * danger * pool.fear_weight[rows]
            + w.inertia * inertia * (pool.allegiance[rows] == j)
        )
        if mob.enabled and lead.mobilised:
            discount = foresight_discount(model, model.ruling)
            u = u + mob.faction_pull * mob.strength * lead.organisational_skill * discount * np.exp(
                -np.abs(x - lead.position) / mob.reach
            )
        out.append(w.strength * u)
    return np.array(out).reshape(len(out), rows.size)


def first_argmax(u: np.ndarray) -> np.ndarray:
    """Per column of `u` (leaders x delegates), the row of its largest value, the first on ties.

    Beyond about a thousand delegates, comparing row by row along the long axis beats
    np.argmax(u, axis=0), which copies and reduces along the five-long one.
    """
    if u.shape[1] < ROW_BY_ROW_FROM:
        return u.argmax(axis=0)  # type: ignore[no-any-return]
    best = u[0].copy()
    winner = np.zeros(u.shape[1], dtype=np.intp)
    for c in range(1, u.shape[0]):
        better = u[c] > best
        np.maximum(best, u[c], out=best)
        winner[better] = c
    return winner


def add_gumbel_noise(rng: np.random.Generator, u: np.ndarray, scale: float) -> None:
    """Add `scale` times standard Gumbel draws from `rng` to `u` in place.

    G = -log(-log(U)) with U uniform in float32: half the cost of -log of exponential draws. U is
    floored at 1e-30 so that a draw of exactly 0 (probability 2**-24) gives a finite G of about -4.
    """
    g = rng.random(u.shape, dtype=np.float32)
    np.maximum(g, np.float32(1e-30), out=g)
    np.log(g, out=g)
    np.negative(g, out=g)
    np.log(g, out=g)
    g *= np.float32(scale)
    u -= g


def choose(model: PowerStruggleModel, rows: np.ndarray, inertia: bool = True) -> np.ndarray:
    """The leader each delegate in `rows` backs after weighing: the highest noisy utility (logit)."""
    if not structural_terms(model).cols.size:  # nobody left to back: allegiances stand
        return model.pool.allegiance[rows]
    u = utilities(model, rows, inertia)
    add_gumbel_noise(model.streams["choice"], u, model.cfg.mechanisms.delegate_choice.noise)
    return structural_terms(model).cols[first_argmax(u)]  # type: ignore[no-any-return]


def reweigh(model: PowerStruggleModel) -> None:
    """A random share of delegates reconsider; each picks the leader with the highest noisy utility."""
    w = model.cfg.mechanisms.delegate_choice
    pool = model.pool
    eligible = eligible_mask(model)
    rng = model.streams["choice"]
    reconsider = rng.random(pool.n, dtype=np.float32) < w.reconsider_rate if w.enabled else None
    if not eligible.all():
        # Delegates whose leader was expelled must choose again, whatever the rate.
        stranded = ~eligible[pool.allegiance]
        reconsider = stranded if reconsider is None else reconsider | stranded
    if reconsider is None:
        return
    rows = reconsider.nonzero()[0]
    if rows.size == 0:
        return
    pool.set_allegiance(rows, choose(model, rows))
