"""Figures of runs, comparisons and sweeps, as plain matplotlib Figures (headless Agg, notebook-friendly).

Each function takes the DataFrames of the Python API (`sim.run_scenario(...)` -> `Results`) or of the
CSV tables and returns a `matplotlib.figure.Figure`; `draw_all` writes every fitting figure for a directory.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Public name -> (module, attribute). Loaded on first use (PEP 562) so that the CLI, which registers the
# `plot` command on every start, does not pay for matplotlib and pandas unless a figure is drawn.
_EXPORTS = {
    "alliance_timeline": ("sim.plots.alliances", "alliance_timeline"),
    "comparison_from_summaries": ("sim.plots.compare", "comparison_from_summaries"),
    "key_dates": ("sim.plots.compare", "key_dates"),
    "winner_probabilities": ("sim.plots.compare", "winner_probabilities"),
    "draw_all": ("sim.plots.draw", "draw_all"),
    "institutional_fates": ("sim.plots.fates", "institutional_fates"),
    "load_results": ("sim.plots.load", "load"),
    "run_from_results": ("sim.plots.load", "run_from_results"),
    "support_over_time": ("sim.plots.support", "support_over_time"),
    "sweep_outcome": ("sim.plots.sweep", "sweep_outcome"),
    "vote_shares": ("sim.plots.votes", "vote_shares"),
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module, attribute = _EXPORTS[name]
        value = getattr(import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim.plots' has no attribute {name!r}")


__all__ = [
    "alliance_timeline",
    "comparison_from_summaries",
    "draw_all",
    "institutional_fates",
    "key_dates",
    "load_results",
    "run_from_results",
    "support_over_time",
    "sweep_outcome",
    "vote_shares",
    "winner_probabilities",
]
