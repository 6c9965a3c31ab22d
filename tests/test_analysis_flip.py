"""flip: the search by size prunes supersets and reports minimal sets; menus are checked; the real model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.analysis.flip import flip
from sim.analysis.menu import combine, load_menu, parse_menu
from sim.cli.commands import main
from sim.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"

MENU = """
[[intervention]]
name = "a"
set = { "leaders.stalin.charisma" = 0.9 }

[[intervention]]
name = "b"
set = { "leaders.trotsky.charisma" = 0.1 }

[[intervention]]
name = "c"
set = { "leaders.zinoviev.charisma" = 0.9 }
"""


class _Output:
    def __init__(self, winner: str) -> None:
        self.summary = {"winner": winner, "consolidation_date": ""}

    def records(self, table: str) -> list[dict[str, Any]]:
        return []


def logic_model(scenario: Any, seed: int, replicate: int) -> _Output:
    """A test-only model: Stalin wins exactly when a, or b and c together, are applied."""
    leaders = scenario.resolved()["leaders"]
    a = leaders["stalin"]["charisma"] == 0.9
    b = leaders["trotsky"]["charisma"] == 0.1
    c = leaders["zinoviev"]["charisma"] == 0.9
    return _Output("stalin" if a or (b and c) else "trotsky")


def test_minimal_sets_and_pruning(tmp_path: Path) -> None:
    menu = tmp_path / "menu.toml"
    menu.write_text(MENU)
    result = flip(
        HISTORICAL,
        "stalin",
        menu,
        replicates=3,
        backend="serial",
        out=tmp_path / "f",
        run_function="test_analysis_flip:logic_model",
    )
    assert result.tested["interventions"].tolist() == ["", "a", "b", "c", "b+c"]  # a+b, a+c, a+b+c pruned
    flips = pd.read_csv(tmp_path / "f" / "flips.csv")
    assert list(flips.columns) == [
        "size",
        "interventions",
        "p",
        "lo",
        "hi",
        "diff",
        "diff_lo",
        "diff_hi",
        "n",
    ]
    assert flips[["size", "interventions"]].values.tolist() == [[1, "a"], [2, "b+c"]]
    assert flips["p"].tolist() == [1.0, 1.0] and flips["diff"].tolist() == [1.0, 1.0]
    assert (tmp_path / "f" / "figures" / "flips.png").is_file()


def test_a_scenario_that_already_flips_is_the_one_minimal_flip(tmp_path: Path) -> None:
    # Trotsky wins as given under the logic model unless a, or b and c, are applied: the empty set flips,
    # and the singles run beside it are supersets of it, not minimal flips.
    menu = tmp_path / "menu.toml"
    menu.write_text(MENU)
    result = flip(
        HISTORICAL,
        "trotsky",
        menu,
        replicates=2,
        backend="serial",
        run_function="test_analysis_flip:logic_model",
    )
    assert result.flips["interventions"].tolist() == [""]
    assert result.tested["interventions"].tolist() == ["", "a", "b", "c"]
    assert result.tested["flips"].tolist() == [True, False, False, False]  # b and c reach the threshold too


def test_max_size_stops_the_search(tmp_path: Path) -> None:
    menu = tmp_path / "menu.toml"
    menu.write_text(MENU)
    result = flip(
        HISTORICAL,
        "stalin",
        menu,
        max_size=1,
        replicates=2,
        backend="serial",
        run_function="test_analysis_flip:logic_model",
    )
    assert result.flips["interventions"].tolist() == ["a"] and result.tested["size"].max() == 1


def test_flip_on_the_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    menu = tmp_path / "menu.toml"
    menu.write_text('[[intervention]]\nname = "published"\nset = { "events.testament.published" = true }\n')
    code = main(
        [
            "flip",
            str(HISTORICAL),
            "--to",
            "trotsky",
            "--menu",
            str(menu),
            "--replicates",
            "3",
            "--backend",
            "serial",
            "--set",
            "party.scale=0.02",
            "--progress",
            "off",
            "--out",
            str(tmp_path / "f"),
        ]
    )
    assert code == 0
    tested = pd.read_csv(tmp_path / "f" / "tested.csv")
    assert tested["interventions"].fillna("").tolist() == ["", "published"] and (tested["n"] == 3).all()
    assert "as given" in capsys.readouterr().out


def test_the_shipped_menu_is_valid() -> None:
    menu = load_menu(ROOT / "experiments" / "trotsky_errors.toml")
    assert {m.name for m in menu} >= {"attends_funeral", "mobilises_1924", "testament_published"}
    from sim.analysis.configurations import labelled_design
    from sim.analysis.flip import _configuration

    labelled_design(HISTORICAL, [_configuration(menu, [m]) for m in menu], 1, 0)  # every path and value loads


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, "intervention: expected at least one"),
        ({"intervention": [{"name": "x"}]}, "intervention[0].set: expected a table"),
        ({"intervention": [{"name": "Bad name", "set": {"a": 1}}]}, "intervention[0].name"),
        (
            {"intervention": [{"name": "x", "set": {"a": 1}, "colour": "red"}]},
            "intervention[0].colour: unknown",
        ),
        ({"intervention": [{"name": "x", "set": {"a": 1}}, {"name": "x", "set": {"b": 1}}]}, "distinct"),
        ({"other": 1}, "other: unknown key"),
    ],
)
def test_bad_menus(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_menu(raw, "menu.toml")


def test_combine_refuses_contradictions() -> None:
    menu = parse_menu(
        {
            "intervention": [
                {"name": "x", "set": {"a": 1}},
                {"name": "y", "set": {"a": 2}},
                {"name": "z", "set": {"a": 1, "b": 2}},
            ]
        },
        "m",
    )
    assert combine([menu[0], menu[1]]) is None
    assert combine([menu[0], menu[2]]) == {"a": 1, "b": 2}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--to", "lenin"], "--to lenin: unknown leader"),
        (["--to", "stalin", "--threshold", "1.5"], "--threshold"),
    ],
)
def test_bad_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    menu = tmp_path / "menu.toml"
    menu.write_text(MENU)
    assert main(["flip", str(HISTORICAL), "--menu", str(menu), "--out", str(tmp_path / "x"), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_a_menu_path_the_scenario_lacks(tmp_path: Path) -> None:
    menu = tmp_path / "menu.toml"
    menu.write_text('[[intervention]]\nname = "x"\nset = { "leaders.stalin.charm" = 0.9 }\n')
    with pytest.raises(InputError, match="charm"):
        flip(HISTORICAL, "stalin", menu, replicates=1, backend="serial")


def test_a_menu_naming_a_missing_scenario_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    menu = tmp_path / "menu.toml"
    menu.write_text('scenario = "../nowhere.toml"\n' + MENU)
    assert (
        main(["flip", str(HISTORICAL), "--to", "stalin", "--menu", str(menu), "--out", str(tmp_path / "x")])
        == 2
    )
    err = capsys.readouterr().err
    assert "menu.toml: scenario: ../nowhere.toml: file not found" in err and not (tmp_path / "x").exists()
