"""What pyabc calls: one replicate at a particle's parameters, summarised as its values for the targets.

A particle is one replicate, because the record is one draw of history. Its seed is drawn from numpy's
global generator, which the calibration seeds (pyabc's samplers draw from it too), so on the serial
sampler the same seed gives the same particles. A run that raises is written to `failures.log` and
returns `failed = 1`, which the distance turns into infinity: the particle is rejected and the
calibration goes on.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.calibration.space import Param
from sim.record.score import AnyTarget, replicate_values
from sim.record.targets import EventDate

#: An event that never came counts as this many days after the window's end.
CENSOR_DAYS = 365
FAILED = "failed"


def key(i: int) -> str:
    """Pyabc's name of the i-th parameter (dotted paths are kept in the manifest and the outputs)."""
    return f"p{i}"


def overrides_of(params: Sequence[Param], values: Mapping[str, float]) -> dict[str, float | int]:
    """The scenario overrides of a particle."""
    return {p.path: p.value(float(values[key(i)])) for i, p in enumerate(params)}


def censored(values: Mapping[str, float], targets: Sequence[AnyTarget], end: dt.date) -> dict[str, float]:
    """Replace 'never happened' (NaN) by a date past the window, and a missing vote by the worst share."""
    out = {}
    for t in targets:
        v = values[t.name]
        if math.isnan(v):
            v = float(end.toordinal() + CENSOR_DAYS) if isinstance(t, EventDate) else 1.0
        out[t.name] = v
    return out


def observed(targets: Sequence[AnyTarget]) -> dict[str, float]:
    """The record as summary statistics (dates as day numbers, shares as they are)."""
    out = {FAILED: 0.0}
    for t in targets:
        out[t.name] = float(t.date.toordinal()) if isinstance(t, EventDate) else float(t.share)  # type: ignore[union-attr]
    return out


class RecordSimulator:
    """The pyabc model: parameters -> one replicate's censored target values (or `failed`)."""

    def __init__(
        self,
        source: Path,
        params: Sequence[Param],
        targets: Sequence[AnyTarget],
        end: dt.date,
        failures: Path,
    ) -> None:
        self.source = source
        self.params = list(params)
        self.targets = list(targets)
        self.end = end
        self.failures = failures

    def __call__(self, pars: Mapping[str, float]) -> dict[str, float]:
        """Run one replicate; never raises (a failure is recorded and returned as `failed`)."""
        from sim.runner import simulate
        from sim.scenario import load_scenario

        seed = int(np.random.randint(0, 2**31 - 1))
        overrides = overrides_of(self.params, pars)
        try:
            out = simulate(load_scenario(self.source, overrides), seed)
            values = replicate_values(out.events, out.votes, self.targets)
        except Exception as exc:  # noqa: BLE001 - any failure of one run is recorded, not fatal
            self._record_failure(overrides, seed, exc)
            return {FAILED: 1.0, **{t.name: math.nan for t in self.targets}}
        return {FAILED: 0.0, **censored(values, self.targets, self.end)}

    def _record_failure(self, overrides: Mapping[str, Any], seed: int, exc: BaseException) -> None:
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        line = f"{now}\tseed={seed}\t{dict(overrides)}\t{last}\n"
        with open(self.failures, "a", encoding="utf-8") as fh:  # one short append: whole lines across workers
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())


class ScaledDistance:
    """Mean over the fit targets of |model - record| / tolerance; a failed run is infinitely far."""

    def __init__(self, targets: Sequence[AnyTarget]) -> None:
        self.scales = {t.name: float(t.tolerance) for t in targets}

    def __call__(self, x: Mapping[str, float], x0: Mapping[str, float]) -> float:
        """The distance pyabc compares with epsilon."""
        if x.get(FAILED, 0.0) or any(math.isnan(x[k]) for k in self.scales):
            return math.inf
        return float(sum(abs(x[k] - x0[k]) / s for k, s in self.scales.items()) / len(self.scales))
