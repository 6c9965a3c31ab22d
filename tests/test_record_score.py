"""The scoring rule (sim.record.score): every run counted, and the kinds ordering, never and date_window."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.record.score import replicate_values, score_row, score_table
from sim.record.targets import AnyTarget, parse_targets

D = dt.date.toordinal


def one(**row: Any) -> AnyTarget:
    """One target from a table (validated as a file's would be)."""
    base = {"name": "t", "role": "validate", "source": "test"}
    [t] = parse_targets({"target": [{**base, **row}]}, "test.toml")
    return t


def date_target(**over: Any) -> AnyTarget:
    row = {"kind": "event_date", "event": "exile_abroad", "actor": "trotsky", "date": dt.date(1929, 2, 12),
           "tolerance": 90}  # fmt: skip
    return one(**{**row, **over})


def days(*dates: str | None) -> np.ndarray:
    return np.array([D(dt.date.fromisoformat(d)) if d else np.nan for d in dates], dtype=float)


def test_an_event_date_in_few_runs_is_not_ok_whatever_its_median() -> None:
    # On time in the 4 runs where it happens, absent in 6: the median alone would call it met.
    values = days("1929-02-01", "1929-02-12", "1929-02-20", "1929-03-01", *[None] * 6)
    row = score_row(date_target(), values)
    assert row["error"] is not None and abs(row["error"]) <= 90
    assert row["share"] == 0.4 and row["on_time"] == 0.4 and row["n"] == 4
    assert row["ok"] is False
    assert score_row(date_target(min_share=0.4), values)["ok"] is True  # a contingent event may say so


def test_on_time_counts_every_run_and_share_bounds_it() -> None:
    values = days("1929-02-12", "1928-01-01", "1929-03-01", None)
    row = score_row(date_target(), values)
    assert row["share"] == 0.75
    assert row["on_time"] == 0.5  # 1928-01-01 happened, but 408 days early
    assert 0 <= row["on_time"] <= row["share"] <= 1
    assert row["ok"] is True  # median 1929-02-12, in 3 runs of 4


def test_share_is_the_model_value_for_the_other_kinds_and_on_time_is_empty() -> None:
    share = one(kind="event_share", event="party_expulsion", actor="bukharin", by=dt.date(1929, 12, 31),
                share=0.0, tolerance=0.1)  # fmt: skip
    vote = one(kind="vote_share", body="14th Party Congress", date=dt.date(1925, 12, 18), share=0.1,
               tolerance=0.05)  # fmt: skip
    frame = pd.DataFrame({"t": [0.0, 1.0, 0.0, 0.0]})
    row = score_table(frame, [share]).iloc[0]
    assert row["model"] == row["share"] == 0.25 and pd.isna(row["on_time"])
    vrow = score_row(vote, np.array([0.1, 0.2, 0.12]))
    assert vrow["share"] == vrow["model"] == 0.12 and vrow["on_time"] is None


STEPS = [{"event": "party_expulsion", "actor": "trotsky"}, {"event": "exile_abroad", "actor": "trotsky"}]
ORDER = {"kind": "ordering", "share": 0.8, "tolerance": 0.1, "steps": STEPS}


def ev(kind: str, actor: str, date: str) -> dict[str, str]:
    return {"kind": kind, "actor": actor, "date": date}


def value(events: list[dict[str, str]], *targets: AnyTarget) -> float | dict[str, float]:
    """One replicate's value of one target (or of several, by name)."""
    got = replicate_values(events, [], list(targets))
    return got[targets[0].name] if len(targets) == 1 else got


def window(event: str, start: dt.date, end: dt.date, **over: Any) -> AnyTarget:
    return one(kind="date_window", event=event, share=0.5, tolerance=0.2, to=end, **{"from": start}, **over)


def test_an_ordering_needs_every_step_each_strictly_after_the_one_before() -> None:
    t = one(**ORDER)
    expelled = ev("party_expulsion", "trotsky", "1927-11-15")
    assert value([expelled, ev("exile_abroad", "trotsky", "1929-02-15")], t) == 1.0
    assert value([expelled, ev("exile_abroad", "trotsky", "1927-11-15")], t) == 0.0  # a tie
    assert value([expelled, ev("exile_abroad", "trotsky", "1926-01-15")], t) == 0.0
    assert value([expelled], t) == 0.0  # a step that never came
    # The first occurrence counts: a later second expulsion does not make the exile come after.
    again = ev("party_expulsion", "trotsky", "1927-01-15")
    assert value([ev("exile_abroad", "trotsky", "1928-01-15"), expelled, again], t) == 1.0


def test_an_ordering_and_its_reverse_cannot_both_hold() -> None:
    t = one(**ORDER)
    rev = one(**{**ORDER, "name": "r", "steps": list(reversed(ORDER["steps"]))})
    rng = np.random.default_rng(4)
    for _ in range(50):
        a, b = (f"192{rng.integers(5, 9)}-0{rng.integers(1, 9)}-15" for _ in range(2))
        got = value([ev("party_expulsion", "trotsky", a), ev("exile_abroad", "trotsky", b)], t, rev)
        assert isinstance(got, dict) and got["t"] + got["r"] <= 1.0


def test_ordering_and_date_window_are_ok_from_share_minus_tolerance_never_up_to_share() -> None:
    order = one(**ORDER)  # share 0.8, tolerance 0.1
    assert score_row(order, np.array([1.0] * 7 + [0.0] * 3))["ok"] is True  # 0.7 >= 0.8 - 0.1
    row = score_row(order, np.array([1.0] * 6 + [0.0] * 4))
    assert row["ok"] is False and row["record"] == 0.8 and row["error"] == pytest.approx(-0.2)
    assert row["lo"] < 0.6 < row["hi"] and row["n"] == 10
    never = one(kind="never", event="gs_appointed", actor="trotsky", share=0.05)
    assert score_row(never, np.zeros(20))["ok"] is True
    assert score_row(never, np.array([1.0] + [0.0] * 19))["ok"] is True  # 0.05: at most the share
    assert score_row(never, np.array([1.0] * 2 + [0.0] * 18))["ok"] is False
    assert math.isnan(float(pd.Series([score_row(never, np.zeros(3))["tolerance"]], dtype=float)[0]))


def test_never_counts_any_occurrence_of_the_actors_event() -> None:
    never = one(kind="never", event="gs_appointed", actor="trotsky", share=0.0)
    assert value([ev("gs_appointed", "zinoviev", "1926-01-01")], never) == 0.0
    assert value([ev("gs_appointed", "Trotsky", "1926-01-01")], never) == 1.0


def test_a_date_window_counts_the_first_occurrence_and_without_an_actor_anyone() -> None:
    win = window("consolidation", dt.date(1928, 1, 1), dt.date(1929, 12, 31))
    stalin = window("consolidation", dt.date(1928, 1, 1), dt.date(1929, 12, 31), actor="stalin", name="s")
    assert value([ev("consolidation", "stalin", "1928-01-01")], win) == 1.0  # inclusive
    assert value([ev("consolidation", "zinoviev", "1929-12-31")], win, stalin) == {"t": 1.0, "s": 0.0}
    assert value([ev("consolidation", "stalin", "1927-12-31")], win) == 0.0
    assert value([], win) == 0.0  # never: outside
    expel = window("party_expulsion", dt.date(1927, 10, 1), dt.date(1927, 12, 31), actor="trotsky")
    early = ev("party_expulsion", "trotsky", "1926-01-15")
    assert value([early, ev("party_expulsion", "trotsky", "1927-11-15")], expel) == 0.0  # first: before
