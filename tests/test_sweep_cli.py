"""`powerstruggle sweep` through the real CLI: exit codes, refusal to overwrite, SIGKILL then --resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.sweep.engine import run_sweep

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"


def cli(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli.commands", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def experiment(tmp_path: Path, replicates: int = 3, extra: str = "") -> Path:
    path = tmp_path / "exp.toml"
    path.write_text(
        f'[experiment]\nscenario = "{HISTORICAL}"\nreplicates = {replicates}\nseed = 5\n{extra}'
        '[fixed]\n"party.scale" = 0.02\n'
        '[grid]\n"leaders.stalin.appointment_control" = [0.3, 0.9]\n'
        '"leaders.trotsky.charisma" = [0.5, 0.95]\n',
        encoding="utf-8",
    )
    return path


def runs(out: Path) -> pd.DataFrame:
    table = pd.read_parquet(out / "runs.parquet").drop(columns=["elapsed"])
    return table.sort_values(["point_id", "replicate"]).reset_index(drop=True)


def test_sweep_writes_results_and_plain_progress_lines(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = cli("sweep", experiment(tmp_path), "--backend", "serial", "--replicates", "2", "--out", out, "--plot")
    assert r.returncode == 0, r.stderr
    figures = [Path(line) for line in r.stdout.splitlines()]
    assert figures and all(f.is_file() and f.stat().st_size > 0 for f in figures)
    assert "sweep: 8/8 runs (100.0%)" in r.stderr and "runs/s" in r.stderr and "\r" not in r.stderr
    assert len(runs(out)) == 8
    points = pd.read_csv(out / "points.csv")
    assert len(points) == 4 and points["runs"].eq(2).all()
    assert (
        (
            points["p_stalin"]
            + points["p_none"]
            + points.filter(regex=r"^p_(?!stalin|none)[a-z]+$").sum(axis=1)
        )
        .round(6)
        .eq(1)
        .all()
    )
    assert json.loads((out / "manifest.json").read_text())["design"]["replicates"] == 2


def test_used_directory_is_refused_and_left_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    r = cli("sweep", experiment(tmp_path), "--backend", "serial", "--out", out)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"error: --out {out}: directory exists and is not empty: expected a new directory, "
        "--resume to continue the sweep in it, or --force to replace it"
    ]
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_force_replaces_a_sweep_but_not_a_run_directory(tmp_path: Path) -> None:
    """Every command writes a manifest.json: it is no sign that a directory is a sweep's."""
    run_dir = tmp_path / "run"
    r = cli("run", HISTORICAL, "--replicates", "1", "--set", "party.scale=0.02", "--out", run_dir, "--quiet")
    assert r.returncode == 0, r.stderr
    before = sorted(p.name for p in run_dir.iterdir())
    r = cli("sweep", experiment(tmp_path, replicates=1), "--backend", "serial", "--out", run_dir, "--force")
    assert r.returncode == 2
    assert "directory holds other files" in r.stderr and "Traceback" not in r.stderr
    assert sorted(p.name for p in run_dir.iterdir()) == before
    sweep_dir = tmp_path / "sweep"
    exp = experiment(tmp_path, replicates=1)
    for _ in range(2):  # the second time over the first sweep, which --force replaces
        r = cli("sweep", exp, "--backend", "serial", "--out", sweep_dir, "--force")
        assert r.returncode == 0, r.stderr
    assert (sweep_dir / "runs.parquet").exists()


