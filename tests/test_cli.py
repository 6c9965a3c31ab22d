"""The command line end to end: run, compare and validate write what docs/contract.md promises."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import types
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import commands as cli
from sim.run.runner import SANCTION_KINDS

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
HISTORICAL = SCENARIOS / "historical.toml"
SMALL = ("--set", "party.scale=0.02", "--workers", "1")

RUN_COLUMNS = {
    "events": ["replicate", "date", "kind", "actor", "body", "detail"],
    "votes": ["replicate", "date", "body", "motion", "for", "against", "abstain", "voting_delegates"],
    "timeseries": [
        "replicate",
        "date",
        "leader",
        "support",
        "pb_seat",
        "cc_share",
        "rung",
        "legitimacy",
        "standing",
        "position",
        "camp",
    ],
}
BACKENDS = ("serial", "local", "dask")
MANIFEST_KEYS = {
    "kind",
    "scenario_name",
    "scenario_file",
    "scenario_sha256",
    "scenario",
    "master_seed",
    "seeds",
    "replicates",
    "step",
    "steps",
    "start",
    "end",
    "leaders",
    "versions",
    "timings",
}


def cli_run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def check_run_dir(path: Path, replicates: int) -> dict:
    assert sorted(p.name for p in path.iterdir() if p.is_file()) == [
        "delegations.csv",
        "events.csv",
        "manifest.json",
        "party.csv",
        "summary.csv",
        "timeseries.csv",
        "votes.csv",
    ]
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    assert MANIFEST_KEYS <= set(manifest)
    assert manifest["kind"] == "run"
    assert manifest["replicates"] == replicates == len(manifest["seeds"])
    assert manifest["step"] == "month"
    assert {"powerstruggle", "mesa", "python", "numpy", "pandas"} <= set(manifest["versions"])
    assert manifest["command"].startswith("powerstruggle ") and manifest["backend"] in BACKENDS
    assert manifest["workers"] >= 1 and len(manifest["scenario_sha256"]) == 64
    assert {"started", "finished", "seconds"} <= set(manifest["timings"])
    leaders = manifest["leaders"]
    summary = pd.read_csv(path / "summary.csv", keep_default_na=False)
    expected = ["replicate", "seed", "winner", "consolidation_date"]
    expected += [f"support_final_{name}" for name in leaders]
    expected += [f"{name}__{kind}" for name in leaders for kind in SANCTION_KINDS]
    expected += ["line_for_share_mean", "gs_holder_final"]
    assert set(expected) <= set(summary.columns)
    assert list(summary.columns[:4]) == expected[:4]
    assert list(summary["replicate"]) == list(range(replicates))
    assert list(summary["seed"]) == manifest["seeds"]
    assert set(summary["winner"]) <= {*leaders, "none"}
    for name, columns in RUN_COLUMNS.items():
        df = pd.read_csv(path / f"{name}.csv", keep_default_na=False)
        assert list(df.columns[: len(columns)]) == columns, name
        assert set(df["replicate"]) <= set(range(replicates))
    ts = pd.read_csv(path / "timeseries.csv")
    assert set(ts["leader"]) == set(leaders)
    assert len(ts) == replicates * manifest["steps"] * len(leaders)
    return manifest


def test_run_writes_the_contract_tables(tmp_path: Path) -> None:
    proc = cli_run("run", HISTORICAL, "--replicates", "3", "--seed", "5", *SMALL, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "results" / "historical"  # the default --out
    manifest = check_run_dir(out, 3)
    assert manifest["master_seed"] == 5
    assert manifest["scenario"]["party"]["scale"] == 0.02
    assert manifest["overrides"] == {"party.scale": 0.02}
    assert "Winner" in proc.stdout and "95%" in proc.stdout
    assert "Traceback" not in proc.stderr
    # no temporary directories left beside the output
    assert [p.name for p in out.parent.iterdir()] == ["historical"]


def test_run_quiet_replaces_earlier_results_only_with_force(tmp_path: Path) -> None:
    out = tmp_path / "r"
    for seed, force in (("1", []), ("2", ["--force"])):
        proc = cli_run(
            "run", HISTORICAL, "--replicates", "2", "--seed", seed, "--out", out, "--quiet", *force, *SMALL,
            cwd=tmp_path,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == ""
    assert json.loads((out / "manifest.json").read_text())["master_seed"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]
    (out / "figures").mkdir()
    (out / "figures" / "fates.png").write_bytes(b"png")
    proc = cli_run("run", HISTORICAL, "--replicates", "2", "--seed", "3", "--out", out, *SMALL, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [
        f"error: --out {out}: directory exists and is not empty: expected a new directory, or --force to "
        "replace it"
    ]
    assert json.loads((out / "manifest.json").read_text())["master_seed"] == 2
    assert (out / "figures" / "fates.png").read_bytes() == b"png"


def test_compare_writes_comparison(tmp_path: Path) -> None:
    files = [HISTORICAL, SCENARIOS / "testament_published.toml", SCENARIOS / "no_appointment_power.toml"]
    proc = cli_run("compare", *files, "--replicates", "3", "--out", "cmp", *SMALL, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "cmp"
    names = ["historical", "testament_published", "no_appointment_power"]
    for name in names:
        assert check_run_dir(out / name, 3)["scenario_name"] == name
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "comparison"
    assert manifest["scenarios"] == names
    assert manifest["replicates"] == 3 and manifest["master_seed"] == 0
    table = pd.read_csv(out / "comparison.csv")
    assert list(table.columns[:8]) == [
        "scenario",
        "metric",
        "value",
        "lo",
        "hi",
        "diff",
        "diff_lo",
        "diff_hi",
    ]
    assert list(dict.fromkeys(table["scenario"])) == names
    p = table[table["metric"].str.startswith("p_winner_")].copy()
    for col in ("value", "lo", "hi", "diff", "diff_lo", "diff_hi"):  # `value` also holds dates
        p[col] = pd.to_numeric(p[col])
    for name in names:
        assert p[p["scenario"] == name]["value"].sum() == pytest.approx(1.0)
    assert (p["lo"] <= p["value"]).all() and (p["value"] <= p["hi"]).all()
    assert p[p["scenario"] == names[0]]["diff"].isna().all()
    later = p[p["scenario"] != names[0]]
    assert later["diff"].notna().all()
    assert (later["diff_lo"] <= later["diff"]).all() and (later["diff"] <= later["diff_hi"]).all()
    dates = table[table["metric"].str.startswith("median_")]
    assert "median_trotsky__party_expulsion" in set(dates["metric"])
    assert "P(winner)" in proc.stdout and "Newcombe" in proc.stdout


def test_validate_exit_codes(tmp_path: Path) -> None:
    scenarios = sorted(SCENARIOS.glob("*.toml"))
    proc = cli_run("validate", *scenarios, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"ok {p}" for p in scenarios]
    bad = tmp_path / "bad.toml"
    bad.write_text(f'base = "{HISTORICAL.as_posix()}"\n[party]\nscale = 0\n', encoding="utf-8")
    proc = cli_run("validate", HISTORICAL, bad, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout.splitlines() == [f"ok {HISTORICAL}"]
    assert proc.stderr.startswith("error: ") and "bad.toml" in proc.stderr and "party.scale" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.skipif(not (ROOT / "sim" / "sweep" / "experiment.py").exists(), reason="no sweep module yet")
def test_validate_experiment_files(tmp_path: Path) -> None:
    experiments = sorted((ROOT / "experiments").glob("*.toml"))
    proc = cli_run("validate", *experiments, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    bad = tmp_path / "exp.toml"
    bad.write_text('[experiment]\nname = "x"\nscenario = "nothere.toml"\n', encoding="utf-8")
    proc = cli_run("validate", bad, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr


def test_version(tmp_path: Path) -> None:
    import sim

    proc = cli_run("--version", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"powerstruggle {sim.__version__}"


# --- in-process checks of the plumbing --------------------------------------------------------------


def test_extra_command_modules_are_registered() -> None:
    modules = {
        "sim.cli.sweep",
        "sim.cli.plot",
        "sim.cli.record",
        "sim.cli.calibrate",
        "sim.cli.analysis",
        "sim.cli.view",
    }
    assert modules <= set(cli.EXTRA_COMMAND_MODULES)
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands = {
        "run",
        "compare",
        "validate",
        "score",
        "targets",
        "calibrate",
        "attribute",
        "sensitivity",
        "discover",
        "flip",
        "view",
    }
    assert commands <= set(sub.choices)


def test_missing_command_module_is_skipped_but_broken_one_surfaces(monkeypatch: pytest.MonkeyPatch) -> None:
    parser = cli.ArgumentParser(prog="x")
    sub = parser.add_subparsers()
    assert cli.register_extra_commands(sub, ("sim.not_yet_written.cli", "sim.also_missing")) == []
    real_import = cli.importlib.import_module

    def fake_import(name: str) -> types.ModuleType:
        if name == "sim.fake.cli":
            raise ModuleNotFoundError("No module named 'scipy_typo'", name="scipy_typo")
        return real_import(name)

    monkeypatch.setattr(cli.importlib, "import_module", fake_import)
    with pytest.raises(ModuleNotFoundError, match="scipy_typo"):
        cli.register_extra_commands(sub, ("sim.fake.cli",))
    registered = types.ModuleType("sim.fake2.cli")
    calls = []
    registered.register = lambda subparsers: calls.append(subparsers)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sim.fake2.cli", registered)
    assert cli.register_extra_commands(sub, ("sim.fake2.cli",)) == ["sim.fake2.cli"]
    assert calls == [sub]


def test_plot_flag_without_plots_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = cli.importlib.util.find_spec
    monkeypatch.setattr(
        cli.importlib.util, "find_spec", lambda n, *a: None if n == "sim.plots" else real(n, *a)
    )
    code = cli.main(
        ["run", str(HISTORICAL), "--replicates", "1", "--out", str(tmp_path / "o"), "--plot", *SMALL]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --plot") and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_keyboard_interrupt_exits_130_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sim.run.runner

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(sim.run.runner, "simulate", interrupted)
    code = cli.main(
        ["run", str(HISTORICAL), "--replicates", "2", "--out", str(tmp_path / "o"), "--quiet", *SMALL]
    )
    assert code == 130
    assert "interrupted" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_failure_while_writing_leaves_no_directory_and_keeps_the_replicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(self: pd.DataFrame, *args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    argv = ["run", str(HISTORICAL), "--replicates", "1", "--out", str(tmp_path / "o"), "--quiet", *SMALL]
    with monkeypatch.context() as m:
        m.setattr(pd.DataFrame, "to_csv", broken)
        code = cli.main(argv)
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left on device" in err[0] and "--resume" in err[0]
    assert [p.name for p in tmp_path.iterdir()] == [".o.partial"]  # no half-written output, the run kept
    assert cli.main([*argv, "--resume"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["o"]


def test_cli_starts_without_importing_matplotlib() -> None:
    code = (
        "import sys; from sim.cli.commands import main; "
        "rc = main(['validate', 'scenarios/historical.toml']); "
        "print(rc, 'matplotlib' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert proc.stdout.split()[-2:] == ["0", "False"]


def test_plot_formats_match_the_styles() -> None:
    from sim.cli import plot as cli
    from sim.plots import style

    assert cli.FORMATS == style.FORMATS
