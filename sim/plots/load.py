"""Recognise what a results directory holds (a run, a comparison, a sweep) and load its tables.

Every problem with the input is raised as one-line `InputError` naming the path, what is wrong
and what was expected, so the CLI can print it and exit 2 instead of showing a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.errors import InputError
from sim.names import nearest_directory

RUN_TABLES = ("summary", "events", "votes", "timeseries")
#: Columns each run table must have for the plots to read it (others are optional).
REQUIRED = {
    "summary": ("replicate", "winner"),
    "events": ("replicate", "date", "kind", "actor"),
    "votes": ("replicate", "date", "body", "motion", "for", "against"),
    "timeseries": ("replicate", "date", "leader", "support"),
}
#: The party's tables (runs written before they existed have none: their figures are skipped).
PARTY_TABLES = {
    "party": ("replicate", "date", "members", "candidates"),
    "delegations": ("replicate", "date", "body", "organisation", "patron", "delegates", "for", "against"),
}
_TEXT = {
    "winner",
    "kind",
    "actor",
    "body",
    "detail",
    "motion",
    "leader",
    "camp",
    "gs_holder_final",
    "organisation",
    "patron",
    "scenario",
    "metric",
}


@dataclass
class RunData:
    """The tables of one run directory (or of one `Results`), with what was missing."""

    manifest: dict
    summary: pd.DataFrame
    events: pd.DataFrame
    votes: pd.DataFrame
    timeseries: pd.DataFrame
    path: Path | None = None
    missing: list[str] = field(default_factory=list)
    party: pd.DataFrame = field(default_factory=pd.DataFrame)  # party.csv, where the run has one
    delegations: pd.DataFrame = field(default_factory=pd.DataFrame)  # delegations.csv, likewise

    @property
    def name(self) -> str:
        """Scenario name for captions and file names."""
        return str(self.manifest.get("scenario_name") or (self.path.name if self.path else "run"))

    @property
    def replicates(self) -> int:
        """Number of replicates actually present."""
        for df in (self.summary, self.timeseries, self.events):
            if "replicate" in df and len(df):
                return int(df["replicate"].nunique())
        return int(self.manifest.get("replicates") or 0)


@dataclass
class ComparisonData:
    """A comparison directory: the long comparison table and each scenario's run."""

    manifest: dict
    comparison: pd.DataFrame
    runs: dict[str, RunData]
    path: Path | None = None
    missing: list[str] = field(default_factory=list)


@dataclass
class SweepData:
    """A sweep directory: per-point outcome table, per-run table and the swept parameter names."""

    manifest: dict
    points: pd.DataFrame
    runs: pd.DataFrame
    parameters: list[str]
    path: Path | None = None
    missing: list[str] = field(default_factory=list)


def kind_of(path: Path) -> str:
    """`run`, `comparison` or `sweep`, from the manifest or else from the files present."""
    path = Path(path)
    if not path.exists():
        raise InputError(
            f"{path}: no such directory: expected a results directory written by run, compare or sweep"
            f"{nearest_directory(path)}"
        )
    if not path.is_dir():
        raise InputError(
            f"{path}: not a directory: expected a results directory written by run, compare or sweep"
        )
    manifest = read_manifest(path, required=False)
    kind = str(manifest.get("kind", "")).lower()
    if kind in ("run", "comparison", "sweep"):
        return kind
    if kind == "compare":
        return "comparison"
    if (path / "comparison.csv").exists():
        return "comparison"
    if (path / "points.csv").exists() or (path / "runs.parquet").exists():
        return "sweep"
    if any((path / f"{t}.csv").exists() for t in RUN_TABLES) or (path / "timeseries.parquet").exists():
        return "run"
    if any((p / "summary.csv").exists() for p in path.iterdir() if p.is_dir()):
        return "comparison"
    raise InputError(
        f"{path}: no results found: expected manifest.json with kind run, comparison or sweep "
        "(or summary.csv, comparison.csv or points.csv)"
    )


