"""The consolidation rule (docs/model.md, "Who won"): each of its five conditions can withhold victory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.model.core import PowerStruggleModel
from sim.model.leaders import Seat
from sim.model.outcome import consolidated_leader, winner_from_history

HISTORICAL = Path(__file__).resolve().parents[1] / "scenarios" / "historical.toml"


def _stalin_supreme() -> tuple[PowerStruggleModel, int, int]:
    """A state where Stalin meets all five conditions: CC, ten client seats, Secretariat, apparatus."""
    model = PowerStruggleModel(HISTORICAL, {"parameter_uncertainty": 0.0}, rng=1)
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")
    stalin, trotsky = model.leader_index["stalin"], model.leader_index["trotsky"]
    model.central_committee.seat(np.full(60, stalin), np.full(60, stalin))
    for sec in model.party.apparatus.secretaries:
        sec.patron = stalin
    shares = np.zeros(len(model.leaders))
    shares[stalin] = 1.0
    model.set_support(shares)
    model.politburo.clients[:] = 0
    model.politburo.clients[stalin] = 10
    model.refresh_support()
    return model, stalin, trotsky


def test_all_five_conditions_met_make_a_winner() -> None:
    model, stalin, _ = _stalin_supreme()
    assert consolidated_leader(model) == stalin


def test_condition_1_a_majority_of_the_central_committee() -> None:
    model, stalin, trotsky = _stalin_supreme()
    model.leaders[trotsky].pb_seat = Seat.NONE  # keep condition 5 out of it
    patron = np.full(60, stalin)
    patron[:30] = trotsky  # exactly half the CC is not a majority
    model.central_committee.seat(patron, patron)
    model.refresh_ruling()
    assert consolidated_leader(model) == -1
    patron[29] = stalin
    model.central_committee.seat(patron, patron)
    model.refresh_ruling()
    assert consolidated_leader(model) == stalin


def test_condition_2_a_majority_of_the_politburos_full_seats() -> None:
    model, stalin, _ = _stalin_supreme()
    model.politburo.clients[stalin] = 0  # his own seat among the seven full members and Lenin's
    assert model.politburo.camp_seats(frozenset({stalin})) * 2 <= model.politburo.full_seats()
    assert consolidated_leader(model) == -1
    for k, leader in enumerate(model.leaders):
        if k != stalin:
            leader.pb_seat = Seat.NONE
    model.politburo.lenin_dies()  # a vacancy counts against him too: 1 seat of 2
    assert consolidated_leader(model) == -1
    model.politburo.vacancies = 0
    model.politburo.lenin_seat = False
    assert consolidated_leader(model) == stalin


def test_condition_3_the_secretariat() -> None:
    model, stalin, trotsky = _stalin_supreme()
    model.leaders[stalin].lose_post("general_secretary")
    model.leaders[trotsky].take_post("general_secretary")
    assert consolidated_leader(model) == -1


def test_condition_4_the_apparatus() -> None:
    model, stalin, trotsky = _stalin_supreme()
    secretaries = model.party.apparatus.secretaries
    for sec in secretaries[: len(secretaries) // 3 + 1]:  # just over a third not his
        sec.patron = trotsky
    assert sum(model.party.apparatus.secretary_shares()[[stalin]]) < model.cfg.consolidation.apparatus_share
    assert consolidated_leader(model) == -1
    secretaries[0].patron = stalin
    assert consolidated_leader(model) == stalin


@pytest.mark.parametrize(("share", "wins"), [(0.05, True), (0.12, False)])
def test_condition_5_no_rival_in_the_politburo_keeps_a_following(share: float, wins: bool) -> None:
    model, stalin, trotsky = _stalin_supreme()
    assert model.leaders[trotsky].pb_seat == Seat.FULL
    shares = np.zeros(len(model.leaders))
    shares[stalin], shares[trotsky] = 1.0 - share, share
    model.set_support(shares)
    assert consolidated_leader(model) == (stalin if wins else -1)
    model.leaders[trotsky].pb_seat = Seat.NONE  # outside the Politburo his following does not count
    assert consolidated_leader(model) == stalin


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ([], (-1, -1)),
        ([2, 2, -1], (-1, -1)),
        ([2, 2, 2], (2, 0)),
        ([-1, 0, 0, 1, 1, 1], (1, 3)),
        ([1, 1, -1, 1, 1], (1, 3)),  # a broken run starts again
    ],
)
def test_winner_from_history_is_the_unbroken_run_to_the_end(
    history: list[int], expected: tuple[int, int]
) -> None:
    assert winner_from_history(history) == expected
