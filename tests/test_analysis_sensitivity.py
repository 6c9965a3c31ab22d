"""Sensitivity through the sweep engine: Ishigami's known indices, Morris on the model, bad input."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.analysis.sensitivity import sensitivity
from sim.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"
# Three scenario parameters on [0, 1] carry Ishigami's x1..x3 (rescaled to [-pi, pi] below).
INPUTS = ("leaders.stalin.charisma", "leaders.trotsky.charisma", "leaders.zinoviev.charisma")


@dataclass
class _Output:
    summary: dict[str, Any]
    extra: dict[str, list[Any]] = field(default_factory=dict)

    def records(self, table: str) -> list[dict[str, Any]]:
        return []


def ishigami(scenario: Any, seed: int, replicate: int) -> _Output:
    """A test-only model: Ishigami's function (a = 7, b = 0.1) of three charisma values."""
    leaders = scenario.resolved()["leaders"]
    x1, x2, x3 = (
        -math.pi + 2 * math.pi * leaders[name]["charisma"] for name in ("stalin", "trotsky", "zinoviev")
    )
    y = math.sin(x1) + 7 * math.sin(x2) ** 2 + 0.1 * x3**4 * math.sin(x1)
    return _Output({"winner": "none", "consolidation_date": "", "ishigami": y})


def ishigami_outcome(runs: pd.DataFrame, scenario: Any) -> pd.DataFrame:
    return runs.groupby("point_id")[["ishigami"]].mean()


def experiment(method: str, points: int, replicates: int = 1, **sample: Any) -> dict[str, Any]:
    return {
        "experiment": {"scenario": str(HISTORICAL), "replicates": replicates, "seed": 11, "name": "t"},
        "fixed": {"party.scale": 0.02},
        "sample": {"method": method, "points": points, "bounds": {p: [0.0, 1.0] for p in INPUTS}, **sample},
    }


def test_ishigami_sobol_indices_match_the_analytic_ones() -> None:
    result = sensitivity(
        experiment("sobol_saltelli", 1024),
        "sobol",
        backend="serial",
        outcomes=ishigami_outcome,
        run_function="test_analysis_sensitivity:ishigami",
    )
    table = result.indices.set_index("parameter")
    # Analytic values for a = 7, b = 0.1 (Ishigami and Homma 1990; Sobol' 1993)
    s1 = [0.3139, 0.4424, 0.0]
    st = [0.5576, 0.4424, 0.2437]
    assert len(result.points) == 1024 * 5
    for name, want_s1, want_st in zip(INPUTS, s1, st, strict=True):
        assert table.loc[name, "S1"] == pytest.approx(want_s1, abs=0.06)
        assert table.loc[name, "ST"] == pytest.approx(want_st, abs=0.06)
    assert math.isnan(table["noise_share"].iloc[0])  # one replicate a point: the noise is not measured


def test_second_order_indices_are_written(tmp_path: Path) -> None:
    result = sensitivity(
        experiment("sobol_saltelli", 128, second_order=True),
        backend="serial",
        outcomes=ishigami_outcome,
        run_function="test_analysis_sensitivity:ishigami",
        out=tmp_path / "s2",
    )
    s2 = pd.read_csv(tmp_path / "s2" / "indices_s2.csv")
    assert len(result.points) == 128 * 8 and len(s2) == 3
    # x1 and x3 interact (the b x3^4 sin x1 term); x1-x2 and x2-x3 do not
    pair = s2.set_index(["parameter", "other"])["S2"]
    assert pair[(INPUTS[0], INPUTS[2])] > pair[(INPUTS[0], INPUTS[1])] + 0.1
    assert (tmp_path / "s2" / "figures" / "indices.png").is_file()


def test_morris_on_the_model_with_common_seeds(tmp_path: Path) -> None:
    spec = experiment("morris", 4, replicates=2)
    spec["sample"]["bounds"] = {
        "leaders.stalin.appointment_control": [0.0, 1.0],
        "leaders.trotsky.charisma": [0.3, 1.0],
    }
    result = sensitivity(spec, "morris", backend="serial", out=tmp_path / "m")
    indices = pd.read_csv(tmp_path / "m" / "indices.csv")
    assert list(indices.columns[:5]) == ["parameter", "outcome", "mu_star", "mu_star_conf", "sigma"]
    assert set(indices["outcome"]) == {"p_stalin", "median_consolidation_days"}
    assert len(result.points) == 4 * 3
    runs = pd.read_parquet(tmp_path / "m" / "sweep" / "runs.parquet")
    assert runs.groupby("replicate")["seed"].nunique().max() == 1  # common random numbers
    assert np.isfinite(indices["noise_share"]).all()


def test_the_1953_outcome_is_the_principals_not_stalins(tmp_path: Path) -> None:
    spec = experiment("morris", 2, replicates=1)
    spec["experiment"]["scenario"] = str(ROOT / "scenarios" / "succession_1953.toml")
    spec["sample"]["bounds"] = {"leaders.khrushchev.appointment_control": [0.2, 1.0]}
    sensitivity(spec, "morris", backend="serial", out=tmp_path / "m53")
    outcomes = pd.read_csv(tmp_path / "m53" / "outcomes.csv")
    indices = pd.read_csv(tmp_path / "m53" / "indices.csv")
    assert "p_khrushchev" in outcomes.columns and "p_stalin" not in outcomes.columns
    assert set(indices["outcome"]) == {"p_khrushchev", "median_consolidation_days"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sample": {"method": "lhs", "points": 8, "bounds": {INPUTS[0]: [0.0, 1.0]}}}, "sample.method"),
        ({"grid": {"party.scale": [0.02, 0.03]}}, "grid"),
    ],
)
def test_unsuitable_experiments_are_refused(change: dict[str, Any], message: str) -> None:
    spec = experiment("morris", 4) | change
    with pytest.raises(InputError, match=message):
        sensitivity(spec, backend="serial")


def test_method_must_match_the_file() -> None:
    with pytest.raises(InputError, match="--method sobol"):
        sensitivity(experiment("morris", 4), "sobol", backend="serial")


def test_saltelli_needs_a_power_of_two() -> None:
    with pytest.raises(InputError, match="power of two"):
        sensitivity(experiment("sobol_saltelli", 100), backend="serial")


def test_cli_bad_input_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sim.cli.commands import main

    assert main(["sensitivity", str(tmp_path / "none.toml"), "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "none.toml: file not found" in err and err.count("\n") == 1
    assert not (tmp_path / "x").exists()


def test_the_noise_is_said_in_words_where_a_percentage_would_mislead() -> None:
    from sim.analysis.sensitivity import _noise_shares, noise_words

    def rows(share: float) -> pd.DataFrame:
        return pd.DataFrame({"noise_share": [share]})

    varying, flat = pd.Series([0.2, 0.8]), pd.Series([1.0, 1.0])
    assert noise_words(rows(0.05), varying) == "replicate noise ≈ 5% of its variance across points"
    assert "4 times its variance across points: the indices mostly measure noise" in noise_words(
        rows(4.0), varying
    )
    assert "needs 2 or more replicates per point" in noise_words(rows(float("nan")), varying)
    assert "the same at every point" in noise_words(rows(float("nan")), flat)
    # one replicate a point shows no noise at all: unknown, not 0
    runs = pd.DataFrame({"point_id": [0, 1], "replicate": [0, 0], "y": [0.0, 1.0]})
    values = pd.DataFrame({"y": [0.0, 1.0]})
    shares = _noise_shares(runs, {}, lambda frame, _: frame.set_index("point_id")[["y"]], values, seed=1)
    assert math.isnan(shares["y"])