def load(path: Path) -> RunData | ComparisonData | SweepData:
    """Load whatever results the directory holds."""
    kind = kind_of(path)
    if kind == "run":
        return load_run(path)
    if kind == "comparison":
        return load_comparison(path)
    return load_sweep(path)


def read_manifest(path: Path, required: bool = True) -> dict:
    """Read the directory's manifest.json as a dict ({} when absent and not required)."""
    f = Path(path) / "manifest.json"
    if not f.exists():
        if required:
            raise InputError(f"{f}: missing: expected the manifest.json written with the results")
        return {}
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"{f}: unreadable JSON ({exc}): expected the manifest written with the results"
        ) from None
    if not isinstance(data, dict):
        raise InputError(f"{f}: top level is {type(data).__name__}: expected a JSON object")
    return data


def read_table(path: Path, required_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read a CSV or Parquet table; a bad file or a missing column is a one-line InputError."""
    path = Path(path)
    try:
        if path.suffix == ".parquet":
            df = pd.read_parquet(path)
        else:
            if path.stat().st_size == 0:
                raise InputError(f"{path}: file is empty: expected a CSV with a header line")
            df = pd.read_csv(path, low_memory=False)
    except InputError:
        raise
    except Exception as exc:  # pandas/pyarrow raise many types for a damaged file
        msg = " ".join(str(exc).split())[:160]
        raise InputError(
            f"{path}: cannot read table ({type(exc).__name__}: {msg}): expected a valid results table"
        ) from None
    missing = [c for c in required_columns if c not in df.columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)}: expected {', '.join(required_columns)}"
        )
    return df


def _run_table(path: Path, name: str) -> pd.DataFrame | None:
    """One run table from CSV, or Parquet for the time series; None when neither exists."""
    for candidate in (path / f"{name}.csv", path / f"{name}.parquet"):
        if candidate.exists():
            return read_table(candidate, REQUIRED[name])
    return None


def load_run(path: Path) -> RunData:
    """Load a run directory; missing tables become empty ones and are listed in `missing`."""
    path = Path(path)
    manifest = read_manifest(path, required=False)
    tables: dict[str, pd.DataFrame] = {}
    missing = []
    for name in RUN_TABLES:
        df = _run_table(path, name)
        if df is None:
            missing.append(f"{name}.csv")
            df = pd.DataFrame(columns=list(REQUIRED[name]))
        tables[name] = df
    if len(missing) == len(RUN_TABLES):
        raise InputError(
            f"{path}: no run tables: expected summary.csv, events.csv, votes.csv and timeseries.csv"
        )
    extra = {
        name: normalise(read_table(path / f"{name}.csv", PARTY_TABLES[name]))
        for name in PARTY_TABLES
        if (path / f"{name}.csv").exists()
    }
    return RunData(
        manifest=manifest, path=path, missing=missing, **{k: normalise(v) for k, v in tables.items()}, **extra
    )


def load_comparison(path: Path) -> ComparisonData:
    """Load a comparison directory and each scenario's run below it."""
    path = Path(path)
    manifest = read_manifest(path, required=False)
    missing = []
    f = path / "comparison.csv"
    if f.exists():
        comparison = normalise(read_table(f, ("scenario", "metric", "value")))
    else:
        missing.append("comparison.csv")
        comparison = pd.DataFrame(columns=["scenario", "metric", "value", "lo", "hi"])
    names = [str(s) for s in manifest.get("scenarios") or []]
    if not names:
        names = sorted(p.name for p in path.iterdir() if p.is_dir() and (p / "summary.csv").exists())
    runs = {}
    for name in names:
        sub = path / name
        if sub.is_dir():
            runs[name] = load_run(sub)
        else:
            missing.append(f"{name}/")
    if comparison.empty and not runs:
        raise InputError(
            f"{path}: empty comparison: expected comparison.csv or one run directory per scenario"
        )
    return ComparisonData(manifest=manifest, comparison=comparison, runs=runs, path=path, missing=missing)


def load_sweep(path: Path) -> SweepData:
    """Load a sweep directory: points.csv (per point) and runs.parquet (per run), either may be absent."""
    path = Path(path)
    manifest = read_manifest(path, required=False)
    missing = []
    points = runs = None
    if (path / "points.csv").exists():
        points = read_table(path / "points.csv")
    else:
        missing.append("points.csv")
    for f in (path / "runs.parquet", path / "runs.csv"):
        if f.exists():
            runs = read_table(f)
            break
    else:
        missing.append("runs.parquet")
    if points is None and runs is None:
        raise InputError(f"{path}: no sweep tables: expected points.csv or runs.parquet")
    points = normalise(points) if points is not None else pd.DataFrame()
    runs = normalise(runs) if runs is not None else pd.DataFrame()
    params = sweep_parameters(manifest, points, runs)
    return SweepData(
        manifest=manifest, points=points, runs=runs, parameters=params, path=path, missing=missing
    )


_NOT_PARAMS = {
    "run_id",
    "point_id",
    "replicate",
    "seed",
    "winner",
    "consolidation_date",
    "n",
    "replicates",
    "runs",
    "failed",
    "failures",
    "status",
    "error",
    "seconds",
    "wins",
}


def sweep_parameters(manifest: dict, points: pd.DataFrame, runs: pd.DataFrame) -> list[str]:
    """Name the swept parameters: the manifest's list, else the dotted numeric columns."""
    cols = set(points.columns) | set(runs.columns)
    declared = (
        manifest.get("parameters") or manifest.get("swept") or manifest.get("axes") or manifest.get("columns")
    )
    if declared is None and isinstance(manifest.get("design"), dict):
        declared = manifest["design"].get("columns") or manifest["design"].get("parameters")
    names: list[str] = []
    if isinstance(declared, dict):
        names = [str(k) for k in declared]
    elif isinstance(declared, list):
        for item in declared:
            if isinstance(item, dict):
                item = item.get("name") or item.get("path") or item.get("parameter")
            if item:
                names.append(str(item))
    names = [n for n in names if n in cols]
    frame = points if not points.empty else runs
    # a crossed `scenario` column is a swept dimension only when it takes more than one value
    names = [n for n in names if n != "scenario" or frame[n].nunique() > 1]
    if names:
        return names
    out = []
    for c in frame.columns:
        c = str(c)
        if c in _NOT_PARAMS or c.startswith(("p_", "median_", "mean_")) or "__" in c:
            continue
        if "." in c and pd.api.types.is_numeric_dtype(frame[c]):
            out.append(c)
    return out


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    """Shared clean-up: lower-case text names, ISO dates as datetimes, so API frames and CSVs look alike."""
    df = df.copy()
    for c in df.columns:
        if c in _TEXT:
            df[c] = df[c].astype("string").str.strip()
            if c in ("winner", "kind", "actor", "leader", "camp", "gs_holder_final"):
                df[c] = df[c].str.lower()
        elif c == "date" or c == "consolidation_date" or "__" in str(c):
            if not pd.api.types.is_datetime64_any_dtype(df[c]) and not pd.api.types.is_numeric_dtype(df[c]):
                df[c] = pd.to_datetime(df[c], errors="coerce")
            elif pd.api.types.is_numeric_dtype(df[c]) and df[c].isna().all():
                df[c] = pd.to_datetime(df[c], errors="coerce")
    return df


def run_from_results(results: object) -> RunData:
    """Wrap a `sim.Results` (or anything with the four DataFrames and a manifest) for the plot functions."""
    frames = {}
    for name in RUN_TABLES:
        df = getattr(results, name, None)
        frames[name] = (
            normalise(df) if isinstance(df, pd.DataFrame) else pd.DataFrame(columns=list(REQUIRED[name]))
        )
    for name in PARTY_TABLES:
        df = getattr(results, name, None)
        if isinstance(df, pd.DataFrame) and not df.empty:
            frames[name] = normalise(df)
    return RunData(manifest=dict(getattr(results, "manifest", {}) or {}), **frames)
