"""Figures of runs, comparisons and sweeps, as plain matplotlib Figures (headless Agg, notebook-friendly).

Each function takes the DataFrames of the Python API (`sim.run_scenario(...)` -> `Results`) or of the
CSV tables and returns a `matplotlib.figure.Figure`; `draw_all` writes every fitting figure for a directory.
"""

from sim.plots.alliances import alliance_timeline
from sim.plots.compare import comparison_from_summaries, key_dates, winner_probabilities
from sim.plots.draw import draw_all
from sim.plots.fates import institutional_fates
from sim.plots.load import load as load_results
from sim.plots.load import run_from_results
from sim.plots.support import support_over_time
from sim.plots.sweep import sweep_outcome
from sim.plots.votes import vote_shares

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
