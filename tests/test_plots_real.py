"""Plots and chronicle on real model output: one small run, comparison and sweep per session."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.chronicle import chronicle_of
from sim.plots import draw_all, institutional_fates, load_results, run_from_results, support_over_time
from sim.plots.draw import comparison_figures
from sim.plots.style import save

ROOT = Path(__file__).resolve().parents[1]
HIST = ROOT / "scenarios" / "historical.toml"
SMALL = {"party.scale": 0.02}


@pytest.fixture(scope="session")
def real(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Write one run (10 replicates), one comparison and one 2 x 3 sweep with a small Congress."""
    base = tmp_path_factory.mktemp("real")
    res = sim.run_scenario(HIST, replicates=10, seed=3, overrides=SMALL)
    res.write(base / "run")
    cmp = sim.compare_scenarios(
        [HIST, ROOT / "scenarios" / "testament_published.toml"], replicates=8, seed=3, overrides=SMALL
    )
    cmp.write(base / "cmp")
    from sim.sweep import sweep

    experiment = {
        "experiment": {
            "name": "tiny_grid",
            "scenario": str(HIST),
            "replicates": 2,
            "seed": 5,
            "outputs": ["summary"],
        },
        "fixed": SMALL,
        "grid": {
            "leaders.stalin.appointment_control": [0.2, 0.9],
            "leaders.trotsky.charisma": [0.3, 0.6, 0.9],
        },
    }
    sweep(experiment, backend="serial", out=base / "sweep")
    return {"base": base, "results": res}


def test_plot_real_run(real: dict, tmp_path: Path) -> None:
    paths = draw_all(real["base"] / "run", tmp_path)
    assert sorted(p.stem for p in paths) == [
        "alliances",
        "apparatus",
        "delegations",
        "institutional_fates",
        "party_growth",
        "support_over_time",
        "votes",
    ]
    small = [p.name for p in paths if p.stat().st_size <= 15_000]
    assert not small, f"figures under 15 kB: {small}"


def test_plot_real_comparison(real: dict, tmp_path: Path) -> None:
    """Build every comparison figure; save the two cross-scenario ones (per-scenario ones are run figures)."""
    figures = comparison_figures(load_results(real["base"] / "cmp"))
    assert set(figures) == {"winner_probabilities", "key_dates"} | {
        f"{s}/{f}"
        for s in ("historical", "testament_published")
        for f in (
            "support_over_time",
            "institutional_fates",
            "alliances",
            "votes",
            "apparatus",
            "party_growth",
            "delegations",
        )
    }
    for stem in ("winner_probabilities", "key_dates"):
        assert save(figures[stem], tmp_path / f"{stem}.png").stat().st_size > 15_000


def test_plot_real_sweep(real: dict, tmp_path: Path) -> None:
    (p,) = draw_all(real["base"] / "sweep", tmp_path)
    assert p.name == "sweep_p_stalin.png" and p.stat().st_size > 15_000


def test_results_object_feeds_the_plot_functions(real: dict) -> None:
    res = real["results"]
    fig = support_over_time(res.timeseries, res.events, caption="historical")
    stalin = next(ln for ln in fig.axes[0].get_lines() if ln.get_label() == "Stalin")
    assert len(stalin.get_xdata()) == pd.to_datetime(res.timeseries["date"]).nunique()
    run = run_from_results(res)
    assert run.replicates == 10
    assert institutional_fates(run.summary, run.events).axes


def test_chronicle_of_a_real_replicate(real: dict) -> None:
    lines = chronicle_of(real["base"] / "run", 0)
    assert len([ln for ln in lines if ln.strip()]) >= 8
    assert lines[0].startswith("Chronicle of replicate 0 of scenario 'historical'")
    assert any("Lenin dies" in ln for ln in lines) and lines[-1].startswith("Outcome:")
    dated = [pd.to_datetime(ln[:11], format="%d %b %Y") for ln in lines[1:-1] if ln[:2].isdigit()]
    assert dated == sorted(dated), "the chronicle is in date order"


def test_powerstruggle_plot_and_chronicle_exit_codes(
    real: dict, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from sim.cli.commands import main

    assert main(["plot", str(real["base"] / "sweep"), "--out", str(tmp_path / "f"), "--format", "pdf"]) == 0
    assert (tmp_path / "f" / "sweep_p_stalin.pdf").read_bytes()[:5] == b"%PDF-"
    capsys.readouterr()
    assert main(["plot", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert (
        err
        == f"error: {tmp_path / 'missing'}: no such directory: expected a results directory written by run, "
        "compare or sweep\n"
    )
    assert main(["chronicle", str(real["base"] / "run"), "--replicate", "10"]) == 2
    assert "replicate 10 not in the results: expected one of 0..9" in capsys.readouterr().err
    assert (
        main(
            ["chronicle", str(real["base"] / "cmp"), "--scenario", "testament_published", "--replicate", "1"]
        )
        == 0
    )
    assert "of scenario 'testament_published'" in capsys.readouterr().out


def test_every_real_figure_is_complete(real: dict) -> None:
    """Real run, comparison and sweep: captions with replicates and seed, labelled axes, titles that fit."""
    from figure_checks import figure_problems

    from sim.plots.draw import run_figures, sweep_figures

    figures = {
        **run_figures(load_results(real["base"] / "run")),
        **comparison_figures(load_results(real["base"] / "cmp")),
        **sweep_figures(load_results(real["base"] / "sweep")),
    }
    assert len(figures) == 7 + 2 + 14 + 1
    problems = {stem: p for stem, fig in figures.items() if (p := figure_problems(fig))}
    assert problems == {}
    fates = figures["testament_published/institutional_fates"]
    stalin = [ax for ax in fates.axes if ax.get_ylabel() == "Stalin"]
    removed = load_results(real["base"] / "cmp").runs["testament_published"].summary["stalin__gs_removal"]
    if removed.notna().any():  # the Testament published: Stalin's fall shows on his General Secretary row
        assert stalin and any(ln.get_marker() == "h" for ln in stalin[0].get_lines())
