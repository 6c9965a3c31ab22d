"""Results tables, atomic writing, the comparison table and the text report (synthetic and small runs)."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.errors import InputError
from sim.run.report import comparison_report, run_report
from sim.run.results import COLUMNS, Comparison, Results, atomic_directory, comparison_table
from sim.run.runner import ReplicateOutput
from sim.run.stats import newcombe

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"
LEADERS = ["stalin", "trotsky"]


def fake_output(replicate: int, winner: str, expelled: str = "") -> ReplicateOutput:
    summary = {
        "replicate": replicate,
        "seed": 100 + replicate,
        "winner": winner,
        "consolidation_date": "1927-12-01" if winner != "none" else "",
        "support_final_stalin": 0.8,
        "support_final_trotsky": 0.2,
        "stalin__party_expulsion": "",
        "trotsky__party_expulsion": expelled,
        "line_for_share_mean": 0.9,
        "gs_holder_final": "stalin",
    }
    events = [
        {
            "replicate": replicate,
            "date": "1924-01-21",
            "kind": "lenin_death",
            "actor": "",
            "body": "",
            "detail": "",
        }
    ]
    if expelled:
        events.append(
            {
                "replicate": replicate,
                "date": expelled,
                "kind": "party_expulsion",
                "actor": "trotsky",
                "body": "15th Party Congress",
                "detail": "",
            }
        )
    n = len(LEADERS)
    ts = {
        "replicate": [replicate] * n,
        "date": ["1924-01-01"] * n,
        "leader": list(LEADERS),
        "support": [0.5] * n,
        "pb_seat": [2] * n,
        "cc_share": [0.5] * n,
        "rung": [0] * n,
        "legitimacy": [0.5] * n,
        "standing": [1.0] * n,
        "camp": list(LEADERS),
    }
    return ReplicateOutput(summary, events, [], ts, steps=1)


def fake_results(name: str, winners: list[str], expelled: list[str] | None = None) -> Results:
    expelled = expelled or [""] * len(winners)
    outs = [fake_output(i, w, e) for i, (w, e) in enumerate(zip(winners, expelled, strict=True))]
    return Results.from_outputs(
        outs, {"kind": "run", "scenario_name": name, "leaders": LEADERS, "master_seed": 0}
    )


def test_tables_have_contract_columns_even_when_empty() -> None:
    res = fake_results("a", ["stalin", "none"])
    for table, columns in COLUMNS.items():
        assert list(getattr(res, table).columns[: len(columns)]) == list(columns)
    assert len(res.votes) == 0
    assert res.replicates == 2


def test_winner_probabilities_and_dates() -> None:
    res = fake_results("a", ["stalin", "stalin", "none", "trotsky"], ["1927-11-14", "1927-11-16", "", ""])
    probs = res.winner_probabilities().set_index("winner")
    assert list(probs.index) == ["stalin", "trotsky", "none"]
    assert probs.loc["stalin", "p"] == 0.5 and probs.loc["stalin", "wins"] == 2
    assert probs.loc["stalin", "lo"] < 0.5 < probs.loc["stalin", "hi"]
    dates = res.sanction_dates().set_index(["leader", "kind"])
    row = dates.loc[("trotsky", "party_expulsion")]
    assert row["median"] == "1927-11-15" and row["count"] == 2 and row["n"] == 4
    assert dates.loc[("stalin", "party_expulsion"), "median"] == ""
    text = run_report(res)
    assert "stalin" in text and "1927-11-15" in text and "50%" in text


def test_write_is_atomic_and_replaces_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    fake_results("a", ["stalin"]).write(out)
    assert sorted(p.name for p in out.iterdir()) == [
        "delegations.csv",
        "events.csv",
        "manifest.json",
        "party.csv",
        "summary.csv",
        "timeseries.csv",
        "votes.csv",
    ]
    (out / "figures").mkdir()  # earlier figures go with the results they belong to
    fake_results("b", ["trotsky"]).write(out)
    assert json.loads((out / "manifest.json").read_text())["scenario_name"] == "b"
    assert not (out / "figures").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]

    calls = {"n": 0}
    real = pd.DataFrame.to_csv

    def fail_on_third(self: pd.DataFrame, *args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail_on_third)
    with pytest.raises(InputError, match="No space left"):
        fake_results("c", ["none"]).write(out)
    # the earlier results are untouched and no temporary directory is left
    assert json.loads((out / "manifest.json").read_text())["scenario_name"] == "b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    monkeypatch.undo()
    with pytest.raises(KeyboardInterrupt), atomic_directory(tmp_path / "new"):
        raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_write_refuses_foreign_directories(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.md").write_text("mine")
    with pytest.raises(InputError, match="other files"):
        fake_results("a", ["stalin"]).write(tmp_path / "docs")
    assert (tmp_path / "docs" / "notes.md").read_text() == "mine"
    (tmp_path / "empty").mkdir()
    fake_results("a", ["stalin"]).write(tmp_path / "empty")
    assert (tmp_path / "empty" / "summary.csv").exists()


def test_comparison_pairs_replicates_that_share_their_seeds() -> None:
    base = fake_results("base", ["stalin"] * 90 + ["none"] * 10)
    # The same 100 seeds; only replicates 0-4 change winner: the paired interval sees five discordant
    # pairs, the unpaired one only two proportions of 100.
    alt = fake_results("alt", ["none"] * 5 + ["stalin"] * 85 + ["none"] * 10)
    row = (
        comparison_table({"base": base, "alt": alt})
        .set_index(["scenario", "metric"])
        .loc[("alt", "p_winner_stalin")]
    )
    assert row["diff"] == pytest.approx(-0.05)
    assert row["diff_lo"] < -0.05 < row["diff_hi"] < 0  # paired: the drop is clear
    unpaired = newcombe(85, 100, 90, 100)
    assert unpaired[1] < -0.05 < 0 < unpaired[2]  # unpaired: within the noise
    # Different seeds: no pairing, the unpaired interval.
    shifted = Results.from_outputs(
        [fake_output(i + 1000, w) for i, w in enumerate(["none"] * 5 + ["stalin"] * 85 + ["none"] * 10)],
        {"kind": "run", "scenario_name": "shifted", "leaders": LEADERS},
    )
    other = (
        comparison_table({"base": base, "shifted": shifted})
        .set_index(["scenario", "metric"])
        .loc[("shifted", "p_winner_stalin")]
    )
    assert (other["diff_lo"], other["diff_hi"]) == pytest.approx(unpaired[1:])


def test_comparison_table_and_report(tmp_path: Path) -> None:
    a = fake_results("base", ["stalin"] * 8 + ["none"] * 2, ["1927-11-15"] * 10)
    b = fake_results("alt", ["stalin"] * 2 + ["trotsky"] * 8)
    table = comparison_table({"base": a, "alt": b})
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
    p = table[table["metric"] == "p_winner_stalin"].set_index("scenario")
    assert p.loc["base", "value"] == pytest.approx(0.8)
    assert math.isnan(p.loc["base", "diff"])
    assert p.loc["alt", "diff"] == pytest.approx(-0.6)
    assert p.loc["alt", "diff_lo"] < -0.6 < p.loc["alt", "diff_hi"] < 0
    dates = table[table["metric"] == "median_trotsky__party_expulsion"].set_index("scenario")
    assert dates.loc["base", "value"] == "1927-11-15" and dates.loc["alt", "value"] == ""
    cmp = Comparison({"base": a, "alt": b}, table, {"kind": "comparison", "scenarios": ["base", "alt"]})
    text = comparison_report(cmp)
    assert "[2] alt" in text and "-0.60" in text
    cmp.write(tmp_path / "c")
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [
        "alt",
        "base",
        "comparison.csv",
        "manifest.json",
    ]
    assert (tmp_path / "c" / "alt" / "summary.csv").exists()


def test_run_scenario_api() -> None:
    res = sim.run_scenario(HISTORICAL, replicates=2, seed=3, overrides={"party.scale": 0.02})
    assert isinstance(res, sim.Results)
    assert len(res.summary) == 2
    assert res.manifest["kind"] == "run" and res.manifest["master_seed"] == 3
    assert res.manifest["leaders"] == list(res.manifest["scenario"]["leaders"])
    assert set(res.timeseries["leader"]) == set(res.manifest["leaders"])
    assert res.manifest["steps"] == res.timeseries["date"].nunique()
    # overrides as `path=value` strings, and a scenario given as a mapping
    again = sim.run_scenario(res.manifest["scenario"], replicates=1, seed=3, overrides=["party.scale=0.02"])
    assert again.manifest["scenario_name"] == "historical"
    for bad in ({"replicates": 0}, {"workers": 0}, {"seed": -1}):
        with pytest.raises(InputError, match=next(iter(bad))):
            sim.run_scenario(HISTORICAL, **{"replicates": 1, **bad})


def test_compare_scenarios_api() -> None:
    files = [HISTORICAL, ROOT / "scenarios" / "funeral_attended.toml"]
    cmp = sim.compare_scenarios(files, replicates=2, seed=0, overrides={"party.scale": 0.02}, workers=1)
    assert cmp.names == ["historical", "funeral_attended"]
    assert cmp.manifest["kind"] == "comparison"
    assert set(cmp.table["scenario"]) == set(cmp.names)
    with pytest.raises(InputError, match="at least two"):
        sim.compare_scenarios(files[:1], replicates=1)


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_output_directory_follows_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        with atomic_directory(tmp_path / "out") as tmp:
            (tmp / "x.csv").write_text("a\n", encoding="utf-8")
    finally:
        os.umask(old)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o777 & ~umask
