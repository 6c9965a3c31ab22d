"""Who won: the consolidation rule of docs/model.md, checked every month."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.leaders import Seat
from sim.politics import camp_of

if TYPE_CHECKING:
    from sim.model import PowerStruggleModel


def consolidated_leader(model: PowerStruggleModel, cc: np.ndarray | None = None) -> int:
    """Index of the leader who holds consolidated power this month, or -1.

    Leader j holds it when (1) his camp has at least `consolidation.delegate_share` of delegates,
    (2) a majority of the Central Committee, (3) a majority of the Politburo's full seats (his camp's
    members plus the clients they placed, plus members who recanted), and (4) no other leader in the
    Politburo keeps a following of `consolidation.rival_following` or more, allies included (a leader
    who recanted is no rival).
    """
    rule = model.cfg.consolidation
    support = model.support
    j = int(support.argmax())
    camp = camp_of(model, j)
    if sum(support[k] for k in camp) < rule.delegate_share:
        return -1
    if cc is None:
        cc = model.central_committee.support()
    if sum(cc[k] for k in camp) <= 0.5:
        return -1
    seats = model.politburo.camp_seats(camp)
    # A member who has recanted votes with the line: his seat counts for the leadership.
    seats += sum(lead.pb_seat == Seat.FULL and lead.capitulated for k, lead in enumerate(model.leaders)
                 if k not in camp)
    if seats * 2 <= model.politburo.full_seats():
        return -1
    for k, leader in enumerate(model.leaders):
        # A leader who has recanted is no rival, whatever following he keeps.
        if k != j and leader.in_politburo and not leader.capitulated and support[k] >= rule.rival_following:
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
