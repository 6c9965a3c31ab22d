"""Who won: the consolidation rule of docs/model.md, checked every month."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.leaders import Seat
from sim.model.politics import secretariat_holder

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel


def consolidated_leader(model: PowerStruggleModel, cc: np.ndarray | None = None) -> int:
    """Index of the leader who holds consolidated power this month, or -1.

    On what Daniels' loop produces: leader j, the member of the leadership with the most of the CC
    behind him, holds it when his camp has (1) a majority of the Central Committee, (2) a majority of
    the Politburo's full seats (his camp's members and the people they placed, plus members who
    recanted), (3) the General Secretary's post, and (4) at least `consolidation.apparatus_share` of
    the provincial secretaries as its men; and (5) no other leader in the Politburo keeps a following
    among the members of `consolidation.rival_following` or more (a leader who recanted is no rival).
    """
    rule = model.cfg.consolidation
    if cc is None:
        cc = model.central_committee.support()
    camp = model.ruling
    j = max(camp, key=lambda k: (cc[k], model.support_list[k], -k))
    if sum(cc[k] for k in camp) <= 0.5:
        return -1
    seats = model.politburo.camp_seats(camp)
    # A member who has recanted votes with the line: his seat counts for the leadership.
    seats += sum(
        lead.pb_seat == Seat.FULL and lead.capitulated
        for k, lead in enumerate(model.leaders)
        if k not in camp
    )
    if seats * 2 <= model.politburo.full_seats():
        return -1
    holder = secretariat_holder(model)
    if holder is None or holder not in camp:
        return -1
    secretaries = model.party.apparatus.secretary_shares()
    if sum(secretaries[k] for k in camp) < rule.apparatus_share:
        return -1
    support = model.support
    for k, leader in enumerate(model.leaders):
        # A leader who has recanted is no rival, whatever following he keeps.
        if (
            k not in camp
            and leader.in_politburo
            and not leader.capitulated
            and support[k] >= rule.rival_following
        ):
            return -1
    return j


def winner_from_history(history: list[int]) -> tuple[int, int]:
    """(leader, first month) of the streak that holds to the end of the run, or (-1, -1)."""
    if not history or history[-1] < 0:
        return -1, -1
    j = history[-1]
    t = len(history) - 1
    while t > 0 and history[t - 1] == j:
        t -= 1
    return j, t
