"""pyabc's proposal with a share drawn from the prior: importance weights stay bounded.

pyabc proposes a generation's parameters from a Gaussian kernel density of the last one and weighs
each accepted particle by prior / proposal. When the posterior is nearly as wide as the prior (one
history pins few parameters down), a particle accepted where the last generation was sparse (near a
prior's edge) gets a proposal density near zero and so a huge weight: in the identifiability check one
particle of 150 carried 20% of the weight (effective sample size 22), and the 90% interval was that
particle's. A defensive mixture (Hesterberg 1995) draws a share of proposals from the prior itself,
so no weight exceeds 1 / share times the prior's; the posterior it targets is unchanged.

The share trades proposals spent where the posterior is thin against the spread of the weights. Over
eight seeds of the identifiability check (docs/calibration.md, 8 December 2026), the last generation's
effective sample size per simulation was 0.095 at a fifth, 0.109 at 0.3, 0.104 at 0.4 and 0.101 at a
half; at a fifth two prior-drawn particles of 150 once carried 13% of the weight (ESS 62).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyabc

#: The share of proposals drawn from the (uniform) prior.
PRIOR_SHARE = 0.3


class DefensiveTransition(pyabc.MultivariateNormalTransition):
    """(1 - share) x pyabc's kernel density proposal + share x the uniform prior on the box."""

    def __init__(self, lows: Sequence[float], highs: Sequence[float], share: float = PRIOR_SHARE) -> None:
        super().__init__()
        self.lows = np.asarray(lows, dtype=float)
        self.highs = np.asarray(highs, dtype=float)
        self.share = float(share)
        self.prior_density = float(1.0 / np.prod(self.highs - self.lows))

    def rvs_single(self) -> pyabc.Parameter:
        """From the prior with probability `share`, else from the kernel density (numpy's generator)."""
        if np.random.uniform() < self.share:
            values = np.random.uniform(self.lows, self.highs)
            return pyabc.Parameter(dict(zip(self.X.columns, values, strict=True)))
        return super().rvs_single()

    def rvs(self, size: int | None = None) -> pyabc.Parameter | pd.DataFrame:
        """One draw, or `size` draws as a frame."""
        if size is None:
            return self.rvs_single()
        return pd.DataFrame([self.rvs_single() for _ in range(size)])

    def pdf(self, x: pyabc.Parameter | pd.Series | pd.DataFrame) -> float | np.ndarray:
        """The mixture's density (the prior's part is zero outside the box)."""
        kde = super().pdf(x)
        if isinstance(x, pd.DataFrame):
            arr = x[self.X.columns].to_numpy(float)
        else:
            arr = np.array([x[k] for k in self.X.columns], dtype=float)
        inside = np.all((arr >= self.lows) & (arr <= self.highs), axis=-1)
        return (1 - self.share) * kde + self.share * self.prior_density * inside
