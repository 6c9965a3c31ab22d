"""Mechanism 9, repression and erasure: the defeated lose reach, followers and finally the country.

Seed: Trotsky "erased from official photographs and records"; exile "from the Soviet Union in 1929".
Sanctioned leaders lose standing and legitimacy monthly; their men in the apparatus are moved out; expelled
leaders who keep fighting go into internal exile and then abroad, at a pace set by the leadership's
ruthlessness; any of them may recant instead (sim.mechanisms.capitulation) and be readmitted.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from sim.mechanisms import capitulation, defiance
from sim.mechanisms.staffing import secretariat_control
from sim.model.leaders import RUNG
from sim.model.politics import ruling_ruthlessness, secretariat_holder

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel
    from sim.model.leaders import Leader


def after_sanction(model: PowerStruggleModel, target: int, when: date | None = None) -> None:
    """The sanctioned leader's men in the apparatus are moved out and replaced by the Secretariat's.

    Record: after each defeat the opposition's secretaries were transferred (Leningrad's after the 14th
    Congress, the Trotskyists' in 1927); each of his client secretaries goes with the chance `demotion`
    times the leadership's ruthlessness and the General Secretary's control of appointments, and the
    General Secretary's man takes his organisation.
    """
    mech = model.cfg.mechanisms.repression
    if not mech.enabled:
        return
    holder = secretariat_holder(model)
    if holder is None or holder not in model.ruling:
        return
    share = (
        mech.demotion
        * mech.strength
        * ruling_ruthlessness(model, model.ruling)
        * secretariat_control(model, holder)
    )
    apparatus = model.party.apparatus
    clients = np.flatnonzero(apparatus.patrons() == target)
    out = clients[model.streams["repression"].random(clients.size) < share]
    for o in out.tolist():
        apparatus.install(o, holder, when)


def monthly(model: PowerStruggleModel) -> None:
    """Erasure of the sanctioned, capitulation, readmission and exile."""
    mech = model.cfg.mechanisms.repression
    if not mech.enabled:
        return
    ruling = model.ruling
    ruth = ruling_ruthlessness(model, ruling)
    rng = model.streams["repression"]
    for k, leader in enumerate(model.leaders):
        if leader.rung == 0 or k in ruling or leader.arrested:
            continue  # the arrested are the organs' business (sim.mechanisms.organs), not the ladder's
        # Erasure starts once a leader is out of the Politburo and deepens with each further step.
        depth = max(0, leader.rung - RUNG["post_removal"]) / (len(RUNG) - 1 - RUNG["post_removal"])
        # The record rewritten erases his voice and his revolutionary past alike.
        leader.standing *= 1.0 - mech.erasure * mech.strength * depth
        leader.legitimacy *= 1.0 - mech.erasure * mech.strength * depth
        if leader.capitulated:
            _readmit(model, leader)
            continue
        if leader.expelled_at_home and rng.random() < capitulation.recant_hazard(model, k):
            # Facing exile, he weighs recanting every month (sim.mechanisms.capitulation).
            capitulation.recant(model, k)
            continue
        if leader.rung == RUNG["party_expulsion"]:
            if rng.random() < mech.internal_exile_rate * mech.strength * ruth:
                _exile(model, k, "internal_exile", model.cfg.names.police, "deported to a remote province")
        elif leader.rung == RUNG["internal_exile"]:
            _deport_if_he_will_not_cease(model, k, ruth)


def _deport_if_he_will_not_cease(model: PowerStruggleModel, k: int, ruth: float) -> None:
    """An internal exile who keeps up his activity is told to cease it, and deported if he does not.

    Record: Trotsky kept up his correspondence from Alma-Ata through 1928; on 16 December the OGPU
    demanded that he cease his political activity, he refused in writing the same day, and the
    Politburo had him deported in January 1929 (Deutscher, *The Prophet Unarmed*, 1959). After
    `min_months_before_abroad` in exile and an act of defiance there, the leadership warns him at
    `exile_abroad_rate x ruthlessness x (danger_floor + standing)` a month; he may recant then
    (`capitulation.weigh_after_sanction`) or in the month that follows (`recant_hazard`, in `monthly`);
    a warned exile who has not recanted has refused, and is deported the next month.
    """
    mech = model.cfg.mechanisms.repression
    leader = model.leaders[k]
    if leader.ultimatum_month > leader.last_sanction_month:
        if model.month > leader.ultimatum_month:  # warned last month or before, and he has not recanted
            _deport(model, k)
        return
    waited = model.month - leader.last_sanction_month >= mech.min_months_before_abroad
    waited = waited and defiance.reoffended(model, k)
    hazard = mech.exile_abroad_rate * mech.strength * ruth * (mech.danger_floor + leader.standing)
    if not (waited and model.streams["repression"].random() < hazard):
        return
    leader.ultimatum_month = model.month
    warning = "told to cease his political activity"
    model.log_event(model.mid_month, "ultimatum", leader.name, model.cfg.names.police, warning)
    capitulation.weigh_after_sanction(model, k)


def _deport(model: PowerStruggleModel, k: int) -> None:
    """The Politburo's decision (the scenario's name for it): deportation from the Soviet Union."""
    _exile(model, k, "exile_abroad", model.cfg.names.politburo, "deported from the Soviet Union")


def _exile(model: PowerStruggleModel, k: int, kind: str, body: str, detail: str) -> None:
    leader = model.leaders[k]
    leader.apply_sanction(kind, model.month)
    model.log_event(model.mid_month, kind, leader.name, body, detail)


def _readmit(model: PowerStruggleModel, leader: Leader) -> None:
    """A recanted expelled man is readmitted after a probation, from internal exile as from Moscow.

    Record: Zinoviev and Kamenev recanted in January 1928 and were readmitted in June; Radek,
    Preobrazhensky and Smilga, in Siberian exile since early 1928, recanted in July 1929 and were let back
    and readmitted (Deutscher, *The Prophet Unarmed*, ch. 6; *The Prophet Outcast*, ch. 1). Abroad he
    is out of reach: deportation ends the ladder.
    """
    mech = model.cfg.mechanisms.repression
    if leader.readmitted or not leader.expelled_at_home:
        return
    if model.month - leader.capitulated_month >= mech.readmission_months:
        leader.readmitted = True
        model.log_event(
            model.mid_month,
            "readmission",
            leader.name,
            model.cfg.names.control_commission,
            "readmitted after recanting",
        )
