"""Any file given to `validate` or `run` ends as exit 0 (valid) or one line `error: <file>: ...`, exit 2.

Random bytes, random TOML (the historical scenario with lines dropped or values replaced), binary
files and bases, directories, and a file that vanishes after it was read: never a traceback, never
an output directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim.tomlfile
from sim.cli import commands as cli

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"
LINES = HISTORICAL.read_text(encoding="utf-8").splitlines()
FAST = ["--replicates", "1", "--workers", "1", "--quiet", "--set", "party.scale=0.01"]
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def outcome(capsys: pytest.CaptureFixture[str], args: list[str], path: Path) -> tuple[int, str]:
    code = cli.main(args)
    err = capsys.readouterr().err
    if code != 0:
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
        assert "Traceback" not in err
    return code, err


def both(tmp_path: Path, capsys: pytest.CaptureFixture[str], path: Path) -> None:
    """Validate and run agree on the file, and a failed run leaves no output directory."""
    out = tmp_path / "out"
    code_v, _ = outcome(capsys, ["validate", str(path)], path)
    code_r, err = outcome(capsys, ["run", str(path), "--out", str(out), *FAST], path)
    assert (code_v == 0) == (code_r == 0), err
    assert code_r == 0 or not out.exists()
    if out.exists():
        import shutil

        shutil.rmtree(out)


@SETTINGS
@given(blob=st.binary(max_size=300))
def test_random_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str], blob: bytes) -> None:
    path = tmp_path / "random.toml"
    path.write_bytes(blob)
    both(tmp_path, capsys, path)


SCALARS = st.one_of(
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, width=32),
    st.booleans(),
    st.text(max_size=8).map(lambda t: '"' + t.replace("\\", "").replace('"', "") + '"'),
    st.sampled_from(['"1925-01-01"', "1924-03-01", "[]", "[1, 2]", "{}", '"stalin"']),
)


@SETTINGS
@given(
    edits=st.lists(
        st.tuples(st.integers(0, len(LINES) - 1), st.sampled_from(["drop", "value", "dup"]), SCALARS),
        min_size=1,
        max_size=4,
    )
)
def test_random_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str], edits: list) -> None:
    lines = list(LINES)
    for index, action, value in edits:
        index %= len(lines)
        if action == "drop":
            del lines[index]
        elif action == "dup":
            lines.insert(index, lines[index])
        elif "=" in lines[index]:
            lines[index] = lines[index].split("=", 1)[0] + f"= {value}"
        if not lines:
            lines = [""]
    path = tmp_path / "edited.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    both(tmp_path, capsys, path)


@pytest.mark.parametrize(
    "content, needle",
    [
        (b'name = "caf\xe9"\n', "not UTF-8 text (byte 0xe9 at offset 11)"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary file"),
        (b"\xff\xfe\x00\x00garbage", "binary file"),
    ],
)
def test_undecodable_and_binary_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, needle: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    for args in (["validate", str(path)], ["run", str(path), "--out", str(tmp_path / "o"), *FAST]):
        code, err = outcome(capsys, args, path)
        assert code == 2 and err.startswith(f"error: {path}: ") and needle in err
    assert not (tmp_path / "o").exists()


def test_binary_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "blob.bin").write_bytes(os.urandom(64) + b"\x00")
    child = tmp_path / "child.toml"
    child.write_text('base = "blob.bin"\n', encoding="utf-8")
    code, err = outcome(capsys, ["run", str(child), "--out", str(tmp_path / "o"), *FAST], child)
    assert code == 2 and "blob.bin: binary file" in err and not (tmp_path / "o").exists()


def test_a_directory_given_as_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "dir.toml").mkdir()
    for command in ("validate", "run", "sweep"):
        out = ["--out", str(tmp_path / "o")] if command != "validate" else []
        args = [command, str(tmp_path / "dir.toml"), *out]
        code, err = outcome(capsys, args, tmp_path)
        assert code == 2 and err.startswith(f"error: {tmp_path / 'dir.toml'}: is a directory"), err
    assert not (tmp_path / "o").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "locked.toml"
    path.write_text(HISTORICAL.read_text(encoding="utf-8"), encoding="utf-8")
    path.chmod(0)
    code, err = outcome(capsys, ["run", str(path), "--out", str(tmp_path / "o"), *FAST], path)
    assert code == 2 and "cannot read (Permission denied)" in err and not (tmp_path / "o").exists()


def test_a_file_that_vanishes_after_it_was_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "brief.toml"
    path.write_text(f'base = "{HISTORICAL.as_posix()}"\nname = "brief"\n', encoding="utf-8")
    real = sim.tomlfile.parse

    def parse_then_delete(where: Path, text: str) -> dict:
        data = real(where, text)
        if where == path.resolve() and path.exists():
            path.unlink()  # gone between being parsed and being hashed
        return data

    monkeypatch.setattr(sim.tomlfile, "parse", parse_then_delete)
    code, err = outcome(capsys, ["run", str(path), "--out", str(tmp_path / "o"), *FAST], path)
    assert code == 2 and err.startswith(f"error: {path}: file not found"), err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "typed", "offered"),
    [
        (["run", "scenarios/historcal.toml"], "historcal.toml", "scenarios/historical.toml"),
        (["run", "historical"], "historical", "scenarios/historical.toml"),
        (
            ["sweep", "experiments/counterfactual.toml"],
            "counterfactual.toml",
            "experiments/counterfactuals.toml",
        ),
        (
            ["score", "scenarios/historical.toml", "--targets", "targets/recod.toml"],
            "recod.toml",
            "targets/record.toml",
        ),
    ],
)
def test_a_mistyped_file_name_offers_the_nearest_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    typed: str,
    offered: str,
) -> None:
    """A missing file is one line, exit 2, naming the nearest file of its kind as typed from here."""
    monkeypatch.chdir(ROOT)
    code, err = outcome(capsys, [*args, "--out", str(tmp_path / "o")], tmp_path)
    assert code == 2 and f"{typed}: file not found" in err, err
    assert err.rstrip().endswith(f"(did you mean {offered}?)"), err
    assert not (tmp_path / "o").exists()


def test_a_missing_scenario_is_named_as_typed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    for args in (
        ["run", "scenarios/historcal.toml"],
        ["compare", "scenarios/historical.toml", "scenarios/x.toml"],
    ):
        code, err = outcome(capsys, [*args, "--out", str(tmp_path / "o")], tmp_path)
        assert code == 2 and err.startswith(f"error: {args[-1]}: file not found"), err


def test_a_missing_file_with_no_near_name_offers_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, err = outcome(capsys, ["sweep", str(tmp_path / "zzqx.toml")], tmp_path)
    assert code == 2 and err.rstrip().endswith("file not found: expected an experiment TOML file"), err


def test_an_experiment_naming_a_mistyped_scenario_offers_the_one_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path inside a file is relative to that file, so the guess is looked for there only."""
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "historical.toml").write_text(
        f'base = "{HISTORICAL.as_posix()}"\nname = "copy"\n', encoding="utf-8"
    )
    exp = tmp_path / "exp.toml"
    exp.write_text(
        '[experiment]\nname = "e"\nscenario = "scenarios/historcal.toml"\nreplicates = 1\n', encoding="utf-8"
    )
    code, err = outcome(capsys, ["sweep", str(exp), "--out", str(tmp_path / "o")], exp)
    wanted = f"(did you mean {tmp_path / 'scenarios' / 'historical.toml'}?)"
    assert code == 2 and err.rstrip().endswith(wanted), err
    assert not (tmp_path / "o").exists()
