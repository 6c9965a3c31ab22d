"""Mechanism 1, the circular flow of power: the Secretariat replaces cadres with loyal appointees.

Seed: "Control over party membership and personnel appointments ... build a loyal base."
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.delegates import NO_PATRON
from sim.leaders import RUNG
from sim.mechanisms.staffing import secretariat_control
from sim.politics import camp_of, secretariat_holder

if TYPE_CHECKING:
    from sim.model import PowerStruggleModel


def secretariat_rate(model: PowerStruggleModel, holder: int) -> float:
    """Monthly share of cadres the holder can place: the lever times his control and skill."""
    mech = model.cfg.mechanisms.appointment
    leader = model.leaders[holder]
    return (
        mech.monthly_rate
        * mech.strength
        * secretariat_control(model, holder)
        * (mech.skill_floor + (1.0 - mech.skill_floor) * leader.organisational_skill)
    )


def appoint(model: PowerStruggleModel) -> None:
    """One month of placements: the Secretariat's across the party, regional bosses' at home."""
    mech = model.cfg.mechanisms.appointment
    pool = model.pool
    pool.tenure += 1
    if not mech.enabled:
        return
    holder = secretariat_holder(model)
    if holder is not None:
        rate = secretariat_rate(model, holder)
        allies = camp_of(model, holder)
        # Per-leader and per-bloc factors, looked up per delegate: two gathers, no Python loop.
        by_leader, by_bloc = model.cache.by_structure(
            ("secretariat_factors", holder), _secretariat_factors, model, holder, allies
        )
        weight = by_leader[pool.allegiance] * by_bloc[pool.bloc]
        weight *= rate * weight.size / np.add.reduce(weight)  # mean weight 1: `rate` on average
        place(model, weight, holder)
    _regional(model, holder)
    place_secretaries(model, holder)


def place_secretaries(model: PowerStruggleModel, holder: int | None) -> None:
    """The Secretariat "recommends" provincial secretaries: it replaces those who are not its camp's men.

    Daniels (1957): secretaries elected in form, appointed in fact, and moved at will. Each month a
    secretary who is nobody's man is replaced by the holder's with the chance `secretariat_rate`, an
    opponent's man with (1 + `targeting`) times that, one whose boss holds his organisation's post (and
    is not the holder's ally) with (1 - `home_protection`) times that; a secretary whose patron has lost
    his posts or his party card is replaced with the chance of the holder's control (the organisation
    falls to the centre within weeks, as Leningrad did after the 14th Congress). Allies' men are left
    alone: the Troika respected each other's organisations.
    """
    mech = model.cfg.mechanisms.appointment
    if holder is None:
        return
    apparatus = model.party.apparatus
    patron = apparatus.patrons()
    boss = apparatus.bosses()
    n_leaders = len(model.leaders)
    allies = np.zeros(n_leaders + 1, dtype=bool)  # the last entry stands for nobody (index -1)
    allies[list(camp_of(model, holder))] = True
    stripped = np.array(
        [not lead.holds_home_post and lead.rung >= RUNG["post_removal"] for lead in model.leaders] + [False]
    )
    rate = secretariat_rate(model, holder)
    p = np.where(patron == NO_PATRON, rate, rate * (1.0 + mech.targeting))
    p = np.where(stripped[patron], mech.strength * secretariat_control(model, holder), p)
    p = np.where(boss >= 0, p * (1.0 - mech.home_protection), p)
    p[allies[patron] | allies[boss]] = 0.0
    draws = model.streams["party"].random(p.size)
    for o in np.flatnonzero(draws < p):
        apparatus.install(int(o), holder)


def _secretariat_factors(
    model: PowerStruggleModel, holder: int, allies: frozenset[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Per leader and per bloc, the factor on a cadre's chance of being replaced by the holder."""
    mech = model.cfg.mechanisms.appointment
    n_leaders = len(model.leaders)
    by_leader = np.array([1.0 if k in allies else 1.0 + mech.targeting for k in range(n_leaders)])
    by_leader *= faction_shield(model, holder)
    by_bloc = np.where(model.closed_blocs_for(holder), 1.0 - mech.home_protection, 1.0)
    return by_leader, by_bloc


def _regional(model: PowerStruggleModel, holder: int | None) -> None:
    """Regional bosses who hold their post place cadres inside their own organisation.

    Draws only for the delegates of the bosses' own blocs (a bloc's members never change), in one
    draw for all of them.
    """
    mech = model.cfg.mechanisms.appointment
    members, rate, boss = model.cache.by_structure(("regional", holder), _regional_reach, model, holder)
    if not members.size:
        return
    picked = model.streams["appointment"].random(members.size) < rate
    chosen = members[picked]
    if chosen.size:
        bosses = boss[picked]
        position = np.array([lead.position for lead in model.leaders])
        line = position[bosses] + model.streams["appointment"].normal(0.0, mech.appointee_spread, chosen.size)
        model.pool.replace(chosen, bosses, line)


