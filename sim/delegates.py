"""Delegates: party cadres who vote, stored as numpy arrays with thin Mesa agents as views.

Per-agent Python calls cost ~2 us while array updates cost ~10 ns per element (mesa-notes), so the
state of every delegate lives in `DelegatePool` arrays and each `Delegate` agent reads its own row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from sim.model import PowerStruggleModel

NO_PATRON = -1


class DelegatePool:
    """Column store of delegate state; index i is delegate i."""

    def __init__(self, n: int, n_leaders: int) -> None:
        self.n = n
        # Leader and bloc indices are kept as intp, numpy's index type: they index per-leader and
        # per-bloc arrays every month, and an int8 index would be converted on every use.
        self._allegiance = np.zeros(n, dtype=np.intp)
        # Read-only to everyone else: every change goes through `set_allegiance`, which keeps the
        # per-leader `counts` current without recounting the whole pool.
        self.allegiance = self._allegiance.view()
        self.allegiance.flags.writeable = False
        self.counts = np.zeros(n_leaders, dtype=np.intp)
        self.counts[0] = n
        self.patron = np.full(n, NO_PATRON, dtype=np.intp)
        self.tenure = np.zeros(n, dtype=np.int16)
        self.ideology = np.zeros(n, dtype=np.float32)
        self.bloc = np.zeros(n, dtype=np.intp)
        self.enrolee = np.zeros(n, dtype=bool)
        self.in_cc = np.zeros(n, dtype=bool)
        # Heterogeneous susceptibilities: how strongly each cadre heeds charisma and fear.
        self.charisma_weight = np.ones(n, dtype=np.float32)
        self.fear_weight = np.ones(n, dtype=np.float32)
        self._members: dict[int, np.ndarray] = {}

    def members_of(self, bloc: int) -> np.ndarray:
        """Rows of the delegates from `bloc`, sorted.

        A post stays in its organisation when its holder is replaced, so a bloc's rows never change
        once the pool is seeded.
        """
        if bloc not in self._members:
            self._members[bloc] = np.flatnonzero(self.bloc == bloc)
        return self._members[bloc]

    def set_allegiance(self, idx: np.ndarray | slice, leaders: int | np.ndarray) -> None:
        """Delegates at `idx` (distinct rows) now back `leaders` (one, or one each); `counts` follows."""
        n_leaders = self.counts.size
        before = self._allegiance[idx]
        self.counts -= np.bincount(before, minlength=n_leaders)
        self._allegiance[idx] = leaders
        if isinstance(leaders, np.ndarray):
            self.counts += np.bincount(leaders, minlength=n_leaders)
        else:
            self.counts[leaders] += before.size

    def support(self, n_leaders: int, mask: np.ndarray | None = None) -> np.ndarray:
        """Share of (masked) delegates backing each leader."""
        a = self.allegiance if mask is None else self.allegiance[mask]
        if a.size == 0:
            return np.zeros(n_leaders)
        return np.bincount(a, minlength=n_leaders)[:n_leaders] / a.size

    def replace(
        self, idx: np.ndarray, patron: int | np.ndarray, ideology: np.ndarray, enrolee: bool = False
    ) -> None:
        """New cadres take the posts at `idx`: a new patron (one, or one each), a new line, no tenure.

        Lines are clipped to [-1, 1].
        """
        # Two ufunc calls: np.clip's Python-level checks cost more than the work at these sizes.
        line = np.minimum(np.maximum(ideology, -1.0), 1.0)
        self.patron[idx] = patron
        self.tenure[idx] = 0
        self.ideology[idx] = line
        self.enrolee[idx] = enrolee
        if isinstance(patron, np.ndarray):
            self.set_allegiance(idx, np.where(patron != NO_PATRON, patron, self.allegiance[idx]))
        elif patron != NO_PATRON:
            self.set_allegiance(idx, patron)


class Delegate(mesa.Agent):
    """One delegate, inspectable as a Mesa agent; its state is a row of the model's DelegatePool."""

    __slots__ = ("row",)

    def __init__(self, model: PowerStruggleModel, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def allegiance(self) -> str:
        """Name of the leader this delegate currently backs."""
        return self.model.leader_names[int(self.model.pool.allegiance[self.row])]

    @property
    def patron(self) -> str | None:
        """Name of the leader who appointed this delegate, if any."""
        p = int(self.model.pool.patron[self.row])
        return None if p == NO_PATRON else self.model.leader_names[p]

    @property
    def ideology(self) -> float:
        """Left (-1) to right (+1) position."""
        return float(self.model.pool.ideology[self.row])

    @property
    def bloc(self) -> str:
        """Region or institution the delegate comes from."""
        return self.model.bloc_names[int(self.model.pool.bloc[self.row])]

    @property
    def in_central_committee(self) -> bool:
        """Whether this delegate sits on the Central Committee."""
        return bool(self.model.pool.in_cc[self.row])
