"""`discover`: the combinations of swept parameters under which a condition on the runs holds.

PRIM (EMA Workbench) peels the parameter space down to a box where the runs of interest are dense,
and gives the whole coverage-density trade-off; a CART tree (scikit-learn) is a second view. Both
work on runs, not points: each run is a case, so replicate noise enters as it should.
"""

from __future__ import annotations

import json
import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError
from sim.names import nearest_directory

BOX_COLUMNS = [
    "box",
    "parameter",
    "low",
    "high",
    "coverage",
    "density",
    "qp_value",
    "qp_low",
    "qp_high",
    "values",
]


@dataclass
class Discovery:
    """PRIM's trajectory and chosen box, the tree, and the boxes of the method asked for."""

    sweep_dir: str
    where: str
    method: str
    boxes: pd.DataFrame
    trajectory: pd.DataFrame
    chosen: int
    prim_boxes: pd.DataFrame
    tree: Any
    features: list[str]
    ranges: dict[str, tuple[float, float]]
    cases: int
    runs: int
    meta: dict[str, Any] = field(default_factory=dict)
    failed: int = 0

    def write(self, out: str | Path) -> list[Path]:
        """Write boxes.csv, trajectory.csv, tree.txt, analysis.json and the three figures."""
        from sklearn.tree import export_text

        from sim.analysis.figures import box_figure, tradeoff_figure, tree_figure
        from sim.plots.style import save
        from sim.sweep.store import atomic_write_text

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out / "boxes.csv", self.boxes.to_csv(index=False, lineterminator="\n"))
        atomic_write_text(out / "trajectory.csv", self.trajectory.to_csv(index=False, lineterminator="\n"))
        atomic_write_text(out / "tree.txt", export_text(self.tree, feature_names=self.features) + "\n")
        atomic_write_text(out / "analysis.json", json.dumps(self.meta, indent=2, default=str) + "\n")
        title = f"Runs where {self.where}: {self.cases} of {self.runs}"
        return [
            save(
                tradeoff_figure(self.trajectory, self.chosen, f"PRIM trade-off · {title}"),
                out / "figures" / "tradeoff.png",
            ),
            save(
                box_figure(self.prim_boxes, self.ranges, f"PRIM box {self.chosen} · {title}"),
                out / "figures" / "box.png",
            ),
            save(tree_figure(self.tree, self.features, f"CART tree · {title}"), out / "figures" / "tree.png"),
        ]

    def report(self) -> str:
        """Lines for the terminal: the chosen box (or the tree's leaves) and their statistics."""
        lines = [f"{self.cases} of {self.runs} runs where {self.where}; boxes by {self.method}:"]
        for box, rows in self.boxes.groupby("box", sort=False):
            first = rows.iloc[0]
            lines.append(f"  box {box}: coverage {first['coverage']:.2f}, density {first['density']:.2f}")
            for row in rows.itertuples(index=False):
                span = (
                    row.values
                    if isinstance(row.values, str) and row.values
                    else f"{row.low:.3g} .. {row.high:.3g}"
                )
                qp = f" (qp {row.qp_value:.2g})" if pd.notna(row.qp_value) else ""
                lines.append(f"    {row.parameter}: {span}{qp}")
        if self.boxes.empty:
            leaves = int(self.tree.get_n_leaves()) if self.method == "cart" else 0
            why = (
                f"the tree made {leaves} leaf, and none holds a majority of these runs (a leaf needs at "
                f"least {min_leaf(self.runs)} runs)"
                if leaves == 1
                else "no box holds a majority of these runs"
            )
            lines.append(f"  none: {why}")
        return "\n".join(lines)