def _regional_reach(
    model: PowerStruggleModel, holder: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(members of the bosses' blocs, each one's monthly chance, his boss), one boss per bloc."""
    mech = model.cfg.mechanisms.appointment
    scale = mech.regional_rate * mech.strength
    bosses = {  # one boss per bloc, the last listed (as in `model.bloc_home`)
        model.bloc_index[leader.home_bloc]: (j, scale * leader.organisational_skill)
        for j, leader in enumerate(model.leaders)
        if leader.holds_home_post and leader.eligible and j != holder
    }
    blocs = [(b, boss, rate) for b, (boss, rate) in bosses.items() if rate > 0]
    members = [model.pool.members_of(b) for b, _, _ in blocs]
    return (
        np.concatenate(members) if members else np.zeros(0, dtype=np.intp),
        np.repeat([rate for _, _, rate in blocs], [m.size for m in members]),
        np.repeat(np.array([boss for _, boss, _ in blocs], dtype=np.intp), [m.size for m in members]),
    )


def faction_shield(model: PowerStruggleModel, holder: int) -> np.ndarray:
    """Per-leader factor (<= 1) on his followers' chance of removal: a faction defends its cadres.

    Seed: Trotsky's error was refusing to build a faction; a faction's cells resist the centre's
    reshuffles, so its members are harder to replace than an unorganised following.
    """
    mob = model.cfg.mechanisms.mobilisation
    factor = np.ones(len(model.leaders))
    if mob.enabled:
        allies = camp_of(model, holder)
        for k, leader in enumerate(model.leaders):
            if leader.mobilised and leader.eligible and k not in allies:
                factor[k] = max(0.0, 1.0 - mob.shield * mob.strength * leader.organisational_skill)
    return factor


def place(model: PowerStruggleModel, prob: np.ndarray, patron: int) -> int:
    """Replace each cadre with probability `prob[i]` by an appointee of `patron`; return how many."""
    chosen = (model.streams["appointment"].random(model.pool.n) < prob).nonzero()[0]
    if chosen.size:
        spread = model.cfg.mechanisms.appointment.appointee_spread
        line = model.leaders[patron].position + model.streams["appointment"].normal(0.0, spread, chosen.size)
        model.pool.replace(chosen, patron, line)
    return int(chosen.size)


def loyalty(model: PowerStruggleModel, rows: np.ndarray) -> np.ndarray:
    """An appointee's tie to his patron grows with tenure: the lever pays off with a lag.

    min(1, (tenure + 1) / loyalty_lag_months), read from a table by tenure (one gather instead of
    four array operations in the choice's hot loop).
    """
    table = model.cache.by_structure("loyalty_by_tenure", _loyalty_table, model)
    return table[model.pool.tenure[rows]]  # type: ignore[no-any-return]


def _loyalty_table(model: PowerStruggleModel) -> np.ndarray:
    # Tenure grows by one a month, so no one can outgrow this table before the run ends.
    longest = int(model.pool.tenure.max()) + len(model.months) + 1
    lag = np.float32(model.cfg.mechanisms.appointment.loyalty_lag_months)
    return np.minimum(np.float32(1.0), (np.arange(longest, dtype=np.float32) + 1) / lag)


def enrol(model: PowerStruggleModel, months: int) -> None:
    """The Lenin Enrolment: raw recruits through the apparatus take a share of the cadres.

    Recruits are placed by the Secretariat in proportion to its appointment power; without that
    power they come in without a patron.
    """
    ev = model.cfg.events.lenin_enrolment
    mech = model.cfg.mechanisms.appointment
    share = ev.delegate_share / max(1, months)
    chosen = (model.streams["appointment"].random(model.pool.n) < share).nonzero()[0]
    if not chosen.size:
        return
    holder = secretariat_holder(model)
    patronised = np.zeros(chosen.size, dtype=bool)
    if holder is not None and mech.enabled:
        p = min(1.0, mech.strength * secretariat_control(model, holder))
        patronised = model.streams["appointment"].random(chosen.size) < p
    line = model.agenda + model.streams["appointment"].normal(0.0, mech.enrolee_spread, chosen.size)
    if holder is not None and patronised.any():
        model.pool.replace(chosen[patronised], holder, line[patronised], enrolee=True)
    if (~patronised).any():
        model.pool.replace(chosen[~patronised], NO_PATRON, line[~patronised], enrolee=True)
