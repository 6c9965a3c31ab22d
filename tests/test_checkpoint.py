"""A stopped run, compare or score keeps its finished replicates, and --resume gives the same tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sim.cli.commands import main
from sim.errors import InputError
from sim.run import checkpoint as checkpoint_module
from sim.run.api import compare_loaded, prepare, run_loaded
from sim.run.checkpoint import Checkpoint, partial_dir

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"
FUNERAL = ROOT / "scenarios" / "funeral_attended.toml"
SMALL = {"party.scale": 0.02}


def _stop_after(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    """Make the n-th kept replicate raise KeyboardInterrupt, as a Ctrl-C between replicates would."""
    keep = Checkpoint.keep
    seen = {"count": 0}

    def stopping(self: Checkpoint, run_id: int, output: Any) -> None:
        keep(self, run_id, output)
        seen["count"] += 1
        if seen["count"] == n:
            raise KeyboardInterrupt

    monkeypatch.setattr(Checkpoint, "keep", stopping)


def _tables(res: Any) -> dict[str, str]:
    return {
        name: getattr(res, name).to_csv(index=False) for name in ("summary", "events", "votes", "timeseries")
    }


def test_a_resumed_run_writes_the_tables_of_an_uninterrupted_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = prepare(HISTORICAL, SMALL)
    whole = run_loaded(scenario, 6, 3, backend="serial")
    out = tmp_path / "run"
    with monkeypatch.context() as m:
        _stop_after(m, 4)
        with pytest.raises(KeyboardInterrupt):
            run_loaded(scenario, 6, 3, backend="serial", checkpoint=Checkpoint(out))
    assert Checkpoint(out, resume=True).kept_runs() == 4  # every replicate finished before the stop
    ran: list[int] = []
    keep = checkpoint_module.Checkpoint.keep
    monkeypatch.setattr(Checkpoint, "keep", lambda self, r, o: (ran.append(r), keep(self, r, o)))
    resumed = run_loaded(scenario, 6, 3, backend="serial", checkpoint=Checkpoint(out, resume=True))
    assert ran == [4, 5]  # only the replicates the stopped run had not finished
    assert _tables(resumed) == _tables(whole)
    assert resumed.manifest["resumed_replicates"] == 4
    assert "resumed_replicates" not in whole.manifest


def test_a_resumed_comparison_keeps_common_random_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenarios = [prepare(HISTORICAL, SMALL), prepare(FUNERAL, SMALL)]
    whole = compare_loaded(scenarios, 3, 8, backend="serial")
    out = tmp_path / "cmp"
    with monkeypatch.context() as m:
        _stop_after(m, 4)  # the first scenario whole, one replicate of the second
        with pytest.raises(KeyboardInterrupt):
            compare_loaded(scenarios, 3, 8, backend="serial", checkpoint=Checkpoint(out))
    resumed = compare_loaded(scenarios, 3, 8, backend="serial", checkpoint=Checkpoint(out, resume=True))
    assert resumed.table.to_csv(index=False) == whole.table.to_csv(index=False)
    for name in whole.results:
        assert _tables(resumed.results[name]) == _tables(whole.results[name])


def test_kept_replicates_are_neither_dropped_nor_mixed_with_other_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = prepare(HISTORICAL, SMALL)
    out = tmp_path / "run"
    with monkeypatch.context() as m:
        _stop_after(m, 2)
        with pytest.raises(KeyboardInterrupt):
            run_loaded(scenario, 4, 3, backend="serial", checkpoint=Checkpoint(out))
    with pytest.raises(InputError, match="expected --resume to finish it, or --force"):
        run_loaded(scenario, 4, 3, backend="serial", checkpoint=Checkpoint(out))
    with pytest.raises(InputError, match="other inputs"):
        run_loaded(scenario, 4, 4, backend="serial", checkpoint=Checkpoint(out, resume=True))
    assert partial_dir(out).is_dir()  # a refused resume keeps what was kept
    fresh = run_loaded(scenario, 4, 3, backend="serial", checkpoint=Checkpoint(out, force=True))
    assert "resumed_replicates" not in fresh.manifest  # --force started again


def test_the_command_line_says_where_a_stopped_run_is_kept_and_finishes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "hist"
    argv = ["run", str(HISTORICAL), "--replicates", "3", "--seed", "2", "--out", str(out), "--quiet"]
    argv += ["--backend", "serial", "--set", "party.scale=0.02"]
    with monkeypatch.context() as m:
        _stop_after(m, 1)
        assert main(argv) == 130
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"interrupted: the finished replicates are kept in {partial_dir(out)}; continue with --resume"
    ]
    assert not out.exists()
    assert main([*argv, "--resume", "--force"]) == 2
    assert "not both" in capsys.readouterr().err
    assert main([*argv[:-5], "--backend", "serial", "--set", "party.scale=0.02", "--resume"]) == 0
    first = capsys.readouterr().err.splitlines()[0]
    assert first == f"resuming: 1 finished replicate kept in {partial_dir(out)}"
    assert (out / "summary.csv").exists() and not partial_dir(out).exists()


def test_a_failing_replicate_is_named_in_one_line_and_the_finished_ones_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sim.run.runner

    simulate = sim.run.runner.simulate

    def failing(scenario: Any, seed: int, replicate: int = 0, **kwargs: Any) -> Any:
        if replicate == 2:
            raise ValueError("a bug in a mechanism")
        return simulate(scenario, seed, replicate, **kwargs)

    out = tmp_path / "hist"
    argv = ["run", str(HISTORICAL), "--replicates", "4", "--seed", "2", "--out", str(out), "--quiet"]
    argv += ["--backend", "serial", "--set", "party.scale=0.02"]
    with monkeypatch.context() as m:
        m.setattr(sim.run.runner, "simulate", failing)
        assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "replicate 2" in err[0] and "a bug in a mechanism" in err[0], err
    assert str(partial_dir(out)) in err[0]
    assert Checkpoint(out, resume=True).kept_runs() == 2  # replicates 0 and 1
    assert main([*argv, "--resume"]) == 0
    assert (out / "summary.csv").exists()


def test_a_run_that_never_started_leaves_nothing_to_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A scheduler that cannot be reached kept no replicate: the corrected command must not need --force."""
    out = tmp_path / "r"
    argv = ["run", str(HISTORICAL), "--replicates", "2", "--out", str(out), "--quiet"]
    assert main([*argv, "--backend", "dask", "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "cannot connect" in capsys.readouterr().err
    assert not partial_dir(out).exists() and not out.exists()
    assert main([*argv, "--set", "party.scale=0.02"]) == 0


def test_a_stopped_force_run_resumes_and_a_resume_with_nothing_kept_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "hist"
    argv = ["run", str(HISTORICAL), "--replicates", "3", "--seed", "2", "--out", str(out), "--quiet"]
    argv += ["--backend", "serial", "--set", "party.scale=0.02"]
    assert main(argv) == 0
    finished = (out / "summary.csv").read_text()
    # --resume on a finished output: nothing to resume, and the output stands
    assert main([*argv, "--resume"]) == 2
    assert "--resume: nothing to resume: the output is finished" in capsys.readouterr().err
    # --force over it, stopped: the kept replicates finish the replacement with --resume alone
    with monkeypatch.context() as m:
        _stop_after(m, 1)
        assert main([*argv, "--force"]) == 130
    capsys.readouterr()
    assert main([*argv, "--resume"]) == 0
    assert (out / "summary.csv").read_text() == finished and not partial_dir(out).exists()
    # --resume where nothing was ever kept starts, with a note (a mistyped --out is seen at once)
    other = tmp_path / "other"
    assert main([*argv[:7], str(other), *argv[8:], "--resume"]) == 0
    assert capsys.readouterr().err.startswith(f"note: --resume: nothing was kept for {other}")


def test_a_second_command_on_the_same_output_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    out = tmp_path / "run"
    first = Checkpoint(out)
    first.open("key")
    with pytest.raises(InputError, match=r"another command is running into this output"):
        Checkpoint(out, resume=True).open("key")
    with pytest.raises(InputError, match=r"another command is running into this output"):
        Checkpoint(out, force=True).open("key")  # and --force does not delete what it is writing
    assert partial_dir(out).exists()
    first.release()  # stopped (or done): a resume may take it over, in this process too
    assert Checkpoint(out, resume=True).open("key") == {}
