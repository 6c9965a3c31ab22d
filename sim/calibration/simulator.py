"""What pyabc calls: one replicate at a particle's parameters, summarised as its statistics.

A particle is one replicate, because the record is one draw of history. Its seed is drawn from numpy's
global generator, which the sampler seeds for each evaluation (`sim.calibration.sampler`), so the same
seed gives the same particles on any worker count. A run that raises is written to `failures.log` and
returns `failed = 1`, which the distance turns into infinity: the particle is rejected and the
calibration goes on. The statistics are `sim.calibration.statistics`'s: each fit target's value, and
for an event date whether the event came at all.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import signal
import threading
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.calibration.space import Param
from sim.calibration.statistics import FAILED, Statistic, statistics, summarise
from sim.record.score import AnyTarget, replicate_values


def key(i: int) -> str:
    """Pyabc's name of the i-th parameter (dotted paths are kept in the manifest and the outputs)."""
    return f"p{i}"


def overrides_of(params: Sequence[Param], values: Mapping[str, float]) -> dict[str, float | int]:
    """The scenario overrides of a particle."""
    return {p.path: p.value(float(values[key(i)])) for i, p in enumerate(params)}


class RecordSimulator:
    """The pyabc model: parameters -> one replicate's statistics (or `failed`)."""

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
        self.stats: list[Statistic] = statistics(self.targets)
        self.end = end
        self.failures = failures
        self.main_pid = os.getpid()

    def __call__(self, pars: Mapping[str, float]) -> dict[str, float]:
        """Run one replicate; never raises (a failure is recorded and returned as `failed`)."""
        seed = int(np.random.randint(0, 2**31 - 1))
        return self.run(overrides_of(self.params, pars), seed)

    def warm_up(self) -> None:
        """Import the model and read the scenario file in this process, so forked workers inherit both."""
        from sim.run.runner import simulate  # noqa: F401 - the import is the point
        from sim.scenario import load_scenario

        load_scenario(self.source)

    def values(self, overrides: Mapping[str, float | int], seed: int) -> dict[str, float] | None:
        """One replicate's raw target values (NaN: never came), or None when the run raised."""
        from sim.run.runner import simulate
        from sim.scenario import load_scenario

        if os.getpid() != self.main_pid and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a worker process: Ctrl-C is the main one's
        try:
            out = simulate(load_scenario(self.source, dict(overrides)), seed, timeseries=False)
            return replicate_values(out.events, out.votes, self.targets)
        except Exception as exc:  # noqa: BLE001 - any failure of one run is recorded, not fatal
            self._record_failure(overrides, seed, exc)
            return None

    def run(self, overrides: Mapping[str, float | int], seed: int) -> dict[str, float]:
        """One replicate at these overrides and seed, as its statistics (or `failed`)."""
        values = self.values(overrides, seed)
        if values is None:
            return {FAILED: 1.0, **{s.name: math.nan for s in self.stats}}
        return {FAILED: 0.0, **summarise(values, self.stats, self.end)}

    def pilot_job(self, job: tuple[dict[str, float | int], int]) -> dict[str, float]:
        """`values` for a process pool, with `failed` (1 and every value NaN when the run raised)."""
        values = self.values(*job)
        if values is None:
            return {FAILED: 1.0, **{t.name: math.nan for t in self.targets}}
        return {FAILED: 0.0, **values}

    def _record_failure(self, overrides: Mapping[str, Any], seed: int, exc: BaseException) -> None:
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        line = f"{now}\tseed={seed}\t{dict(overrides)}\t{last}\n"
        with open(self.failures, "a", encoding="utf-8") as fh:  # one short append: whole lines across workers
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())


def informative_weights(thetas: np.ndarray, stats: np.ndarray, floor: float = 0.02) -> np.ndarray:
    """How much each target's value depends on the parameters: R^2 of a quadratic regression on them.

    Computed once, on a pilot sample from the prior: a target that the calibrated parameters do not move
    (R^2 near 0) would only add its noise to the distance, so it weighs little (at least `floor`). This
    is the idea of pyabc's InfoWeightedPNormDistance, done with numpy on a fixed pilot so the distance
    stays the same across generations and on resume.
    """
    ok = ~np.isnan(stats).any(axis=1)
    thetas, stats = thetas[ok], stats[ok]
    if len(thetas) < 3 * thetas.shape[1] + 3:
        return np.ones(stats.shape[1])
    z = (thetas - thetas.mean(axis=0)) / np.where(thetas.std(axis=0) > 0, thetas.std(axis=0), 1)
    design = np.column_stack([np.ones(len(z)), z, z**2])
    out = np.zeros(stats.shape[1])
    for k in range(stats.shape[1]):
        y = stats[:, k]
        total = float(np.sum((y - y.mean()) ** 2))
        if total <= 0:
            continue
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        out[k] = max(0.0, 1 - float(np.sum((y - design @ coef) ** 2)) / total)
    return np.maximum(out, floor)


