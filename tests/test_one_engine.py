"""run, compare and sweep are one engine on one seed tree: same master seed, same replicates, anywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

import sim
from sim.run.seeds import replicate_seeds

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"
TESTAMENT = ROOT / "scenarios" / "testament_published.toml"
SMALL = {"party.scale": 0.02}


def test_run_is_the_same_on_every_backend_and_worker_count() -> None:
    runs = {
        (backend, workers): sim.run_scenario(
            HISTORICAL, replicates=4, seed=7, overrides=SMALL, workers=workers, backend=backend
        )
        for backend, workers in (("serial", 1), ("local", 2), ("dask", 2))
    }
    reference = runs[("serial", 1)]
    assert list(reference.summary["seed"]) == replicate_seeds(7, 4)
    for (backend, workers), res in runs.items():
        assert res.manifest["backend"] == backend and res.manifest["workers"] == workers
        for table in ("summary", "events", "votes", "timeseries"):
            expected = getattr(reference, table)
            pd.testing.assert_frame_equal(getattr(res, table), expected, obj=f"{backend} {table}")


def test_compare_runs_each_scenario_on_the_replicates_run_gives_it() -> None:
    cmp = sim.compare_scenarios([HISTORICAL, TESTAMENT], replicates=3, seed=5, overrides=SMALL, workers=2)
    for path, name in ((HISTORICAL, "historical"), (TESTAMENT, "testament_published")):
        alone = sim.run_scenario(path, replicates=3, seed=5, overrides=SMALL)
        pd.testing.assert_frame_equal(cmp.results[name].summary, alone.summary)
    manifest = cmp.manifest
    assert manifest["backend"] == "local" and manifest["workers"] == 2
    assert set(manifest["scenario_sha256"]) == {"historical", "testament_published"}


def test_a_one_point_sweep_gives_the_replicates_of_run(tmp_path: Path) -> None:
    res = sim.run_scenario(HISTORICAL, replicates=4, seed=7, overrides=SMALL)
    experiment = {
        "experiment": {"scenario": str(HISTORICAL), "replicates": 4, "seed": 7},
        "fixed": SMALL,
    }
    runs = sim.sweep(experiment, backend="serial", out=tmp_path / "sweep").sort_values("replicate")
    assert list(runs["seed"]) == list(res.summary["seed"])
    assert list(runs["winner"]) == list(res.summary["winner"])
    manifest = json.loads((tmp_path / "sweep" / "manifest.json").read_text())
    assert manifest["backend"] == "serial" and manifest["workers"] == 1
    assert set(manifest["scenario_sha256"]) == {"historical"} and "command" in manifest


def test_a_replay_without_monthly_records_has_the_same_outcome() -> None:
    """A sweep of summaries skips the leader-month records; nothing the replay decides may change."""
    from sim.run.runner import simulate
    from sim.scenario import load_scenario

    historical = Path(__file__).resolve().parents[1] / "scenarios" / "historical.toml"
    scenario = load_scenario(historical, {"party.scale": 0.05})
    for seed in replicate_seeds(5, 4):
        full = simulate(scenario, seed, timeseries=True)
        lean = simulate(scenario, seed, timeseries=False)
        assert full.timeseries and not lean.timeseries
        assert (lean.summary, lean.events, lean.votes) == (full.summary, full.events, full.votes)


def test_the_readme_s_sim_sweep_works_after_a_bare_import_sim() -> None:
    """`import sim` then `sim.sweep(...)`, as the README shows, in a fresh interpreter (no earlier import)."""
    import subprocess
    import sys

    code = "import sim; print(callable(sim.sweep), sim.sweep.sweep is sim.run_sweep)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["True", "True"]
