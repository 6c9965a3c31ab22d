"""One convention for the shared flags: declared once, the same meaning everywhere, --force to replace."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli.commands import build_parser
from sim.cli.options import announce_runs, refuse_existing, replaced_on_success
from sim.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"
SHARED = (
    "--replicates",
    "--seed",
    "--workers",
    "--backend",
    "--scheduler",
    "--out",
    "--force",
    "--quiet",
    "--set",
    "--resume",
)
#: Commands that run the model, and which shared flags each must take.
COMMANDS = {
    "run": SHARED,
    "compare": SHARED,
    "sweep": tuple(f for f in SHARED if f != "--set"),
    "attribute": SHARED,
    "flip": SHARED,
    "sensitivity": tuple(f for f in SHARED if f != "--set"),
    "score": SHARED,
}


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def option(parser: argparse.ArgumentParser, flag: str) -> argparse.Action | None:
    return next((a for a in parser._actions if flag in a.option_strings), None)


@pytest.mark.parametrize("flag", SHARED)
def test_each_shared_flag_means_the_same_everywhere(flag: str) -> None:
    parsers = subcommands()
    seen = {}
    for command, flags in COMMANDS.items():
        if flag in flags:
            action = option(parsers[command], flag)
            assert action is not None, f"{command} lacks {flag}"
            seen[command] = (
                action.dest,
                action.type,
                action.choices,
                repr(action.default),
                type(action).__name__,
            )
    assert len(set(seen.values())) == 1, seen


def test_file_values_are_defaults_so_flags_default_to_none() -> None:
    parsers = subcommands()
    for command in ("sweep", "sensitivity", "run", "attribute"):
        for flag in ("--replicates", "--seed", "--backend", "--workers"):
            assert option(parsers[command], flag).default is None, (command, flag)


def test_every_long_command_takes_quiet() -> None:
    parsers = subcommands()
    helps = set()
    for command in (*COMMANDS, "calibrate", "discover"):  # discover too: one convention for every analysis
        assert option(parsers[command], "--quiet") is not None, command
        helps.add(option(parsers[command], "--quiet").help)
    assert len(helps) == 1 and "nothing but errors" in helps.pop()  # one meaning, said the same way


def test_refuse_existing(tmp_path: Path) -> None:
    refuse_existing(tmp_path / "new", force=False)
    (tmp_path / "empty").mkdir()
    refuse_existing(tmp_path / "empty", force=False)
    (tmp_path / "t.toml").write_text("x")
    with pytest.raises(InputError, match=r"t.toml: file exists: expected a new file, or --force"):
        refuse_existing(tmp_path / "t.toml", force=False)
    refuse_existing(tmp_path / "t.toml", force=True)


def test_replaced_on_success_restores_the_old_output_when_nothing_was_written(tmp_path: Path) -> None:
    out = tmp_path / "a"
    out.mkdir()
    (out / "analysis.json").write_text("old")
    with pytest.raises(InputError), replaced_on_success(out, True, ("analysis.json",)):
        assert not out.exists()
        raise InputError("bad input")
    assert (out / "analysis.json").read_text() == "old"
    with replaced_on_success(out, True, ("analysis.json",)):
        out.mkdir()
        (out / "analysis.json").write_text("new")
    assert (out / "analysis.json").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("x")
    with (
        pytest.raises(InputError, match="holds other files"),
        replaced_on_success(tmp_path / "mine", True, ("analysis.json",)),
    ):
        pass
    assert (tmp_path / "mine" / "thesis.tex").exists()


def test_a_long_job_says_how_many_runs_before_starting(capsys: pytest.CaptureFixture[str]) -> None:
    announce_runs(102_400, "attribute historical")
    assert capsys.readouterr().err == "attribute historical: starting 102,400 runs\n"
    announce_runs(102_400, "attribute historical", quiet=True)
    announce_runs(200, "run historical")
    assert capsys.readouterr().err == ""


def test_attribute_announces_its_runs_up_front(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The count comes before the first run (the engine is stopped at once here)."""
    from sim.analysis import configurations

    class Stop(Exception):
        pass

    def refuse(*_: object, **__: object) -> None:
        raise Stop

    monkeypatch.setattr("sim.sweep.engine.Sweep", refuse)
    with pytest.raises(Stop):
        from sim.analysis.attribute import attribute

        attribute(HISTORICAL, progress="auto")
    assert "1024 configurations: starting 102,400 runs" in capsys.readouterr().err
    assert configurations  # imported for the patch target's module


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_attribute_refuses_an_existing_analysis_without_force(tmp_path: Path) -> None:
    args = ["attribute", HISTORICAL, "--mechanisms", "shocks", "--replicates", "1", "--backend", "serial"]
    assert cli(*args, "--out", "a", cwd=tmp_path).returncode == 0
    before = (tmp_path / "a" / "attribution.csv").read_text()
    proc = cli(*args, "--out", "a", cwd=tmp_path)
    assert proc.returncode == 2 and "--force" in proc.stderr and len(proc.stderr.splitlines()) == 1
    assert (tmp_path / "a" / "attribution.csv").read_text() == before
    proc = cli(*args, "--out", "a", "--force", "--seed", "3", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert '"master_seed": 3' in (tmp_path / "a" / "analysis.json").read_text()


def test_targets_and_plot_refuse_to_overwrite_without_force(tmp_path: Path) -> None:
    run = tmp_path / "r"
    assert cli("run", HISTORICAL, "--replicates", "2", "--workers", "1", "--out", run, "--quiet", "--plot",
               cwd=tmp_path).returncode == 0  # fmt: skip
    (tmp_path / "t.toml").write_text("mine")
    proc = cli("targets", run, "--out", "t.toml", cwd=tmp_path)
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert (tmp_path / "t.toml").read_text() == "mine"
    assert cli("targets", run, "--out", "t.toml", "--force", cwd=tmp_path).returncode == 0
    proc = cli("plot", run, cwd=tmp_path)
    assert proc.returncode == 2 and "figures exist" in proc.stderr and "--force" in proc.stderr
    assert cli("plot", run, "--force", cwd=tmp_path).returncode == 0


def test_score_takes_set_and_backend(tmp_path: Path) -> None:
    proc = cli(
        "score", HISTORICAL, "--targets", ROOT / "targets" / "record.toml", "--replicates", "2",
        "--backend", "serial", "--set", "party.scale=0.02", "--out", "s", "--quiet", cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (proc.stdout, proc.stderr) == ("", "")  # --quiet: no table on the terminal, only in score.csv
    assert '"party.scale": 0.02' in (tmp_path / "s" / "manifest.json").read_text()
    proc = cli("score", HISTORICAL, "--targets", ROOT / "targets" / "record.toml", "--set", "party.scal=1",
               cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 2 and "did you mean party.scale?" in proc.stderr


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["run", str(HISTORICAL), "--backend", "dsk"], "(did you mean dask?)"),
        (["sweep", "x.toml", "--backend", "serail"], "(did you mean serial?)"),
        (["chronicles", "results"], "(did you mean chronicle?)"),
    ],
)
def test_a_mistyped_choice_offers_the_nearest(
    capsys: pytest.CaptureFixture[str], args: list[str], hint: str
) -> None:
    from sim.cli.commands import main

    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "invalid choice" in err and err.endswith(hint), err


