"""The party's members as a numpy population: organisation, joining month, candidate stage, line.

A member is a row of a few arrays, not a Mesa agent: at full scale the party passes a million and a
half members, and per-agent Python costs about 2 us a call where an array update costs nanoseconds an
element (mesa-notes). Rows are appended by recruitment and dropped by purges (the last rows fill the
gaps); nothing else moves them.
Rigby (1968, chs. 3-5) is the source of the drives and of the candidate stage's place in the rules.
"""

from __future__ import annotations

import numpy as np

#: Bins of the left-right line used to tabulate members per organisation (width 0.05 over [-1, 1]).
LINE_BINS = 41


#: Bins per unit of line (the bins are 1 / HALF wide).
HALF = np.float32((LINE_BINS - 1) / 2.0)


def to_scaled(line: np.ndarray | np.float32) -> np.ndarray:
    """A line in bin units, (line + 1) x HALF + 0.5, whose integer part is its bin (float32)."""
    scaled = np.multiply(line, HALF, dtype=np.float32)
    scaled += HALF + np.float32(0.5)
    return scaled


def line_bin(line: np.ndarray) -> np.ndarray:
    """The bin index (uint8) of each line in [-1, 1] (lines are kept within it: no clipping needed)."""
    return to_scaled(line).astype(np.uint8)  # truncation of a positive number: round half up


#: The line at the centre of each bin.
BIN_CENTRES = np.linspace(-1.0, 1.0, LINE_BINS)


class MemberPopulation:
    """Column store of the party's members; row i is one simulated member.

    `org` (int16) is the member's organisation, `joined` (int16) the month index he joined (negative
    for members of before the start), `full_from` (int16) the month he becomes a full member, `line`
    his left-right line. `table[o, b]` counts members of organisation o whose line falls in bin b: the
    organisations' views are read from it, not from the rows. The line is stored in bin units
    (`scaled`, float32: (line + 1) x 20 + 0.5, whose integer part is the bin), so that a month's drift
    and the bins it moves members across take two passes over the rows and a truncation.
    """

    def __init__(self, n_orgs: int, capacity: int) -> None:
        capacity = max(capacity, 1)
        self.n = 0
        self.org = np.zeros(capacity, dtype=np.int16)
        self.joined = np.zeros(capacity, dtype=np.int16)
        self.base = np.zeros(capacity, dtype=np.int32)  # org x LINE_BINS: the row's offset in `table`
        self.bin = np.zeros(capacity, dtype=np.uint8)  # the line's bin, as `table` counts him
        self.full_from = np.zeros(capacity, dtype=np.int16)
        self.scaled = np.zeros(capacity, dtype=np.float32)  # the line in bin units (`to_scaled`)
        self.table = np.zeros((n_orgs, LINE_BINS), dtype=np.int64)

    def _grow_to(self, n: int) -> None:
        if n <= self.org.size:
            return
        size = max(n, int(self.org.size * 1.25))
        for name in ("org", "base", "bin", "joined", "full_from", "scaled"):
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
        self.base[rows] = org.astype(np.int32) * LINE_BINS
        self.scaled[rows] = to_scaled(line)
        self.bin[rows] = self.scaled[rows].astype(np.uint8)
        self.joined[rows] = joined
        self.full_from[rows] = full_from
        self.n += k
        cells = self.base[rows] + self.bin[rows]  # the new rows' cells in `table`
        self.table += self._per_cell(cells)

    def remove(self, rows: np.ndarray) -> None:
        """Drop the members at `rows` (distinct indices, a purge): the last rows move into the gaps.

        Filling the gaps from the end costs the purge's size, not the party's; row order carries no
        meaning (draws pick rows by index from the seeded stream, so the same seed picks the same rows).
        """
        if rows.size == 0:
            return
        rows = np.sort(rows)
        if rows.size > 1 and bool((rows[1:] == rows[:-1]).any()):
            rows = np.unique(rows)  # distinct indices are expected; a repeat is dropped, not counted twice
        flat = self.base[rows].astype(np.intp) + self.bin[rows]
        self.table -= self._per_cell(flat)
        n = self.n - rows.size
        gaps = rows[rows < n]  # removed rows that stay inside the shortened table
        kept_tail = np.ones(self.n - n, dtype=bool)
        kept_tail[rows[rows >= n] - n] = False
        fillers = np.flatnonzero(kept_tail) + n  # kept rows beyond the new end, in order
        for name in ("org", "base", "bin", "joined", "full_from", "scaled"):
            arr = getattr(self, name)
            arr[gaps] = arr[fillers]
        self.n = n

    def drift(self, toward: float, rate: float) -> None:
        """Every member's line moves `rate` of the way toward `toward`; the table is counted again."""
        if rate <= 0.0 or self.n == 0:
            return
        scaled = self.scaled[: self.n]
        # In place, in bin units: L <- (1 - rate) L + rate x toward is the same map on (L + 1) x 20 + 0.5.
        scaled *= np.float32(1.0 - rate)
        scaled += np.float32(rate) * to_scaled(np.float32(toward))
        # The bins again; only members who crossed into another bin move in `table`.
        new = scaled.astype(np.uint8)
        moved = np.flatnonzero(new != self.bin[: self.n])
        if moved.size:
            base, old, now = self.base[moved], self.bin[moved], new[moved]
            self.table -= self._per_cell(base + old)
            self.table += self._per_cell(base + now)
            self.bin[moved] = now

    def _per_cell(self, cells: np.ndarray) -> np.ndarray:
        """How many of the given cells (org x LINE_BINS + bin) fall in each cell of `table`."""
        return np.bincount(cells, minlength=self.table.size).reshape(self.table.shape)

    def candidates(self, month: int) -> int:
        """Simulated members still in their candidate stage at `month`."""
        return int(np.count_nonzero(self.full_from[: self.n] > month))

    def by_org(self) -> np.ndarray:
        """Simulated members per organisation."""
        return self.table.sum(axis=1)

    @property
    def nbytes(self) -> int:
        """Bytes held by the member rows (capacity included)."""
        return sum(getattr(self, a).nbytes for a in ("org", "base", "bin", "joined", "full_from", "scaled"))

    @property
    def line(self) -> np.ndarray:
        """Each member's line (float32, rows 0 .. n - 1), from its stored bin units."""
        return (self.scaled[: self.n] - np.float32(0.5)) / HALF - np.float32(1.0)
