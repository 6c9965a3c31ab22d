"""attribute on the real model (small): tables, Shapley identity, common seeds, resume, failures, input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.analysis.attribute import attribute
from sim.cli.commands import main

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"
SMALL = {"party.scale": 0.02}


def fails_once(scenario: Any, seed: int, replicate: int) -> Any:
    """Fail replicate 1 when the appointment mechanism is off, to test that its pairs are dropped."""
    from sim.run.runner import simulate

    if replicate == 1 and not scenario.resolved()["mechanisms"]["appointment"]["enabled"]:
        raise ValueError("boom")
    return simulate(scenario, seed, replicate)


def test_attribute_two_mechanisms(tmp_path: Path) -> None:
    out = tmp_path / "attr"
    result = attribute(
        HISTORICAL,
        ["appointment", "legacy"],
        replicates=4,
        seed=3,
        backend="serial",
        out=out,
        overrides=SMALL,
    )
    configs = pd.read_csv(out / "configurations.csv")
    table = pd.read_csv(out / "attribution.csv")
    assert list(configs.columns) == ["appointment", "legacy", "p_stalin", "lo", "hi", "wins", "n"]
    assert configs[["appointment", "legacy"]].values.tolist() == [
        [False, False],
        [True, False],
        [False, True],
        [True, True],
    ]
    assert list(table.columns) == ["mechanism", "shapley", "lo", "hi"]
    total = configs["p_stalin"].iloc[-1] - configs["p_stalin"].iloc[0]
    assert table["shapley"].sum() == pytest.approx(total, abs=1e-12)
    p = configs["p_stalin"].tolist()
    assert table.set_index("mechanism").loc["legacy", "shapley"] == pytest.approx(
        0.5 * (p[2] - p[0]) + 0.5 * (p[3] - p[1]), abs=1e-12
    )
    assert (table["lo"] <= table["shapley"] + 1e-12).all() and (table["shapley"] <= table["hi"] + 1e-12).all()
    runs = pd.read_parquet(out / "sweep" / "runs.parquet")
    assert len(runs) == 16 and runs.groupby("replicate")["seed"].nunique().eq(1).all()  # common seeds
    wins = runs.assign(w=runs["winner"] == "stalin").groupby("point_id")["w"].mean().tolist()
    assert wins == pytest.approx(p)
    assert (out / "figures" / "attribution.png").is_file()
    assert result.used_replicates == 4 and "appointment" in result.report()


def test_resume_and_a_used_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "attr"
    args = [
        "attribute",
        str(HISTORICAL),
        "--mechanisms",
        "legacy",
        "--replicates",
        "2",
        "--backend",
        "serial",
        "--set",
        "party.scale=0.02",
        "--progress",
        "off",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    first = (out / "attribution.csv").read_text()
    assert main(args) == 2
    assert "--resume" in capsys.readouterr().err
    assert main([*args, "--resume"]) == 0
    assert (out / "attribution.csv").read_text() == first


def test_a_failed_run_drops_its_replicate_everywhere(tmp_path: Path) -> None:
    result = attribute(
        HISTORICAL,
        ["appointment"],
        replicates=3,
        seed=1,
        backend="serial",
        out=tmp_path / "a",
        overrides=SMALL,
        run_function="test_analysis_attribute:fails_once",
    )
    assert result.failed == 1 and result.used_replicates == 2
    assert (tmp_path / "a" / "sweep" / "failures.csv").is_file()
    assert result.configurations["n"].tolist() == [2, 2]


def test_switches_from_a_menu(tmp_path: Path) -> None:
    menu = tmp_path / "menu.toml"
    menu.write_text(
        '[[intervention]]\nname = "attends"\nset = { "events.funeral.absent" = [] }\n\n'
        '[[intervention]]\nname = "published"\nset = { events = { testament = { published = true } } }\n'
    )
    result = attribute(HISTORICAL, switches=menu, replicates=2, backend="serial", overrides=SMALL)
    assert list(result.attribution["switch"]) == ["attends", "published"]
    assert result.attribution["shapley"].sum() == pytest.approx(result.total, abs=1e-12)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--mechanisms", "appointment,nonsense"], "--mechanisms: nonsense: unknown mechanism"),
        (["--mechanisms", "appointment,propoganda"], "(did you mean propaganda?)"),
        (["--outcome", "loser=stalin"], "--outcome loser=stalin: expected winner=LEADER"),
        (["--replicates", "0"], "--replicates"),
        (["--switches", "missing.toml"], "missing.toml: file not found"),
    ],
)
def test_bad_input_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert main(["attribute", str(HISTORICAL), "--out", str(tmp_path / "x"), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "x").exists()


def test_a_missing_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attribute", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "x")]) == 2
    assert "nope.toml: file not found" in capsys.readouterr().err


def interrupted_once(scenario: Any, seed: int, replicate: int) -> Any:
    """Act as Ctrl-C the first time the last configuration (all on) runs replicate 1."""
    import os

    from sim.run.runner import simulate

    flag = Path(os.environ["ANALYSIS_TEST_FLAG"])
    if replicate == 1 and scenario.resolved()["mechanisms"]["legacy"]["enabled"] and not flag.exists():
        flag.write_text("interrupted")
        raise KeyboardInterrupt
    return simulate(scenario, seed, replicate)


def test_ctrl_c_then_resume_gives_the_uninterrupted_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ANALYSIS_TEST_FLAG", str(tmp_path / "flag"))
    out = tmp_path / "attr"
    common = dict(replicates=2, seed=4, backend="serial", overrides=SMALL)
    with pytest.raises(KeyboardInterrupt):
        attribute(
            HISTORICAL, ["legacy"], out=out, run_function="test_analysis_attribute:interrupted_once", **common
        )
    assert not (out / "attribution.csv").exists() and (out / "sweep" / "runs.parquet").is_dir()
    resumed = attribute(
        HISTORICAL,
        ["legacy"],
        out=out,
        resume=True,
        run_function="test_analysis_attribute:interrupted_once",
        **common,
    )
    fresh = attribute(HISTORICAL, ["legacy"], **common)
    pd.testing.assert_frame_equal(resumed.configurations, fresh.configurations)
    pd.testing.assert_frame_equal(resumed.attribution, fresh.attribution)


def test_the_default_outcome_is_the_first_offices_holder_at_the_start() -> None:
    from sim.analysis.checks import default_outcome

    assert default_outcome(HISTORICAL) == "winner=stalin"
    assert default_outcome(ROOT / "scenarios" / "trotsky_general_secretary.toml") == "winner=trotsky"
    assert default_outcome(ROOT / "scenarios" / "succession_1953.toml") == "winner=khrushchev"
    # nobody holds the post: the first leader the scenario lists
    assert default_outcome(HISTORICAL, {"leaders.stalin.posts": []}) == "winner=stalin"
