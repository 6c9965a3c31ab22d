"""points.csv: per point, P(each winner) with its Wilson interval, median dates and mean final support.

It reads runs.parquet part by part and keeps only small per-run numbers (dates as day counts), so
summarising stays cheap in memory however many runs the sweep has.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sim.run.stats import wilson

# A date that never happened sorts after every real one: the median of "never" is "never".
_NEVER = np.iinfo(np.int32).max
_EPOCH = np.datetime64("1970-01-01", "D")


def _date_columns(names: list[str]) -> list[str]:
    return [c for c in names if c == "consolidation_date" or "__" in c]


def _to_days(column: pa.ChunkedArray) -> np.ndarray:
    """ISO date strings to day numbers, parsed by Arrow (C speed); a missing date becomes _NEVER."""
    days = pc.cast(pc.cast(column, pa.date32()), pa.int32())
    return pc.fill_null(days, _NEVER).to_numpy()


def _from_days(days: float) -> str:
    if days >= _NEVER or math.isnan(days):
        return ""
    return str(_EPOCH + np.timedelta64(int(days), "D"))


def run_columns(names: list[str]) -> list[str]:
    """The columns of a runs table that points.csv needs: point id, winner, dates, final supports."""
    return ["point_id", "winner", *_date_columns(names), *_supports(names)]


def _supports(names: list[str]) -> list[str]:
    return [c for c in names if c.startswith("support_final_")]


def read_part(part: Path) -> pa.Table:
    """The `run_columns` of one committed part of runs.parquet."""
    return pq.read_table(part, columns=run_columns(pq.read_schema(part).names))


# Tables are converted a batch at a time: one conversion per batch rather than per chunk (a chunk is a
# few dozen runs, and each conversion is a few Arrow calls per date column), while memory stays
# bounded by the batch.
_BATCH_ROWS = 20_000


def _batches(tables: Iterable[pa.Table]) -> Iterator[tuple[pa.Table, list[str], list[str]]]:
    """Tables of point id, winner, date and support columns, each from consecutive chunks' tables."""
    pending: list[pa.Table] = []
    rows = 0
    names: list[str] = []
    for table in tables:
        if pending and table.column_names != names:  # a different layout: flush what we have first
            yield pa.concat_tables(pending, promote_options="default"), _date_columns(names), _supports(names)
            pending, rows = [], 0
        names = table.column_names
        pending.append(table)
        rows += table.num_rows
        if rows >= _BATCH_ROWS:
            yield pa.concat_tables(pending, promote_options="default"), _date_columns(names), _supports(names)
            pending, rows = [], 0
    if pending:
        yield pa.concat_tables(pending, promote_options="default"), _date_columns(names), _supports(names)


def _collect(tables: Iterable[pa.Table]) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Per-run point id, winner, dates as day counts and final supports, converted a batch at a time."""
    columns: dict[str, list[np.ndarray]] = {}
    dates: list[str] = []
    supports: list[str] = []
    for table, dates, supports in _batches(tables):
        arrays = {
            "point_id": table["point_id"].to_numpy(),
            "winner": pc.fill_null(table["winner"], "none").to_numpy(zero_copy_only=False),
        }
        arrays.update({c: _to_days(table[c]) for c in dates})
        arrays.update({c: pc.cast(table[c], pa.float64()).to_numpy() for c in supports})
        for name, array in arrays.items():
            columns.setdefault(name, []).append(array)
    if not columns:
        return pd.DataFrame({"point_id": [], "winner": []}), dates, supports
    return pd.DataFrame({name: np.concatenate(arrays) for name, arrays in columns.items()}), dates, supports


def summarise_points(
    runs_tables: Iterable[pa.Table | Path],
    points: list[dict[str, Any]],
    failures: list[dict[str, Any]],
    leaders: list[str] | None = None,
) -> pd.DataFrame:
    """One row per point (all planned points, in order), from the runs and the failure records.

    `runs_tables` are the committed chunks' runs, in chunk order: part files of runs.parquet, or
    tables already in memory (the sweep keeps the chunks it committed, so it need not read them back).
    """
    tables = (
        read_part(t) if isinstance(t, Path) else t.select(run_columns(t.column_names)) for t in runs_tables
    )
    runs, dates, supports = _collect(tables)
    leaders = leaders or [c.removeprefix("support_final_") for c in supports]
    winners = [*leaders, *sorted(set(runs["winner"]) - set(leaders) - {"none"}), "none"]
    counts = runs.groupby(["point_id", "winner"]).size() if len(runs) else pd.Series(dtype="int64")
    totals = runs.groupby("point_id").size() if len(runs) else pd.Series(dtype="int64")
    failed = pd.Series([f["point_id"] for f in failures], dtype="int64").value_counts()
    medians = (
        runs.groupby("point_id")[dates].quantile(0.5, interpolation="lower")
        if len(runs) and dates
        else pd.DataFrame()
    )
    means = runs.groupby("point_id")[supports].mean() if len(runs) and supports else pd.DataFrame()
    rows = []
    for point in points:
        pid = point["point_id"]
        n = int(totals.get(pid, 0))
        row: dict[str, Any] = dict(point)
        row["runs"] = n
        row["failed"] = int(failed.get(pid, 0))
        for winner in winners:
            k = int(counts.get((pid, winner), 0))
            lo, hi = wilson(k, n)
            row[f"p_{winner}"] = round(k / n, 6) if n else math.nan
            row[f"p_{winner}_lo"] = round(lo, 6)
            row[f"p_{winner}_hi"] = round(hi, 6)
        for column in dates:
            row[f"median_{column}"] = _from_days(medians.at[pid, column]) if pid in medians.index else ""
        for column in supports:
            row[f"mean_{column}"] = round(float(means.at[pid, column]), 6) if pid in means.index else math.nan
        rows.append(row)
    return pd.DataFrame(rows)
