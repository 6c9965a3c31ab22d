"""Institutions (sim.mechanisms.institutions): sanctions, the charge of factionalism, the CC's election."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from helpers import ROOT, _united_opposition, exact_model, small_model

from sim.mechanisms import institutions, mobilisation
from sim.model.calendar import SessionSlot
from sim.model.core import PowerStruggleModel
from sim.model.leaders import RUNG, Seat


def _expulsion_vote(model: PowerStruggleModel, target: int, joint: bool) -> bool:
    leader = model.leaders[target]
    leader.rung, leader.in_cc, leader.declared_opposition = RUNG["cc_removal"], False, True
    session = SessionSlot(date(1927, 11, 12), "Joint CC-CCC plenum", "cc_plenum", 0, joint=joint)
    for _ in range(50):
        leader.offence_month = model.month  # a renewed offence (sim.mechanisms.defiance)
        leader.faction_act_month = model.month  # an open act: what the Control Commission answers
        institutions._move_sanction(model, session, target)
        leader.last_sanction_month = -999
    return leader.rung >= RUNG["party_expulsion"]


def test_only_an_organised_faction_is_expelled_and_only_by_a_joint_plenum() -> None:
    model = small_model(**{"mechanisms.institutions.proposal_rate": 1.0})
    bukharin = model.leader_index["bukharin"]
    assert not _expulsion_vote(model, bukharin, joint=True)  # a deviation: no faction
    model.leaders[bukharin].mobilised = True
    assert not _expulsion_vote(model, bukharin, joint=False)  # an ordinary plenum cannot expel
    assert _expulsion_vote(model, bukharin, joint=True)  # an organised faction, a joint plenum


JOINT = SessionSlot(date(1926, 7, 14), "Joint CC-CCC plenum", "cc_plenum", 0, joint=True)


def _proposals_against(model: PowerStruggleModel, target: int, tries: int = 300) -> int:
    """How often the leadership proposes the next sanction against `target` in `tries` sessions."""
    leader = model.leaders[target]
    before = len(model.votes)
    for _ in range(tries):
        leader.rung, leader.capitulated = RUNG["post_removal"], False
        leader.pb_seat = Seat.FULL  # the seat a passed motion took is his again for the next try
        leader.last_sanction_month = model.month - 12
        leader.offence_month = model.month  # a renewed offence: only the will decides
        institutions._move_sanction(model, JOINT, target, focus=1.0)
    return len(model.votes) - before


def test_a_bloc_is_charged_as_one_faction_once_a_partner_has_organised_it() -> None:
    model = exact_model(
        3, **{"mechanisms.institutions.proposal_rate": 0.3, "mechanisms.repression.enabled": False}
    )
    stalin, trotsky, zinoviev = _united_opposition(model)
    model.ruling = frozenset({stalin})
    assert not mobilisation.bloc_organised(model, zinoviev)
    unorganised = _proposals_against(model, zinoviev)
    model.leaders[trotsky].mobilised = True  # Trotsky's faction, not one of Zinoviev's own
    assert mobilisation.bloc_organised(model, zinoviev)
    charged = _proposals_against(model, zinoviev)
    assert charged > 1.5 * unorganised > 0


def test_the_congress_elects_a_cc_of_the_right_size_from_the_leaderships_slate() -> None:
    from datetime import date

    from sim.mechanisms.institutions import elect_central_committee
    from sim.model.calendar import SessionSlot

    def leadership_share(slate_bias: float) -> float:
        model = small_model(seed=4, **{"mechanisms.institutions.slate_bias": slate_bias})
        model.step()
        session = SessionSlot(date(1924, 5, 23), "13th Party Congress", "congress", 748, cc_full_members=53)
        shares = []
        for _ in range(20):
            elect_central_committee(model, session)
            assert model.central_committee.n == 53
            shares.append(sum(model.central_committee.support()[k] for k in model.ruling))
        return float(np.mean(shares))

    # The Congress votes on the leadership's list: its people take more seats than the views alone give.
    assert leadership_share(2.0) > leadership_share(0.0) + 0.02


def test_a_leader_without_a_politburo_seat_does_not_lose_one() -> None:
    """`politburo_removal` is a seat lost (docs/contract.md): a leader who never held one skips it."""
    s53 = ROOT / "scenarios" / "succession_1953.toml"
    for seed in (1, 2, 3):
        model = PowerStruggleModel(s53, rng=seed)
        model.run_model()
        seated = {e["actor"] for e in model.events if e["kind"] == "politburo_promotion"}
        removed = {e["actor"] for e in model.events if e["kind"] == "politburo_removal"}
        if "zhukov" not in seated:
            assert "zhukov" not in removed


def test_the_congress_shares_the_cc_seats_among_organisations_by_members(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As the delegates are (7.19): by members, not by the delegates' rounded counts."""
    from sim.model.party import delegations

    model = small_model(seed=4)
    model.step()
    session = SessionSlot(date(1924, 5, 23), "13th Party Congress", "congress", 748, cc_full_members=53)
    shared: list[np.ndarray] = []
    elect = delegations.elect

    def spy(m: PowerStruggleModel, seats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        shared.append(seats.copy())
        return elect(m, seats)

    monkeypatch.setattr(delegations, "elect", spy)
    institutions.elect_central_committee(model, session)
    size = model.central_committee.size_for(53)
    expected = delegations.apportion(size, model.party.members.by_org())
    assert np.array_equal(shared[0], expected)
