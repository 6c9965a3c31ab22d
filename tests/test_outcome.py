"""The consolidation rule (docs/model.md, "Who won"): each of its four conditions can withhold victory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.leaders import Seat
from sim.model import PowerStruggleModel
from sim.outcome import consolidated_leader, winner_from_history

HISTORICAL = Path(__file__).resolve().parents[1] / "scenarios" / "historical.toml"


def _stalin_supreme() -> tuple[PowerStruggleModel, int, int]:
    """A state where Stalin meets all four conditions: every delegate and CC member, ten client seats."""
    model = PowerStruggleModel(HISTORICAL, {"delegates": 300, "parameter_uncertainty": 0.0}, rng=1)
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")
    stalin, trotsky = model.leader_index["stalin"], model.leader_index["trotsky"]
    model.pool.set_allegiance(slice(None), stalin)
    model.politburo.clients[:] = 0
    model.politburo.clients[stalin] = 10
    model.refresh_support()
    return model, stalin, trotsky


def _move(model: PowerStruggleModel, rows: np.ndarray, to: int) -> None:
    model.pool.set_allegiance(rows, to)
    model.refresh_support()


def test_all_four_conditions_met_makes_a_winner() -> None:
    model, stalin, _ = _stalin_supreme()
    assert consolidated_leader(model) == stalin


def test_condition_1_two_thirds_of_delegates() -> None:
    model, stalin, trotsky = _stalin_supreme()
    model.leaders[trotsky].pb_seat = Seat.NONE  # keep condition 4 out of it
    outside_cc = np.flatnonzero(~model.pool.in_cc)
    _move(model, outside_cc[: int(0.30 * model.pool.n)], trotsky)  # 70% left: still enough
    assert consolidated_leader(model) == stalin
    _move(model, outside_cc[: int(0.36 * model.pool.n)], trotsky)  # 64% left: short of two thirds
    assert model.support[stalin] < model.cfg.consolidation.delegate_share
    assert consolidated_leader(model) == -1


def test_condition_2_a_majority_of_the_central_committee() -> None:
    model, stalin, trotsky = _stalin_supreme()
    model.leaders[trotsky].pb_seat = Seat.NONE
    cc = np.flatnonzero(model.pool.in_cc)
    _move(model, cc[: cc.size // 2], trotsky)  # exactly half the CC is not a majority
    assert model.support[stalin] >= model.cfg.consolidation.delegate_share
    assert consolidated_leader(model) == -1
    _move(model, cc[: cc.size // 2], stalin)
    _move(model, cc[: cc.size // 2 - 1], trotsky)
    assert consolidated_leader(model) == stalin


def test_condition_3_a_majority_of_the_politburos_full_seats() -> None:
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


@pytest.mark.parametrize(("share", "wins"), [(0.05, True), (0.12, False)])
def test_condition_4_no_rival_in_the_politburo_keeps_a_following(share: float, wins: bool) -> None:
    model, stalin, trotsky = _stalin_supreme()
    assert model.leaders[trotsky].pb_seat == Seat.FULL
    outside_cc = np.flatnonzero(~model.pool.in_cc)
    _move(model, outside_cc[: int(share * model.pool.n)], trotsky)
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
