"""The summary statistics of one replicate that the calibration's distance compares with the record.

Each fit target gives its own value (`sim.record.score.replicate_values`): a date, a vote share, or a
1/0 for the kinds that are shares of runs. An `event_date` target gives a second one, `<name>@share`:
1 when the event happened at all, 0 when not. Without it a run in which the event never came entered
the distance only as a censored date, clipped to the pilot's late edge, no farther than a late date;
so a posterior could buy a good median with an event that is rare. With it, `score`'s rule (the median
within tolerance, and the event in at least `min_share` of runs) is what the distance sees too.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sim.record.targets import AnyTarget, EventDate, VoteShare, target_scale

#: An event that never came counts as this many days after the window's end.
CENSOR_DAYS = 365
#: The smallest scale of an `@share` statistic (a target with min_share 1 would otherwise divide by 0).
MIN_SHARE_SCALE = 0.1
FAILED = "failed"


@dataclass(frozen=True)
class Statistic:
    """One number of a replicate: its name for pyabc, the record's value and the scale of a difference.

    `kind` is `date` and `vote` (NaN when missing: censored, and clipped to the pilot's edges),
    `share` (a target's 1/0) or `happened` (an event_date's event came at all).
    """

    name: str
    target: str
    kind: str
    record: float
    scale: float

    @property
    def bounded(self) -> bool:
        """A 1/0 statistic: it cannot be an outlier, so it is not clipped to the pilot's range."""
        return self.kind in ("share", "happened")


def happened_name(target: str) -> str:
    """The name of an event_date target's `happened` statistic (`@` cannot be in a target's name)."""
    return f"{target}@share"


def statistics(targets: Sequence[AnyTarget]) -> list[Statistic]:
    """The statistics of the fit targets, in order: each target's own, and after it its `@share`."""
    out: list[Statistic] = []
    for t in targets:
        if isinstance(t, EventDate):
            out.append(Statistic(t.name, t.name, "date", float(t.date.toordinal()), float(t.tolerance)))
            scale = max(1.0 - float(t.min_share), MIN_SHARE_SCALE)
            out.append(Statistic(happened_name(t.name), t.name, "happened", 1.0, scale))
        elif isinstance(t, VoteShare):
            out.append(Statistic(t.name, t.name, "vote", float(t.share), float(t.tolerance)))
        else:
            out.append(Statistic(t.name, t.name, "share", float(t.share), target_scale(t)))
    return out


def censor_value(stat: Statistic, end: dt.date) -> float:
    """What 'never happened' becomes: a date a year past the window, or (a missing vote) the worst share."""
    return float(end.toordinal() + CENSOR_DAYS) if stat.kind == "date" else 1.0


def summarise(values: Mapping[str, float], stats: Sequence[Statistic], end: dt.date) -> dict[str, float]:
    """One replicate's target values as its statistics, a missing date or vote censored."""
    out: dict[str, float] = {}
    for s in stats:
        v = values[s.target]
        if s.kind == "happened":
            out[s.name] = 0.0 if math.isnan(v) else 1.0
        else:
            out[s.name] = censor_value(s, end) if math.isnan(v) else float(v)
    return out


def missing(values: Mapping[str, float], stats: Sequence[Statistic]) -> list[bool]:
    """Which statistics a replicate's raw target values lack (a date that never came, a vote not held)."""
    return [not s.bounded and math.isnan(values[s.target]) for s in stats]


def observed(stats: Sequence[Statistic]) -> dict[str, float]:
    """The record as statistics (dates as day numbers, shares as they are, every event having come)."""
    return {FAILED: 0.0, **{s.name: s.record for s in stats}}
