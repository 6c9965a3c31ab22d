"""Small, dependency-light statistics for the run summaries: proportions and dates.

- `wilson(k, n)`: the Wilson score interval of a proportion (good near 0 and 1, unlike the Wald interval).
- `newcombe(k1, n1, k2, n2)`: Newcombe's hybrid score interval (method 10) for the difference p1 - p2.
- `date_quantiles(values)`: median, 10% and 90% of ISO date strings, ignoring empty entries.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np

Z95 = 1.959963984540054  # two-sided 95% standard normal quantile


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval (lo, hi) for k successes out of n; (nan, nan) when n == 0."""
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"wilson: expected 0 <= k <= n (got k={k}, n={n})")
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = (z / denom) * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    lo, hi = max(0.0, centre - half), min(1.0, centre + half)
    # exact bounds at the edges (floating error would otherwise give 1e-17 instead of 0)
    if k == 0:
        lo = 0.0
    if k == n:
        hi = 1.0
    return (lo, hi)


def newcombe(k1: int, n1: int, k2: int, n2: int, z: float = Z95) -> tuple[float, float, float]:
    """Difference p1 - p2 with Newcombe's hybrid score 95% interval: (diff, lo, hi).

    Built from the two Wilson intervals (Newcombe 1998, method 10); nan when either n is 0.
    """
    if n1 == 0 or n2 == 0:
        return (math.nan, math.nan, math.nan)
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1, z)
    l2, u2 = wilson(k2, n2, z)
    d = p1 - p2
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (d, max(-1.0, lo), min(1.0, hi))


def newcombe_paired(a: int, b: int, c: int, d: int, z: float = Z95) -> tuple[float, float, float]:
    """Difference p1 - p2 of two proportions measured on the same units, with a 95% interval.

    The units are paired replicates (the same seed in two scenarios): `a` succeed in both, `b` only in
    the first, `c` only in the second, `d` in neither. Newcombe's paired method 10 (Statistics in
    Medicine 1998, 17:2635): the two Wilson intervals combined with the phi correlation of the pairs.
    With phi = 0 it is `newcombe`; positively correlated pairs give a narrower interval. nan if n is 0.
    """
    n = a + b + c + d
    if n == 0:
        return (math.nan, math.nan, math.nan)
    k1, k2 = a + b, a + c
    p1, p2 = k1 / n, k2 / n
    l1, u1 = wilson(k1, n, z)
    l2, u2 = wilson(k2, n, z)
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    phi = (a * d - b * c) / math.sqrt(margins) if margins > 0 else 0.0
    dl1, du1, dl2, du2 = p1 - l1, u1 - p1, p2 - l2, u2 - p2
    diff = p1 - p2
    lo = diff - math.sqrt(max(0.0, dl1**2 - 2 * phi * dl1 * du2 + du2**2))
    hi = diff + math.sqrt(max(0.0, du1**2 - 2 * phi * du1 * dl2 + dl2**2))
    return (diff, max(-1.0, lo), min(1.0, hi))


@dataclass(frozen=True, slots=True)
class DateQuantiles:
    """Median and 10%/90% quantiles of the dates that occurred, out of `total` entries."""

    median: str
    q10: str
    q90: str
    count: int
    total: int

    @property
    def share(self) -> float:
        """Share of entries with a date (e.g. of replicates in which a sanction happened)."""
        return self.count / self.total if self.total else math.nan


def _ordinals(values: Iterable[object]) -> tuple[list[int], int]:
    days: list[int] = []
    total = 0
    for v in values:
        total += 1
        if v is None:
            continue
        if isinstance(v, float) and math.isnan(v):
            continue
        if hasattr(v, "date") and callable(v.date):  # pandas Timestamp / datetime
            try:
                if v != v:  # NaT
                    continue
            except TypeError:
                pass
            v = v.date()
        if isinstance(v, date):
            days.append(v.toordinal())
            continue
        text = str(v).strip()
        if not text or text.lower() in ("nan", "nat", "none"):
            continue
        try:
            days.append(date.fromisoformat(text[:10]).toordinal())
        except ValueError:
            raise ValueError(f"date_quantiles: expected ISO dates YYYY-MM-DD (got {text!r})") from None
    return days, total


def date_quantiles(values: Iterable[object]) -> DateQuantiles:
    """Median, 10% and 90% of ISO date strings (or dates); empty/NaN entries mean 'did not happen'.

    Quantiles interpolate linearly between days and round to the nearest day; all three are '' when no
    entry has a date.
    """
    days, total = _ordinals(values)
    if not days:
        return DateQuantiles("", "", "", 0, total)
    q = np.quantile(np.asarray(days, dtype=float), [0.5, 0.1, 0.9])
    iso = [date.fromordinal(int(math.floor(x + 0.5))).isoformat() for x in q]
    return DateQuantiles(iso[0], iso[1], iso[2], len(days), total)


def days_between(a: str, b: str) -> float:
    """Days from ISO date `a` to ISO date `b` (b - a); nan when either is empty."""
    if not a or not b:
        return math.nan
    return float(date.fromisoformat(b).toordinal() - date.fromisoformat(a).toordinal())
