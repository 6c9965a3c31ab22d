"""Score model histories against the record's targets: one value per replicate, then a table.

One replicate gives each target one number (`replicate_values`): the day of the first event (or
NaN when it never came), whether it came by a date (1/0), or the share of voting delegates against
the line. `score_table` sums those over replicates; the calibration uses the same numbers of a single
replicate as its summary statistics, so `score` and `calibrate` can never disagree on what a target means.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.record.targets import EventDate, EventShare, VoteShare, target_record
from sim.stats import wilson

AnyTarget = EventDate | EventShare | VoteShare
SCORE_COLUMNS: tuple[str, ...] = (
    "name",
    "role",
    "kind",
    "record",
    "model",
    "lo",
    "hi",
    "error",
    "tolerance",
    "ok",
    "n",
)
#: The line's motion in votes.csv; a vote target reads this motion only.
LINE = "leadership line"
#: How far (days) a session of the body may lie from the target's date and still be that session.
SESSION_WINDOW_DAYS = 45


def _day(value: object) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()[:10]
    if not text or text.lower() in ("nan", "nat", "none"):
        return None
    return dt.date.fromisoformat(text).toordinal()


def replicate_values(
    events: Iterable[Mapping[str, Any]], votes: Iterable[Mapping[str, Any]], targets: Sequence[AnyTarget]
) -> dict[str, float]:
    """Each target's value in one replicate (NaN where the replicate has none: an event that never came)."""
    first: dict[tuple[str, str], int] = {}
    for e in events:
        day = _day(e.get("date"))
        if day is None:
            continue
        key = (str(e.get("kind", "")), str(e.get("actor", "")).lower())
        if key not in first or day < first[key]:
            first[key] = day
    line = [v for v in votes if str(v.get("motion", "")).lower() == LINE]
    out: dict[str, float] = {}
    for t in targets:
        if isinstance(t, EventDate):
            day = first.get((t.event, t.actor))
            out[t.name] = float(day) if day is not None else math.nan
        elif isinstance(t, EventShare):
            day = first.get((t.event, t.actor))
            out[t.name] = 1.0 if day is not None and day <= t.by.toordinal() else 0.0
        else:
            out[t.name] = _against(line, t)
    return out


def _against(line: Sequence[Mapping[str, Any]], t: VoteShare) -> float:
    """Share of voting delegates against the line at the body's session nearest the target's date."""
    want = t.date.toordinal()
    best: tuple[int, float] | None = None
    for v in line:
        if str(v.get("body", "")).strip().lower() != t.body.strip().lower():
            continue
        day = _day(v.get("date"))
        if day is None or abs(day - want) > SESSION_WINDOW_DAYS:
            continue
        f, a, ab = (float(v.get(k) or 0) for k in ("for", "against", "abstain"))
        total = float(v.get("voting_delegates") or 0) or (f + a + ab)
        share = a / total if total > 0 else math.nan
        if best is None or abs(day - want) < best[0]:
            best = (abs(day - want), share)
    return best[1] if best is not None else math.nan


def values_frame(
    events: pd.DataFrame, votes: pd.DataFrame, replicates: Sequence[int], targets: Sequence[AnyTarget]
) -> pd.DataFrame:
    """One row per replicate, one column per target (the numbers of `replicate_values`)."""
    ev = _by_replicate(events)
    vo = _by_replicate(votes)
    rows = [replicate_values(ev.get(r, []), vo.get(r, []), targets) for r in replicates]
    return pd.DataFrame(rows, index=list(replicates), columns=[t.name for t in targets], dtype=float)


def _by_replicate(frame: pd.DataFrame) -> dict[int, list[dict[str, Any]]]:
    if frame is None or frame.empty or "replicate" not in frame:
        return {}
    out: dict[int, list[dict[str, Any]]] = {}
    for row in frame.to_dict("records"):
        out.setdefault(int(row["replicate"]), []).append(row)
    return out


def score_row(target: AnyTarget, values: np.ndarray) -> dict[str, Any]:
    """Aggregate one target's replicate values into a score row.

    event_date: the median first date among replicates where it happened, lo/hi its 10-90% range, the
    error in days. event_share: the share of replicates, lo/hi its Wilson 95% interval. vote_share: the
    median share against, lo/hi its 10-90% range. `ok` is |error| <= tolerance.
    """
    values = np.asarray(values, dtype=float)
    have = values[~np.isnan(values)]
    row: dict[str, Any] = {
        "name": target.name,
        "role": target.role,
        "kind": target.kind,
        "record": target_record(target),
        "model": None,
        "lo": None,
        "hi": None,
        "error": None,
        "tolerance": target.tolerance,
        "ok": False,
        "n": int(len(have)),
    }
    if isinstance(target, EventShare):
        n = len(values)
        if n:
            k = int(have.sum())
            lo, hi = wilson(k, n)
            row.update(model=round(k / n, 4), lo=round(lo, 4), hi=round(hi, 4), n=n)
            row["error"] = round(k / n - target.share, 4)
    elif len(have):
        med, lo, hi = np.quantile(have, [0.5, 0.1, 0.9])
        if isinstance(target, EventDate):
            iso = [dt.date.fromordinal(int(math.floor(x + 0.5))).isoformat() for x in (med, lo, hi)]
            row.update(model=iso[0], lo=iso[1], hi=iso[2])
            row["error"] = int(dt.date.fromisoformat(iso[0]).toordinal() - target.date.toordinal())
        else:
            row.update(model=round(float(med), 4), lo=round(float(lo), 4), hi=round(float(hi), 4))
            row["error"] = round(float(med) - target.share, 4)
    if row["error"] is not None:
        row["ok"] = bool(abs(row["error"]) <= target.tolerance)
    return row


def score_table(values: pd.DataFrame, targets: Sequence[AnyTarget]) -> pd.DataFrame:
    """The score table (SCORE_COLUMNS) from a replicate-by-target frame of values."""
    rows = [score_row(t, values[t.name].to_numpy() if t.name in values else np.array([])) for t in targets]
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))


def format_table(table: pd.DataFrame) -> str:
    """The score table as aligned text for the terminal."""
    shown = table.copy()
    for col in ("model", "lo", "hi", "error"):
        shown[col] = shown[col].map(
            lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else v
        )
    return shown.to_string(index=False)
