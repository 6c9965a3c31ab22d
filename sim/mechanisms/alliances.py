"""Mechanism 6, alliances: coalitions against the strongest rival, dissolved when the threat fades.

Seed: the Troika against Trotsky; Stalin "turned on his former allies"; the bloc with Bukharin.
A leader whose camp lacks a majority seeks a partner who fears the same rival and is close enough
(compromise willingness minus ideological distance minus distrust). A coalition breaks when its
members have drifted apart, or when its common threat is spent and policy divides them (distance times
the salience of the agrarian question, see `policy_pressure`), at the last of a series of quarrels
(`quarrel`); its betrayed partners then distrust the strongest member. It breaks along its fault
line rather than falling apart: the partners divided from its head leave together, and the rest stay
with him against those who left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.mechanisms.information import foresight_discount
from sim.mechanisms.mobilisation import bloc_organised
from sim.model.leaders import RUNG
from sim.model.politics import (
    Coalition,
    camp_of,
    camps_by_leader,
    head,
    in_opposition,
    leadership_target,
    main_threat,
    perceived_threat,
    power,
)

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel


def compatibility(model: PowerStruggleModel, a: int, b: int) -> float:
    """How readily a and b work together: mean compromise willingness less distance and distrust."""
    mech = model.cfg.mechanisms.alliances
    la, lb = model.leaders[a], model.leaders[b]
    distance = abs(la.position - lb.position)
    return (
        (la.compromise_willingness + lb.compromise_willingness) / 2
        - mech.distance_weight * distance
        - model.distrust[a, b]
    )


def compatibility_matrix(model: PowerStruggleModel) -> list[list[float]]:
    """`compatibility(a, b)` for every pair at once (the same arithmetic, as nested lists)."""
    mech = model.cfg.mechanisms.alliances
    cw = np.array([lead.compromise_willingness for lead in model.leaders])
    pos = np.array([lead.position for lead in model.leaders])
    mat = (
        (cw[:, None] + cw[None, :]) / 2
        - mech.distance_weight * np.abs(pos[:, None] - pos[None, :])
        - model.distrust
    )
    return mat.tolist()  # type: ignore[no-any-return]


def camp_compatibility(
    model: PowerStruggleModel,
    members: set[int] | frozenset[int],
    matrix: list[list[float]] | None = None,
) -> float:
    """The weakest pairwise compatibility inside a camp."""
    ms = sorted(members)
    pairs = ((a, b) for i, a in enumerate(ms) for b in ms[i + 1 :])
    if matrix is None:
        return min((compatibility(model, a, b) for a, b in pairs), default=1.0)
    return min((matrix[a][b] for a, b in pairs), default=1.0)


class _Month:
    """What one month's partner search weighs again and again: threats and the compatibility matrix.

    Positions, support and distrust do not change during the search, so these are kept for this
    month's search only (with caching off, `model.cache.enabled` false, they are recomputed on every
    use). Camps, their ranking and the leadership's target come from `sim.model.politics`, cached per state.
    """

    def __init__(self, model: PowerStruggleModel) -> None:
        self.model = model
        self.keep = model.cache.enabled
        self._matrix: list[list[float]] | None = None
        self.threats: dict[tuple[int, frozenset[int]], float] = {}

    @property
    def matrix(self) -> list[list[float]]:
        """The compatibility matrix, built when a first partner is weighed (most months none is)."""
        if self._matrix is None:
            matrix = compatibility_matrix(self.model)
            if not self.keep:
                return matrix
            self._matrix = matrix
        return self._matrix

    def threat(self, m: int, camp: frozenset[int]) -> float:
        """`perceived_threat(m, camp)`, computed once a month."""
        key = (m, camp)
        value = self.threats.get(key)
        if value is None:
            value = perceived_threat(self.model, m, camp)
            if self.keep:
                self.threats[key] = value
        return value


def update(model: PowerStruggleModel) -> None:
    """Dissolve coalitions that lost their reason, then let threatened leaders seek partners."""
    mech = model.cfg.mechanisms.alliances
    model.distrust *= 1.0 - mech.distrust_decay
    if not mech.enabled:
        return
    _dissolve(model)
    month = _Month(model)
    for j in model.streams["alliances"].permutation(len(model.leaders)).tolist():
        _seek_partner(model, j, month)


def _dissolve(model: PowerStruggleModel) -> None:
    mech = model.cfg.mechanisms.alliances
    for c in list(model.coalitions):
        target = model.leaders[c.against]
        threat_power = power(model, camp_of(model, c.against)) if target.eligible else 0.0
        weak_threat = threat_power < mech.threat_min or enemy_spent(model, c.against)
        drifted = camp_compatibility(model, c.members) < mech.threshold
        if not (weak_threat or drifted):
            continue
        # The bloc holds while its enemy is a threat; once he is spent, what is left to divide it is policy.
        pressure = 1.0 if drifted else policy_pressure(model, c.members)
        if not quarrel(model, c, pressure):
            continue
        strongest = head(model, frozenset(c.members))
        leavers = fault_line(model, c.members, strongest)
        for k in leavers:
            model.distrust[strongest, k] += mech.betrayal
            model.distrust[k, strongest] += mech.betrayal
        reason = (
            "their lines have drifted apart" if drifted else "the enemy is spent; policy or rivalry divides"
        )
        model.coalitions.end(c, reason)
        stayers = set(c.members) - leavers
        if len(stayers) >= 2:
            # The head keeps the partners who stand nearer him: the bloc turns on those who broke away.
            rival = head(model, frozenset(leavers))
            model.coalitions.start(stayers, against=rival, detail=f"against {model.leader_names[rival]}")
        if len(leavers) >= 2:
            # Those who broke away together stand together against the head.
            model.coalitions.start(
                set(leavers), against=strongest, detail=f"against {model.leader_names[strongest]}"
            )


def enemy_spent(model: PowerStruggleModel, k: int) -> bool:
    """Whether leader k is spent as the enemy a bloc was formed against.

    Spent: out of the party or arrested (`Leader.eligible`), recanted (a leader who renounced opposition
    is no rival), or stripped of his offices with no organised faction left standing with him
    (`mobilisation.bloc_organised`).
    Record: with Trotsky out of the War Commissariat in January 1925 and keeping discipline, the Troika
    had done its work and came apart over 1925 (Carr; Daniels 1960, ch. 11). The United Opposition
    out of office still fought with a faction (its meetings, its platform, its press, the
    demonstrations of November 1927), and Stalin's bloc with Bukharin, Rykov and Tomsky held until the
    15th Congress had expelled it in December 1927 (Cohen 1973, ch. 8-9; Carr, *Foundations of a
    Planned Economy*, vol. 2).
    """
    target = model.leaders[k]
    if target.capitulated or not target.eligible:
        return True
    return target.rung >= RUNG["post_removal"] and not bloc_organised(model, k)


def quarrel(model: PowerStruggleModel, c: Coalition, pressure: float) -> bool:
    """A bloc whose reason is gone may quarrel this month: True when that quarrel is the one that breaks it.

    A split is made, not declared. Record: the Troika quarrelled over expelling Trotsky (January 1925),
    over socialism in one country and the peasant (the 14th Conference, April 1925) and over the
    Platform of Four (September-October 1925) before the open break at the 14th Congress (Carr,
    *Socialism in One Country*, vol. 2; Daniels 1960, ch. 11); Stalin and the Right over the
    extraordinary measures (January-February 1928), at the April plenum and at the July plenum, where
    the break was made (Cohen 1973, ch. 9). A quarrel comes in a month with chance
    `quarrels x dissolve_rate x strength x pressure` (at most 1) and the bloc breaks at the
    `quarrels`-th: the mean wait is the one-shot monthly hazard's (`quarrels` = 1), its spread smaller,
    as for building a faction (`sim.mechanisms.mobilisation`).
    """
    mech = model.cfg.mechanisms.alliances
    chance = min(1.0, mech.quarrels * mech.dissolve_rate * mech.strength * pressure)
    if model.streams["alliances"].random() >= chance:
        return False
    c.quarrels += 1
    return c.quarrels >= mech.quarrels


def fault_line(model: PowerStruggleModel, members: set[int], top: int) -> set[int]:
    """Who leaves a breaking bloc: the partner most divided from its head, and those nearer him.

    Seed and record: the Troika broke in 1925 when Zinoviev and Kamenev turned on Stalin, but Stalin
    kept Bukharin, Rykov and Tomsky, who beat them at the 14th Congress. A bloc breaks along the line
    that divides it: the partner whose pair with the head is most divided (`policy_pressure` of the
    pair: policy x salience, or his rivalry with the head) leaves, and every other partner goes with
    whichever of the two he is more compatible with (`compatibility`: willingness, line, distrust).
    Two or more who leave stand together against the head: Zinoviev and Kamenev left the Troika as
    one, the New Opposition of 1925 (the Platform of Four in September; the Leningrad delegation and
    Kamenev's speech at the 14th Congress). A two-member bloc simply ends.
    """
    others = sorted(k for k in members if k != top)
    breaker = max(others, key=lambda k: (policy_pressure(model, {top, k}), -k))
    return {
        k for k in others if k == breaker or compatibility(model, k, breaker) > compatibility(model, k, top)
    }


def policy_pressure(model: PowerStruggleModel, members: set[int]) -> float:
    """What divides a bloc without an enemy, in [0, 1]: policy distance weighed by the agrarian question.

    policy_cost x salience x the widest distance between members, over their mean compromise
    willingness, or the partners' rivalry if that is larger. The grain crisis raises the salience
    (and moves the flexible toward its agenda).
    """
    mech = model.cfg.mechanisms.alliances
    leaders = [model.leaders[k] for k in members]
    pos = [lead.position for lead in leaders]
    willing = sum(lead.compromise_willingness for lead in leaders) / len(leaders)
    cost = mech.policy_cost * model.agrarian_salience * (max(pos) - min(pos))
    return min(1.0, max(cost / max(willing, 1e-6), rivalry(model, members)))


def rivalry(model: PowerStruggleModel, members: set[int]) -> float:
    """What else divides a bloc without an enemy: an ambitious partner's fear of its head.

    `rivalry` x the head's share of the bloc's following x the most ruthless junior partner's
    ruthlessness squared (only the ruthless climb: Zinoviev against Stalin in 1925; the Right's
    leaders were not climbers).
    """
    mech = model.cfg.mechanisms.alliances
    support = model.support_list
    total = sum(support[k] for k in members)
    if total <= 0:
        return 0.0
    top = head(model, frozenset(members))
    ambition = max((model.leaders[k].ruthlessness ** 2 for k in members if k != top), default=0.0)
    return mech.rivalry * support[top] / total * ambition


def relies_on_machine(model: PowerStruggleModel, camp: frozenset[int] | set[int]) -> bool:
    """Whether a camp outside the leadership still fights with a machine of its own.

    Record: Zinoviev fought the 14th Congress with Leningrad's organisation and no other ally than
    Kamenev; only after the Congress had condemned his line and Kirov had taken Leningrad (January 1926)
    did he join Trotsky, in April 1926 (Daniels 1960, ch. 11; Carr, Socialism in One Country, vol. 2).
    A camp one of whose members still runs his organisation, his line not yet condemned by a Congress,
    neither seeks nor takes partners outside the leadership.
    """
    bosses = model.party.apparatus.boss_leaders()
    return any(k in bosses and k not in model.condemned for k in camp)


def _exposed(model: PowerStruggleModel, m: int, target: frozenset[int]) -> bool:
    """Whether leader m, outside the leadership, is in its sights: targeted, sanctioned or opposed.

    Only such a man joins a bloc against the leadership; one whom it does not pursue keeps his place by
    keeping with it. Record: Kalinin and Voroshilov, whom Bukharin counted on in 1928, stayed with Stalin
    (Cohen, Bukharin and the Bolshevik Revolution, 1973, ch. 9); Mikoyan and Zhukov stood with Khrushchev
    in June 1957, and the Presidium majority against him formed of men his attacks and his reform of the
    ministries had reached (Taubman, Khrushchev, 2003, ch. 12).
    """
    return m in target or model.leaders[m].rung > 0 or in_opposition(model, m, model.ruling)


def crosses_the_ban(model: PowerStruggleModel, members: frozenset[int] | set[int]) -> bool:
    """Whether a bloc would join a member of the leadership with a man the party has sanctioned.

    The 10th Congress's ban on factions (March 1921) made a leader who combined with a sanctioned
    oppositionist a factionalist himself: no member of the leadership took the condemned Opposition as
    a partner, and Bukharin's secret talk with Kamenev in July 1928 was condemned as a factional act
    when it came out (Cohen, Bukharin and the Bolshevik Revolution, 1973, ch. 9). A man who has recanted
    is in no bloc at all (`sim.mechanisms.capitulation`).
    """
    if not any(k in model.ruling for k in members):
        return False
    return any(k not in model.ruling and model.leaders[k].rung > 0 for k in members)


def _seek_partner(model: PowerStruggleModel, j: int, month: _Month) -> None:
    mech = model.cfg.mechanisms.alliances
    leader = model.leaders[j]
    if not leader.eligible or leader.capitulated:
        return
    camp_of_leader = camps_by_leader(model)
    own = camp_of_leader[j]
    if power(model, own) > 0.5:  # a majority needs no partner
        return
    threat = main_threat(model, j)
    if threat is None or power(model, threat) < mech.threat_min:
        return
    # A leader balances when the leadership targets him, or, inside it, when a rival camp grows.
    if j not in model.ruling and j not in leadership_target(model):
        return
    if j not in model.ruling and relies_on_machine(model, own):
        return
    best, best_score = None, mech.threshold
    target = leadership_target(model)
    against_leadership = bool(threat & model.ruling)
    for m, other in enumerate(model.leaders):
        if m in own or m in threat or not other.eligible or other.capitulated:
            continue
        theirs = camp_of_leader[m]
        if m not in model.ruling and relies_on_machine(model, theirs):
            continue
        if against_leadership and m not in model.ruling and not _exposed(model, m, target):
            continue  # a safe man does not join a bloc against the leadership
        if crosses_the_ban(model, own | theirs):
            continue
        # A partner must fear the common rival more than he fears the suitor.
        if month.threat(m, threat) <= month.threat(m, own):
            continue
        score = camp_compatibility(model, own | theirs, month.matrix)
        if score > best_score:
            best, best_score = m, score
    if best is None:
        return
    p = mech.form_rate * mech.strength * foresight_discount(model, threat)
    if model.streams["alliances"].random() < p:
        members = set(own | camp_of_leader[best])
        model.coalitions.start(members, against=head(model, threat))
