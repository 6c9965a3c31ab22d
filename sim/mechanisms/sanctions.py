"""A sanction that has passed, carried out the same way whichever motion passed it.

A session's vote on the leadership's motion (`institutions`) and the CC's vote on a beaten Politburo
majority (`challenge`) end in the same act: the leader moves down the ladder (his seat falls vacant,
his posts go with it), his men in the CC are purged with his CC seat, his men in the apparatus are
moved out (`repression.after_sanction`), an expelled leader leaves his bloc, and he weighs recanting
or a truce (`capitulation.weigh_after_sanction`). One function, so that no path skips a step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.mechanisms import capitulation, repression
from sim.model.leaders import Seat

if TYPE_CHECKING:
    from sim.model.calendar import SessionSlot
    from sim.model.core import PowerStruggleModel


def carry_out(model: PowerStruggleModel, session: SessionSlot, target: int, kind: str, detail: str) -> None:
    """Leader `target` takes the step `kind` at `session` (logged with `detail`), and all that follows it."""
    leader = model.leaders[target]
    was_full = leader.pb_seat == Seat.FULL
    leader.apply_sanction(kind, model.month)
    if leader.pb_seat == Seat.NONE and was_full:
        model.politburo.vacancies += 1
    if kind == "cc_removal":
        cc = model.central_committee
        followers = np.flatnonzero(cc.backs() == target)
        survival = model.cfg.mechanisms.institutions.cc_purge_survival
        purged = model.streams["institutions"].random(followers.size) >= survival
        cc.remove(followers[purged])
    model.log_event(session.date, kind, leader.name, session.body, detail)
    repression.after_sanction(model, target, session.date)
    if kind == "party_expulsion":
        model.coalitions.leave(target, session.date, "expelled")
    capitulation.weigh_after_sanction(model, target, session.date)
