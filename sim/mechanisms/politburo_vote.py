"""Mechanism 7b, the Politburo's vote: a motion to remove one of its own members is put to it first.

Record: the Politburo prepared what the plenum would decide. In 1928 the Right held three of its nine
full seats (Bukharin, Rykov, Tomsky) and counted on Kalinin and Voroshilov, who had wavered on the
grain measures, for a majority; they stayed with Stalin, and the Right was beaten inside the
leadership before the plenum ever voted. The vote: a leader of the leadership's camp votes for, the
target's camp against, a leader who has recanted for, any other leader for with the chance of his
compromise willingness (else he abstains). A member who is nobody's rival (`sim.model.members`) votes as
his patron's camp does, but wavers with the chance of his compromise willingness (less where his
patron's camp holds the Secretariat's files, `sim.mechanisms.information`), and then votes his own
line: for if it lies nearer the party's line (`agenda`) than the target's, else against; a member
whose patron is on neither side always votes his line. Unnamed clients vote with their patron's
camp. The motion goes to the plenum with a majority of the votes cast. Draws come from their own
stream (`politburo`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.mechanisms.information import foresight_discount
from sim.model.leaders import Seat
from sim.model.politics import camp_of

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel
    from sim.model.members import PolitburoMember


def side_of_camp(k: int, ruling: frozenset[int], target_camp: frozenset[int]) -> int:
    """1 if leader `k` is of the leadership's camp, -1 of the target's, 0 for neither."""
    if k in target_camp:
        return -1
    return 1 if k in ruling else 0


def member_vote(model: PowerStruggleModel, member: PolitburoMember, target: int, patron_side: int) -> int:
    """A named member's vote (1 for, -1 against): his patron's side unless he wavers and votes his line.

    He wavers with the chance of his compromise willingness, less where his patron's camp holds the
    Secretariat's files on the cadres (`information.foresight_discount`). Record: "Voroshilov and
    Kalinin changed sides at the last moment. I think Stalin has some special hold on them" (Bukharin
    to Kamenev, 11 July 1928; Cohen 1973, ch. 9).
    """
    if patron_side != 0:
        waver = member.compromise_willingness * foresight_discount(model, camp_of(model, member.patron))
        if model.streams["politburo"].random() >= waver:
            return patron_side
    to_line = abs(member.ideology - model.agenda)
    to_target = abs(member.ideology - model.leaders[target].position)
    return 1 if to_line <= to_target else -1


def tally(model: PowerStruggleModel, target: int) -> tuple[int, int, int]:
    """(for, against, abstaining) among the Politburo's full members on a motion against `target`."""
    ruling = model.ruling
    target_camp = camp_of(model, target)
    rng = model.streams["politburo"]
    votes: list[int] = []
    for k, lead in enumerate(model.leaders):
        if lead.pb_seat != Seat.FULL:
            continue
        side = 1 if lead.capitulated and k not in target_camp else side_of_camp(k, ruling, target_camp)
        if side == 0 and rng.random() < lead.compromise_willingness:
            side = 1
        votes.append(side)
    body = model.politburo
    for k, n in enumerate(body.clients.tolist()):
        votes += [side_of_camp(k, ruling, target_camp)] * int(n)
    for member in body.full_members():
        patron_side = side_of_camp(member.patron, ruling, target_camp)
        votes.append(member_vote(model, member, target, patron_side))
    yes, no = votes.count(1), votes.count(-1)
    return yes, no, len(votes) - yes - no
