"""SALib's designs for the sweep engine: Saltelli's extension of Sobol' sequences, and Morris trajectories.

The engine numbers points in the order these samplers return them, which is the order SALib's
analysers expect the outputs in; `sensitivity` relies on that.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Keeps the design's draws apart from the runs' streams under the same master seed.
_SALIB_STREAM = 0x5A11B


def problem(bounds: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """SALib's problem dictionary for dotted parameter paths and their `[low, high]` bounds."""
    return {
        "num_vars": len(bounds),
        "names": list(bounds),
        "bounds": [[float(low), float(high)] for low, high in bounds.values()],
    }


def design_seed(master_seed: int) -> int:
    """A 32-bit seed for SALib's samplers, derived from the experiment's master seed."""
    return int(np.random.SeedSequence([master_seed, _SALIB_STREAM]).generate_state(1, np.uint32)[0])


def salib_matrix(sample: Any, master_seed: int) -> np.ndarray:
    """The sample matrix (points x parameters) of a `sobol_saltelli` or `morris` `[sample]` table."""
    spec = problem(dict(sample.bounds))
    seed = design_seed(master_seed)
    if sample.method == "sobol_saltelli":
        from SALib.sample import sobol

        return sobol.sample(spec, sample.points, calc_second_order=sample.second_order, seed=seed)
    if sample.method == "morris":
        from SALib.sample import morris

        return morris.sample(spec, sample.points, num_levels=sample.levels, seed=seed)
    raise ValueError(f"not a SALib method: {sample.method!r}")


def salib_rows(sample: Any, master_seed: int) -> list[dict[str, Any]]:
    """The design as rows of `{path: value}`, rounded to 12 significant digits (no float noise)."""
    matrix = salib_matrix(sample, master_seed)
    names = list(sample.bounds)
    return [{name: float(f"{value:.12g}") for name, value in zip(names, row, strict=True)} for row in matrix]
