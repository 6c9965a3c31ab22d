"""The party as agents: its members (a numpy population), its organisations and their secretaries.

`PartyState` holds both and follows the dated inputs of the party's size (the membership at the start,
recruitment drives, purges); `sim.model.party.delegations` turns them into each session's delegations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.model.party.apparatus import NOBODY, Apparatus, ProvincialSecretary, build_apparatus
from sim.model.party.membership import MemberPopulation

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel

__all__ = ["NOBODY", "Apparatus", "MemberPopulation", "PartyState", "ProvincialSecretary"]


@dataclass(frozen=True, slots=True)
class Flow:
    """A dated flow of the rolls in real members: recruits over [start, end], or a share purged."""

    start: date
    end: date
    recruits: int = 0
    expelled: float = 0.0

    def share_in(self, first: date, last: date) -> float:
        """The share of the flow's days that fall in [first, last]."""
        days = (self.end - self.start).days + 1
        lo, hi = max(first, self.start), min(last, self.end)
        return max(0, (hi - lo).days + 1) / days


def _month_end(first: date) -> date:
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


@lru_cache(maxsize=16)
def monthly_flows(flows: tuple[Flow, ...], months: tuple[date, ...]) -> Mapping[date, tuple[float, float]]:
    """Per month, the real recruits and the purged share the dated flows give it (read-only, shared).

    Inputs of the run alone, so they are worked out once per process for the runs of one scenario.
    """
    out = {}
    for first in months:
        last = _month_end(first)
        out[first] = (
            sum(f.recruits * f.share_in(first, last) for f in flows),
            sum(f.expelled * f.share_in(first, last) for f in flows),
        )
    return out  # shared by the runs (a plain dict: models are deep-copied and pickled): read it only


class PartyState:
    """The party's members and apparatus, and their history month by month (`party.csv`)."""

    def __init__(self, model: PowerStruggleModel) -> None:
        cfg = model.cfg
        party = cfg.party
        self.model = model
        self.scale = party.scale
        self.apparatus: Apparatus = build_apparatus(model)
        self.flows = self._flows(model)
        self.monthly_flows = monthly_flows(tuple(self.flows), tuple(model.months))
        self._org_shares = self.apparatus.shares / self.apparatus.shares.sum()
        expected = party.members + sum(f.recruits for f in self.flows)
        self.members = MemberPopulation(len(self.apparatus.specs), int(expected * self.scale * 1.05) + 16)
        self._carry = 0.0  # fractional simulated recruits carried to the next month
        self.recruits_real = 0
        self.rows: list[dict[str, Any]] = []
        self._seed_members()

    @staticmethod
    def _flows(model: PowerStruggleModel) -> list[Flow]:
        cfg = model.cfg
        out = [Flow(d.start, d.end, d.recruits, d.expelled) for d in cfg.party.drives.values()]
        for _, drive in cfg.events.of_type("enrolment"):
            if drive.enabled:
                out.append(Flow(drive.start, drive.end, drive.recruits))
        return out

    def _org_draw(self, n: int) -> np.ndarray:
        """The organisations of n new members, by the organisations' shares (a multinomial count each)."""
        shares = self._org_shares
        counts = self.model.streams["party"].multinomial(n, shares)
        return np.repeat(np.arange(shares.size, dtype=np.int16), counts)

    def _seed_members(self) -> None:
        """The party of the start: organisations by share, lines around each organisation's line."""
        model, party = self.model, self.model.cfg.party
        rng = model.streams["party"]
        n = max(1, round(party.members * self.scale))
        org = self._org_draw(n)
        centre = np.array([s.line for s in self.apparatus.specs])[org]
        line = np.clip(centre + rng.normal(0.0, model.cfg.party.line_spread, n), -1.0, 1.0)
        candidate = rng.random(n) < party.candidate_share
        full_from = np.where(candidate, rng.integers(0, max(party.candidate_months, 1), n), -1)
        self.members.add(org, line.astype(np.float32), -1, full_from.astype(np.int16))

    def month(self, when: date) -> None:
        """The month's recruits join as candidates and the month's purge expels."""
        model = self.model
        rng = model.streams["party"]
        real, share = self.monthly_flows[when]
        self.recruits_real += round(real)
        wanted = real * self.scale + self._carry
        k = int(wanted)
        self._carry = wanted - k
        if k:
            line = np.clip(model.agenda + rng.normal(0.0, model.cfg.party.recruit_spread, k), -1, 1)
            stage = model.month + model.cfg.party.candidate_months
            self.members.add(self._org_draw(k), line.astype(np.float32), model.month, stage)
        if share > 0 and self.members.n:
            out = int(round(share * self.members.n))
            self.members.remove(np.sort(rng.choice(self.members.n, size=out, replace=False)))

    def record(self, when: date) -> None:
        """One row of `party.csv`: members and candidates in real numbers, cumulative flows."""
        n = self.members.n
        candidates = self.members.candidates(self.model.month)
        self.rows.append(
            {
                "date": when.isoformat(),
                "members": round((n - candidates) / self.scale),
                "candidates": round(candidates / self.scale),
                "recruits": self.recruits_real,
                "secretaries_placed": self.apparatus.placed,
                "simulated": n,
            }
        )
