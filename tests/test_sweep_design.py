"""The design: grid order, ranges, LHS/Sobol samples and the seed tree."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.run.seeds import replicate_seed
from sim.sweep.design import build_design, chunk_size_for, chunks, expand_range
from sim.sweep.experiment import RangeSpec, load_experiment

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"


def experiment(
    grid: dict | None = None, sample: dict | None = None, replicates: int = 2, seed: int = 3
) -> dict:
    data: dict = {"experiment": {"scenario": str(HISTORICAL), "replicates": replicates, "seed": seed}}
    if grid:
        data["grid"] = grid
    if sample:
        data["sample"] = sample
    return data


def test_grid_is_crossed_first_parameter_slowest() -> None:
    design = build_design(
        load_experiment(
            experiment(
                grid={
                    "leaders.stalin.appointment_control": [0.2, 0.5],
                    "leaders.trotsky.charisma": {"start": 0.5, "stop": 0.9, "steps": 3},
                }
            )
        )
    )
    got = [
        (p.values["leaders.stalin.appointment_control"], p.values["leaders.trotsky.charisma"])
        for p in design.points
    ]
    assert got == [(0.2, 0.5), (0.2, 0.7), (0.2, 0.9), (0.5, 0.5), (0.5, 0.7), (0.5, 0.9)]
    assert [p.point_id for p in design.points] == list(range(6))
    assert design.n_runs == 12


def test_range_values_are_clean_and_integers_stay_integers() -> None:
    assert expand_range(RangeSpec(start=0.1, stop=0.9, steps=9)) == [
        0.1,
        0.2,
        0.3,
        0.4,
        0.5,
        0.6,
        0.7,
        0.8,
        0.9,
    ]
    assert expand_range(RangeSpec(start=100, stop=400, steps=4)) == [100, 200, 300, 400]
    assert all(isinstance(v, int) for v in expand_range(RangeSpec(start=100, stop=400, steps=4)))
    assert expand_range(RangeSpec(start=0.3, stop=0.8, steps=1)) == [0.3]


def test_latin_hypercube_puts_one_point_in_each_stratum() -> None:
    n = 16
    bounds = {"leaders.stalin.appointment_control": [0.2, 1.0], "leaders.trotsky.charisma": [0.5, 1.0]}
    design = build_design(
        load_experiment(experiment(sample={"method": "lhs", "points": n, "bounds": bounds}))
    )
    assert len(design.points) == n
    for path, (low, high) in bounds.items():
        values = np.array([p.values[path] for p in design.points])
        assert ((values >= low) & (values <= high)).all()
        strata = np.floor((values - low) / (high - low) * n).astype(int)
        assert sorted(strata) == list(range(n)), path


def test_sample_is_reproducible_from_the_master_seed_and_changes_with_it() -> None:
    spec = {"method": "sobol", "points": 8, "bounds": {"leaders.trotsky.charisma": [0.5, 1.0]}}
    a, b, c = (build_design(load_experiment(experiment(sample=spec, seed=s))) for s in (1, 1, 2))
    assert [p.values for p in a.points] == [p.values for p in b.points]
    assert [p.values for p in a.points] != [p.values for p in c.points]


def test_integer_bounds_give_integers_within_bounds() -> None:
    design = build_design(
        load_experiment(
            experiment(sample={"method": "lhs", "points": 10, "bounds": {"party.candidate_months": [10, 19]}})
        )
    )
    values = sorted(p.values["party.candidate_months"] for p in design.points)
    assert values == list(range(10, 20))


def test_grid_crossed_with_sample() -> None:
    design = build_design(
        load_experiment(
            experiment(
                grid={"mechanisms.propaganda.enabled": [True, False]},
                sample={"method": "lhs", "points": 4, "bounds": {"leaders.trotsky.charisma": [0.5, 1.0]}},
            )
        )
    )
    assert len(design.points) == 8
    assert design.columns == ["mechanisms.propaganda.enabled", "leaders.trotsky.charisma"]
    first = [p.values["leaders.trotsky.charisma"] for p in design.points[:4]]
    assert first == [p.values["leaders.trotsky.charisma"] for p in design.points[4:]]


def test_seeds_are_a_deterministic_tree_distinct_per_replicate_shared_by_points() -> None:
    seeds = {r: replicate_seed(11, r) for r in range(2000)}
    assert len(set(seeds.values())) == len(seeds)
    assert all(0 <= s < 2**63 for s in seeds.values())
    assert replicate_seed(11, 4) == seeds[4] and replicate_seed(12, 4) != seeds[4]
    grid = {"party.scale": [0.02, 0.03]}
    design = build_design(load_experiment(experiment(grid=grid, seed=11), replicates=3))
    runs = [design.run(r) for r in range(design.n_runs)]
    assert [seed for _, _, seed in runs] == [seeds[r] for r in range(3)] * 2  # common random numbers


def test_more_replicates_keep_the_first_ones_seeds() -> None:
    base = experiment(grid={"party.scale": [0.02, 0.03]})
    small = build_design(load_experiment(base, replicates=2))
    large = build_design(load_experiment(base, replicates=5))
    for point in range(2):
        for rep in range(2):
            assert small.run(point * 2 + rep) == large.run(point * 5 + rep)


def test_fingerprint_follows_what_decides_results() -> None:
    base = experiment(grid={"party.scale": [0.02, 0.03]})
    assert (
        build_design(load_experiment(base)).fingerprint() == build_design(load_experiment(base)).fingerprint()
    )
    assert (
        build_design(load_experiment(base)).fingerprint()
        != build_design(load_experiment(base, replicates=3)).fingerprint()
    )


@pytest.mark.parametrize(("n", "size"), [(1, 1), (7, 3), (100, 7), (1001, 1000)])
def test_chunks_cover_every_run_once(n: int, size: int) -> None:
    plan = chunks(n, size)
    assert [r for c in plan for r in c] == list(range(n))
    assert all(len(c) <= size for c in plan)


def test_chunk_size_balances_workers_and_caps_memory() -> None:
    assert chunk_size_for(10, 2) == 1
    assert chunk_size_for(960, 2) == 40
    assert chunk_size_for(10**6, 2) == 200
