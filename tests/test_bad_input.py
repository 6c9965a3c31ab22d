"""Every kind of bad input ends as one line `error: ...` naming the file and key, exit 2, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert proc.stdout == ""


def counterfactual(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(f'base = "{HISTORICAL.as_posix()}"\n{body}\n', encoding="utf-8")
    return path


FILE_CASES = {
    "missing_file": (None, ("nope.toml", "not found")),
    "malformed_toml": ('name = "x"\n[leaders\n', ("malformed.toml", "malformed TOML")),
    "unknown_key": ("BASE\ndelegatez = 3", ("unknown_key.toml", "delegatez", "unknown key")),
    "unknown_leader": (
        "BASE\n[leaders.trotskyy]\ncharisma = 0.9",
        ("unknown_leader.toml", "leaders.trotskyy", "unknown leader"),
    ),
    "unknown_nested_key": (
        "BASE\n[mechanisms.appointment]\nrate = 0.1",
        ("unknown_nested_key.toml", "mechanisms.appointment.rate", "unknown key"),
    ),
    "unknown_names_key": (
        'BASE\n[names]\npolitbureau = "Presidium"',
        ("unknown_names_key.toml", "names.politbureau", "unknown key", "did you mean politburo"),
    ),
    "out_of_range": (
        "BASE\n[leaders.stalin]\ncharisma = 1.5",
        ("out_of_range.toml", "leaders.stalin.charisma", "1.5"),
    ),
    "date_outside_window": (
        'BASE\n[events.war_scare]\ndate = "1931-01-01"',
        ("date_outside_window.toml", "events.war_scare.date", "1931-01-01"),
    ),
    "missing_base": ('base = "nothere.toml"\n', ("missing_base.toml", "base", "nothere.toml")),
}


def make_file(tmp_path: Path, case: str) -> Path:
    body, _ = FILE_CASES[case]
    path = tmp_path / f"{case if case != 'malformed_toml' else 'malformed'}.toml"
    if case == "missing_file":
        return tmp_path / "nope.toml"
    if body.startswith("BASE\n"):
        return counterfactual(tmp_path, path.name, body.removeprefix("BASE\n"))
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_bad_scenario_file(tmp_path: Path, case: str) -> None:
    path = make_file(tmp_path, case)
    proc = cli("run", path, "--replicates", "2", "--workers", "1", "--out", tmp_path / "out", cwd=tmp_path)
    assert_one_line_error(proc, *FILE_CASES[case][1])
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "results").exists()


def test_circular_base(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('base = "b.toml"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('base = "a.toml"\n', encoding="utf-8")
    proc = cli("run", "a.toml", "--out", "out", cwd=tmp_path)
    assert_one_line_error(proc, "base", "circular", "a.toml", "b.toml")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--set", "leaders.trotskyy.charisma=0.5"], ["historical.toml", "leaders.trotskyy.charisma"]),
        (["--set", "mechanisms.appointment.rate=0.5"], ["historical.toml", "mechanisms.appointment.rate"]),
        (["--set", "leaders.stalin.charisma=2"], ["historical.toml", "leaders.stalin.charisma", "2"]),
        (["--set", "events.funeral.date=1935-01-01"], ["historical.toml", "events.funeral.date"]),
        (["--set", "delegates"], ["--set delegates", "dotted.path=value"]),
        (["--replicates", "0"], ["--replicates", "0"]),
        (["--replicates", "-3"], ["--replicates", "-3"]),
        (["--replicates", "many"], ["--replicates", "many"]),
        (["--workers", "0"], ["--workers", "0"]),
        (["--seed", "-1"], ["--seed", "-1"]),
    ],
    ids=[
        "set_unknown_leader",
        "set_unknown_key",
        "set_out_of_range",
        "set_date_outside_window",
        "set_malformed",
        "replicates_zero",
        "replicates_negative",
        "replicates_not_int",
        "workers_zero",
        "seed_negative",
    ],
)
def test_bad_options(tmp_path: Path, args: list[str], needles: list[str]) -> None:
    proc = cli("run", HISTORICAL, *args, "--out", tmp_path / "out", cwd=tmp_path)
    assert_one_line_error(proc, *needles)
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "results").exists()


def test_compare_with_one_bad_file_runs_nothing(tmp_path: Path) -> None:
    bad = counterfactual(tmp_path, "bad.toml", "[leaders.stalin]\nruthlessness = -0.5")
    proc = cli("compare", HISTORICAL, bad, "--replicates", "2", "--out", "out", cwd=tmp_path)
    assert_one_line_error(proc, "bad.toml", "leaders.stalin.ruthlessness")
    assert not (tmp_path / "out").exists()


def test_compare_bad_replicates(tmp_path: Path) -> None:
    proc = cli("compare", HISTORICAL, HISTORICAL, "--replicates", "0", "--out", "out", cwd=tmp_path)
    assert_one_line_error(proc, "--replicates")
    assert not (tmp_path / "out").exists()


def test_out_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    proc = cli("run", HISTORICAL, "--replicates", "1", "--out", "taken", cwd=tmp_path)
    assert_one_line_error(proc, "--out", "taken")
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "x"


def test_out_holds_other_files(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("x", encoding="utf-8")
    proc = cli("run", HISTORICAL, "--replicates", "1", "--out", "mine", cwd=tmp_path)
    assert_one_line_error(proc, "--out", "mine")
    assert (tmp_path / "mine" / "thesis.tex").exists()


def test_unknown_command_and_no_command(tmp_path: Path) -> None:
    assert_one_line_error(cli("frobnicate", cwd=tmp_path), "frobnicate")
    assert_one_line_error(cli(cwd=tmp_path), "expected a command")


@pytest.mark.parametrize(
    ("body", "needles"),
    [
        ("[leaders.stalin]\ncharisms = 0.5", ["leaders.stalin.charisms", "did you mean charisma?"]),
        (
            "[mechanisms.appointment]\nmontly_rate = 0.1",
            [
                "mechanisms.appointment.montly_rate",
                "home_protection, monthly_rate",
                "did you mean monthly_rate?",
            ],
        ),
        ("[mechanismz.appointment]\nstrength = 1", ["mechanismz", "did you mean mechanisms?"]),
        (
            '[events.funeral]\nabsent = "trotsky"',
            ["events.funeral.absent", 'expected an array, e.g. ["trotsky"]'],
        ),
        (
            '[events.grain_crisis]\nenabled = "yes"',
            ["events.grain_crisis.enabled", "expected true or false (got 'yes')"],
        ),
        (
            "[mechanisms.alliances]\nenabled = 1",
            ["mechanisms.alliances.enabled", "expected true or false (got 1)"],
        ),
    ],
    ids=[
        "leader_key",
        "mechanism_key",
        "top_level_table",
        "string_for_array",
        "string_for_switch",
        "number_for_switch",
    ],
)
def test_scenario_key_errors_suggest_the_nearest_key(tmp_path: Path, body: str, needles: list[str]) -> None:
    path = counterfactual(tmp_path, "typo.toml", body)
    proc = cli("validate", path, cwd=tmp_path)
    assert proc.returncode == 2
    line = proc.stderr.strip()
    assert len(line.splitlines()) == 1 and "typo.toml" in line and "see README" not in line
    for needle in needles:
        assert needle in line, (needle, line)


def test_set_word_for_a_switch_says_so(tmp_path: Path) -> None:
    """`--set ...enabled=yes` was read as true: a switch takes TOML's true or false, nothing else."""
    proc = cli("run", HISTORICAL, "--set", "events.grain_crisis.enabled=yes", "--out", "o", cwd=tmp_path)
    assert_one_line_error(proc, "events.grain_crisis.enabled", "expected true or false (got 'yes')")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("assignment", "needle"),
    [
        ("party.candidate_months=1.5", "party.candidate_months: expected a whole number (got 1.5)"),
        ("leaders.stalin.charisma=high", "leaders.stalin.charisma: expected a number (got 'high')"),
        ("name=3", "name: expected a string (got 3)"),
        ("leaders.trotsky.politburo=ful", "leaders.trotsky.politburo: expected one of "),
    ],
)
def test_set_wrong_type_says_what_was_expected(tmp_path: Path, assignment: str, needle: str) -> None:
    """A wrong type says what was expected, in the words of every other line.

    It was pydantic's own: "Input should be a valid integer, got a number with a fractional part".
    """
    proc = cli("run", HISTORICAL, "--set", assignment, "--out", "o", cwd=tmp_path)
    assert_one_line_error(proc, needle)
    assert not (tmp_path / "o").exists()


def test_set_string_for_an_array_says_so(tmp_path: Path) -> None:
    proc = cli("run", HISTORICAL, "--set", "events.funeral.absent=trotsky", "--out", "o", cwd=tmp_path)
    assert_one_line_error(proc, "events.funeral.absent", 'expected an array, e.g. ["trotsky"]')
    assert "valid tuple" not in proc.stderr


def test_sensitivity_power_of_two_says_got_once(tmp_path: Path) -> None:
    text = (ROOT / "experiments" / "morris_leaders.toml").read_text(encoding="utf-8")
    text = text.replace('method = "morris"', 'method = "sobol_saltelli"').replace("points = 10", "points = 3")
    text = text.replace('"../scenarios/historical.toml"', f'"{HISTORICAL.as_posix()}"')
    (tmp_path / "sobol.toml").write_text(text, encoding="utf-8")
    proc = cli("sensitivity", "sobol.toml", "--out", "o", cwd=tmp_path)
    assert_one_line_error(proc, "sample.points", "power of two", "(got 3)")
    assert proc.stderr.count("(got 3)") == 1
