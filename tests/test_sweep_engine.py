"""Sweeps end to end with the real model: identical on every backend, failures recorded, outputs kept."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.errors import InputError
from sim.sweep import sweep
from sim.sweep.engine import run_sweep

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"
TIMING = ["elapsed"]


def small(replicates: int = 3, outputs: tuple[str, ...] = ("summary",)) -> dict[str, Any]:
    """Build a 2 x 2 grid on a small party: small for tests, big enough to cross chunk boundaries."""
    return {
        "experiment": {
            "scenario": str(HISTORICAL),
            "replicates": replicates,
            "seed": 42,
            "outputs": list(outputs),
        },
        "fixed": {"party.scale": 0.02},
        "grid": {"leaders.stalin.appointment_control": [0.3, 0.9], "leaders.trotsky.charisma": [0.5, 0.95]},
    }


def flaky(scenario: Any, seed: int, replicate: int) -> Any:
    """Fail on replicate 1 of every point, to test that failures do not stop a sweep."""
    from sim.run.runner import simulate

    if replicate == 1:
        raise ValueError(f"boom at seed {seed}")
    return simulate(scenario, seed, replicate)


def dies_once(scenario: Any, seed: int, replicate: int) -> Any:
    """Kill the worker process the first time point 0's replicate 0 runs, as a lost Dask worker."""
    from sim.run.runner import simulate

    flag = Path(os.environ["SWEEP_TEST_FLAG"])
    if replicate == 0 and not flag.exists():
        flag.write_text("died")
        os._exit(1)
    return simulate(scenario, seed, replicate)


def read(out: Path) -> pd.DataFrame:
    return (
        pd.read_parquet(out / "runs.parquet")
        .drop(columns=TIMING)
        .sort_values("run_id")
        .reset_index(drop=True)
    )


def test_identical_results_on_serial_local_and_dask(tmp_path: Path) -> None:
    tables = {}
    for backend in ("serial", "local", "dask"):
        report = run_sweep(
            small(), tmp_path / backend, backend=backend, workers=2, chunk_size=2, progress="off"
        )
        assert (report.status, report.completed, report.failed) == ("complete", 12, 0)
        tables[backend] = read(tmp_path / backend)
    ref = tables["serial"]
    assert len(ref) == 12 and ref["seed"].nunique() == 3  # points share replicate seeds
    assert (ref.groupby("replicate")["seed"].nunique() == 1).all()
    assert list(ref[["point_id", "replicate"]].itertuples(index=False, name=None)) == [
        (p, r) for p in range(4) for r in range(3)
    ]
    assert ref.groupby("point_id")["leaders.trotsky.charisma"].first().tolist() == [0.5, 0.95, 0.5, 0.95]
    assert set(ref["winner"]) <= {
        "stalin",
        "trotsky",
        "zinoviev",
        "kamenev",
        "bukharin",
        "rykov",
        "tomsky",
        "none",
    }
    for backend in ("local", "dask"):
        pd.testing.assert_frame_equal(tables[backend], ref, obj=backend)


def test_a_run_that_raises_is_recorded_and_the_sweep_goes_on(tmp_path: Path) -> None:
    report = run_sweep(
        small(),
        tmp_path / "out",
        backend="local",
        workers=2,
        chunk_size=5,
        progress="off",
        run_function="test_sweep_engine:flaky",
    )
    assert (report.completed, report.failed, report.status) == (8, 4, "complete")
    failures = pd.read_csv(tmp_path / "out" / "failures.csv")
    assert list(failures.columns) == ["run_id", "point_id", "replicate", "seed", "error"]
    assert failures["replicate"].tolist() == [1, 1, 1, 1]
    assert failures["error"].str.startswith("ValueError: boom at seed").all()
    assert len(read(tmp_path / "out")) == 8
    points = pd.read_csv(tmp_path / "out" / "points.csv")
    assert points["runs"].tolist() == [2, 2, 2, 2] and points["failed"].tolist() == [1, 1, 1, 1]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["counts"] == {"planned": 12, "completed": 8, "failed": 4, "missing": 0}


