"""Delegations: each organisation's conference elects its delegation to a Congress or Conference.

The secretary's slate decides who goes (Daniels: the secretaries "chose the delegates"), so a
delegation votes first as its secretary's patron does: Leningrad, elected under Zinoviev's machine,
voted against the line as one at the 14th Congress. A locally elected secretary, nobody's man,
brings his delegates to the centre's side as far as his loyalty goes. The delegates no secretary
delivers (all of them where his patron takes no side) speak for the organisation's members: their
own views (line, Lenin's legitimacy, charisma) decide, and fear of voting against the majority in
the open weighs on them as it does in choosing whom to follow (`delegate_choice.fear`). Their views
are the members' choice (mechanism 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.mechanisms.choice import organisation_views
from sim.model.party.apparatus import CENTRE, NOBODY
from sim.model.politics import secretariat_holder

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel


@dataclass(frozen=True, slots=True)
class Delegation:
    """One organisation's delegation to a session and its vote on a motion."""

    organisation: str
    patron: str
    delegates: int
    yes: int
    no: int


class Cast(NamedTuple):
    """Per organisation: its delegates, and how many voted for and against."""

    delegates: np.ndarray
    yes: np.ndarray
    no: np.ndarray


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


def cast_votes(model: PowerStruggleModel, seats: np.ndarray, side: np.ndarray) -> Cast:
    """Each delegation's vote on a motion, given each leader's side (1 for, -1 against, 0 neither).

    Delivered: a secretary whose patron takes a side brings his delegates to it, each with the chance
    his loyalty; a locally elected one brings them to the General
    Secretary's side (the centre's), with the same chance. The rest vote their organisation's views
    (`choice.organisation_views`): for with its share following the leadership, against with its share
    following the other side (each daring it with the chance exp(-fear x climate), with the members' own
    fear weight), and the rest for with their leader's willingness to bend to the majority, else abstaining.
    """
    w = model.cfg.mechanisms.delegate_choice
    rng = model.streams["party"]
    views = organisation_views(model)
    bend = np.array([lead.compromise_willingness for lead in model.leaders])
    dare = float(np.exp(-w.fear * (w.base_fear + model.fear)))
    p_for = np.clip(views @ ((side == 1) + (side == 0) * bend), 0.0, 1.0)
    p_against = np.minimum(np.clip((views @ (side == -1)) * dare, 0.0, 1.0), 1.0 - p_for)
    apparatus = model.party.apparatus
    centre = secretariat_holder(model)
    patrons = apparatus.patrons()
    boss = np.where(patrons >= 0, patrons, -1 if centre is None else centre)
    boss_side = np.where(boss >= 0, side[np.maximum(boss, 0)], 0)
    loyalty = np.array([sec.loyalty for sec in apparatus.secretaries])
    n = seats.astype(np.int64)
    p_deliver = np.where(boss_side != 0, np.minimum(1.0, loyalty), 0.0)
    delivered = rng.binomial(n, p_deliver)
    free = n - delivered
    pvals = np.stack([p_for, p_against, np.maximum(0.0, 1.0 - p_for - p_against)], axis=1)
    pvals /= pvals.sum(axis=1, keepdims=True)
    cast = rng.multinomial(free, pvals)
    yes = cast[:, 0] + np.where(boss_side == 1, delivered, 0)
    no = cast[:, 1] + np.where(boss_side == -1, delivered, 0)
    return Cast(n, yes, no)


def vote(model: PowerStruggleModel, seats: np.ndarray, side: np.ndarray) -> list[Delegation]:
    """Each delegation's vote on a motion (see `cast_votes`), one `Delegation` per organisation that sits."""
    c = cast_votes(model, seats, side)
    apparatus = model.party.apparatus
    return [
        Delegation(
            apparatus.names[o],
            apparatus.secretaries[o].patron_name,
            int(c.delegates[o]),
            int(c.yes[o]),
            int(c.no[o]),
        )
        for o in np.flatnonzero(c.delegates > 0)
    ]


def elect(model: PowerStruggleModel, seats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Congress elects the CC: `seats[o]` members from organisation o's slate.

    A seat on a slate its secretary drew up goes to his patron's man, with the chance
    his loyalty (the CC was more and more made of provincial secretaries
    and their people), or, for a locally elected secretary, to a man of the centre's list (CENTRE: he
    backs whoever holds the Secretariat); otherwise to a member his organisation's views favour, the
    leadership's people weighted (1 + `slate_bias`), since the Congress votes on the leadership's list.
    Returns per seat the patron (NOBODY where none) and whom he backed when elected (CENTRE for the
    centre's men).
    """
    mech = model.cfg.mechanisms.institutions
    rng = model.streams["party"]
    views = organisation_views(model)
    favour = np.ones(len(model.leaders))
    favour[list(model.ruling)] += mech.slate_bias
    weighted = views * favour[None, :]
    weighted /= np.maximum(weighted.sum(axis=1, keepdims=True), 1e-12)
    spent = np.array([not lead.eligible or lead.capitulated for lead in model.leaders] + [False])
    org = np.repeat(np.arange(seats.size), seats.astype(np.int64))  # each seat's organisation
    patron = model.party.apparatus.patrons()[org]
    loyalty = np.array([sec.loyalty for sec in model.party.apparatus.secretaries])[org]
    machine = ~spent[patron]  # a locally elected secretary (NOBODY, the last entry) is never spent
    theirs = rng.random(org.size) < np.where(machine, np.minimum(1.0, loyalty), 0.0)
    cdf = np.cumsum(weighted[org], axis=1)
    choice = (rng.random(org.size)[:, None] * cdf[:, -1:] >= cdf).sum(axis=1)
    choice = np.minimum(choice, len(model.leaders) - 1)
    own = np.where(patron >= 0, patron, CENTRE)
    return np.where(theirs, patron, NOBODY), np.where(theirs, own, choice)
