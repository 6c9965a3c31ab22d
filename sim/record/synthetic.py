"""`targets RESULTS_DIR --out FILE`: a synthetic record made by the model, for identifiability checks.

Each leader's event (a sanction, his first mobilisation, consolidation) that happens in at least half
the replicates becomes an `event_date` target at its median first date, and each Congress or
Conference vote on the line a `vote_share` target at its median share against; all with role `fit`,
the run directory as `source`, and a tolerance of half the 10-90% range of the replicates (at least
60 days, or 0.02 of a share).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import InputError
from sim.record.checks import check_targets
from sim.record.score import LINE
from sim.record.targets import check_event, parse_targets

MIN_DAYS = 60.0
MIN_SHARE = 0.02


def _read(path: Path, name: str) -> pd.DataFrame:
    f = path / name
    if not f.exists():
        raise InputError(f"{path}: no {name}: expected a directory written by `powerstruggle run`")
    try:
        return pd.read_csv(f)
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{f}: cannot read the table ({exc.__class__.__name__}): expected a CSV table"
        ) from None


def _first_dates(path: Path, summary: pd.DataFrame) -> dict[tuple[str, str], list[int]]:
    """Each leader's first date of each event kind, per replicate (as day numbers).

    From events.csv when the run has it: the sanctions, and also when a leader first mobilised his
    followers or consolidated power; else from the summary's `<leader>__<sanction>` columns.
    """
    leaders = [
        c.removeprefix("support_final_") for c in summary.columns if str(c).startswith("support_final_")
    ]
    out: dict[tuple[str, str], list[int]] = {}
    if (path / "events.csv").exists() and leaders:
        ev = _read(path, "events.csv")
        ev = ev[ev["actor"].astype(str).str.lower().isin(leaders) & ev["date"].notna()]
        ev = ev.assign(
            actor=ev["actor"].astype(str).str.lower(), day=pd.to_datetime(ev["date"]).map(_ordinal)
        )
        first = ev.groupby(["actor", "kind", "replicate"])["day"].min()
        for (actor, kind), g in first.groupby(level=[0, 1], sort=False):
            out[(str(actor), str(kind))] = [int(x) for x in g]
        return dict(sorted(out.items(), key=lambda kv: (leaders.index(kv[0][0]), kv[0][1])))
    for col in summary.columns:
        if "__" in str(col):
            leader, kind = str(col).split("__", 1)
            out[(leader, kind)] = [
                dt.date.fromisoformat(str(v)[:10]).toordinal() for v in summary[col].dropna()
            ]
    return out


def _ordinal(ts: pd.Timestamp) -> int:
    return ts.date().toordinal()


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def targets_from_run(results_dir: str | Path) -> list[dict[str, object]]:
    """The synthetic record of a run directory as target tables (plain dicts, validated)."""
    path = Path(results_dir)
    if not path.is_dir():
        raise InputError(f"{path}: not a directory: expected a directory written by `powerstruggle run`")
    summary = _read(path, "summary.csv")
    n = len(summary)
    if n == 0:
        raise InputError(f"{path}/summary.csv: no replicates: expected a finished run")
    rows: list[dict[str, object]] = []
    for (leader, kind), days in _first_dates(path, summary).items():
        if len(days) < n / 2:
            continue
        check_event(kind, f"{path / 'events.csv'}: kind")
        med, lo, hi = np.quantile(np.asarray(days, dtype=float), [0.5, 0.1, 0.9])
        rows.append({
            "name": f"{leader}_{kind}", "role": "fit", "kind": "event_date", "event": kind, "actor": leader,
            "date": dt.date.fromordinal(int(math.floor(med + 0.5))),
            "tolerance": float(round(max(MIN_DAYS, (hi - lo) / 2))), "source": str(path),
        })  # fmt: skip
    votes_file = path / "votes.csv"
    if votes_file.exists():
        votes = _read(path, "votes.csv")
        line = votes[votes["motion"].astype(str).str.lower() == LINE]
        line = line[line["body"].astype(str).str.contains("Congress|Conference", case=False)]
        for body, g in line.groupby("body", sort=False):
            total = pd.to_numeric(g["voting_delegates"], errors="coerce")
            share = (pd.to_numeric(g["against"], errors="coerce") / total).dropna().to_numpy()
            if not len(share):
                continue
            med, lo, hi = np.quantile(share, [0.5, 0.1, 0.9])
            day = pd.to_datetime(g["date"]).min().date()
            slug = "_".join(str(body).lower().replace("party", "").split())
            rows.append(
                {
                    "name": f"vote_{slug}",
                    "role": "fit",
                    "kind": "vote_share",
                    "body": str(body),
                    "date": day,
                    "share": round(float(med), 4),
                    "tolerance": round(max(MIN_SHARE, float(hi - lo) / 2), 4),
                    "source": str(path),
                }
            )
    if not rows:
        raise InputError(
            f"{path}: no sanction in half the replicates and no vote: nothing to make targets of"
        )
    targets = parse_targets({"target": rows}, str(path))
    scenario = _scenario_of(path)
    if scenario is not None:
        check_targets(targets, scenario, str(path))
    return rows


def _scenario_of(path: Path) -> Any:
    """The run's scenario, from its manifest (None for a run written without one)."""
    from sim.scenario import load_scenario

    manifest = path / "manifest.json"
    if not manifest.exists():
        return None
    try:
        resolved = json.loads(manifest.read_text(encoding="utf-8")).get("scenario")
    except (OSError, ValueError) as exc:
        raise InputError(f"{manifest}: cannot read ({exc.__class__.__name__}): expected JSON") from None
    return load_scenario(resolved).config if isinstance(resolved, dict) else None


def _toml(value: object) -> str:
    """One TOML value: a string, number, date, or a list or inline table of them (an ordering's steps)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return repr(value)


def to_toml(rows: list[dict[str, object]], header: str = "") -> str:
    """Write target tables as TOML ([[target]] tables of strings, numbers, dates and steps)."""
    lines = [f"# {line}" for line in header.splitlines()] + ([""] if header else [])
    for row in rows:
        lines.append("[[target]]")
        lines += [f"{key} = {_toml(value)}" for key, value in row.items()]
        lines.append("")
    return "\n".join(lines)


def write_targets_from_run(results_dir: str | Path, out_file: str | Path) -> int:
    """Write the synthetic record of a run to `out_file` (atomically); return the number of targets."""
    rows = targets_from_run(results_dir)
    out = Path(out_file)
    if out.is_dir():
        raise InputError(f"--out {out}: is a directory: expected a file name")
    text = to_toml(rows, f"A synthetic record made by `powerstruggle targets {results_dir}`.")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, out)
    except OSError as exc:
        raise InputError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
    return len(rows)
