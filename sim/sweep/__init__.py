"""Batch mode: experiment files, parameter sweeps on all cores or a Dask cluster, resumable.

Import stays cheap (the CLI loads this package at start-up); heavy modules load on first use.
"""

from sim.sweep.api import sweep

__all__ = ["sweep"]