def load_runs(sweep_dir: Path) -> tuple[pd.DataFrame, list[str], dict[str, Any]]:
    """A finished sweep's runs, the swept columns and its manifest; InputError if it is not one."""
    manifest_file = sweep_dir / "manifest.json"
    if not sweep_dir.exists():
        raise InputError(
            f"{sweep_dir}: no such directory: expected the --out of `powerstruggle sweep`"
            f"{nearest_directory(sweep_dir)}"
        )
    if not manifest_file.is_file() or not (sweep_dir / "runs.parquet").is_dir():
        raise InputError(f"{sweep_dir}: not a sweep directory: expected the --out of `powerstruggle sweep`")
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    columns = list(manifest.get("design", {}).get("columns", []))
    if manifest.get("kind") != "sweep" or not columns:
        raise InputError(f"{sweep_dir}: manifest.json: expected a sweep that varies at least one parameter")
    if not list((sweep_dir / "runs.parquet").glob("part-*.parquet")):
        raise InputError(f"{sweep_dir}: runs.parquet: no completed run: expected a sweep with results")
    return pd.read_parquet(sweep_dir / "runs.parquet"), columns, manifest


def of_interest(runs: pd.DataFrame, where: str) -> np.ndarray:
    """Evaluate `--where` on every run (pandas expression syntax; backquote dotted column names)."""
    from sim.analysis.checks import check_where, run_leaders

    check_where(where, list(runs.columns), run_leaders(runs.columns))
    try:
        result = runs.eval(where)
    except Exception as exc:  # noqa: BLE001 - any parse or name error is the user's expression
        raise InputError(
            f"--where {where}: {type(exc).__name__}: {exc}: expected a condition on the "
            "runs' columns, e.g. \"winner != 'stalin'\" (dotted names in backquotes: `a.b`)"
        ) from None
    if not isinstance(result, pd.Series) or result.dtype != bool:
        raise InputError(f"--where {where}: expected a true/false condition on each run")
    return result.to_numpy()


