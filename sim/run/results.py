"""The tables of a run (and of a comparison) and their atomic writing to a results directory.

A directory is always written whole: everything goes into a temporary directory beside the target,
which is then renamed into place, so an error or Ctrl-C never leaves a half-written output directory.
An existing target is replaced only when it is empty or was itself written by powerstruggle.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError
from sim.run.stats import date_quantiles, days_between, newcombe, newcombe_paired, wilson
from sim.run.tables import COLUMNS, COMPARISON_COLUMNS, TABLES

#: Files that mark a directory as powerstruggle output (safe to replace).
_OUR_FILES = {
    "manifest.json",
    "summary.csv",
    "events.csv",
    "votes.csv",
    "timeseries.csv",
    "party.csv",
    "delegations.csv",
    "comparison.csv",
}


def _frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """Build a DataFrame with the contract's columns first (present even when there are no rows)."""
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    # Column by column: about twice as fast as from_records for the few hundred rows of a replay.
    keys = dict.fromkeys(rows[0])
    for row in rows:
        if row.keys() != keys.keys():
            keys.update(dict.fromkeys(row))
    order = [*columns, *(k for k in keys if k not in columns)]
    # A contract column that no row has comes out empty (all None, object dtype).
    return pd.DataFrame({k: [row.get(k) for row in rows] for k in order})


def _concat(parts: list[Any]) -> Any:
    """Join one column's replicate chunks: arrays stay arrays, lists become one list."""
    if all(isinstance(p, np.ndarray) for p in parts):
        return np.concatenate(parts)
    return [v for p in parts for v in p]


def _columns_frame(columns: Mapping[str, Any], order: Sequence[str]) -> pd.DataFrame:
    """A DataFrame from columns, the contract's first (present even when there are no rows)."""
    if not columns or not len(next(iter(columns.values()))):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in order})
    n = len(next(iter(columns.values())))
    names = [*order, *(c for c in columns if c not in order)]
    return pd.DataFrame({c: columns[c] if c in columns else [None] * n for c in names})


# --- atomic directories ------------------------------------------------------------------------------


def _looks_like_results(path: Path) -> bool:
    """Tell an empty directory or one holding powerstruggle output (a manifest or our tables)."""
    try:
        names = {p.name for p in path.iterdir()}
    except OSError:
        return False
    return not names or bool(names & _OUR_FILES)


def check_out_dir(out_dir: str | Path) -> Path:
    """Check before running that `out_dir` can be (re)placed; raise InputError naming it otherwise."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: exists and is not a directory: expected a new or results directory")
    if out.is_dir() and not _looks_like_results(out):
        raise InputError(
            f"--out {out}: directory exists and holds other files: expected a new, empty or "
            "earlier powerstruggle results directory (it would be replaced)"
        )
    if out.resolve() == Path.cwd().resolve() or out.resolve() == Path(out.resolve().anchor):
        raise InputError(f"--out {out}: expected a results directory, not the current or root directory")
    return out


def current_umask() -> int:
    """The process's umask (read by setting it and putting it back: there is no getter)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_directory(out_dir: str | Path) -> Iterator[Path]:
    """Yield a fresh temporary directory beside `out_dir`; on success it replaces `out_dir` whole.

    On any exception (or KeyboardInterrupt) the temporary directory is removed and `out_dir` is left
    as it was.
    """
    out = check_out_dir(out_dir)
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
        os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp makes it 0700; the results follow the umask
    except OSError as exc:
        raise InputError(f"--out {out}: cannot create the directory: {exc.strerror}") from None
    try:
        yield tmp
        old: Path | None = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
            os.replace(out, old / "previous")
        try:
            os.replace(tmp, out)
        except OSError:
            if old is not None:  # put the previous results back
                os.replace(old / "previous", out)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(f"--out {out}: cannot write results: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", encoding="utf-8")


# --- one run -------------------------------------------------------------------------------------------