@pytest.mark.parametrize(
    ("extra_args", "toml_extra", "expected"),
    [
        (["--backend", "gpu"], "", "--backend: invalid choice: 'gpu'"),
        (
            ["--backend", "dask", "--scheduler", "tcp://127.0.0.1:9"],
            "",
            "error: --scheduler tcp://127.0.0.1:9",
        ),
        ([], 'outputs = ["summary", "pictures"]\n', "experiment.outputs"),
        (["--replicates", "0"], "", "--replicates"),
        (["--set", "party.scale"], "", "error: --set party.scale: expected dotted.path=value"),
        (
            ["--set", "leaders.stalin.appointment_control=0.5"],
            "",
            "error: --set leaders.stalin.appointment_control: varied by the experiment's [grid]",
        ),
        (["--set", "leaders.stalin.charm=0.5"], "", ": --set leaders.stalin.charm: unknown parameter path"),
        (["--set", "party.scale=-1"], "", ": --set party.scale: value -1 rejected by scenario 'historical'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path, extra_args: list[str], toml_extra: str, expected: str
) -> None:
    out = tmp_path / "out"
    r = cli("sweep", experiment(tmp_path, extra=toml_extra), *extra_args, "--out", out)
    assert r.returncode == 2, r.stderr
    assert expected in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()


def test_sigkill_midway_then_resume_equals_an_uninterrupted_sweep(tmp_path: Path) -> None:
    exp = experiment(tmp_path, replicates=10)
    out = tmp_path / "cut"
    args = [
        sys.executable,
        "-m",
        "sim.cli.commands",
        "sweep",
        str(exp),
        "--workers",
        "2",
        "--chunk-size",
        "2",
        "--out",
        str(out),
    ]
    proc = subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    done = out / ".sweep" / "done"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if done.is_dir() and len(list(done.glob("chunk-*.json"))) >= 3:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the sweep finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    # Count commit markers only: a kill can leave a marker's temporary file beside them.
    committed = len(list(done.glob("chunk-*.json")))
    assert 3 <= committed < 20
    partial = pd.read_parquet(out / "runs.parquet")  # readable: nothing half-written is visible
    # A chunk killed between its runs part and its marker is whole but not yet committed: resume redoes it.
    assert len(partial) in (2 * committed, 2 * committed + 2)

    refused = cli("sweep", exp, "--workers", "2", "--out", out)
    assert refused.returncode == 2 and "--resume" in refused.stderr
    resumed = cli("sweep", exp, "--workers", "2", "--out", out, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming: sweep: {2 * committed}/40 runs" in resumed.stderr

    run_sweep(exp, tmp_path / "full", backend="serial", progress="off")
    pd.testing.assert_frame_equal(runs(out), runs(tmp_path / "full"))
    assert (out / "points.csv").read_text() == (tmp_path / "full" / "points.csv").read_text()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["completed"] == 40 and len(manifest["timings"]["sessions"]) == 2


def test_ctrl_c_keeps_committed_chunks_and_exits_130(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [sys.executable, "-m", "sim.cli.commands", "sweep", str(experiment(tmp_path, replicates=10))]
    proc = subprocess.Popen(
        [*args, "--workers", "2", "--chunk-size", "2", "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # A foreground job: SIGINT not ignored, even when the tests run as a background job (where the
        # shell ignores it, and a child would inherit that).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    done = out / ".sweep" / "done"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not any(done.glob("chunk-*.json")):
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends to the foreground process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert f"interrupted: committed chunks are saved in {out}; continue with --resume" in err
    assert "Traceback" not in err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and 0 < manifest["counts"]["completed"] < 40
    assert len(pd.read_parquet(out / "runs.parquet")) == manifest["counts"]["completed"]


def test_validate_accepts_experiment_files(tmp_path: Path) -> None:
    good = cli("validate", experiment(tmp_path))
    assert good.returncode == 0 and good.stdout.startswith("ok ")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        f'[experiment]\nscenario = "{HISTORICAL}"\nreplicates = 1\nseed = 1\n'
        '[grid]\n"leaders.stalin.charm" = [1]\n'
    )
    r = cli("validate", bad)
    assert r.returncode == 2 and "grid.leaders.stalin.charm: unknown parameter path" in r.stderr


def test_sweep_is_callable_from_the_package_as_the_api_promises(tmp_path: Path) -> None:
    import sim
    import sim.sweep

    exp = experiment(tmp_path, replicates=1)
    table = sim.sweep(exp, backend="serial", out=tmp_path / "a", progress=False)
    again = sim.run_sweep(exp, backend="serial", out=tmp_path / "b", progress=False)
    assert len(table) == len(again) > 0
    pd.testing.assert_frame_equal(
        table.drop(columns=["elapsed"]).reset_index(drop=True),
        again.drop(columns=["elapsed"]).reset_index(drop=True),
    )


def test_no_leaked_semaphore_warnings(tmp_path: Path) -> None:
    """The pool's semaphores are released before the quick exit (it used to warn in about half the runs)."""
    exp = experiment(tmp_path, replicates=1)
    for attempt in range(4):
        r = cli("sweep", exp, "--workers", "2", "--progress", "off", "--out", tmp_path / f"o{attempt}")
        assert r.returncode == 0, r.stderr
        assert "leaked semaphore" not in r.stderr and "resource_tracker" not in r.stderr, r.stderr


def test_set_gives_every_point_its_value_over_the_base_scenario(tmp_path: Path) -> None:
    """`--set` reaches every point (over the file's [fixed]), as a run with the same overrides shows."""
    import sim

    out = tmp_path / "out"
    setting = {"events.testament.published": True, "party.scale": 0.03}  # party.scale is in [fixed] too
    flags = [arg for path, value in setting.items() for arg in ("--set", f"{path}={str(value).lower()}")]
    r = cli("sweep", experiment(tmp_path, replicates=1), *flags, "--backend", "serial", "--out", out)
    assert r.returncode == 0, r.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["design"]["fixed"] == setting  # the flag wins over the file's party.scale = 0.02
    table = runs(out)
    assert len(table) == 4
    for _, row in table.iterrows():
        point = {p: row[p] for p in ("leaders.stalin.appointment_control", "leaders.trotsky.charisma")}
        alone = sim.run_scenario(HISTORICAL, replicates=1, seed=5, overrides={**setting, **point}).summary
        assert row["support_final_stalin"] == alone["support_final_stalin"].iloc[0], point
        assert str(row["winner"]) == str(alone["winner"].iloc[0]), point
    without = sim.run_scenario(HISTORICAL, replicates=1, seed=5, overrides={"party.scale": 0.03, **point})
    assert without.summary["support_final_stalin"].iloc[0] != row["support_final_stalin"]  # --set mattered