def _inputs(runs: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The swept parameters as PRIM's inputs: numbers stay numbers, anything else is a category."""
    x = runs[columns].copy()
    for name in columns:
        if x[name].dtype == bool or not pd.api.types.is_numeric_dtype(x[name]):
            x[name] = x[name].astype(str).astype("category")
    return x.reset_index(drop=True)


def run_prim(x: pd.DataFrame, y: np.ndarray, min_coverage: float) -> tuple[pd.DataFrame, int, Any]:
    """PRIM's first box: its peeling trajectory, the densest step with coverage >= min_coverage, the box."""
    logging.getLogger("EMA").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EMA warns about its optional extras (ipyparallel) and pandas idioms
        from ema_workbench.analysis import prim  # slow to import: only here

        box = prim.Prim(x, y.astype(int), mass_min=0.05).find_box()
    trajectory = box.peeling_trajectory[["id", "coverage", "density", "mass", "res_dim", "n", "k"]].copy()
    trajectory = trajectory.astype({"id": int, "res_dim": int, "n": int, "k": int})
    eligible = trajectory[trajectory["coverage"] >= min_coverage]
    chosen = (
        int(eligible.sort_values(["density", "coverage"], ascending=False)["id"].iloc[0])
        if len(eligible)
        else 0
    )
    return trajectory, chosen, box


def prim_box_rows(box: Any, i: int, trajectory: pd.DataFrame) -> pd.DataFrame:
    """The restricted parameters of step i of a PRIM box, with its limits and quasi-p values."""
    from ema_workbench.analysis import scenario_discovery_util as sdutil

    limits, initial = box.box_lims[i], box.box_lims[0]
    restricted = list(sdutil._determine_restricted_dims(limits, initial))
    stats = trajectory.iloc[i]
    rows = []
    for name in restricted:
        low, high = limits[name].iloc[0], limits[name].iloc[1]
        # EMA gives one quasi-p value per restricted side (-1 for a side left alone)
        qp_low, qp_high = (
            q if q is not None and q >= 0 else np.nan for q in box.p_values[i].get(name, [-1, -1])
        )
        categorical = isinstance(low, set)
        rows.append(
            {
                "box": i,
                "parameter": name,
                "low": np.nan if categorical else float(low),
                "high": np.nan if categorical else float(high),
                "coverage": float(stats["coverage"]),
                "density": float(stats["density"]),
                "qp_value": np.nanmin([qp_low, qp_high]) if np.isfinite([qp_low, qp_high]).any() else np.nan,
                "qp_low": qp_low,
                "qp_high": qp_high,
                "values": "|".join(sorted(map(str, low))) if categorical else "",
            }
        )
    return pd.DataFrame(rows, columns=BOX_COLUMNS)


def min_leaf(runs: int) -> int:
    """The fewest runs a CART leaf may hold: 5% of the runs, and never fewer than 5 (no leaf of noise)."""
    return max(5, runs // 20)


def fit_tree(x: pd.DataFrame, y: np.ndarray, seed: int = 0) -> tuple[Any, pd.DataFrame]:
    """A shallow CART tree (depth 3, leaves of at least 5% of the runs and 5 runs) on one-hot inputs."""
    from sklearn.tree import DecisionTreeClassifier

    encoded = pd.get_dummies(x, prefix_sep="=", dtype=float)
    tree = DecisionTreeClassifier(max_depth=3, min_samples_leaf=min_leaf(len(y)), random_state=seed)
    tree.fit(encoded, y.astype(int))
    return tree, encoded


def tree_box_rows(tree: Any, encoded: pd.DataFrame, y: np.ndarray) -> pd.DataFrame:
    """Each leaf where the runs of interest are the majority, as a box of parameter ranges."""
    t = tree.tree_
    features = list(encoded.columns)
    total = max(int(y.sum()), 1)
    rows: list[dict[str, Any]] = []

    def walk(node: int, bounds: dict[str, list[float]]) -> None:
        if t.children_left[node] == -1:
            n, k = t.n_node_samples[node], t.value[node][0][1] * t.n_node_samples[node]
            if k / n > 0.5:
                for name, (low, high) in bounds.items():
                    rows.append(
                        {
                            "box": node,
                            "parameter": name,
                            "low": low,
                            "high": high,
                            "coverage": k / total,
                            "density": k / n,
                            "qp_value": np.nan,
                            "values": "",
                        }
                    )
            return
        name, cut = features[t.feature[node]], float(t.threshold[node])
        low, high = bounds.get(name, [float(encoded[name].min()), float(encoded[name].max())])
        walk(t.children_left[node], {**bounds, name: [low, min(high, cut)]})
        walk(t.children_right[node], {**bounds, name: [max(low, cut), high]})

    walk(0, {})
    return pd.DataFrame(rows, columns=BOX_COLUMNS)


def discover(
    sweep_dir: str | Path,
    where: str,
    *,
    method: str = "prim",
    min_coverage: float = 0.5,
    out: str | Path | None = None,
) -> Discovery:
    """Find the parameter ranges of a finished sweep where `where` holds; write the tables to `out`."""
    if method not in ("prim", "cart"):
        raise InputError(f"--method {method}: expected prim or cart")
    if not 0.0 < min_coverage <= 1.0:
        raise InputError(f"--min-coverage {min_coverage}: expected a share in (0, 1]")
    sweep_dir = Path(sweep_dir)
    runs, columns, manifest = load_runs(sweep_dir)
    y = of_interest(runs, where)
    if y.all() or not y.any():
        raise InputError(
            f"--where {where}: holds in {int(y.sum())} of {len(y)} runs: expected a condition "
            "that holds in some runs and not in others"
        )
    x = _inputs(runs, columns)
    trajectory, chosen, box = run_prim(x, y, min_coverage)
    prim_boxes = prim_box_rows(box, chosen, trajectory)
    tree, encoded = fit_tree(x, y)
    boxes = prim_boxes if method == "prim" else tree_box_rows(tree, encoded, y)
    ranges = {
        c: (float(x[c].min()), float(x[c].max())) for c in columns if pd.api.types.is_numeric_dtype(x[c])
    }
    meta = {
        "kind": "discovery",
        "sweep": str(sweep_dir),
        "experiment": manifest.get("experiment_name"),
        "where": where,
        "method": method,
        "runs": len(y),
        "cases_of_interest": int(y.sum()),
        "chosen_box": chosen,
        "rule": f"the densest step of PRIM's peeling trajectory with coverage >= {min_coverage}",
        "tree": "CART, depth 3, leaves of at least 5% of the runs and at least 5 runs (scikit-learn)",
    }
    result = Discovery(
        str(sweep_dir),
        where,
        method,
        boxes,
        trajectory,
        chosen,
        prim_boxes,
        tree,
        list(encoded.columns),
        ranges,
        int(y.sum()),
        len(y),
        meta,
    )
    if out is not None:
        result.write(out)
    return result
