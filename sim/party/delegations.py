"""Delegations: each organisation's conference elects its delegation to a Congress or Conference.

The secretary's slate decides who goes (Daniels: the secretaries "chose the delegates"), so a
delegation votes first as its secretary's patron does: Leningrad, elected under Zinoviev's machine,
voted against the line as one at the 14th Congress. Where the secretary is nobody's man, or his
patron takes no side, the organisation's members speak through their delegates: their own views
(line, Lenin's legitimacy, charisma) decide, and fear of voting against the majority in the open
weighs on them as on anyone (`open_vote_fear`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.party.apparatus import CENTRE, NOBODY
from sim.party.membership import BIN_CENTRES
from sim.politics import secretariat_holder

if TYPE_CHECKING:
    from sim.model import PowerStruggleModel


@dataclass(frozen=True, slots=True)
class Delegation:
    """One organisation's delegation to a session and its vote on a motion."""

    organisation: str
    patron: str
    delegates: int
    yes: int
    no: int


def apportion(seats: int, weights: np.ndarray) -> np.ndarray:
    """Seats per organisation in proportion to its members (largest remainders); they sum to `seats`."""
    total = float(weights.sum())
    if total <= 0:
        weights = np.ones_like(weights, dtype=float)
        total = float(weights.size)
    exact = seats * weights / total
    out = np.floor(exact).astype(np.int64)
    short = seats - int(out.sum())
    if short > 0:
        out[np.argsort(-(exact - out), kind="stable")[:short]] += 1
    return out


def member_views(model: PowerStruggleModel) -> np.ndarray:
    """Per organisation, the share of its members who would back each leader (organisations x leaders).

    A member backs the leader with the highest utility under `delegate_choice`'s weights: closeness of
    line, Lenin's legitimacy, charisma as his standing lets it show, and the bandwagon; the Gumbel noise
    of the same scale makes it a logit. Members are read by line bin (`MemberPopulation.table`).
    """
    w = model.cfg.mechanisms.delegate_choice
    leaders = model.leaders
    support = model.support_list
    eligible = np.array([lead.eligible for lead in leaders])
    pos = np.array([lead.position for lead in leaders])
    const = np.array(
        [
            w.legitimacy * lead.legitimacy
            + w.charisma * lead.charisma * lead.standing
            + w.bandwagon * support[k]
            for k, lead in enumerate(leaders)
        ]
    )
    u = -w.ideology * np.abs(BIN_CENTRES[:, None] - pos[None, :]) + const[None, :]  # bins x leaders
    u = np.where(eligible[None, :], u * w.strength / w.noise, -np.inf)
    u -= u.max(axis=1, keepdims=True)
    p = np.exp(u)
    p /= p.sum(axis=1, keepdims=True)
    table = model.party.members.table
    counts = table @ p  # organisations x leaders
    return counts / np.maximum(counts.sum(axis=1, keepdims=True), 1e-12)


def vote(model: PowerStruggleModel, seats: np.ndarray, side: np.ndarray) -> list[Delegation]:
    """Each delegation's vote on a motion, given each leader's side (1 for, -1 against, 0 neither).

    Delivered: a secretary whose patron takes a side brings his delegates to it, each with the chance
    `delegation_discipline` times his loyalty; a locally elected one brings them to the General
    Secretary's side (the centre's), with the same chance. The rest vote their organisation's views:
    for with its
    share behind the leadership, against with its share behind the other side (each daring it with the
    chance exp(-open_vote_fear x fear x climate)), and the rest for with their leader's willingness to
    bend to the majority, else abstaining.
    """
    mech = model.cfg.mechanisms.institutions
    w = model.cfg.mechanisms.delegate_choice
    rng = model.streams["party"]
    views = member_views(model)
    bend = np.array([lead.compromise_willingness for lead in model.leaders])
    dare = float(np.exp(-mech.open_vote_fear * w.fear * (w.base_fear + model.fear)))
    p_for = views @ ((side == 1) + (side == 0) * bend)
    p_against = (views @ (side == -1)) * dare
    apparatus = model.party.apparatus
    centre = secretariat_holder(model)
    out: list[Delegation] = []
    for o, sec in enumerate(apparatus.secretaries):
        n = int(seats[o])
        if n == 0:
            continue
        boss = sec.patron if sec.patron >= 0 else (centre if centre is not None else -1)
        sided = boss >= 0 and side[boss] != 0
        delivered = int(rng.binomial(n, min(1.0, mech.delegation_discipline * sec.loyalty))) if sided else 0
        free = n - delivered
        pf = float(np.clip(p_for[o], 0.0, 1.0))
        pa = float(np.clip(p_against[o], 0.0, 1.0 - pf))
        yes, no, _ = rng.multinomial(free, (pf, pa, max(0.0, 1.0 - pf - pa)))
        if sided and side[boss] == 1:
            yes += delivered
        elif sided:
            no += delivered
        out.append(Delegation(apparatus.names[o], sec.patron_name, n, int(yes), int(no)))
    return out


def elect(model: PowerStruggleModel, seats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Congress elects the CC: `seats[o]` members from organisation o's slate.

    A seat on a slate its secretary drew up goes to his patron's man, with the chance
    `delegation_discipline` times his loyalty (the CC was more and more made of provincial secretaries
    and their people), or, for a locally elected secretary, to a man of the centre's list (CENTRE: he
    backs whoever holds the Secretariat); otherwise to a member his organisation's views favour, the
    leadership's people weighted (1 + `slate_bias`), since the Congress votes on the leadership's list.
    Returns per seat the patron (NOBODY where none) and whom he backed when elected (CENTRE for the
    centre's men).
    """
    mech = model.cfg.mechanisms.institutions
    rng = model.streams["party"]
    views = member_views(model)
    favour = np.ones(len(model.leaders))
    favour[list(model.ruling)] += mech.slate_bias
    weighted = views * favour[None, :]
    weighted /= np.maximum(weighted.sum(axis=1, keepdims=True), 1e-12)
    spent = [not lead.eligible or lead.capitulated for lead in model.leaders]
    patrons: list[np.ndarray] = []
    choices: list[np.ndarray] = []
    for o, sec in enumerate(model.party.apparatus.secretaries):
        n = int(seats[o])
        if n == 0:
            continue
        machine = sec.patron < 0 or not spent[sec.patron]
        p_machine = min(1.0, mech.delegation_discipline * sec.loyalty) if machine else 0.0
        theirs = rng.random(n) < p_machine
        choice = rng.choice(len(model.leaders), size=n, p=weighted[o])
        patrons.append(np.where(theirs, sec.patron, NOBODY))
        choices.append(np.where(theirs, sec.patron if sec.patron >= 0 else CENTRE, choice))
    if not patrons:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    return np.concatenate(patrons), np.concatenate(choices)