@dataclass
class Results:
    """The four tables of a run (one row per replicate, event, vote or leader-month) and its manifest."""

    summary: pd.DataFrame
    events: pd.DataFrame
    votes: pd.DataFrame
    timeseries: pd.DataFrame
    party: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(COLUMNS["party"])))
    delegations: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(COLUMNS["delegations"]))
    )
    manifest: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_outputs(cls, outputs: Iterable[Any], manifest: Mapping[str, Any] | None = None) -> Results:
        """Assemble `ReplicateOutput`s (in replicate order) into the four tables."""
        rows: dict[str, list[dict[str, Any]]] = {
            t: [] for t in ("summary", "events", "votes", "party", "delegations")
        }
        chunks: dict[str, list[Any]] = {}
        for out in outputs:
            rows["summary"].append(out.summary)
            rows["events"].extend(out.events)
            rows["votes"].extend(out.votes)
            rows["party"].extend(out.party)
            rows["delegations"].extend(out.delegations)
            for name, values in out.timeseries.items():
                chunks.setdefault(name, []).append(values)
        frames = {t: _frame(rows[t], COLUMNS[t]) for t in rows}
        series = {name: _concat(parts) for name, parts in chunks.items()}
        frames["timeseries"] = _columns_frame(series, COLUMNS["timeseries"])
        return cls(**frames, manifest=dict(manifest or {}))

    @property
    def name(self) -> str:
        """The scenario's name (from the manifest)."""
        return str(self.manifest.get("scenario_name", "run"))

    @property
    def replicates(self) -> int:
        """Number of replicates in the summary."""
        return len(self.summary)

    @property
    def leaders(self) -> list[str]:
        """Leader names in scenario order (manifest, else the summary's support columns)."""
        if self.manifest.get("leaders"):
            return [str(x) for x in self.manifest["leaders"]]
        cols = self.summary.columns
        return [c.removeprefix("support_final_") for c in cols if c.startswith("support_final_")]

    @property
    def sanction_kinds(self) -> list[str]:
        """Sanction kinds present as `<leader>__<kind>` summary columns, in column order."""
        kinds: list[str] = []
        for c in self.summary.columns:
            if "__" in c:
                kind = c.split("__", 1)[1]
                if kind not in kinds:
                    kinds.append(kind)
        return kinds

    def winner_counts(self) -> dict[str, int]:
        """Wins per leader (scenario order) plus 'none'."""
        counts = self.summary["winner"].astype(str).value_counts() if len(self.summary) else pd.Series()
        names = [*self.leaders, "none"]
        out = {n: int(counts.get(n, 0)) for n in names}
        for other, k in counts.items():  # a winner outside the leader list should still show
            if other not in out:
                out[str(other)] = int(k)
        return out

    def winner_probabilities(self) -> pd.DataFrame:
        """Columns winner, wins, n, p, lo, hi (Wilson 95%)."""
        n = self.replicates
        rows = []
        for who, k in self.winner_counts().items():
            lo, hi = wilson(k, n)
            rows.append({"winner": who, "wins": k, "n": n, "p": k / n if n else math.nan, "lo": lo, "hi": hi})
        return pd.DataFrame(rows, columns=["winner", "wins", "n", "p", "lo", "hi"])

    def sanction_dates(self) -> pd.DataFrame:
        """Per leader and sanction kind: median, q10, q90 of the first-sanction date, count and n."""
        rows = []
        for leader in self.leaders:
            for kind in self.sanction_kinds:
                col = f"{leader}__{kind}"
                if col not in self.summary.columns:
                    continue
                q = date_quantiles(self.summary[col].tolist())
                rows.append(
                    {
                        "leader": leader,
                        "kind": kind,
                        "median": q.median,
                        "q10": q.q10,
                        "q90": q.q90,
                        "count": q.count,
                        "n": q.total,
                    }
                )
        return pd.DataFrame(rows, columns=["leader", "kind", "median", "q10", "q90", "count", "n"])

    def write_into(self, directory: Path) -> None:
        """Write the six tables and manifest.json into an existing directory (see `write` for atomic)."""
        for name in TABLES:
            getattr(self, name).to_csv(directory / f"{name}.csv", index=False)
        _write_json(directory / "manifest.json", self.manifest)

    def write(self, out_dir: str | Path) -> Path:
        """Write the six tables of `sim.run.tables.TABLES` and manifest.json atomically."""
        out = Path(out_dir)
        with atomic_directory(out) as tmp:
            self.write_into(tmp)
        return out


# --- a comparison ------------------------------------------------------------------------------------


