"""Leaders: declared state only, seats as an Enum, the sanctions ladder takes offices with it."""

from __future__ import annotations

import typing
from pathlib import Path

import mesa

from sim.model.core import PowerStruggleModel
from sim.model.leaders import Leader, Seat

ROOT = Path(__file__).resolve().parents[1]


def _declared() -> set[str]:
    names = set(typing.get_type_hints(Leader, include_extras=False))
    agent = mesa.Agent.__new__(mesa.Agent)  # what Mesa's own __init__ sets
    return names | {"model", "unique_id", "pos"} | set(vars(agent))


def test_leaders_hold_only_declared_attributes_after_whole_runs() -> None:
    declared = _declared()
    for scenario in ("historical", "testament_published", "trotsky_mobilises_1924"):
        model = PowerStruggleModel(ROOT / "scenarios" / f"{scenario}.toml", {"party.scale": 0.05}, rng=3)
        model.run_model()
        for leader in model.leaders:
            undeclared = set(vars(leader)) - declared
            assert not undeclared, f"{leader.name} has undeclared attributes {sorted(undeclared)}"


def test_seats_are_an_enum_and_expulsion_from_the_politburo_empties_the_seat() -> None:
    model = PowerStruggleModel(ROOT / "scenarios" / "historical.toml", {"party.scale": 0.02}, rng=1)
    trotsky = model.leaders[model.leader_index["trotsky"]]
    assert trotsky.pb_seat is Seat.FULL and trotsky.in_politburo
    trotsky.apply_sanction("politburo_removal", 3)
    assert trotsky.pb_seat is Seat.NONE and not trotsky.in_politburo and not trotsky.posts


def test_a_trait_set_at_a_bound_keeps_it_and_shifts_no_later_draw() -> None:
    """Common random numbers: Stalin's appointment control at 0 must not change Trotsky's draws."""
    historical = ROOT / "scenarios" / "historical.toml"
    for seed in (0, 1, 2):
        base = PowerStruggleModel(historical, rng=seed)
        switched = PowerStruggleModel(historical, {"leaders.stalin.appointment_control": 0.0}, rng=seed)
        stalin = switched.leaders[switched.leader_index["stalin"]]
        assert stalin.appointment_control == 0.0  # a switch, not jittered
        for a, b in zip(base.leaders, switched.leaders, strict=True):
            traits = ("charisma", "mobilisation", "vulnerability")
            if a.name != "stalin":
                assert [getattr(a, t) for t in traits] == [getattr(b, t) for t in traits]
        assert base.rng.random() == switched.rng.random()  # the stream goes on in step
