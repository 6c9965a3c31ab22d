"""Names in --outcome, --to, --where and menus are checked before anything runs, with a suggestion."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.analysis.checks import check_leader, check_menu, check_where, run_leaders
from sim.analysis.menu import parse_menu
from sim.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"
COLUMNS = [
    "run_id",
    "leaders.stalin.appointment_control",
    "winner",
    "gs_holder_final",
    "support_final_stalin",
]
LEADERS = ["stalin", "trotsky"]


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def one_line(proc: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip()
    assert "Traceback" not in line and len(line.splitlines()) == 1 and line.startswith("error: ")
    for needle in needles:
        assert needle in line, (needle, line)
    return line


@pytest.mark.parametrize(
    "where",
    [
        "winner != 'stalin'",
        "`leaders.stalin.appointment_control` > 0.5 and winner in ['stalin', 'none']",
        "gs_holder_final == 'trotsky'",
        "winner.str.startswith('s')",
    ],
)
def test_good_conditions_pass(where: str) -> None:
    check_where(where, COLUMNS, LEADERS)


@pytest.mark.parametrize(
    ("where", "needles"),
    [
        ("winner != 'stalln'", ["stalln: unknown leader", "did you mean stalin?"]),
        ("gs_holder_final in ['trotsky', 'zinovev']", ["zinovev: unknown leader"]),
        ("winnr == 'none'", ["winnr: unknown column", "did you mean winner?"]),
        (
            "leaders.stalin.appointment_control > 0.5",
            ["backquotes", "expected `leaders.stalin.appointment_control`"],
        ),
        ("leaders.stalin.apointment_control > 0.5", ["backquotes", "`leaders.stalin.appointment_control`"]),
        (
            "`leaders.stalin.apointment_control` > 0.5",
            ["unknown column", "leaders.stalin.appointment_control?"],
        ),
    ],
)
def test_bad_conditions_name_the_nearest(where: str, needles: list[str]) -> None:
    with pytest.raises(InputError) as info:
        check_where(where, COLUMNS, LEADERS)
    for needle in needles:
        assert needle in str(info.value), (needle, str(info.value))


def test_leaders_of_a_runs_table() -> None:
    assert run_leaders(COLUMNS) == ["stalin"]


def test_check_leader_allows_none_and_suggests() -> None:
    assert check_leader("--to x", "none", LEADERS) == "none"
    with pytest.raises(InputError, match=r"trotksy: unknown leader: .*did you mean trotsky\?"):
        check_leader("--outcome winner=trotksy", "trotksy", LEADERS)


def test_menu_errors_name_the_menu_file() -> None:
    menu = parse_menu({"intervention": [{"name": "x", "set": {"leaders.stalin.charm": 0.9}}]}, "menu.toml")
    with pytest.raises(InputError) as info:
        check_menu("menu.toml", menu, HISTORICAL)
    text = str(info.value)
    assert text.startswith("menu.toml: intervention[0].set.leaders.stalin.charm")
    assert "did you mean leaders.stalin.charisma?" in text


def test_menu_value_out_of_range_names_the_menu() -> None:
    menu = parse_menu({"intervention": [{"name": "x", "set": {"leaders.stalin.charisma": 1.5}}]}, "m.toml")
    with pytest.raises(InputError, match=r"^m.toml: intervention\[0\] \(x\): leaders.stalin.charisma"):
        check_menu("m.toml", menu, HISTORICAL)


def test_attribute_unknown_outcome_leader_runs_nothing(tmp_path: Path) -> None:
    proc = cli("attribute", HISTORICAL, "--outcome", "winner=stalln", "--out", "o", cwd=tmp_path)
    one_line(proc, "--outcome winner=stalln", "did you mean stalin?")
    assert not (tmp_path / "o").exists()


def test_validate_checks_a_menu_against_the_scenario(tmp_path: Path) -> None:
    menu = tmp_path / "menu.toml"
    menu.write_text('[[intervention]]\nname = "x"\nset = { "leaders.stalin.charm" = 0.9 }\n')
    one_line(cli("validate", menu, cwd=tmp_path), "menu.toml", "leaders.stalin.charm", "charisma?")
    one_line(cli("validate", "--scenario", HISTORICAL, menu, cwd=tmp_path), "menu.toml: intervention[0]")
    shipped = ROOT / "experiments" / "trotsky_errors.toml"
    proc = cli("validate", HISTORICAL, shipped, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1].startswith(f"ok {shipped} (menu, names checked against")


def test_validate_checks_a_menu_against_each_scenario_given(tmp_path: Path) -> None:
    lean = tmp_path / "lean.toml"
    lean.write_text(f'base = "{HISTORICAL.as_posix()}"\n', encoding="utf-8")
    menu = tmp_path / "menu.toml"
    menu.write_text('[[intervention]]\nname = "x"\nset = { "leaders.stalin.charisma" = 0.9 }\n')
    proc = cli("validate", lean, menu, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"ok {menu} (menu, names checked against {lean})" in proc.stdout


def test_a_menu_that_names_its_scenario_is_checked_against_it(tmp_path: Path) -> None:
    levers = ROOT / "experiments" / "succession_1953_levers.toml"
    proc = cli("validate", levers, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "checked against" in proc.stdout and "succession_1953.toml" in proc.stdout
    # --scenario says otherwise: the 1953 names are unknown to the 1924 case.
    one_line(cli("validate", "--scenario", HISTORICAL, levers, cwd=tmp_path), "leaders.malenkov.posts")
    missing = tmp_path / "menu.toml"
    missing.write_text('scenario = "nothere.toml"\n[[intervention]]\nname = "x"\nset = { "a.b" = 1 }\n')
    one_line(cli("validate", missing, cwd=tmp_path), "menu.toml: scenario: nothere.toml: file not found")
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('scenario = 3\n[[intervention]]\nname = "x"\nset = { "a.b" = 1 }\n')
    one_line(cli("validate", wrong, cwd=tmp_path), "wrong.toml: scenario: expected the path")


def test_force_replaces_only_an_earlier_output_of_the_same_analysis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse
    import json

    from sim.cli import analysis
    from sim.cli.commands import main

    attribution = tmp_path / "attribution"
    attribution.mkdir()
    (attribution / "analysis.json").write_text(json.dumps({"kind": "attribution"}))
    (attribution / "attribution.csv").write_text("mine\n")
    argv = ["discover", str(tmp_path / "sweep"), "--where", "winner != 'stalin'", "--out", str(attribution)]
    assert main([*argv, "--force"]) == 2
    err = capsys.readouterr().err
    assert f"--out {attribution}: holds the output of `attribute`" in err and "of `discover`" in err
    assert (attribution / "attribution.csv").read_text() == "mine\n"  # nothing deleted
    # an interrupted sensitivity analysis (its runs, no analysis.json yet) is told apart too
    stopped = tmp_path / "stopped"
    (stopped / "sweep").mkdir(parents=True)
    (stopped / "sweep" / "manifest.json").write_text(
        json.dumps({"command": "powerstruggle sensitivity x.toml"})
    )
    assert analysis.analysis_owner(stopped) == "sensitivity"
    ns = argparse.Namespace(func=analysis.cmd_attribute, force=True, out=attribution, resume=False)
    analysis._check_out(ns)  # its own earlier output: --force may replace it
    ns.func = analysis.cmd_attribute
    ns.out = stopped
    with pytest.raises(InputError, match="holds the output of `sensitivity`"):
        analysis._check_out(ns)


def test_labels_read_as_english() -> None:
    from sim.names import p_wins, plural

    assert p_wins("none") == "P(no winner)" and p_wins("Stalin") == "P(Stalin wins)"
    assert plural("mechanism", 1) == "mechanism" and plural("mechanism", 2) == "mechanisms"
    assert plural("switch") == "switches" and plural("generation", 1) == "generation"


def test_a_resume_asks_the_question_the_finished_analysis_answered(tmp_path: Path) -> None:
    import argparse
    import json

    from sim.cli import analysis

    out = tmp_path / "flip"
    out.mkdir()
    (out / "analysis.json").write_text(
        json.dumps({"kind": "flip", "leader": "none", "threshold": 0.5, "max_size": 2})
    )
    question = {"to": "none", "threshold": 0.5, "max_size": 2}
    ns = argparse.Namespace(func=analysis.cmd_flip, force=False, resume=True, out=out, **question)
    analysis._check_out(ns)  # the same question: resumed (a finished one is written again, the same)
    ns.to = "stalin"
    with pytest.raises(
        InputError, match=r"--resume: leader stalin differs from the finished analysis's \(none\)"
    ):
        analysis._check_out(ns)
    ns.to = "None"  # a leader is named in any case, as `flip` itself reads it
    analysis._check_out(ns)
    # the kept runs' own refusal names the analysis's --out, not its inner sweep directory
    ns.to = "none"

    def refused() -> None:
        raise InputError(f"--out {out / 'sweeps' / 'size_1'}: --resume: holds the runs of a different design")

    with pytest.raises(InputError, match=rf"^--out {out}: --resume: holds the runs"):
        analysis._run(ns, refused)


def test_a_resumed_attribution_without_outcome_asks_the_default(tmp_path: Path) -> None:
    """Without --outcome, --resume weighs the default outcome, Stalin's win.

    It was not compared: an attribution of Trotsky's win was answered again for Stalin's and written over.
    """
    import argparse
    import json

    from sim.cli import analysis

    out = tmp_path / "attribution"
    out.mkdir()
    (out / "analysis.json").write_text(json.dumps({"kind": "attribute", "outcome": "winner=trotsky"}))
    ns = argparse.Namespace(
        func=analysis.cmd_attribute, force=False, resume=True, out=out, outcome=None,
        scenario=HISTORICAL, set=None, posterior=None,
    )  # fmt: skip
    with pytest.raises(InputError, match=r"outcome winner=stalin differs from the finished analysis's"):
        analysis._check_out(ns)
    ns.outcome = "winner=Trotsky"
    analysis._check_out(ns)  # the same outcome, however it is spelt
