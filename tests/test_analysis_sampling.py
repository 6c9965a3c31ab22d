"""The sweep's hooks for the analyses: SALib's designs in [sample], and common random numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.errors import InputError
from sim.sweep.design import build_design
from sim.sweep.experiment import parse_experiment

ROOT = Path(__file__).resolve().parents[1]
BOUNDS = {"leaders.stalin.appointment_control": [0.2, 1.0], "leaders.trotsky.charisma": [0.3, 1.0]}


def spec(sample: dict[str, Any]) -> dict[str, Any]:
    return {
        "experiment": {
            "scenario": str(ROOT / "scenarios" / "historical.toml"),
            "replicates": 2,
            "seed": 5,
        },
        "sample": {"bounds": BOUNDS, **sample},
    }


def test_morris_design_has_trajectories_in_salib_order() -> None:
    from SALib.sample import morris

    from sim.analysis.sampling import design_seed, problem

    design = build_design(parse_experiment(spec({"method": "morris", "points": 5})))
    assert len(design.points) == 5 * 3
    expected = morris.sample(problem(BOUNDS), 5, num_levels=4, seed=design_seed(5))
    got = np.array([[p.values[k] for k in BOUNDS] for p in design.points])
    assert got == pytest.approx(expected)
    # one parameter moves at a time along a trajectory
    assert all(
        (np.abs(np.diff(got[t * 3 : (t + 1) * 3], axis=0)) > 0).sum(axis=1).tolist() == [1, 1]
        for t in range(5)
    )


def test_saltelli_design_sizes() -> None:
    first = build_design(parse_experiment(spec({"method": "sobol_saltelli", "points": 8})))
    second = build_design(
        parse_experiment(spec({"method": "sobol_saltelli", "points": 8, "second_order": True}))
    )
    assert (len(first.points), len(second.points)) == (8 * 4, 8 * 6)
    again = build_design(parse_experiment(spec({"method": "sobol_saltelli", "points": 8})))
    assert [p.values for p in again.points] == [p.values for p in first.points]  # seeded from the master seed


def test_points_share_replicate_seeds() -> None:
    design = build_design(parse_experiment(spec({"method": "lhs", "points": 3})))
    assert {design.run(r)[2] for r in (0, 2, 4)} == {design.run(0)[2]}  # replicate 0 of points 0, 1, 2
    assert design.run(0)[2] != design.run(1)[2]  # replicates still differ


def test_bad_salib_samples() -> None:
    with pytest.raises(InputError, match="power of two"):
        parse_experiment(spec({"method": "sobol_saltelli", "points": 12}))
    with pytest.raises(InputError, match="sample.method"):
        parse_experiment(spec({"method": "fast", "points": 8}))
    with pytest.raises(InputError, match="sample.levels"):
        parse_experiment(spec({"method": "morris", "points": 8, "levels": 1}))
