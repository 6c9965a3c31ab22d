"""Mechanism 7, institutions and votes: sessions vote on the line and move opponents down the ladder.

Seed: "Expulsion of Trotsky from the Politburo in 1926, removal from the Communist Party in 1927."
The leadership proposes the next sanction against an opponent when it has grounds and the will; the
body votes, and the sanction passes only with the majority the party's rules ask (two thirds to
remove a Central Committee member or to expel, after the 1921 resolution on party unity).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.calendar import SessionSlot
from sim.leaders import LADDER, RUNG, Seat
from sim.mechanisms import (
    capitulation,
    defiance,
    legacy,
    mobilisation,
    offices,
    politburo_vote,
    repression,
    verdict,
)
from sim.party import delegations
from sim.politics import camp_of, in_opposition, leadership_target, opposition, ruling_ruthlessness

if TYPE_CHECKING:
    from sim.model import PowerStruggleModel

#: Sanctions that need the qualified majority (`institutions.qualified_majority`); the rest a simple one.
QUALIFIED = frozenset({"cc_removal", "party_expulsion"})
# A sanction from Politburo removal on needs the charge of factionalism, or a spent rival.
NEEDS_FACTIONALISM_FROM = RUNG["politburo_removal"]


def voters_for(model: PowerStruggleModel, session: SessionSlot) -> np.ndarray:
    """The standing cadres who vote: the CC at a plenum, every cadre otherwise (a Congress's retention vote).

    A Congress's or Conference's own votes are cast by its delegations (`delegation_vote`).
    """
    pool = model.pool
    if session.kind == "cc_plenum":
        return np.flatnonzero(pool.in_cc)
    return np.arange(pool.n)


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
    model.votes.append(
        {
            "date": session.date.isoformat(),
            "body": body or session.body,
            "motion": motion,
            "for": yes,
            "against": no,
            "abstain": abstain,
            "voting_delegates": n,
        }
    )


def tally(
    model: PowerStruggleModel, voters: np.ndarray, against_camp: frozenset[int], open_vote: bool = False
) -> tuple[int, int, int]:
    """For the leadership, against with the opposing camp; others bend to the majority or abstain.

    An open vote at a Congress or Conference (`open_vote`) is cast by delegation and under the eyes of
    the apparatus: see `open_vote_sides`.
    """
    ruling = model.ruling
    allegiance = model.pool.allegiance[voters]
    n_leaders = len(model.leaders)
    side = np.zeros(n_leaders, dtype=np.int8)  # 1 for, -1 against, 0 neutral
    for k in ruling:
        side[k] = 1
    for k in against_camp:
        side[k] = -1
    bend = np.array([lead.compromise_willingness for lead in model.leaders])
    s = side[allegiance]
    if open_vote:
        s = open_vote_sides(model, voters, s, side)
    neutral = s == 0
    bends = model.streams["institutions"].random(voters.size) < bend[allegiance]
    yes = int((s == 1).sum() + (neutral & bends).sum())
    no = int((s == -1).sum())
    return yes, no, int(voters.size) - yes - no


def open_vote_sides(
    model: PowerStruggleModel, voters: np.ndarray, s: np.ndarray, side: np.ndarray
) -> np.ndarray:
    """Each delegate's side in an open vote of a Congress or Conference (1 for, -1 against, 0 neither).

    Record: at the 14th Congress the Leningrad delegation, elected under Zinoviev's machine, voted
    against the line as one (65 against, the rest of the Congress for); at the 15th, its leaders
    expelled weeks before, nobody voted against. Delegation: a delegate whose bloc's boss still holds its
    post votes as the boss does with probability `delegation_discipline` (a boss on neither side leaves
    his delegates free). Fear: an oppositionist casting his own vote dares to vote against with
    probability exp(-open_vote_fear x delegate_choice.fear x (base_fear + the climate of fear) x his fear
    weight), the fear that weighs on whom he backs (`choice`); otherwise he votes as an unaligned
    delegate does (bends to the majority or abstains). These draws have their own stream (`votes`), so
    switching either rule leaves every other mechanism's draws as they were.
    """
    mech = model.cfg.mechanisms.institutions
    rng = model.streams["votes"]
    pool = model.pool
    out = s.copy()
    delivered = np.zeros(voters.size, dtype=bool)
    if mech.delegation_discipline > 0:
        boss = model.bloc_head_active()[pool.bloc[voters]]
        machine = (boss >= 0) & (side[np.maximum(boss, 0)] != 0)
        delivered = machine & (rng.random(voters.size) < mech.delegation_discipline)
        out[delivered] = side[boss[delivered]]
    if mech.open_vote_fear > 0:
        w = model.cfg.mechanisms.delegate_choice
        dissenters = np.flatnonzero((out == -1) & ~delivered)
        climate = w.base_fear + model.fear
        dare = np.exp(-mech.open_vote_fear * w.fear * climate * pool.fear_weight[voters[dissenters]])
        out[dissenters[rng.random(dissenters.size) >= dare]] = 0
    return out


def hold_session(model: PowerStruggleModel, session: SessionSlot) -> None:
    """A Congress, Conference or plenum: the line, the testament if read, sanctions, elections."""
    mech = model.cfg.mechanisms.institutions
    kind = {"congress": "congress", "conference": "conference", "cc_plenum": "cc_plenum"}[session.kind]
    model.log_event(session.date, kind, "", session.body, "")
    if not mech.enabled:
        return
    voters = voters_for(model, session)
    if voters.size == 0:
        return
    seats = session_seats(model, session)
    if session.kind != "cc_plenum":
        yes, no, ab, n = delegation_vote(model, session, seats, opposition(model), "leadership line")
        record_vote(model, session, "leadership line", yes, no, ab, n)
    voted_out = None
    if session.kind == "congress":
        verdict.congress_opens(model)
    if session.kind == "congress" and model.testament_pending:
        voted_out = legacy.retention_vote(model, session, voters)
        model.testament_pending = False
        model.refresh_ruling()
    defiance.take_stands(model)
    main_enemy = leadership_target(model)
    targets = _targets(model)
    if not verdict.may_move_sanctions(model):
        targets = []  # a leadership the Congress voted out has lost its confidence until the next one
    strongest = max((model.support[k] for k in targets), default=0.0)
    for target in targets:
        _move_sanction(model, session, voters, target, focus_on(model, target, strongest, main_enemy), seats)
    if session.kind == "congress":
        elect_central_committee(model, session)
        model.politburo.enlarge_to(session.politburo_full_members)
        offices.reelect_general_secretary(model, session.date, session.body, barred=voted_out)
    fill_politburo(model, session)
    offices.fill_general_secretary(model, session.date, session.body)


def focus_on(model: PowerStruggleModel, target: int, strongest: float, main_enemy: frozenset[int]) -> float:
    """How much of the majority's fire falls on `target`, in [0, 1].

    The majority concentrates on the strongest opponent of the moment (the square root of his following
    over the strongest's); the members of its main enemy's camp never drop below `focus_floor`, nor
    does an organised faction that has acted again since its last sanction (it will not disband).
    """
    focus = float(np.sqrt(model.support[target] / strongest)) if strongest > 0 else 1.0
    defiant = model.leaders[target].mobilised and defiance.reoffended(model, target)
    if target in main_enemy or defiant:
        focus = max(focus, model.cfg.mechanisms.institutions.focus_floor)
    return focus


def _targets(model: PowerStruggleModel) -> list[int]:
    """Opponents the leadership may move against: its main rival's camp and every open oppositionist."""
    out = set(leadership_target(model))
    out |= opposition(model)
    return sorted(k for k in out if model.leaders[k].eligible and not model.leaders[k].capitulated)


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
    """A Congress's or Conference's vote, cast delegation by delegation (`sim.party.delegations`).

    Returns (for, against, abstain, voting delegates); the vote on the line is also written to the
    run's delegation table.
    """
    side = np.zeros(len(model.leaders), dtype=np.int8)
    side[list(model.ruling)] = 1
    side[list(against_camp - model.ruling)] = -1
    cast = delegations.vote(model, seats, side)
    if motion == "leadership line":
        model.delegations.extend(
            {
                "date": session.date.isoformat(),
                "body": session.body,
                "organisation": d.organisation,
                "patron": d.patron,
                "delegates": d.delegates,
                "for": d.yes,
                "against": d.no,
            }
            for d in cast
        )
    yes = sum(d.yes for d in cast)
    no = sum(d.no for d in cast)
    n = sum(d.delegates for d in cast)
    return yes, no, n - yes - no, n


def _move_sanction(
    model: PowerStruggleModel,
    session: SessionSlot,
    voters: np.ndarray,
    target: int,
    focus: float = 1.0,
    seats: np.ndarray | None = None,
) -> None:
    mech = model.cfg.mechanisms.institutions
    leader = model.leaders[target]
    if leader.rung >= RUNG["party_expulsion"]:
        return
    # Once out of the Politburo, a leader's case goes to the Control Commission: the next steps wait longer.
    out_of_politburo = leader.rung >= RUNG["politburo_removal"]
    gap = mech.proceedings_months if out_of_politburo else mech.min_months_between_sanctions
    if model.month - leader.last_sanction_month < gap:
        return
    kind = LADDER[leader.rung + 1]
    if kind == "cc_removal" and not leader.in_cc:
        kind = "party_expulsion"
    ruling = model.ruling
    # A faction standing on a Congress's verdict against the General Secretary is no factionalist one.
    shielded = verdict.vindicated(model, target)
    factional = in_opposition(model, target, ruling) and not shielded
    if kind == "censure" and factional:
        kind = "post_removal"  # open factionalism is answered with removal from office, not a reprimand
    if RUNG[kind] >= NEEDS_FACTIONALISM_FROM and not factional and leader.standing > mech.spent_standing:
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
    organised = mob.enabled and not shielded and in_faction
    # Deviation within discipline (a platform, a vote, a bloc of leaders) costs posts and seats; only
    # an organised faction that will not disband is expelled. CC seats and party cards are taken by
    # a joint CC-CCC plenum or a Congress.
    if kind == "party_expulsion" and not in_faction:
        return  # his own faction, or his bloc's (the United Opposition's was Zinoviev's machine too)
    if RUNG[kind] >= RUNG["cc_removal"] and not session.joint:
        return
    charge = mob.factionalism_charge * mob.strength * (1.0 + model.fear) if organised else 0.0
    will = (
        mech.proposal_rate * mech.strength * ruling_ruthlessness(model, ruling) * (1.0 + charge) / 2.0 * focus
    )
    if model.streams["institutions"].random() >= min(1.0, will):
        return
    # At an ordinary plenum a motion to remove a sitting member is the Politburo's to bring
    # (`politburo_vote`); a joint CC-CCC plenum or a Congress, the judges of members' conduct, may
    # take it up over the Politburo's head.
    if kind == "politburo_removal" and mech.politburo_vote and leader.in_politburo and not session.joint:
        yes, no, ab = politburo_vote.tally(model, target)
        record_vote(model, session, f"{kind}: {leader.name}", yes, no, ab, yes + no + ab, body="Politburo")
        if yes <= no:
            return  # the Politburo will not send it to the plenum
    if seats is None:
        yes, no, ab = tally(model, voters, camp_of(model, target))
        n = voters.size
    else:
        yes, no, ab, n = delegation_vote(model, session, seats, camp_of(model, target), kind)
    record_vote(model, session, f"{kind}: {leader.name}", yes, no, ab, n)
    required = mech.qualified_majority if kind in QUALIFIED else 0.5
    if yes + no == 0 or yes / (yes + no) < required:
        return
    was_full = leader.pb_seat == Seat.FULL
    leader.apply_sanction(kind, model.month)
    if leader.pb_seat == Seat.NONE and was_full:
        model.politburo.vacancies += 1
    if kind == "cc_removal":
        model.pool.in_cc[model.pool.allegiance == target] &= (
            model.streams["institutions"].random(int((model.pool.allegiance == target).sum()))
            < mech.cc_purge_survival
        )
    model.log_event(session.date, kind, leader.name, session.body, _why(model, target, factional))
    repression.after_sanction(model, target)
    if kind == "party_expulsion":
        model.coalitions.leave(target, session.date, "expelled")
    capitulation.weigh_after_sanction(model, target)


def _why(model: PowerStruggleModel, target: int, factional: bool) -> str:
    if factional:
        return "charged with factionalism"
    return "after a campaign against him"


def elect_central_committee(model: PowerStruggleModel, session: SessionSlot) -> None:
    """The Congress elects a CC from the leadership's slate: its followers are favoured."""
    mech = model.cfg.mechanisms.institutions
    pool = model.pool
    size = model.central_committee.size_for(session.cc_full_members)
    on_slate = np.zeros(len(model.leaders), dtype=bool)
    on_slate[list(verdict.slate(model))] = True
    weight = 1.0 + mech.slate_bias * on_slate[pool.allegiance]
    # Weighted sampling without replacement (each seat to a delegate in proportion to weight, among
    # those not yet elected), by Efraimidis-Spirakis keys log(U) / weight: the `size` largest win.
    # The same distribution as Generator.choice(replace=False, p=...), at a third of its cost.
    keys = np.log(1.0 - model.streams["institutions"].random(pool.n)) / weight
    chosen = np.argpartition(keys, pool.n - size)[pool.n - size :]
    pool.in_cc[:] = False
    pool.in_cc[chosen] = True


def fill_politburo(model: PowerStruggleModel, session: SessionSlot) -> None:
    """Vacant full seats go to the leadership: its candidate members, then the people it placed.

    Each seat taken is an event (`politburo_promotion`): the member's name, or none for an unnamed
    client, and in the detail the leader who placed him.
    """
    model.politburo.open_seats_by(session.date)
    while model.politburo.vacancies > 0:
        taken = model.politburo.fill_vacancy(sorted(model.ruling, key=lambda k: -model.support[k]))
        if taken.who and taken.patron:
            detail = f"placed by {taken.patron}"
        elif taken.who:
            detail = "from candidate member"
        else:
            detail = f"a client of {taken.patron}"
        model.log_event(session.date, "politburo_promotion", taken.who, session.body, detail)