class ScaledDistance:
    """Weighted mean over the statistics of |model - record| / scale; a failed run is infinitely far."""

    def __init__(self, targets: Sequence[AnyTarget], weights: Mapping[str, float] | None = None) -> None:
        stats = statistics(targets)
        self.scales = {s.name: s.scale for s in stats}
        self.weights = {s.name: float((weights or {}).get(s.name, 1.0)) for s in stats}
        self.total = sum(self.weights.values()) or 1.0

    def __call__(self, x: Mapping[str, float], x0: Mapping[str, float]) -> float:
        """The distance pyabc compares with epsilon."""
        if x.get(FAILED, 0.0) or any(math.isnan(x[k]) for k in self.scales):
            return math.inf
        return float(
            sum(self.weights[k] * abs(x[k] - x0[k]) / s for k, s in self.scales.items()) / self.total
        )


#: The share of the pilot's values cut off at each end of a target's range (see `bounds`).
TAIL = 0.05


def bounds(
    stats: np.ndarray, record: np.ndarray, scales: np.ndarray, missing: np.ndarray, tail: float = TAIL,
    bounded: Sequence[bool] | None = None,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """The range of each scaled statistic beyond which a run's value counts as at its edge.

    From the pilot: the `tail` and `1 - tail` quantiles of the values of runs in which the target
    happened, widened to hold the record (0). A date that never came (censored, `missing`) and a
    far outlier then both enter the distance at the edge instead of as a value many tolerances away,
    which would otherwise dominate the regression and the distance with one target's noise. Measured
    on the identifiability check's synthetic record (800 runs from the prior), this raised the
    out-of-sample R^2 of Trotsky's mobilisation on the targets from 0.33 to 0.38. A `bounded`
    statistic (a 1/0) is not clipped: its edges are what 0 and 1 scale to.
    """
    s = (stats - record) / scales
    lo, hi = np.zeros(s.shape[1]), np.zeros(s.shape[1])
    for k in range(s.shape[1]):
        if bounded is not None and bounded[k]:
            lo[k], hi[k] = min(0.0, (0 - record[k]) / scales[k]), max(0.0, (1 - record[k]) / scales[k])
            continue
        happened = s[~missing[:, k] & ~np.isnan(s[:, k]), k]
        if len(happened):
            q_lo, q_hi = np.quantile(happened, [tail, 1 - tail])
            lo[k], hi[k] = min(float(q_lo), 0.0), max(float(q_hi), 0.0)
    return lo, hi


def projection(
    thetas: np.ndarray, stats: np.ndarray, record: np.ndarray, scales: np.ndarray, widths: np.ndarray,
    ridge: float = 0.05, edges: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:  # fmt: skip
    """The regression of the parameters on the scaled targets (semi-automatic ABC's summary statistics).

    On the pilot from the prior, each parameter (as a share of its prior's width) is regressed on every
    target's `(value - record) / tolerance` (ridge, on standardised columns). The matrix B it returns
    maps a run's scaled targets `s` to `s @ B`: its estimate of the parameters, less the record's. The
    record itself (s = 0) maps to 0, so `|s @ B|` is how far, in parameter units, a run's history
    points from the record's. Fearnhead and Prangle (2012) show these estimates are the summary
    statistics that keep what the data say about the parameters and drop the rest: noise in targets
    the parameters do not move weighs nothing. With `edges` (from `bounds`) the scaled targets are
    first clipped to them, as the distance clips them.
    """
    ok = ~np.isnan(stats).any(axis=1)
    s = (stats[ok] - record) / scales
    if edges is not None:
        s = np.clip(s, edges[0], edges[1])
    t = thetas[ok] / widths
    mu, sd = s.mean(axis=0), s.std(axis=0)
    keep = sd > 1e-12
    z = (s[:, keep] - mu[keep]) / sd[keep]
    tc = t - t.mean(axis=0)
    gram = z.T @ z + ridge * len(z) * np.eye(z.shape[1])
    coef = np.linalg.solve(gram, z.T @ tc)  # standardised features -> centred parameters
    out = np.zeros((stats.shape[1], thetas.shape[1]))
    out[keep] = coef / sd[keep][:, None]  # on the raw scaled targets (the means cancel in differences)
    return out


class ProjectedDistance:
    """Distance between a run and the record in the space of the regression's parameter estimates."""

    def __init__(
        self, targets: Sequence[AnyTarget], matrix: Sequence[Sequence[float]],
        edges: Mapping[str, Sequence[float]] | None = None,
    ) -> None:  # fmt: skip
        stats = statistics(targets)
        self.names = [s.name for s in stats]
        self.scales = np.array([s.scale for s in stats])
        self.matrix = np.asarray(matrix, dtype=float)
        if self.matrix.shape[0] != len(stats):
            raise ValueError(f"projection: {self.matrix.shape[0]} rows for {len(stats)} statistics")
        self.lo = np.array(edges["low"], dtype=float) if edges else None
        self.hi = np.array(edges["high"], dtype=float) if edges else None

    def __call__(self, x: Mapping[str, float], x0: Mapping[str, float]) -> float:
        """Euclidean norm of (s(x) - s(record)) @ B, s the scaled statistics, clipped to `edges`."""
        if x.get(FAILED, 0.0):
            return math.inf
        s = np.array([(x[k] - x0[k]) for k in self.names], dtype=float) / self.scales
        if np.isnan(s).any():
            return math.inf
        if self.lo is not None and self.hi is not None:
            s = np.clip(s, self.lo, self.hi)
        return float(np.linalg.norm(s @ self.matrix))