def test_a_lost_dask_worker_loses_no_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWEEP_TEST_FLAG", str(tmp_path / "flag"))
    report = run_sweep(
        small(2),
        tmp_path / "out",
        backend="dask",
        workers=2,
        chunk_size=2,
        progress="off",
        run_function="test_sweep_engine:dies_once",
    )
    assert (tmp_path / "flag").read_text() == "died"
    assert (report.status, report.completed, report.failed) == ("complete", 8, 0)
    assert sorted(read(tmp_path / "out")["run_id"]) == list(range(8))


def test_detail_tables_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_sweep(
        small(2, ("summary", "events", "timeseries")), out, backend="serial", chunk_size=3, progress="off"
    )
    runs = read(out)
    events = pd.read_parquet(out / "events.parquet")
    series = pd.read_parquet(out / "timeseries.parquet")
    assert not (out / "votes.parquet").exists()
    assert set(events["run_id"]) == set(runs["run_id"]) and {"date", "kind", "actor"} <= set(events.columns)
    assert set(series["run_id"]) == set(runs["run_id"]) and "support" in series.columns
    consolidated = runs.dropna(subset=["consolidation_date"])
    kinds = events[events["kind"] == "consolidation"].set_index("run_id")["date"]
    for row in consolidated.itertuples():
        assert kinds[row.run_id] == row.consolidation_date
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "sweep" and manifest["status"] == "complete"
    assert manifest["counts"] == {"planned": 8, "completed": 8, "failed": 0, "missing": 0}
    assert manifest["design"]["columns"] == ["leaders.stalin.appointment_control", "leaders.trotsky.charisma"]
    assert {"mesa", "python", "dask", "powerstruggle"} <= set(manifest["versions"])
    assert manifest["timings"]["started"] and manifest["timings"]["finished"]


def test_python_api_returns_the_runs_table(tmp_path: Path) -> None:
    frame = sweep(small(2), backend="serial")
    assert len(frame) == 8 and {"run_id", "point_id", "replicate", "seed", "winner"} <= set(frame.columns)
    assert len(frame.attrs["points"]) == 4 and frame.attrs["failures"] == []
    again = sweep(small(2), backend="local", workers=2, out=tmp_path / "kept")
    pd.testing.assert_frame_equal(frame.drop(columns=TIMING), again.drop(columns=TIMING))
    assert (tmp_path / "kept" / "points.csv").exists()


def test_bad_backend_and_unreachable_scheduler_fail_before_writing(tmp_path: Path) -> None:
    with pytest.raises(
        InputError, match="--backend gpu: unknown backend: expected one of local, dask, serial"
    ):
        run_sweep(small(), tmp_path / "a", backend="gpu")
    with pytest.raises(InputError, match="--scheduler tcp://127.0.0.1:9: cannot connect"):
        run_sweep(small(), tmp_path / "b", backend="dask", scheduler="tcp://127.0.0.1:9")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def dies_always(scenario: Any, seed: int, replicate: int) -> Any:
    """Kill the worker process at every run: the local pool breaks and no chunk comes back."""
    os._exit(1)


def test_the_python_api_raises_when_runs_are_lost_rather_than_return_a_short_table(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"12 of 12 run\(s\) not done .*resume=True"):
        sweep(
            small(),
            backend="local",
            workers=2,
            out=tmp_path / "out",
            run_function="test_sweep_engine:dies_always",
        )
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["counts"]["missing"] == 12  # kept and resumable, as the message says


def test_a_pool_started_while_a_worker_imports_the_script_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A script without `if __name__ == "__main__":` ran its whole body again in every local worker."""
    import multiprocessing

    from sim.sweep.backends import LocalBackend

    monkeypatch.setattr(multiprocessing.current_process(), "_inheriting", True, raising=False)
    with pytest.raises(RuntimeError, match="__name__"), LocalBackend(2):
        pass
