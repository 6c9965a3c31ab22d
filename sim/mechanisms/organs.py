"""The political police as a power base: its chief is feared, and his colleagues arrest him.

Record: on 5 March 1953 Beria took the merged MVD and MGB and within weeks placed his men in it and in
the republics. His colleagues in the Presidium feared the organs' files and troops more than any rival's
following: Khrushchev won over Malenkov, Bulganin and Molotov, and on 26 June 1953 the Presidium had him
arrested by army officers; the CC plenum of 2-7 July removed him from the Presidium and the CC and
expelled him from the party as an enemy of the party and the people (Knight, Beria: Stalin's First
Lieutenant, 1993, chs. 9-10; Taubman, Khrushchev, 2003, ch. 10). In 1924-29 the OGPU's chiefs
(Dzerzhinsky, Menzhinsky) were nobody's rival and stood with the majority; no leader of that case
commands the organs, and the rule does nothing there.

Two rules, no parameter of their own:
- Fear (`sim.model.politics.power`): a camp that commands the police counts as no weaker than the
  strongest camp's following, so its chief is a main threat whatever his following; the alliances
  mechanism forms and keeps coalitions against him as against any main threat.
- Arrest (`arrest`): when the leadership is a coalition formed against a police chief (Khrushchev
  first had to win partners: Bulganin, then Malenkov, Beria's partner of the 1940s), it puts his arrest to
  the Politburo with the chance it moves against a target at a session (`institutions.proposal_rate` x
  strength x ruthlessness), each month (the Presidium met weekly); the Politburo votes as on any motion
  against one of its members (`politburo_vote.tally`) and a majority of the votes cast carries it. The
  arrested man loses his offices at once and leaves the game; the first CC plenum, Conference or
  Congress of a later month takes his Politburo seat, his CC seat and his party card (`sentence`).
  `repression.enabled` and `repression.strength` govern it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.mechanisms import politburo_vote
from sim.model.leaders import RUNG, Seat
from sim.model.politics import police_chiefs, ruling_ruthlessness

if TYPE_CHECKING:
    from sim.model.calendar import SessionSlot
    from sim.model.core import PowerStruggleModel

#: What the session that sentences an arrested leader takes from him, in the ladder's order.
SENTENCE: tuple[str, ...] = ("politburo_removal", "cc_removal", "party_expulsion")


def arrest(model: PowerStruggleModel) -> None:
    """A leadership formed against a police chief puts his arrest to the Politburo, which may carry it."""
    mech = model.cfg.mechanisms.repression
    chiefs = police_chiefs(model)
    if not (mech.enabled and chiefs):
        return
    ruling = model.ruling
    targets = {c.against for c in model.coalitions if c.members == ruling and c.against in chiefs} - ruling
    if not targets:
        return
    inst = model.cfg.mechanisms.institutions
    will = inst.proposal_rate * inst.strength * mech.strength * ruling_ruthlessness(model, ruling)
    for k in sorted(targets):
        if model.streams["repression"].random() >= min(1.0, will):
            continue
        leader = model.leaders[k]
        yes, no, abstain = politburo_vote.tally(model, k)
        n = yes + no + abstain
        politburo = model.cfg.names.politburo  # the Presidium in 1953
        model.record_vote(model.mid_month, politburo, f"arrest: {leader.name}", yes, no, abstain, n)
        if yes <= no:
            continue
        leader.arrested = True
        leader.arrested_month = model.month
        for post in sorted(leader.posts):
            leader.lose_post(post)
        leader.holds_home_post = False
        model.coalitions.leave(k, model.mid_month, "arrested")
        detail = "arrested by order of its majority"
        model.log_event(model.mid_month, "arrest", leader.name, politburo, detail)


def sentence(model: PowerStruggleModel, session: SessionSlot) -> None:
    """A later session takes the arrested leaders' seats and cards: the July 1953 plenum's verdict on Beria.

    Only a session of a later month: the arrest comes before the month's sessions (docs/model.md 3), and
    the plenum that meets that month has not yet taken up his case.
    """
    for leader in model.leaders:
        if not leader.arrested or leader.rung >= RUNG["party_expulsion"]:
            continue
        if leader.arrested_month >= model.month:
            continue
        for kind in SENTENCE:
            if RUNG[kind] <= leader.rung:
                continue
            was_full = leader.pb_seat == Seat.FULL
            leader.apply_sanction(kind, model.month)
            if was_full and leader.pb_seat == Seat.NONE:
                model.politburo.vacancies += 1
            model.log_event(session.date, kind, leader.name, session.body, "arrested: an enemy of the party")
