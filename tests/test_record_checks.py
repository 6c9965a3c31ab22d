"""Bad targets are refused: one line naming the file and key (and the nearest valid value), exit 2, no output.

Each case goes through every command that reads a targets file: `score`, `calibrate`, `validate`,
and `targets`, which writes one from a run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import commands as cli
from sim.record.events import EVENT_KINDS
from sim.record.synthetic import to_toml

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"
RECORD = ROOT / "targets" / "record.toml"
SPACE = ROOT / "targets" / "calibration_space.toml"

GOOD: dict[str, object] = {
    "name": "t", "role": "fit", "kind": "event_date", "event": "party_expulsion", "actor": "trotsky",
    "date": "1927-11-14", "tolerance": 120, "source": "test",
}  # fmt: skip
VOTE: dict[str, object] = {
    "name": "v", "role": "fit", "kind": "vote_share", "body": "14th Party Congress", "date": "1925-12-18",
    "share": 0.1, "tolerance": 0.05, "source": "test",
}  # fmt: skip
STEPS = [{"event": "party_expulsion", "actor": "trotsky"}, {"event": "exile_abroad", "actor": "trotsky"}]
ORDERING: dict[str, object] = {
    "name": "o", "role": "fit", "kind": "ordering", "share": 0.5, "tolerance": 0.2, "source": "test",
    "steps": STEPS,
}  # fmt: skip
WINDOW: dict[str, object] = {
    "name": "w", "role": "fit", "kind": "date_window", "event": "consolidation", "from": "1928-01-01",
    "to": "1929-12-31", "share": 0.5, "tolerance": 0.2, "source": "test",
}  # fmt: skip

# (label, the target's table, what the one line must say)
CASES = [
    ("misspelt event", {**GOOD, "event": "party_expulsoin"}, "target[0].event: 'party_expulsoin'",
     "did you mean party_expulsion?"),
    ("no such event", {**GOOD, "event": "coronation"}, "target[0].event: 'coronation' is not an event kind",
     "expected"),
    ("misspelt body", {**VOTE, "body": "14th Congress"}, "target[0].body: '14th Congress' is not a session",
     "did you mean 14th Party Congress?"),
    ("unknown actor", {**GOOD, "actor": "lenin"}, "target[0].actor: 'lenin' is not a leader", "one of"),
    ("date outside the window", {**GOOD, "date": "1950-01-01"}, "target[0].date: 1950-01-01 is outside",
     "from 1924-01-01 to 1929-12-31"),
    ("window outside the window", {**WINDOW, "to": "1931-01-01"}, "target[0].to: 1931-01-01 is outside", ""),
    ("one-step ordering", {**ORDERING, "steps": STEPS[:1]}, "target[0].steps: 1 step(s)", "two or more"),
    ("a step's actor", {**ORDERING, "steps": [STEPS[0], {**STEPS[1], "actor": "trotski"}]},
     "target[0].steps[1].actor: 'trotski'", "did you mean trotsky?"),
    ("from after to", {**WINDOW, "from": "1929-06-01", "to": "1929-01-01"}, "target[0].from: 1929-06-01",
     "is after to = 1929-01-01: expected from <= to"),
]  # fmt: skip


def _write(tmp_path: Path, row: dict[str, object]) -> Path:
    f = tmp_path / "bad.toml"
    f.write_text(to_toml([dict(row)]))
    return f


def _one_line(capsys: pytest.CaptureFixture[str], *needles: str) -> None:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, err


@pytest.mark.parametrize(("label", "row", "where", "hint"), CASES, ids=[c[0] for c in CASES])
def test_score_calibrate_and_validate_refuse_it_in_one_line_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], label: str, row: dict[str, object], where: str,
    hint: str,
) -> None:  # fmt: skip
    bad = _write(tmp_path, row)
    out = tmp_path / "out"
    assert cli.main(["score", str(HISTORICAL), "--targets", str(bad), "--out", str(out)]) == 2
    _one_line(capsys, f"{bad}: {where}", hint)
    args = ["--param", "leaders.trotsky.mobilisation=0:1", "--budget", "60", "--out", str(out)]
    assert cli.main(["calibrate", str(HISTORICAL), "--targets", str(bad), *args]) == 2
    _one_line(capsys, f"{bad}: {where}", hint)
    assert cli.main(["validate", str(bad)]) == 2
    _one_line(capsys, f"{bad}: {where}", hint)
    assert not out.exists()


def test_the_good_forms_of_those_targets_are_accepted(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(to_toml([GOOD, VOTE, ORDERING, WINDOW]))
    assert cli.main(["validate", str(good), str(HISTORICAL)]) == 0


def test_validate_accepts_the_record_and_the_calibration_space(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", str(RECORD), str(SPACE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"ok {RECORD} (targets)", f"ok {SPACE} (calibration space)"]


def test_validate_checks_a_space_on_the_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    space = tmp_path / "space.toml"
    space.write_text('[params]\n"leaders.trotsky.mobilsation" = [0.0, 1.0]\n')
    assert cli.main(["validate", str(space)]) == 2
    _one_line(capsys, "space.toml: params.leaders.trotsky.mobilsation: unknown path", "mobilisation?")


def test_validate_checks_a_targets_file_on_the_scenarios_given_with_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    later = tmp_path / "later.toml"
    later.write_text(to_toml([{**GOOD, "date": "1930-06-01"}]))
    longer = tmp_path / "longer.toml"
    longer.write_text(f'base = "{HISTORICAL}"\nname = "longer"\nend = "1930-12-31"\n')
    assert cli.main(["validate", str(later)]) == 2  # against the record's scenario, which ends in 1929
    _one_line(capsys, f"{later}: target[0].date: 1930-06-01 is outside the scenario's window")
    assert cli.main(["validate", str(later), str(longer)]) == 0


def test_validate_takes_the_files_of_both_cases_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    # Each targets file and menu is checked against the scenario given that takes it: the 1953 record
    # names leaders the 1924 case lacks, and the 1924 record names Trotsky.
    root = HISTORICAL.parents[1]
    files = sorted((root / "scenarios").glob("*.toml")) + sorted((root / "targets").glob("*.toml"))
    files += sorted((root / "experiments").glob("*.toml"))
    assert cli.main(["validate", *map(str, files)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert f"ok {root / 'targets' / 'record_1953.toml'} (targets, checked against" in out
    assert "succession_1953" in out.split("record_1953.toml")[1].splitlines()[0]
    bad = ["--scenario", str(HISTORICAL), str(root / "targets" / "record_1953.toml")]
    assert cli.main(["validate", *bad]) == 2  # --scenario: every one named must take it


def test_targets_refuses_a_run_whose_events_name_no_event_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    assert cli.main(["run", str(HISTORICAL), "--replicates", "2", "--seed", "2", "--out", str(run), "--quiet",
                     "--workers", "1"]) == 0  # fmt: skip
    assert cli.main(["targets", str(run), "--out", str(tmp_path / "ok.toml")]) == 0
    capsys.readouterr()
    events = pd.read_csv(run / "events.csv")
    events["kind"] = events["kind"].replace("party_expulsion", "party_expulsoin")
    events.to_csv(run / "events.csv", index=False)
    assert (events["kind"] == "party_expulsoin").any()
    out = tmp_path / "bad.toml"
    assert cli.main(["targets", str(run), "--out", str(out)]) == 2
    _one_line(capsys, "events.csv: kind: 'party_expulsoin'", "did you mean party_expulsion?")
    assert not out.exists()


def test_targets_checks_what_it_writes_against_the_runs_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    args = ["--replicates", "2", "--seed", "2", "--out", str(run), "--quiet", "--workers", "1"]
    assert cli.main(["run", str(HISTORICAL), *args]) == 0
    votes = pd.read_csv(run / "votes.csv")
    votes["body"] = votes["body"].replace("14th Party Congress", "14th Congress")  # not the calendar's name
    votes.to_csv(run / "votes.csv", index=False)
    capsys.readouterr()
    assert cli.main(["targets", str(run), "--out", str(tmp_path / "t.toml")]) == 2
    _one_line(capsys, "body: '14th Congress' is not a session", "did you mean 14th Party Congress?")
    assert not (tmp_path / "t.toml").exists()


def test_calibrate_with_a_small_budget_names_the_budget_not_a_population(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--param", "leaders.trotsky.mobilisation=0:1", "--out", str(tmp_path / "c")]
    assert cli.main(["calibrate", str(HISTORICAL), "--targets", str(RECORD), "--budget", "5", *args]) == 2
    err = capsys.readouterr().err
    assert "--budget 5: too small" in err and "--population" not in err and err.count("\n") == 1
    assert not (tmp_path / "c").exists()


def test_every_event_kind_of_an_actor_the_model_writes_may_be_a_target(tmp_path: Path) -> None:
    """The list of event kinds follows the model.

    A kind it writes is targetable, and each listed one is written somewhere in the model's code.
    """
    seen: set[str] = set()
    for scenario in ("historical", "trotsky_fights", "testament_published"):
        out = tmp_path / scenario
        args = ["--replicates", "4", "--seed", "1", "--out", str(out), "--quiet", "--workers", "1"]
        assert cli.main(["run", str(ROOT / "scenarios" / f"{scenario}.toml"), *args]) == 0
        ev = pd.read_csv(out / "events.csv", keep_default_na=False)
        personal = ev[(ev["actor"] != "") & ~ev["actor"].astype(str).str.contains("+", regex=False)]
        seen |= set(personal["kind"])
    assert seen - set(EVENT_KINDS) == set()
    source = "\n".join(p.read_text() for p in (ROOT / "sim").rglob("*.py") if "record" not in p.parts)
    assert [k for k in EVENT_KINDS if f'"{k}"' not in source] == []
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_file_checked_against_a_broken_scenario_does_not_take_its_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    space = tmp_path / "space.toml"
    space.write_text('[params]\n"leaders.stalin.appointment_control" = [0.1, 1.0]\n')
    broken = tmp_path / "broken.toml"
    broken.write_text('[param]\n"leaders.stalin.appointment_control" = [0.1, 1.0]\n')  # read as a scenario
    assert cli.main(["validate", str(space), str(broken)]) == 2
    err = capsys.readouterr().err.splitlines()
    why = f"not checked: expected a valid scenario to check it against ({broken}, given with it, is not)"
    assert err[0] == f"error: {space}: {why}"
    assert err[1].startswith(f"error: {broken}: param: unknown key")  # reported once, as its own
