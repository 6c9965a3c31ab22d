"""Mechanism 7, institutions and votes: sessions vote on the line and move opponents down the ladder.

Seed: "Expulsion of Trotsky from the Politburo in 1926, removal from the Communist Party in 1927."
The leadership proposes the next sanction against an opponent when it has grounds and the will; the
body votes, and the sanction passes only with the majority the party's rules ask (two thirds to
remove a Central Committee member or to expel, after the 1921 resolution on party unity).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.mechanisms import (
    challenge,
    defiance,
    legacy,
    mobilisation,
    offices,
    organs,
    politburo_vote,
    sanctions,
)
from sim.model.calendar import SessionSlot
from sim.model.leaders import LADDER, RUNG
from sim.model.party import delegations, discussion
from sim.model.politics import camp_of, in_opposition, leadership_target, opposition, ruling_ruthlessness

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel

#: Sanctions that need the qualified majority (`institutions.qualified_majority`); the rest a simple one.
QUALIFIED = frozenset({"cc_removal", "party_expulsion"})
# A sanction from Politburo removal on needs the charge of factionalism (open opposition).
NEEDS_FACTIONALISM_FROM = RUNG["politburo_removal"]


def record_vote(
    model: PowerStruggleModel,
    session: SessionSlot,
    motion: str,
    yes: int,
    no: int,
    abstain: int,
    n: int,
    body: str = "",
) -> None:
    """Append one vote to the run's vote table (cast by the session's body unless `body` is given)."""
    model.record_vote(session.date, body or session.body, motion, yes, no, abstain, n)


def hold_session(model: PowerStruggleModel, session: SessionSlot) -> None:
    """A Congress, Conference or plenum: the line, sanctions, and after a Congress the new bodies.

    Daniels' loop: the delegations vote at the Congress and elect the Central Committee, whose first
    plenum elects the Politburo and the Secretariat; Lenin's letter, when it is read, is weighed by
    that plenum (the CC elected the General Secretary, and in May 1924 it kept Stalin).
    """
    mech = model.cfg.mechanisms.institutions
    kind = session.kind
    model.log_event(session.date, kind, "", session.body, "")
    if not mech.enabled:
        return
    if kind == "discussion":
        hold_discussion(model, session)
        return
    organs.sentence(model, session)
    seats = session_seats(model, session)
    if seats is not None:
        against = opposition(model)
        yes, no, ab, n = delegation_vote(model, session, seats, against, "leadership line")
        record_vote(model, session, "leadership line", yes, no, ab, n)
        if session.kind == "congress" and yes > no:
            model.condemned |= against  # the Congress has upheld the line against them
    elif model.central_committee.n == 0:
        return
    else:
        challenge.move_against_first_office(model, session)
    defiance.take_stands(model)
    targets = _targets(model)
    strongest = max((model.support[k] for k in targets), default=0.0)
    blocs = _bloc_motions(model, targets, strongest)
    for target in targets:
        _move_sanction(model, session, target, focus_on(model, target, strongest), seats, blocs[target])
    voted_out = None
    if session.kind == "congress":
        elect_central_committee(model, session)
        model.refresh_ruling()
        if model.testament_pending:
            voted_out = legacy.retention_vote(model, session)
            model.testament_pending = False
            model.refresh_ruling()
        model.politburo.enlarge_to(session.politburo_full_members)
        offices.reelect_general_secretary(model, session.date, session.body, barred=voted_out)
    fill_politburo(model, session)
    offices.fill_general_secretary(model, session.date, session.body)


def hold_discussion(model: PowerStruggleModel, session: SessionSlot) -> None:
    """An open discussion: the members vote on the line in their cells (`sim.model.party.discussion`).

    The count is recorded with the votes; nothing else follows from it (the record's discussions
    changed no outcome: the Congress that came after them was the apparatus's).
    """
    against = opposition(model)
    side = np.zeros(len(model.leaders), dtype=np.int8)
    side[list(model.ruling)] = 1
    side[list(against - model.ruling)] = -1
    yes, no, abstain, members = discussion.members_vote(model, side)
    record_vote(model, session, "leadership line", yes, no, abstain, members)


def focus_on(model: PowerStruggleModel, target: int, strongest: float) -> float:
    """How much of the majority's fire falls on `target`, in [0, 1].

    The majority concentrates on the strongest opponent of the moment: the square root of his following
    over the strongest's (Zinoviev's New Opposition in 1925, not the quiet Trotsky).
    """
    return float(np.sqrt(model.support[target] / strongest)) if strongest > 0 else 1.0


def _bloc_motions(
    model: PowerStruggleModel, targets: list[int], strongest: float
) -> dict[int, tuple[float, float]]:
    """For the Control Commission's steps (CC seat, party card): each target's bloc's focus and one draw.

    A bloc's CC seats and party cards are taken in one resolution: the motion names its leaders
    together, with the focus its strongest member draws, and each loses the step he has reached
    (if the vote on him carries). A leader alone is a bloc of one.
    Record: the joint plenum of 23 October 1927 took Trotsky's and Zinoviev's CC seats in one
    resolution, and the joint session of 14 November 1927 both their party cards (Carr, Foundations
    of a Planned Economy vol. 2; Daniels 1960, ch. 12). Politburo seats went one by one (Zinoviev's
    in July 1926, Trotsky's in October), and lesser steps take each target's own focus and draw.
    In 1957 the June plenum took Malenkov's, Molotov's and Kaganovich's CC seats in one resolution.
    """
    rng = model.streams["institutions"]
    by_camp: dict[frozenset[int], tuple[float, float]] = {}
    out: dict[int, tuple[float, float]] = {}
    for target in targets:
        camp = camp_of(model, target)
        if camp not in by_camp:
            lead = max((k for k in camp if k in targets), key=lambda k: (model.support[k], -k))
            by_camp[camp] = (focus_on(model, lead, strongest), float(rng.random()))
        out[target] = by_camp[camp]
    return out


def _targets(model: PowerStruggleModel) -> list[int]:
    """Opponents the leadership may move against: its main rival's camp and every open oppositionist."""
    out = set(leadership_target(model))
    out |= opposition(model)
    return sorted(k for k in out if model.leaders[k].eligible and not model.leaders[k].capitulated)


def standing_with_leadership(model: PowerStruggleModel) -> list[int]:
    """Leaders outside the leadership who stand with it: never sanctioned, not recanted, not pursued.

    Record: Bukharin, a candidate member who had answered Trotsky for the majority in the debate of
    December 1923 (Cohen, Bukharin and the Bolshevik Revolution, 1973, ch. 5), took Lenin's full seat at
    the plenum of 2 June 1924, before Molotov, Stalin's own man, who waited for the enlarged Politburo of
    January 1926. A man the leadership pursues (its target, or in open opposition) is not promoted by it.
    """
    pursued = opposition(model) | leadership_target(model)
    return [
        k
        for k, lead in enumerate(model.leaders)
        if k not in model.ruling
        and k not in pursued
        and lead.eligible
        and not lead.capitulated
        and lead.rung == RUNG["none"]
    ]


def session_seats(model: PowerStruggleModel, session: SessionSlot) -> np.ndarray | None:
    """Seats per organisation at a Congress or Conference, by its members (None at a plenum)."""
    if session.kind == "cc_plenum":
        return None
    return delegations.apportion(session.voting_delegates, model.party.members.by_org())


def delegation_vote(
    model: PowerStruggleModel,
    session: SessionSlot,
    seats: np.ndarray,
    against_camp: frozenset[int],
    motion: str,
) -> tuple[int, int, int, int]:
    """A Congress's or Conference's vote, cast delegation by delegation (`sim.model.party.delegations`).

    Returns (for, against, abstain, voting delegates); the vote on the line is also written to the
    run's delegation table.
    """
    side = np.zeros(len(model.leaders), dtype=np.int8)
    side[list(model.ruling)] = 1
    side[list(against_camp - model.ruling)] = -1
    if motion != "leadership line":
        cast = delegations.cast_votes(model, seats, side)
        yes, no, n = int(cast.yes.sum()), int(cast.no.sum()), int(cast.delegates.sum())
        return yes, no, n - yes - no, n
    rows = delegations.vote(model, seats, side)
    when = session.date.isoformat()
    model.delegations.extend(
        {
            "date": when,
            "body": session.body,
            "organisation": d.organisation,
            "patron": d.patron,
            "delegates": d.delegates,
            "for": d.yes,
            "against": d.no,
        }
        for d in rows
    )
    yes, no, n = sum(d.yes for d in rows), sum(d.no for d in rows), sum(d.delegates for d in rows)
    return yes, no, n - yes - no, n


def _move_sanction(
    model: PowerStruggleModel,
    session: SessionSlot,
    target: int,
    focus: float = 1.0,
    seats: np.ndarray | None = None,
    bloc: tuple[float, float] | None = None,
) -> None:
    mech = model.cfg.mechanisms.institutions
    leader = model.leaders[target]
    if leader.rung >= RUNG["party_expulsion"] or leader.capitulated:
        return  # one who has recanted is not pursued further (sim.mechanisms.capitulation)
    if model.month - leader.last_sanction_month < mech.min_months_between_sanctions:
        return
    kind = LADDER[leader.rung + 1]
    # A seat he does not hold cannot be taken (docs/contract.md: `politburo_removal` is a seat lost):
    # Zhukov held none in 1953-56.
    if kind == "politburo_removal" and not leader.in_politburo:
        kind = "cc_removal"
    if kind == "cc_removal" and not leader.in_cc:
        kind = "party_expulsion"
    ruling = model.ruling
    factional = in_opposition(model, target, ruling)
    if kind == "censure" and factional:
        kind = "post_removal"  # open factionalism is answered with removal from office, not a reprimand
    if RUNG[kind] >= NEEDS_FACTIONALISM_FROM and not factional:
        return
    # Beyond censure and posts, each step answers a new act: a leader who has kept discipline since his
    # last sanction is not pushed further for old deviations; an organised faction's CC seat and party
    # card answer its open acts (sim.mechanisms.defiance).
    if not defiance.offence_answered(model, target, RUNG[kind]):
        return
    mob = model.cfg.mechanisms.mobilisation
    # The charge of factionalism needs an organised faction; a bloc of leaders alone gives grounds, not zeal.
    # A bloc is charged as one faction once any member has organised it (the United Opposition's
    # partners went down with it: Zinoviev's Politburo seat in July 1926, Kamenev's in October).
    in_faction = mobilisation.bloc_organised(model, target)
    organised = mob.enabled and in_faction
    # Deviation within discipline (a platform, a vote, a bloc of leaders) costs posts and seats; only
    # an organised faction that will not disband is expelled. CC seats and party cards are taken by
    # a joint CC-CCC plenum or a Congress.
    if kind == "party_expulsion" and not in_faction:
        return  # his own faction, or his bloc's (the United Opposition's was Zinoviev's machine too)
    if RUNG[kind] >= RUNG["cc_removal"] and not session.joint:
        return
    # A boss who holds his region resists: his organisation is taken from him only once a Congress, the
    # party's highest body, has condemned his line (Zinoviev kept Leningrad until the 14th Congress
    # condemned it; Kirov came in January 1926).
    if (
        kind == "post_removal"
        and target not in model.condemned
        and model.party.apparatus.runs_organisation(target)
    ):
        return
    # The CC elects the Politburo, and only a CC plenum takes a seat in it (party rules; Trotsky's and
    # Zinoviev's went at the joint plenums of July and October 1926, not at a Congress or Conference).
    if kind == "politburo_removal" and session.kind != "cc_plenum":
        return
    charge = mob.strength * (1.0 + model.fear) if organised else 0.0
    if bloc is not None and kind in QUALIFIED:
        focus, draw = bloc  # one resolution against the bloc (`_bloc_motions`)
    else:
        draw = float(model.streams["institutions"].random())
    will = (
        mech.proposal_rate * mech.strength * ruling_ruthlessness(model, ruling) * (1.0 + charge) / 2.0 * focus
    )
    if draw >= min(1.0, will):
        return
    # At an ordinary plenum a motion to remove a sitting member is the Politburo's to bring
    # (`politburo_vote`); a joint CC-CCC plenum, the judge of members' conduct, may take it up over
    # the Politburo's head.
    if kind == "politburo_removal" and leader.in_politburo and not session.joint:
        yes, no, ab = politburo_vote.tally(model, target)
        politburo = model.cfg.names.politburo  # the body's name in this scenario (1953: the Presidium)
        record_vote(model, session, f"{kind}: {leader.name}", yes, no, ab, yes + no + ab, body=politburo)
        if yes <= no:
            return  # the Politburo will not send it to the plenum
    if seats is None:
        # The plenum votes member by member, each with the leader he backs (`CentralCommittee.tally`).
        yes, no, ab = model.central_committee.tally(model.ruling, camp_of(model, target))
        n = yes + no + ab
    else:
        yes, no, ab, n = delegation_vote(model, session, seats, camp_of(model, target), kind)
    record_vote(model, session, f"{kind}: {leader.name}", yes, no, ab, n)
    required = mech.qualified_majority if kind in QUALIFIED else 0.5
    if yes + no == 0 or yes / (yes + no) < required:
        return
    sanctions.carry_out(model, session, target, kind, _why(model, target, factional))


def _why(model: PowerStruggleModel, target: int, factional: bool) -> str:
    if factional:
        return "charged with factionalism"
    return "after a campaign against him"


def elect_central_committee(model: PowerStruggleModel, session: SessionSlot) -> None:
    """The Congress elects the CC from the slates its delegations carry (`delegations.elect`).

    The seats are shared among the organisations by members, as the delegates are (7.19), not by the
    delegates' already rounded counts, whose ties would always favour the same provinces.
    """
    cc = model.central_committee
    size = cc.size_for(session.cc_full_members)
    by_org = model.party.members.by_org()
    patron, choice = delegations.elect(model, delegations.apportion(size, by_org))
    cc.seat(patron, choice)


def fill_politburo(model: PowerStruggleModel, session: SessionSlot) -> None:
    """Vacant full seats go to the leadership (`Politburo.fill_vacancy`).

    Its candidate members first, then the candidates who stand with it, then the people it placed.
    Each seat taken is an event (`politburo_promotion`): the member's name, or none for an unnamed
    client, and in the detail the leader who placed him.
    """
    model.politburo.open_seats_by(session.date)
    while model.politburo.vacancies > 0:
        ruling = sorted(model.ruling, key=lambda k: -model.support[k])
        with_it = sorted(standing_with_leadership(model), key=lambda k: -model.support[k])
        taken = model.politburo.fill_vacancy(ruling, with_it)
        if taken.who and taken.patron:
            detail = f"placed by {taken.patron}"
        elif taken.who:
            detail = "from candidate member"
        else:
            detail = f"a client of {taken.patron}"
        model.log_event(session.date, "politburo_promotion", taken.who, session.body, detail)
