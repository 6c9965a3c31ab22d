"""Camps and their standing: who rules, who opposes, who threatens whom. Read-only helpers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel


@dataclass(slots=True)
class Coalition:
    """An alliance of two or more leaders against a common threat (a leader's index).

    `quarrels` counts the quarrels it has had in months when its reason was gone, over its whole life:
    an enemy who revives does not undo them (`sim.mechanisms.alliances`).
    """

    members: set[int]
    against: int
    since: date
    quarrels: int = 0


def _structure(model: PowerStruggleModel) -> tuple[list[frozenset[int]], list[frozenset[int]]]:
    """Return (camp of each leader, camps of eligible leaders), cached per structure.

    Both are asked for many times a month and change only with alliances or eligibility.
    """
    return model.cache.by_structure("camps", _camps, model)


def _camps(model: PowerStruggleModel) -> tuple[list[frozenset[int]], list[frozenset[int]]]:
    of = [frozenset((j,)) for j in range(len(model.leaders))]
    for c in model.coalitions:
        members = frozenset(c.members)
        for j in members:
            of[j] = members
    seen: set[int] = set()
    out: list[frozenset[int]] = []
    for j, leader in enumerate(model.leaders):
        if j in seen or not leader.eligible:
            continue
        c = frozenset(k for k in of[j] if model.leaders[k].eligible)
        seen |= c
        out.append(c)
    return of, out


def camp_of(model: PowerStruggleModel, j: int) -> frozenset[int]:
    """The leaders j stands with: his coalition, or himself alone."""
    return _structure(model)[0][j]


def camps_by_leader(model: PowerStruggleModel) -> list[frozenset[int]]:
    """The camp of each leader, by leader index (see `camp_of`)."""
    return _structure(model)[0]


def camps(model: PowerStruggleModel) -> list[frozenset[int]]:
    """Every camp of leaders still in the game (coalitions and unallied leaders)."""
    return _structure(model)[1]


def power(model: PowerStruggleModel, camp: frozenset[int]) -> float:
    """A camp's power: its members' following, or more if it commands the political police.

    A camp that commands the police counts as no weaker than the strongest camp's following
    (`sim.mechanisms.organs`: the organs' files and troops could reach any colleague, whatever
    following their chief had).
    """
    support = model.support_list
    own = sum([support[k] for k in camp])  # a list is cheaper than a generator for a few items
    if not model.party.apparatus.police_posts or not police_chiefs(model) & camp:
        return own
    return max(own, max(sum([support[k] for k in c]) for c in camps(model)))


def police_chiefs(model: PowerStruggleModel) -> frozenset[int]:
    """Leaders who command the political police (cached per structure).

    They hold its organisation's post and their home post, and are still in the game.
    """
    posts = model.party.apparatus.police_posts
    if not posts:
        return frozenset()
    return model.cache.by_structure("police_chiefs", _police_chiefs, model, posts)


def _police_chiefs(model: PowerStruggleModel, posts: frozenset[str]) -> frozenset[int]:
    return frozenset(
        k
        for k, lead in enumerate(model.leaders)
        if lead.eligible and lead.holds_home_post and posts & lead.posts
    )


def ranked_camps(model: PowerStruggleModel) -> list[frozenset[int]]:
    """Camps strongest first (ties to the lowest leader index), cached per structure and support."""
    return model.cache.by_support("ranked", _ranked_camps, model)


def _ranked_camps(model: PowerStruggleModel) -> list[frozenset[int]]:
    # (-power, lowest index, camp): camps are disjoint, so the sort never compares two camps.
    keyed = sorted([(-power(model, c), min(c), c) for c in camps(model)])
    return [c for _, _, c in keyed]


def ruling_camp(model: PowerStruggleModel) -> frozenset[int]:
    """The leadership: the camp with the most of the Central Committee behind it.

    Daniels' loop ends in the CC, which elects the Politburo and the Secretariat: "the leadership" is
    its majority, not the camp with the widest following. Ties (and a CC not yet elected) go to the
    wider following.
    """
    cc = model.central_committee
    return model.cache.by_support(("ruling", cc.version, model.ruling), _ruling_camp, model)


def _ruling_camp(model: PowerStruggleModel) -> frozenset[int]:
    ranked = ranked_camps(model)
    if model.central_committee.n == 0:
        return ranked[0]
    cc = model.central_committee.support().tolist()
    return max(ranked, key=lambda c: sum(cc[k] for k in c))  # max keeps the first of equals


def camp_position(model: PowerStruggleModel, camp: frozenset[int]) -> float:
    """Support-weighted policy position of a camp."""
    support = model.support_list
    total = sum(support[k] + 1e-6 for k in camp)
    return sum((support[k] + 1e-6) * model.leaders[k].position for k in camp) / total


def perceived_threat(model: PowerStruggleModel, j: int, camp: frozenset[int]) -> float:
    """How much leader j fears a camp: its power, amplified exponentially by ideological distance.

    A strong camp near one's own line is a rival to work with; a camp far away would undo one's
    policy if it won, so distance multiplies the fear (exp(ideology_weight * distance)).
    """
    iw = model.cfg.mechanisms.alliances.ideology_weight
    d = abs(model.leaders[j].position - camp_position(model, camp))
    return power(model, camp) * math.exp(iw * d)


def main_threat(model: PowerStruggleModel, j: int) -> frozenset[int] | None:
    """Leader j's main rival: the strongest camp he is not part of (the seed's "main rival").

    Only a camp with a contender in it is a rival: a leader who sits in the Politburo or has sat there.
    The succession was contested in the Politburo (the Presidium of 1953); Zhukov, outside it until
    1956, was Khrushchev's ally, and his fall came four months after he had become a full member
    (Taubman, Khrushchev, 2003, chs. 11-12). Every leader of January 1924 sat in the Politburo.
    """
    own = camp_of(model, j)
    return next((c for c in ranked_camps(model) if not c & own and _contends(model, c)), None)


def _contends(model: PowerStruggleModel, camp: frozenset[int]) -> bool:
    """Whether a camp holds a contender for the succession: a member who sits or has sat in the Politburo."""
    return any(model.leaders[k].contender for k in camp)


def leadership_target(model: PowerStruggleModel) -> frozenset[int]:
    """Whom the leadership campaigns against.

    A ruling coalition's declared enemy while he lasts, otherwise its head's main rival.
    """
    ruling = model.ruling
    return model.cache.by_support(("target", ruling), _leadership_target, model, ruling)


def _leadership_target(model: PowerStruggleModel, ruling: frozenset[int]) -> frozenset[int]:
    for c in model.coalitions:
        if c.members == ruling and model.leaders[c.against].eligible and c.against not in ruling:
            return camp_of(model, c.against)
    return main_threat(model, head(model, ruling)) or frozenset()


def head(model: PowerStruggleModel, camp: frozenset[int]) -> int:
    """The strongest member of a camp."""
    support = model.support_list
    return max(camp, key=lambda k: (support[k], -k))


def in_opposition(model: PowerStruggleModel, j: int, ruling: frozenset[int]) -> bool:
    """Open opposition: a faction of one's own, or a coalition formed against the leadership."""
    if j in ruling or not model.leaders[j].eligible or model.leaders[j].capitulated:
        return False
    if model.leaders[j].mobilised or model.leaders[j].declared_opposition:
        return True
    camp = camp_of(model, j)
    return len(camp) > 1 and any(c.against in ruling for c in model.coalitions if j in c.members)


def opposition(model: PowerStruggleModel) -> frozenset[int]:
    """Every leader in open opposition to the current leadership (cached per structure and leadership)."""
    ruling = model.ruling
    return model.cache.by_structure(("opposition", ruling), _opposition, model, ruling)


def _opposition(model: PowerStruggleModel, ruling: frozenset[int]) -> frozenset[int]:
    return frozenset(k for k in range(len(model.leaders)) if in_opposition(model, k, ruling))


def ruling_ruthlessness(model: PowerStruggleModel, ruling: frozenset[int]) -> float:
    """The leadership's readiness to escalate: its most ruthless member sets the pace."""
    return max(model.leaders[k].ruthlessness for k in ruling)


def secretariat_holder(model: PowerStruggleModel) -> int | None:
    """Index of the leader holding the General Secretary's post, if any."""
    for j, leader in enumerate(model.leaders):
        if leader.holds_secretariat and leader.eligible:
            return j
    return None
