"""Score model histories against the record's targets: one value per replicate, then a table.

One replicate gives each target one number (`replicate_values`): the day of the first event (or
NaN when it never came), 1/0 for the kinds that are shares of runs (it came by a date; the steps came
in order; it happened at all; it first came in the window), or the share of voting delegates against
the line. `score_table` sums those over replicates, counting every run; the calibration uses the same
numbers of a single replicate as its summary statistics, so `score` and `calibrate` can never disagree
on what a target means.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.record.targets import (
    AnyTarget,
    DateWindow,
    EventDate,
    EventShare,
    Never,
    Ordering,
    VoteShare,
    target_record,
)
from sim.run.stats import wilson

__all__ = ["AnyTarget", "SCORE_COLUMNS", "format_table", "replicate_values", "score_row", "score_table"]

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
    "share",
    "on_time",
)
#: The line's motion in votes.csv; a vote target reads this motion only.
LINE = "leadership line"
#: How far (days) a session of the body may lie from the target's date and still be that session.
SESSION_WINDOW_DAYS = 45
#: The actor of a date_window without one: whoever suffered the event first.
ANYONE = ""


def _day(value: object) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()[:10]
    if not text or text.lower() in ("nan", "nat", "none"):
        return None
    return dt.date.fromisoformat(text).toordinal()


def first_days(events: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], int]:
    """The first day of each (event kind, actor) in one replicate; (kind, ANYONE) is anyone's first."""
    first: dict[tuple[str, str], int] = {}
    for e in events:
        day = _day(e.get("date"))
        if day is None:
            continue
        kind, actor = str(e.get("kind", "")), str(e.get("actor", "")).lower()
        for key in ((kind, actor), (kind, ANYONE)):
            if key not in first or day < first[key]:
                first[key] = day
    return first


def _in_order(first: Mapping[tuple[str, str], int], t: Ordering) -> float:
    """1 when every step came, each strictly after the one before (a tie is not in order), else 0."""
    days = [first.get((s.event, s.actor)) for s in t.steps]
    if any(d is None for d in days):
        return 0.0
    return 1.0 if all(a < b for a, b in zip(days, days[1:], strict=False)) else 0.0  # type: ignore[operator]


def replicate_values(
    events: Iterable[Mapping[str, Any]], votes: Iterable[Mapping[str, Any]], targets: Sequence[AnyTarget]
) -> dict[str, float]:
    """Each target's value in one replicate (NaN where the replicate has none: an event that never came)."""
    first = first_days(events)
    line = [v for v in votes if str(v.get("motion", "")).lower() == LINE]
    out: dict[str, float] = {}
    for t in targets:
        if isinstance(t, EventDate):
            day = first.get((t.event, t.actor))
            out[t.name] = float(day) if day is not None else math.nan
        elif isinstance(t, EventShare):
            day = first.get((t.event, t.actor))
            out[t.name] = 1.0 if day is not None and day <= t.by.toordinal() else 0.0
        elif isinstance(t, Ordering):
            out[t.name] = _in_order(first, t)
        elif isinstance(t, Never):
            out[t.name] = 1.0 if (t.event, t.actor) in first else 0.0
        elif isinstance(t, DateWindow):
            day = first.get((t.event, t.actor or ANYONE))
            inside = day is not None and t.from_.toordinal() <= day <= t.to.toordinal()
            out[t.name] = 1.0 if inside else 0.0
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


def _empty_row(target: AnyTarget) -> dict[str, Any]:
    return {
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
        "n": 0,
        "share": None,
        "on_time": None,
    }


def _share_ok(target: AnyTarget, model: float) -> bool:
    """Whether a share-of-runs target is met by the model's share."""
    if isinstance(target, Never):
        return model <= target.share + 1e-12
    if isinstance(target, Ordering | DateWindow):
        return model >= target.share - target.tolerance - 1e-12
    return abs(model - target.share) <= target.tolerance + 1e-12  # type: ignore[union-attr]


def _share_row(target: AnyTarget, values: np.ndarray, row: dict[str, Any]) -> None:
    """A share of all runs (1/0 each): the share, its Wilson 95% interval, model - record."""
    n = len(values)
    if not n:
        return
    k = int(np.nansum(values))
    lo, hi = wilson(k, n)
    model = round(k / n, 4)
    row.update(model=model, lo=round(lo, 4), hi=round(hi, 4), n=n, share=model)
    row["error"] = round(k / n - target.share, 4)  # type: ignore[union-attr]
    row["ok"] = _share_ok(target, k / n)


def _date_row(target: EventDate, values: np.ndarray, row: dict[str, Any]) -> None:
    """The median date among runs where it happened, judged also by how often it happened at all."""
    n = len(values)
    have = values[~np.isnan(values)]
    row["n"] = int(len(have))
    if not n:
        return
    want = target.date.toordinal()
    row["share"] = round(len(have) / n, 4)
    row["on_time"] = round(float(np.sum(np.abs(have - want) <= target.tolerance)) / n, 4)
    if not len(have):
        return
    med, lo, hi = np.quantile(have, [0.5, 0.1, 0.9])
    iso = [dt.date.fromordinal(int(math.floor(x + 0.5))).isoformat() for x in (med, lo, hi)]
    row.update(model=iso[0], lo=iso[1], hi=iso[2])
    row["error"] = int(dt.date.fromisoformat(iso[0]).toordinal() - want)
    row["ok"] = bool(abs(row["error"]) <= target.tolerance and len(have) / n >= target.min_share - 1e-12)


def score_row(target: AnyTarget, values: np.ndarray) -> dict[str, Any]:
    """Aggregate one target's replicate values (one per run, every run counted) into a score row.

    event_date: the median first date among runs where it happened, lo/hi its 10-90% range, the error in
    days; `share` is the share of all runs where it happened and `on_time` of all runs where it happened
    within tolerance of the record's date; ok when |error| <= tolerance and share >= min_share.
    event_share, ordering, never, date_window: the share of runs, lo/hi its Wilson 95% interval, the
    error model - record; ok as the kind says (targets.py). vote_share: the median share against, lo/hi
    its 10-90% range, ok when |error| <= tolerance. `share` is the model's value for every kind but
    event_date; `on_time` is empty for them.
    """
    values = np.asarray(values, dtype=float)
    row = _empty_row(target)
    if isinstance(target, EventDate):
        _date_row(target, values, row)
    elif isinstance(target, VoteShare):
        have = values[~np.isnan(values)]
        row["n"] = int(len(have))
        if len(have):
            med, lo, hi = np.quantile(have, [0.5, 0.1, 0.9])
            model = round(float(med), 4)
            row.update(model=model, lo=round(float(lo), 4), hi=round(float(hi), 4), share=model)
            row["error"] = round(float(med) - target.share, 4)
            row["ok"] = bool(abs(row["error"]) <= target.tolerance)
    else:
        _share_row(target, values, row)
    return row


def score_table(values: pd.DataFrame, targets: Sequence[AnyTarget]) -> pd.DataFrame:
    """The score table (SCORE_COLUMNS) from a replicate-by-target frame of values."""
    rows = [score_row(t, values[t.name].to_numpy() if t.name in values else np.array([])) for t in targets]
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))


def format_table(table: pd.DataFrame) -> str:
    """The score table as aligned text for the terminal."""
    shown = table.copy()
    for col in ("model", "lo", "hi", "error", "tolerance", "share", "on_time"):
        shown[col] = shown[col].map(
            lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else v
        )
    return shown.to_string(index=False)