def test_a_choice_with_nothing_near_is_listed_without_a_guess(capsys: pytest.CaptureFixture[str]) -> None:
    from sim.cli.commands import main

    assert main(["run", str(HISTORICAL), "--backend", "zzzz"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("(choose from 'local', 'serial', 'dask')"), err


def test_a_mistyped_results_directory_offers_the_nearest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sim.cli.commands import main

    (tmp_path / "hist").mkdir()
    assert main(["plot", str(tmp_path / "hsit")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith(f"(did you mean {tmp_path / 'hist'}?)"), err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["run", "x.toml", "--replicats", "2"],
            "powerstruggle run: unrecognized arguments: --replicats 2 (did you mean --replicates?)",
        ),
        (
            ["chronicle", "d", "--replicates", "1"],
            "powerstruggle chronicle: unrecognized arguments: --replicates 1 (did you mean --replicate?)",
        ),
        (["--verison"], "powerstruggle: unrecognized arguments: --verison (did you mean --version?)"),
        (["run", "x.toml", "--zzz"], "powerstruggle run: unrecognized arguments: --zzz"),
        # flags are taken whole: a prefix was read as the flag it begins, silently
        (
            ["run", "x.toml", "--rep", "2"],
            "powerstruggle run: unrecognized arguments: --rep 2 (did you mean --replicates?)",
        ),
        (
            ["run", "x.toml", "--re", "2"],
            "powerstruggle run: unrecognized arguments: --re 2 (did you mean --replicates or --resume?)",
        ),
        (
            ["plot", "d", "--rep", "1"],
            "powerstruggle plot: unrecognized arguments: --rep 1 (did you mean --replicate?)",
        ),
    ],
)
def test_an_unknown_flag_is_named_with_its_command_and_the_nearest_flag(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from sim.cli.commands import main

    assert main(argv) == 2
    assert capsys.readouterr().err.strip() == f"error: {expected}"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["run", "experiments/appointment_vs_charisma.toml"],
            "an experiment file, not a scenario: run it with",
        ),
        (["compare", "scenarios/historical.toml", "targets/record.toml"], "a targets file, not a scenario"),
        (["attribute", "experiments/trotsky_errors.toml"], "a menu file, not a scenario"),
        (["calibrate", "targets/calibration_space.toml", "--targets", "x"], "a calibration space file"),
        # and every other file argument: --targets, --menu, --switches, --space, an experiment
        (
            ["score", "scenarios/historical.toml", "--targets", "experiments/trotsky_errors.toml"],
            "argument --targets: experiments/trotsky_errors.toml: a menu file, not a targets file: pass "
            "it as --menu to flip or --switches to attribute",
        ),
        (["plot", "d", "--targets", "scenarios/historical.toml"], "a scenario file, not a targets file"),
        (
            ["attribute", "scenarios/historical.toml", "--switches", "experiments/lhs_leaders.toml"],
            "an experiment file, not a menu: run it with `powerstruggle sweep`",
        ),
        (["flip", "scenarios/historical.toml", "--to", "x", "--menu", "targets/record.toml"], "not a menu"),
        (
            [
                "calibrate",
                "scenarios/historical.toml",
                "--targets",
                "targets/record.toml",
                "--space",
                "targets/record.toml",
            ],
            "a targets file, not a calibration space",
        ),  # fmt: skip
        (["sensitivity", "scenarios/historical.toml"], "a scenario file, not an experiment file: pass it as"),
        (["sweep", "targets/calibration_space.toml"], "a calibration space file, not an experiment file"),
    ],
)
def test_a_file_of_another_kind_given_as_a_scenario_is_named_for_what_it_is(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.cli.commands import main

    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and len(err.splitlines()) == 1


def test_the_backend_help_says_which_commands_go_serial_with_one_worker(tmp_path: Path) -> None:
    parsers = subcommands()
    for command in ("run", "compare", "score"):
        assert "serial with --workers 1" in option(parsers[command], "--backend").help, command
    for command in ("sweep", "attribute", "sensitivity", "flip", "calibrate"):
        assert "serial with --workers 1" not in option(parsers[command], "--backend").help, command
    # and an analysis given one worker does run on a local worker, as its help now says
    proc = cli(
        "attribute", HISTORICAL, "--mechanisms", "appointment", "--replicates", "1", "--workers", "1",
        "--set", "party.scale=0.01", "--out", "a", "--quiet", cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert '"backend": "local"' in (tmp_path / "a" / "sweep" / "manifest.json").read_text()


def test_help_gives_each_default_and_what_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    from sim.cli.commands import main

    parsers = subcommands()
    assert "default: a twentieth of the budget" in option(parsers["calibrate"], "--population").help
    assert "(default 100)" in option(parsers["calibrate"], "--predictive").help
    assert option(parsers["targets"], "--out").required  # the usage line showed it as optional
    assert main(["targets", "somewhere"]) == 2
    assert "the following arguments are required: --out" in capsys.readouterr().err
    # the experiment file's own name for Sobol' is taken too
    assert (
        parsers["sensitivity"].parse_args(["x.toml", "--method", "sobol_saltelli"]).method == "sobol_saltelli"
    )


def test_a_resume_with_nothing_kept_starts_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sim.cli.options import note_nothing_to_resume

    args = argparse.Namespace(resume=True)
    note_nothing_to_resume(args, tmp_path / "mistyped")
    assert (
        capsys.readouterr().err
        == f"note: --resume: nothing was kept for {tmp_path / 'mistyped'}: starting from the first run\n"
    )
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "points.csv").write_text("x\n")
    note_nothing_to_resume(args, tmp_path / "kept")
    note_nothing_to_resume(argparse.Namespace(resume=False), tmp_path / "mistyped")
    assert capsys.readouterr().err == ""
