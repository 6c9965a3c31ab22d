"""A Politburo majority against the first office: the motion goes to the CC, which elected him.

Record: on 18-21 June 1957 seven of the Presidium's eleven full members (Malenkov, Molotov, Kaganovich,
Bulganin, Voroshilov, Pervukhin, Saburov) voted to remove Khrushchev as First Secretary. He answered
that only the plenum that had elected him could remove him; the CC, filled with the regional
secretaries he had placed, met on 22-29 June, upheld him, and removed Malenkov, Molotov and Kaganovich
from the Presidium and the CC as an "anti-party group" (Taubman, Khrushchev: The Man and His Era, 2003,
ch. 12). The party's rules had the CC elect the General Secretary (the plenum after each Congress); in
1924-29 no bloc against Stalin ever held the Politburo (the Right had three of nine full seats in 1928).

The rule, at a CC plenum, before the leadership's own motions: a bloc formed against the first office's
holder's camp that holds a majority of the Politburo's full seats (its members and the people they
placed) moves to remove him, with the chance the leadership moves against a target
(`institutions.proposal_rate` x strength x the bloc's most ruthless member's ruthlessness). The
Politburo's vote is recorded; the CC decides: its members vote with the leader they back (to keep him
if they back his camp, to remove him if they back the bloc), and the rest bend to the leadership's side
with their leader's compromise willingness or abstain. Carried, he loses the office and the CC elects
his successor (`offices`); beaten, the bloc breaks, and each mover who does not recant there loses his
Politburo seat on the CC's vote (`unseat_the_beaten`); the open factional act stays on record for the
ladder's later steps (`defiance`). While his camp has the most of the CC behind it, the CC upholds him,
as in June 1957. No parameter of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.mechanisms import capitulation, offices, sanctions
from sim.model.leaders import Seat
from sim.model.politics import camp_of, secretariat_holder

if TYPE_CHECKING:
    from sim.model.calendar import SessionSlot
    from sim.model.core import PowerStruggleModel


def majority_bloc(model: PowerStruggleModel, holder: int) -> frozenset[int] | None:
    """A bloc formed against the holder's camp that holds a majority of the Politburo's full seats."""
    his = camp_of(model, holder)
    full = model.politburo.full_seats()
    for c in model.coalitions:
        bloc = frozenset(c.members)
        if c.against in his and not bloc & his and model.politburo.camp_seats(bloc) * 2 > full:
            return bloc
    return None


def cc_verdict(model: PowerStruggleModel, holder: int, bloc: frozenset[int]) -> tuple[int, int, int]:
    """(keep, remove, abstain): the CC's vote on removing the holder, each member with the leader he backs.

    A member who backs neither side bends to the leadership's side with his leader's compromise
    willingness, or abstains (`CentralCommittee.tally`).
    """
    his = camp_of(model, holder)
    cc = model.central_committee
    if not model.ruling & his and model.ruling & bloc:
        remove, keep, abstain = cc.tally(bloc, his)
        return keep, remove, abstain
    return cc.tally(his, bloc, bend=bool(model.ruling & his))


def move_against_first_office(model: PowerStruggleModel, session: SessionSlot) -> None:
    """At a CC plenum a Politburo majority may move to remove the first office's holder; the CC decides."""
    inst = model.cfg.mechanisms.institutions
    holder = secretariat_holder(model)
    if holder is None or model.central_committee.n == 0:
        return
    bloc = majority_bloc(model, holder)
    if bloc is None:
        return
    ruthless = max(model.leaders[k].ruthlessness for k in bloc)
    if model.streams["institutions"].random() >= min(1.0, inst.proposal_rate * inst.strength * ruthless):
        return
    names = model.cfg.names
    leader = model.leaders[holder]
    motion = f"gs_removal: {leader.name}"
    in_favour = model.politburo.camp_seats(bloc)
    full = model.politburo.full_seats()
    model.record_vote(session.date, names.politburo, motion, in_favour, full - in_favour, 0, full)
    keep, remove, abstain = cc_verdict(model, holder, bloc)
    model.record_vote(session.date, session.body, motion, remove, keep, abstain, keep + remove + abstain)
    movers = "+".join(sorted(model.leader_names[k] for k in bloc))
    if remove > keep:
        model.log_event(
            session.date,
            "challenge",
            movers,
            session.body,
            f"the {names.central_committee} removes {leader.name}",
        )
        leader.lose_post("general_secretary")
        detail = f"voted out on the motion of {movers}"
        model.log_event(session.date, "gs_removal", leader.name, session.body, detail)
        model.refresh_ruling()
        offices.fill_general_secretary(model, session.date, session.body, removed=holder)
        model.refresh_ruling()
        return
    model.log_event(
        session.date,
        "challenge",
        movers,
        session.body,
        f"the {names.central_committee} upholds {leader.name}",
    )
    unseat_the_beaten(model, session, bloc, keep, remove, abstain)


def unseat_the_beaten(
    model: PowerStruggleModel,
    session: SessionSlot,
    bloc: frozenset[int],
    keep: int,
    remove: int,
    abstain: int,
) -> None:
    """The CC that upheld him takes the beaten movers' Politburo seats at once; who recants keeps his.

    Record: the plenum of 22-29 June 1957 removed Malenkov, Molotov and Kaganovich from the Presidium
    (and Shepilov from its candidates) before it rose; Bulganin, Voroshilov and Pervukhin recanted there
    and kept their seats for the time being (Taubman 2003, ch. 12). The CC elects the Politburo, and the
    CC that has just voted the majority down does not leave it the majority. The bloc breaks at the
    vote: each mover weighs recanting with his own willingness (`capitulation.recants_to_keep`), and
    the rest lose their seats on the CC's vote (the members who kept the holder vote to unseat them),
    a sanction carried out as any other (`sanctions.carry_out`). Their seats are filled by the
    leadership at this plenum (`institutions.fill_politburo`); the open factional act stays on their
    record for the ladder's later steps (`defiance`).
    """
    for c in [c for c in model.coalitions if c.members & bloc]:
        model.coalitions.end(c, "beaten in the Central Committee", session.date)
    for k in sorted(bloc):
        leader = model.leaders[k]
        leader.offence_month = model.month  # an open factional act, which the ladder's later steps answer
        leader.faction_act_month = model.month
        if capitulation.recants_to_keep(model, k, "politburo_removal", session.date):
            continue
        if leader.pb_seat != Seat.FULL:
            continue
        motion = f"politburo_removal: {leader.name}"
        model.record_vote(session.date, session.body, motion, keep, remove, abstain, keep + remove + abstain)
        detail = f"beaten in the {model.cfg.names.central_committee} on the motion against the first office"
        sanctions.carry_out(model, session, k, "politburo_removal", detail)
    model.refresh_ruling()
