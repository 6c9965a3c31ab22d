"""The notebook entry point: `sweep(experiment)` runs a sweep and returns its runs as a DataFrame."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from sim.sweep.engine import SweepReport


def sweep(
    experiment: str | Path | Mapping[str, Any],
    backend: str = "local",
    workers: int | None = None,
    *,
    scheduler: str | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    replicates: int | None = None,
    progress: bool = False,
    raise_on_failure: bool = False,
    run_function: str | None = None,
    posterior: str | Path | None = None,
) -> pd.DataFrame:
    """Run an experiment (file path or mapping) and return one row per completed run.

    With `out` the usual sweep directory is kept (and `resume=True` continues it); without it the
    results live in a temporary directory that is removed once the table is in memory. Failed runs
    are not rows: they are in `df.attrs["failures"]` (and `raise_on_failure=True` raises instead).
    Runs not done at all (a worker process lost, a stopped sweep) raise a RuntimeError rather than
    return a short table; with `out`, what was done is kept and `resume=True` completes it.
    `posterior` (a `calibrate` output directory) draws each replicate's calibrated parameters from
    its posterior (`sim.run.posterior`); the table then has a column per calibrated path.
    """
    import pandas as pd

    from sim.sweep.engine import run_sweep
    from sim.sweep.worker import RUN_FUNCTION

    def go(directory: Path) -> tuple[pd.DataFrame, SweepReport]:
        report = run_sweep(
            experiment,
            directory,
            backend=backend,
            workers=workers,
            scheduler=scheduler,
            resume=resume,
            replicates=replicates,
            progress="auto" if progress else "off",
            run_function=run_function or RUN_FUNCTION,
            posterior=posterior,
        )
        parts = sorted((directory / "runs.parquet").glob("part-*.parquet"))
        frame = pd.read_parquet(directory / "runs.parquet") if parts else pd.DataFrame()
        failures = directory / "failures.csv"
        frame.attrs["failures"] = pd.read_csv(failures).to_dict("records") if failures.exists() else []
        frame.attrs["points"] = pd.read_csv(directory / "points.csv")
        return frame, report

    if out is not None:
        frame, report = go(Path(out))
    else:
        with tempfile.TemporaryDirectory(prefix="powerstruggle-sweep-") as tmp:
            frame, report = go(Path(tmp) / "sweep")
    if report.missing:
        # Runs not done at all (a worker process lost, a stopped sweep): the table would be silently short.
        why = report.errors[0] if report.errors else report.status
        hint = f"; sim.sweep(..., out={str(out)!r}, resume=True) completes them" if out is not None else ""
        raise RuntimeError(f"sweep: {report.missing} of {report.planned} run(s) not done ({why}){hint}")
    if raise_on_failure and report.failed:
        raise RuntimeError(f"sweep: {report.failed} run(s) failed")
    return frame
