"""The party's members as a numpy population: organisation, joining month, candidate stage, line.

A member is a row of a few arrays, not a Mesa agent: at full scale the party passes a million and a
half members, and per-agent Python costs about 2 us a call where an array update costs nanoseconds an
element (mesa-notes). Rows are appended by recruitment and dropped by purges; nothing else moves them.
Rigby (1968, chs. 3-5) is the source of the drives and of the candidate stage's place in the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Bins of the left-right line used to tabulate members per organisation (width 0.05 over [-1, 1]).
LINE_BINS = 41


def line_bin(line: np.ndarray) -> np.ndarray:
    """The bin index of each line in [-1, 1]."""
    return np.rint((np.clip(line, -1.0, 1.0) + 1.0) * (LINE_BINS - 1) / 2.0).astype(np.intp)


#: The line at the centre of each bin.
BIN_CENTRES = np.linspace(-1.0, 1.0, LINE_BINS)


@dataclass(slots=True)
class Intake:
    """One month's change of the rolls, in real members: recruits and the share purged."""

    recruits: float = 0.0
    expelled: float = 0.0


class MemberPopulation:
    """Column store of the party's members; row i is one simulated member.

    `org` (int16) is the member's organisation, `joined` (int16) the month index he joined (negative
    for members of before the start), `full_from` (int16) the month he becomes a full member, `line`
    (float32) his left-right line. `table[o, b]` counts members of organisation o whose line falls in
    bin b: the organisations' views are read from it, not from the rows.
    """

    def __init__(self, n_orgs: int, capacity: int) -> None:
        capacity = max(capacity, 1)
        self.n = 0
        self.org = np.zeros(capacity, dtype=np.int16)
        self.joined = np.zeros(capacity, dtype=np.int16)
        self.full_from = np.zeros(capacity, dtype=np.int16)
        self.line = np.zeros(capacity, dtype=np.float32)
        self.table = np.zeros((n_orgs, LINE_BINS), dtype=np.int64)
        self.recruited = 0  # simulated recruits since the start

    def _grow_to(self, n: int) -> None:
        if n <= self.org.size:
            return
        size = max(n, int(self.org.size * 1.25))
        for name in ("org", "joined", "full_from", "line"):
            old = getattr(self, name)
            new = np.zeros(size, dtype=old.dtype)
            new[: self.n] = old[: self.n]
            setattr(self, name, new)

    def add(self, org: np.ndarray, line: np.ndarray, joined: int, full_from: np.ndarray | int) -> None:
        """Append members of the given organisations and lines who joined in month `joined`."""
        k = org.size
        if k == 0:
            return
        self._grow_to(self.n + k)
        rows = slice(self.n, self.n + k)
        self.org[rows] = org
        self.line[rows] = line
        self.joined[rows] = joined
        self.full_from[rows] = full_from
        self.n += k
        np.add.at(self.table, (org.astype(np.intp), line_bin(line)), 1)

    def remove(self, rows: np.ndarray) -> None:
        """Drop the members at `rows` (a purge); the remaining rows keep their order."""
        if rows.size == 0:
            return
        np.subtract.at(self.table, (self.org[rows].astype(np.intp), line_bin(self.line[rows])), 1)
        keep = np.ones(self.n, dtype=bool)
        keep[rows] = False
        n = int(keep.sum())
        for name in ("org", "joined", "full_from", "line"):
            arr = getattr(self, name)
            arr[:n] = arr[: self.n][keep]
        self.n = n

    def drift(self, toward: float, rate: float) -> None:
        """Every member's line moves `rate` of the way toward `toward`; the table is counted again."""
        if rate <= 0.0 or self.n == 0:
            return
        line = self.line[: self.n]
        line += np.float32(rate) * (np.float32(toward) - line)
        self.table[:] = 0
        flat = self.org[: self.n].astype(np.intp) * LINE_BINS + line_bin(line)
        self.table += np.bincount(flat, minlength=self.table.size).reshape(self.table.shape)

    def candidates(self, month: int) -> int:
        """Simulated members still in their candidate stage at `month`."""
        return int(np.count_nonzero(self.full_from[: self.n] > month))

    def by_org(self) -> np.ndarray:
        """Simulated members per organisation."""
        return self.table.sum(axis=1)

    @property
    def nbytes(self) -> int:
        """Bytes held by the member rows (capacity included)."""
        return sum(getattr(self, a).nbytes for a in ("org", "joined", "full_from", "line"))
