"""Scenario discovery: PRIM recovers a planted box; the CLI reads a sweep directory; bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis.discover import discover, fit_tree, run_prim, tree_box_rows
from sim.cli.commands import main
from sim.errors import InputError


def planted(n: int = 1000, seed: int = 5) -> tuple[pd.DataFrame, np.ndarray]:
    """Three uniform inputs; the cases of interest are a <= 0.3 and b >= 0.6 (plus 5% label noise)."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({"a": rng.random(n), "b": rng.random(n), "c": rng.random(n)})
    inside = (x["a"] <= 0.3) & (x["b"] >= 0.6)
    flip = rng.random(n) < 0.05
    return x, (inside ^ flip).to_numpy()


def test_prim_recovers_a_planted_box() -> None:
    x, y = planted()
    trajectory, chosen, box = run_prim(x, y, min_coverage=0.5)
    limits = box.box_lims[chosen]
    assert trajectory.loc[chosen, "density"] > 0.8 and trajectory.loc[chosen, "coverage"] >= 0.5
    assert limits["a"].iloc[1] == pytest.approx(0.3, abs=0.05)
    assert limits["b"].iloc[0] == pytest.approx(0.6, abs=0.05)
    # c is irrelevant: unrestricted, or nearly so
    assert limits["c"].iloc[1] - limits["c"].iloc[0] > 0.85


def test_the_tree_finds_the_same_region() -> None:
    x, y = planted()
    tree, encoded = fit_tree(x, y)
    boxes = tree_box_rows(tree, encoded, y)
    best = boxes[boxes["density"] == boxes["density"].max()].set_index("parameter")
    assert best.loc["a", "high"] == pytest.approx(0.3, abs=0.05)
    assert best.loc["b", "low"] == pytest.approx(0.6, abs=0.05)


def fake_sweep(tmp_path: Path) -> Path:
    """A sweep directory as `powerstruggle sweep` leaves it, with a planted region of Stalin's failure."""
    x, y = planted(600)
    out = tmp_path / "sweep"
    (out / "runs.parquet").mkdir(parents=True)
    runs = pd.DataFrame(
        {
            "run_id": range(len(x)),
            "point_id": range(len(x)),
            "replicate": 0,
            "seed": 1,
            "leaders.stalin.appointment_control": x["a"],
            "leaders.trotsky.charisma": x["b"],
            "winner": np.where(y, "trotsky", "stalin"),
        }
    )
    runs.to_parquet(out / "runs.parquet" / "part-00000000.parquet")
    manifest = {
        "kind": "sweep",
        "experiment_name": "planted",
        "design": {"columns": ["leaders.stalin.appointment_control", "leaders.trotsky.charisma"]},
    }
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


def test_discover_writes_the_box_and_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sweep = fake_sweep(tmp_path)
    assert main(["discover", str(sweep), "--where", "winner != 'stalin'", "--out", str(tmp_path / "d")]) == 0
    boxes = pd.read_csv(tmp_path / "d" / "boxes.csv")
    assert list(boxes.columns[:7]) == ["box", "parameter", "low", "high", "coverage", "density", "qp_value"]
    row = boxes.set_index("parameter").loc["leaders.stalin.appointment_control"]
    assert row["high"] == pytest.approx(0.3, abs=0.05) and row["qp_value"] < 0.05
    for name in ("tradeoff", "box", "tree"):
        assert (tmp_path / "d" / "figures" / f"{name}.png").is_file()
    assert "boxes by prim" in capsys.readouterr().out


def test_cart_boxes(tmp_path: Path) -> None:
    result = discover(fake_sweep(tmp_path), "winner == 'trotsky'", method="cart", out=tmp_path / "c")
    assert result.boxes["qp_value"].isna().all() and (result.boxes["density"] > 0.5).all()


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("winner ==", "--where"),
        ("no_such_column > 1", "--where"),
        ("winner != 'nobody'", "holds in 600 of 600"),
    ],
)
def test_bad_conditions(tmp_path: Path, where: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        discover(fake_sweep(tmp_path), where)


def test_not_a_sweep_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["discover", str(tmp_path), "--where", "winner != 'stalin'"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "not a sweep directory" in err and "\n" not in err


def test_a_mistyped_sweep_directory_is_offered_the_nearest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_sweep(tmp_path)
    assert main(["discover", str(tmp_path / "swep"), "--where", "winner != 'stalin'"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"error: {tmp_path / 'swep'}: no such directory: expected the --out of `powerstruggle sweep` "
        f"(did you mean {tmp_path / 'sweep'}?)"
    )


def test_a_tree_too_small_to_split_is_said_so(tmp_path: Path) -> None:
    sweep = fake_sweep(tmp_path)
    runs = pd.read_parquet(sweep / "runs.parquet").iloc[:8]  # 8 runs: a leaf needs 5, so no split
    runs.to_parquet(sweep / "runs.parquet" / "part-00000000.parquet")
    result = discover(sweep, "`leaders.stalin.appointment_control` < 0.5", method="cart")
    assert result.boxes.empty
    assert "none: the tree made 1 leaf" in result.report() and "at least 5 runs" in result.report()