def _paired_winners(results: Results, first: Results) -> tuple[np.ndarray, np.ndarray] | None:
    """Both runs' winners replicate by replicate, when every replicate has the same seed in both."""
    a = results.summary.sort_values("replicate")
    b = first.summary.sort_values("replicate")
    if len(a) != len(b) or not len(a) or not np.array_equal(a["seed"].to_numpy(), b["seed"].to_numpy()):
        return None
    return a["winner"].astype(str).to_numpy(), b["winner"].astype(str).to_numpy()


def _winner_difference(
    who: str, k: int, n: int, k0: int, n0: int, pairs: tuple[np.ndarray, np.ndarray] | None
) -> tuple[float, float, float]:
    """P(who) here minus in the first scenario, with Newcombe's 95% interval.

    The paired interval when the replicates are paired by seed (compare runs every scenario with the
    same seeds), else the unpaired one.
    """
    if pairs is None:
        return newcombe(k, n, k0, n0)
    here, there = pairs[0] == who, pairs[1] == who
    return newcombe_paired(
        int((here & there).sum()),
        int((here & ~there).sum()),
        int((~here & there).sum()),
        int((~here & ~there).sum()),
    )


def comparison_table(results: Mapping[str, Results]) -> pd.DataFrame:
    """Build the long comparison table: P(winner) with Wilson and Newcombe intervals, sanction dates.

    `diff` is against the FIRST scenario: a difference of proportions for `p_winner_<name>`, with
    Newcombe's 95% interval for paired data when the replicates share their seeds (as `compare` runs
    them: the model's per-mechanism random streams make the pairs strongly correlated, so the paired
    interval is much narrower) and the unpaired one otherwise; and a difference of medians in days (no
    interval) for `median_<leader>__<kind>`. `n` counts the replicates behind the value (wins, or
    replicates in which the sanction happened).
    """
    names = list(results)
    if not names:
        return pd.DataFrame(columns=list(COMPARISON_COLUMNS))
    winners: list[str] = []
    for r in results.values():
        for w in r.winner_counts():
            if w not in winners:
                winners.append(w)
    if "none" in winners:  # keep 'none' last
        winners.remove("none")
        winners.append("none")
    counts = {name: r.winner_counts() for name, r in results.items()}
    dates = {name: r.sanction_dates() for name, r in results.items()}
    first = names[0]
    n0 = results[first].replicates
    rows: list[dict[str, Any]] = []
    for name in names:
        n = results[name].replicates
        pairs = _paired_winners(results[name], results[first]) if name != first else None
        for who in winners:
            k = counts[name].get(who, 0)
            lo, hi = wilson(k, n)
            row: dict[str, Any] = {
                "scenario": name,
                "metric": f"p_winner_{who}",
                "value": k / n if n else math.nan,
                "lo": lo,
                "hi": hi,
                "diff": math.nan,
                "diff_lo": math.nan,
                "diff_hi": math.nan,
                "n": k,
            }
            if name != first:
                d, dlo, dhi = _winner_difference(who, k, n, counts[first].get(who, 0), n0, pairs)
                row.update(diff=d, diff_lo=dlo, diff_hi=dhi)
            rows.append(row)
    base_dates = {(r.leader, r.kind): r.median for r in dates[first].itertuples()}
    for name in names:
        for r in dates[name].itertuples():
            rows.append(
                {
                    "scenario": name,
                    "metric": f"median_{r.leader}__{r.kind}",
                    "value": r.median,
                    "lo": r.q10,
                    "hi": r.q90,
                    "diff": days_between(base_dates.get((r.leader, r.kind), ""), r.median)
                    if name != first
                    else math.nan,
                    "diff_lo": math.nan,
                    "diff_hi": math.nan,
                    "n": r.count,
                }
            )
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))


@dataclass
class Comparison:
    """Several scenarios run with the same replicates and seeds, and their comparison table."""

    results: dict[str, Results]
    table: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """Scenario names, the first being the reference of the differences."""
        return list(self.results)

    def write(self, out_dir: str | Path) -> Path:
        """Write DIR/<scenario>/ run tables, DIR/comparison.csv and DIR/manifest.json atomically."""
        out = Path(out_dir)
        with atomic_directory(out) as tmp:
            for name, res in self.results.items():
                sub = tmp / name
                sub.mkdir()
                res.write_into(sub)
            self.table.to_csv(tmp / "comparison.csv", index=False)
            _write_json(tmp / "manifest.json", self.manifest)
        return out
