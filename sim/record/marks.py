"""The record's dates and shares as marks for the figures (institutional fates, key dates, votes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.record.score import AnyTarget
from sim.record.targets import EventDate, VoteShare, load_targets

#: How the record's marks look on every figure, so a reader learns them once.
COLOUR = "#c0392b"
LABEL = "the record"


@dataclass(frozen=True)
class RecordMarks:
    """What the figures mark: dates by (actor, event), vote shares against by body."""

    dates: dict[tuple[str, str], pd.Timestamp] = field(default_factory=dict)
    votes: dict[str, float] = field(default_factory=dict)

    def date_of(self, actor: str, event: str) -> pd.Timestamp | None:
        """The record's date of an actor's event, if the targets have one."""
        return self.dates.get((actor.lower(), event))

    def summary_dates(self) -> dict[str, pd.Timestamp]:
        """The dates keyed as the summary's columns (`<leader>__<kind>`)."""
        return {f"{a}__{e}": d for (a, e), d in self.dates.items()}


def marks_from_targets(targets: Sequence[AnyTarget]) -> RecordMarks:
    """Every event date and vote share of the targets (fit and validate alike)."""
    dates = {(t.actor, t.event): pd.Timestamp(t.date) for t in targets if isinstance(t, EventDate)}
    votes = {t.body.strip().lower(): t.share for t in targets if isinstance(t, VoteShare)}
    return RecordMarks(dates, votes)


def load_marks(path: str | Path | None) -> RecordMarks | None:
    """Marks from a targets file (validated like every targets file); None without one."""
    return marks_from_targets(load_targets(path)) if path is not None else None
