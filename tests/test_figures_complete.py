"""Every figure `plot` and `compare --plot` write is complete, read off the drawn Figure objects.

A caption with replicates and seed, a label on every axis that shows values, titles inside the figure.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from figure_checks import figure_problems
from test_plots_colours import CAST_1953, synthetic_run
from test_plots_synthetic import make_comparison, make_run, make_sweep

from sim.plots import load, style
from sim.plots.alliances import alliance_timeline
from sim.plots.compare import key_dates, winner_probabilities
from sim.plots.draw import comparison_figures, run_figures, sweep_figures
from sim.plots.fates import institutional_fates
from sim.plots.support import support_over_time
from sim.plots.votes import vote_shares

SWEEPS = {
    "one": {"leaders.stalin.appointment_control": [0.1, 0.5, 0.9]},
    "grid": {"leaders.stalin.appointment_control": [0.1, 0.4, 0.7], "leaders.trotsky.charisma": [0.2, 0.9]},
    "scenarios": {"scenario": ["historical", "testament_published"], "leaders.trotsky.charisma": [0.2, 0.9]},
}


def _all_problems(figures: dict) -> dict[str, list[str]]:
    return {stem: p for stem, fig in figures.items() if (p := figure_problems(fig))}


def test_every_run_figure_is_complete(tmp_path: Path) -> None:
    assert _all_problems(run_figures(load.load_run(make_run(tmp_path / "run")))) == {}
    figures = run_figures(synthetic_run(CAST_1953))  # another cast, with the party's tables too
    assert {"apparatus", "party_growth", "delegations"} <= set(figures)
    assert _all_problems(figures) == {}


def test_every_comparison_figure_is_complete(tmp_path: Path) -> None:
    figures = comparison_figures(load.load_comparison(make_comparison(tmp_path / "cmp")))
    assert "winner_probabilities" in figures and "historical/support_over_time" in figures
    assert _all_problems(figures) == {}


@pytest.mark.parametrize("design", list(SWEEPS))
def test_every_sweep_figure_is_complete(tmp_path: Path, design: str) -> None:
    figures = sweep_figures(load.load_sweep(make_sweep(tmp_path / design, SWEEPS[design])))
    assert _all_problems(figures) == {}
    (fig,) = figures.values()
    assert "replicates per point" in fig.get_supxlabel()  # not a bare count that reads as the whole sweep


def test_scattered_and_many_parameter_sweeps_are_complete(tmp_path: Path) -> None:
    for params in (["a.x", "a.y"], ["a.x", "a.y", "b.z", "b.w"]):
        d = make_sweep(tmp_path / str(len(params)), dict.fromkeys(params, []), scattered=30)
        assert _all_problems(sweep_figures(load.load_sweep(d))) == {}


def test_empty_figures_keep_their_caption_and_fit() -> None:
    cap = style.caption_text({"scenario_name": "historical", "master_seed": 4}, 10)
    empty = {t: pd.DataFrame(columns=list(load.REQUIRED[t])) for t in load.RUN_TABLES}
    figures = {
        "support": support_over_time(empty["timeseries"], empty["events"], caption=cap),
        "fates": institutional_fates(empty["summary"], empty["events"], caption=cap),
        "alliances": alliance_timeline(empty["events"], caption=cap),
        "votes": vote_shares(empty["votes"], caption=cap),
        "winners": winner_probabilities(pd.DataFrame(), caption=cap),
        "dates": key_dates({}, caption=cap),
    }
    assert _all_problems(figures) == {}


def test_the_checks_catch_what_they_look_for() -> None:
    """A clipped title, an unlabelled axis and a bare caption are each reported."""
    fig = style.new_figure((4.0, 3.0))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("x")
    fig.suptitle("a title far too long for a figure four inches wide, which it overruns on both sides")
    style.caption(fig, "scenario: x")
    problems = " | ".join(figure_problems(fig))
    assert "runs past the figure" in problems and "y axis shows" in problems and "caption" in problems
