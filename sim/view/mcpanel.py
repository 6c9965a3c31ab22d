"""The Monte Carlo panel: N replicates of the current settings in the background, with a progress bar."""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import solara
import solara.lab

from sim.view.model import ViewModel
from sim.view.montecarlo import WinnerRow, baseline_file, run_monte_carlo
from sim.view.panels import show_html

REPLICATES_PER_WORKER = 10  # below this, starting a worker process costs more than it saves


def workers_for(replicates: int) -> int:
    """All cores for a real run; fewer (down to in-process) for a handful of replicates."""
    return max(1, min(os.cpu_count() or 1, replicates // REPLICATES_PER_WORKER))


@dataclass(frozen=True, slots=True)
class Job:
    """What one Monte Carlo run is asked to do."""

    scenario: Path
    overrides: dict[str, Any]
    baseline: Path
    replicates: int
    seed: int
    workers: int


@solara.lab.task(prefer_threaded=True)
def monte_carlo(job: Job) -> tuple[Job, list[WinnerRow]]:
    """Run a job in a worker thread (its replicates in worker processes); report progress in percent."""

    def on_done(done: int, total: int) -> None:
        monte_carlo.progress = 100.0 * done / total

    monte_carlo.progress = 0.0
    rows = run_monte_carlo(
        job.scenario, job.overrides, job.baseline, job.replicates, job.seed, job.workers, on_done
    )
    return job, rows


PAD = ' style="padding: 0 0 0 16px"'


def _pct(p: float, lo: float, hi: float) -> str:
    return f"{p:.0%} ({lo:.0%}–{hi:.0%})"


def results_html(job: Job, rows: list[WinnerRow]) -> str:
    """P(winner) with 95% Wilson intervals, these settings beside the baseline, as an HTML table."""
    head = (
        f"<p>P(winner) over <b>{job.replicates} replicates each</b> "
        f"(seed {job.seed}, {job.workers} workers): "
        f"{html.escape(job.scenario.stem)} vs {html.escape(job.baseline.stem)}, 95% Wilson intervals.</p>"
    )
    cells = "".join(
        f"<tr><td>{html.escape(r.winner.capitalize())}</td><td{PAD}>{_pct(r.p, r.lo, r.hi)}</td>"
        f"<td{PAD}>{_pct(r.base_p, r.base_lo, r.base_hi)}</td></tr>"
        for r in rows
    )
    return (
        head + f'<table class="mc-table"><tr><th>winner</th><th{PAD}>these settings</th>'
        f"<th{PAD}>historical baseline</th></tr>{cells}</table>"
    )


@solara.component
def MonteCarloPanel(model: ViewModel) -> None:
    """Choose N, run, and show P(each winner) with 95% Wilson intervals beside the historical baseline."""
    replicates, set_replicates = solara.use_state(50)
    setup = model.setup

    def start() -> None:
        scenario = setup.choices.get(model.scenario_name, setup.scenario)
        job = Job(
            scenario=scenario,
            overrides=dict(model.overrides),
            baseline=baseline_file(scenario),
            replicates=max(1, int(replicates)),
            seed=model.seed,
            workers=workers_for(int(replicates)),
        )
        monte_carlo(job)

    with solara.Card("Monte Carlo", classes=["ps-montecarlo"]):
        solara.Text(
            "Replicates of the settings in force (as of the last Reset) and of the historical baseline."
        )
        with solara.Row():
            solara.InputInt("Replicates", value=replicates, on_value=set_replicates)
            solara.Button("Run Monte Carlo", on_click=start, disabled=monte_carlo.pending, color="primary")
        solara.ProgressLinear(monte_carlo.progress if monte_carlo.pending else False)
        if monte_carlo.error:
            solara.Error(f"Monte Carlo failed: {monte_carlo.exception}")
        elif monte_carlo.value is not None:
            job, rows = monte_carlo.value
            show_html(results_html(job, rows))
