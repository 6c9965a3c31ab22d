"""The benchmark scripts still run against the model as it is (a removed scenario key broke one).

These tests time nothing: they check that each script starts, that the experiments it writes load,
and that the inline model loops it times run one replay.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from sim.sweep.design import build_design, validate_experiment
from sim.sweep.experiment import load_experiment

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = sorted((ROOT / "benchmarks").glob("bench_*.py"))


def _module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda p: p.stem)
def test_every_benchmark_starts(script: Path) -> None:
    r = subprocess.run([sys.executable, str(script), "--help"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "usage" in r.stdout


def test_the_sweep_benchmarks_experiment_loads(tmp_path: Path) -> None:
    bench = _module(ROOT / "benchmarks" / "bench_sweep.py")
    path = bench.write_experiment(tmp_path, 20)
    validate_experiment(path)
    design = build_design(load_experiment(path))
    assert design.n_runs == 20 and len(design.points) == 10


@pytest.mark.parametrize("loop", ["_RAW", "_BARE_LOOP"])
def test_the_sweep_benchmarks_model_loops_run(loop: str) -> None:
    bench = _module(ROOT / "benchmarks" / "bench_sweep.py")
    last_argument = "1" if loop == "_RAW" else "0"  # one replay, or a loop timed for 0 s
    r = subprocess.run(
        [sys.executable, "-c", getattr(bench, loop), str(bench.HISTORICAL), last_argument],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert float(r.stdout.split()[-1]) >= 0
