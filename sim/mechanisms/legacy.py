"""Mechanism 4, Lenin's legacy: the cult, the funeral and the testament move `legitimacy`.

Seed: Stalin as "guardian of Lenin's ideology"; Trotsky missed the funeral; the testament, suppressed
at the 13th Congress, suggested removing Stalin. If it is read, the CC the next Congress elects votes
on keeping him.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model.calendar import SessionSlot
    from sim.model.core import PowerStruggleModel
    from sim.scenario.schema import FuneralEvent, LetterEvent


def cult(model: PowerStruggleModel) -> None:
    """After Lenin's death the leadership, as guardian of his memory, gains legitimacy monthly.

    Each member gains in proportion to the guardian's claim he staked at the funeral
    (`Leader.mantle`, 1 for everyone until the funeral): the chief mourners own the cult.
    """
    mech = model.cfg.mechanisms.legacy
    if not mech.enabled or not model.lenin_dead:
        return
    for k in model.ruling:
        leader = model.leaders[k]
        leader.legitimacy += mech.cult_rate * mech.strength * leader.mantle * (1.0 - leader.legitimacy)


def funeral(model: PowerStruggleModel, event: FuneralEvent) -> None:
    """The funeral is a contest for the heir's mantle: those at the coffin share it, the absent lose.

    A fixed pool (`funeral_bonus` per leader) is shared among those present in proportion to their
    legitimacy, so an absent heir's share goes to the others (Stalin's oath speech); the absent also
    lose `funeral_penalty`.
    """
    mech = model.cfg.mechanisms.legacy
    if not mech.enabled:
        return
    absent = set(event.absent)
    present = [lead for lead in model.leaders if lead.name not in absent]
    pool = mech.funeral_bonus * mech.strength * len(model.leaders)
    total = sum(lead.legitimacy for lead in present) or 1.0
    # Each one's share of the pool, from the legitimacy he brought to the coffin.
    shares = {lead.name: lead.legitimacy / total for lead in present}
    for leader in model.leaders:
        if leader.name in absent:
            leader.legitimacy = max(0.0, leader.legitimacy - mech.funeral_penalty * mech.strength)
            leader.mantle = 0.0
        else:
            leader.legitimacy = min(1.0, leader.legitimacy + pool * shares[leader.name])
            # His claim on the cult: his share of the mantle relative to an even share.
            leader.mantle = len(model.leaders) * shares[leader.name]


def faction_forcing_reading(model: PowerStruggleModel) -> str | None:
    """Whether an organised opposition forces the testament's reading, and whose faction does.

    The CC majority meant to keep the letter to delegation heads; Krupskaya pressed for more and
    Trotsky kept silent. A leader outside the leadership who has organised a faction by then forces
    the reading with probability `forced_reading x organisational_skill x standing`.
    """
    mech = model.cfg.mechanisms.legacy
    if not mech.enabled or not model.cfg.mechanisms.mobilisation.enabled:
        return None
    for k, leader in enumerate(model.leaders):
        if leader.mobilised and leader.eligible and k not in model.ruling:
            p = mech.forced_reading * mech.strength * leader.organisational_skill * leader.standing
            if model.streams["legacy"].random() < p:
                return leader.name
    return None


def publish_testament(model: PowerStruggleModel, letter: LetterEvent) -> None:
    """The letter is read to the party: each leader it criticises loses legitimacy."""
    mech = model.cfg.mechanisms.legacy
    if not mech.enabled:
        return
    for name, weight in letter.criticism.items():
        leader = model.leaders[model.leader_index[name]]
        leader.legitimacy = max(0.0, leader.legitimacy - weight * mech.strength)
        leader.testament_criticism = weight


def retention_vote(model: PowerStruggleModel, session: SessionSlot) -> int | None:
    """With the testament read, the CC the Congress has just elected votes on keeping the General Secretary.

    Record: the letter was read to the heads of delegations in May 1924, and the CC's first plenum kept
    Stalin (the CC, not the Congress, elected the General Secretary). His partners first choose whether
    to defend him (`sim.mechanisms.defence`). The CC members who back him or his defenders vote to keep
    him, except those the letter turns (a share set by `testament_defection` times the criticism of
    him, among members who are not his own men); the rest vote to remove him. Voted out undefended,
    he loses his bloc as well as his post.
    Returns him if he was voted out.
    """
    from sim.mechanisms import defence
    from sim.mechanisms.offices import fill_general_secretary
    from sim.model.politics import secretariat_holder

    mech = model.cfg.mechanisms.legacy
    holder = secretariat_holder(model)
    if holder is None or not mech.enabled:
        return None  # with the legacy switch off the letter, read or not, moves no vote
    leader = model.leaders[holder]
    stood, _ = defence.defenders(model, holder)
    camp = np.array(sorted(stood | {holder}), dtype=np.intp)
    cc = model.central_committee
    allegiance = cc.backs()
    in_camp = np.isin(allegiance, camp)
    p_turn = min(1.0, mech.testament_defection * mech.strength * leader.testament_criticism)
    # His own men owe him their posts: the letter turns only members who are not his men (printed
    # abroad in 1926 and read out by Stalin in 1927, it changed nothing in the apparatus).
    turned = (model.streams["legacy"].random(allegiance.size) < p_turn) & (cc.patron != holder)
    keep = int((in_camp & ~turned).sum())
    remove = int((~in_camp | turned).sum())
    body = "CC plenum"
    model.record_vote(
        session.date, body, f"retain general secretary: {leader.name}", keep, remove, 0, allegiance.size
    )
    if remove <= keep:
        return None
    leader.lose_post("general_secretary")
    defenders = ", ".join(model.leader_names[k] for k in sorted(stood)) or "nobody"
    model.log_event(
        session.date,
        "gs_removal",
        leader.name,
        session.body,
        f"testament read; the CC votes him out (defended by {defenders})",
    )
    defence.break_bloc(model, holder, stood, session.date)
    fill_general_secretary(model, session.date, session.body, removed=holder)
    return holder
