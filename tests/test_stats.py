"""Wilson and Newcombe intervals and date quantiles against published values and invariants."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.run.stats import date_quantiles, days_between, newcombe, newcombe_paired, wilson


def test_wilson_known_values() -> None:
    # Newcombe (1998), table I: 81/263 -> 0.2553 .. 0.3662; 15/148 -> 0.0624 .. 0.1605
    lo, hi = wilson(81, 263)
    assert lo == pytest.approx(0.2553, abs=5e-4)
    assert hi == pytest.approx(0.3662, abs=5e-4)
    lo, hi = wilson(15, 148)
    assert lo == pytest.approx(0.0624, abs=5e-4)
    assert hi == pytest.approx(0.1605, abs=5e-4)


def test_wilson_edges() -> None:
    assert wilson(0, 10)[0] == 0.0
    assert wilson(0, 10)[1] == pytest.approx(0.2775, abs=5e-4)
    assert wilson(10, 10)[1] == 1.0
    assert wilson(10, 10)[0] == pytest.approx(1 - 0.2775, abs=5e-4)
    assert all(math.isnan(x) for x in wilson(0, 0))
    with pytest.raises(ValueError):
        wilson(3, 2)


@given(st.integers(min_value=1, max_value=5000), st.data())
def test_wilson_contains_estimate(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(min_value=0, max_value=n))
    lo, hi = wilson(k, n)
    assert 0.0 <= lo <= k / n <= hi <= 1.0
    # symmetric under k -> n - k
    lo2, hi2 = wilson(n - k, n)
    assert lo2 == pytest.approx(1 - hi, abs=1e-12)


def test_newcombe_known_values() -> None:
    # Newcombe (1998), table II example: 56/70 vs 48/80 -> difference 0.2000, method 10: 0.0524 .. 0.3339
    d, lo, hi = newcombe(56, 70, 48, 80)
    assert d == pytest.approx(0.2)
    assert lo == pytest.approx(0.0524, abs=5e-4)
    assert hi == pytest.approx(0.3339, abs=5e-4)
    # 9/10 vs 3/10 -> 0.6, method 10: 0.1705 .. 0.8090
    d, lo, hi = newcombe(9, 10, 3, 10)
    assert (lo, hi) == pytest.approx((0.1705, 0.8090), abs=5e-4)


@given(st.integers(min_value=1, max_value=500), st.integers(min_value=1, max_value=500), st.data())
def test_newcombe_contains_difference(n1: int, n2: int, data: st.DataObject) -> None:
    k1 = data.draw(st.integers(min_value=0, max_value=n1))
    k2 = data.draw(st.integers(min_value=0, max_value=n2))
    d, lo, hi = newcombe(k1, n1, k2, n2)
    assert -1.0 <= lo <= d <= hi <= 1.0


def test_newcombe_empty() -> None:
    assert all(math.isnan(x) for x in newcombe(0, 0, 1, 2))


def test_date_quantiles() -> None:
    q = date_quantiles(["1925-01-01", "1925-01-11", "", None, "1925-01-21", float("nan")])
    assert q.median == "1925-01-11"
    assert q.count == 3 and q.total == 6
    assert q.q10 == "1925-01-03" and q.q90 == "1925-01-19"
    assert q.share == pytest.approx(0.5)


def test_date_quantiles_empty_and_bad() -> None:
    q = date_quantiles(["", "", None])
    assert (q.median, q.q10, q.q90, q.count, q.total) == ("", "", "", 0, 3)
    assert math.isnan(date_quantiles([]).share)
    with pytest.raises(ValueError, match="ISO dates"):
        date_quantiles(["January 1925"])


def test_days_between() -> None:
    assert days_between("1924-01-01", "1924-02-01") == 31
    assert math.isnan(days_between("", "1924-02-01"))


def test_paired_newcombe_without_correlation_is_the_unpaired_interval() -> None:
    # a*d == b*c: phi = 0, so the paired interval is Newcombe's unpaired one on the margins.
    a, b, c, d = 20, 20, 30, 30
    assert newcombe_paired(a, b, c, d) == pytest.approx(newcombe(a + b, 100, a + c, 100))


def test_paired_newcombe_is_narrower_for_correlated_pairs_and_covers() -> None:
    rng = np.random.default_rng(5)
    n, p1, p2, trials = 300, 0.9, 0.85, 2000
    covered, paired_width, unpaired_width = 0, 0.0, 0.0
    for _ in range(trials):
        shared = rng.random(n) < 0.8  # most pairs share their draw, as replicates with one seed do
        u = rng.random(n)
        x = np.where(shared, u < p1, rng.random(n) < p1)
        y = np.where(shared, u < p2, rng.random(n) < p2)
        a, b = int((x & y).sum()), int((x & ~y).sum())
        c, d = int((~x & y).sum()), int((~x & ~y).sum())
        diff, lo, hi = newcombe_paired(a, b, c, d)
        assert lo <= diff <= hi
        covered += lo <= p1 - p2 <= hi
        paired_width += hi - lo
        _, ulo, uhi = newcombe(a + b, n, a + c, n)
        unpaired_width += uhi - ulo
    assert covered / trials >= 0.93
    assert paired_width < 0.75 * unpaired_width


def test_paired_newcombe_empty() -> None:
    assert all(math.isnan(x) for x in newcombe_paired(0, 0, 0, 0))
