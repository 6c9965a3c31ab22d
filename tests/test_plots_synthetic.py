"""Plots and loader against small synthetic tables that follow docs/contract.md (no model needed)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure
from matplotlib.text import Text

from sim.cli.plot import register
from sim.errors import InputError
from sim.plots import (
    alliance_timeline,
    comparison_from_summaries,
    draw_all,
    institutional_fates,
    key_dates,
    load,
    style,
    support_over_time,
    sweep_outcome,
    vote_shares,
    winner_probabilities,
)
from sim.plots.draw import comparison_figures
from sim.plots.load import RunData
from sim.plots.sweep import outcome_table, smooth

LEADERS = ["stalin", "trotsky", "zinoviev", "kamenev", "bukharin", "rykov", "tomsky"]
SANCTIONS = [
    "censure",
    "post_removal",
    "politburo_removal",
    "cc_removal",
    "party_expulsion",
    "internal_exile",
    "exile_abroad",
    "gs_removal",
]
SESSIONS = [
    ("1924-05-23", "congress", "13th Party Congress"),
    ("1925-04-27", "conference", "14th Party Conference"),
    ("1925-12-18", "congress", "14th Party Congress"),
    ("1926-10-26", "conference", "15th Party Conference"),
    ("1927-12-02", "congress", "15th Party Congress"),
    ("1929-04-23", "conference", "16th Party Conference"),
]
FALL = {  # leader -> (kind, typical date)
    "trotsky": [
        ("politburo_removal", "1926-10-23"),
        ("cc_removal", "1927-10-23"),
        ("party_expulsion", "1927-11-14"),
        ("internal_exile", "1928-01-17"),
        ("exile_abroad", "1929-02-10"),
    ],
    "zinoviev": [
        ("politburo_removal", "1926-07-23"),
        ("cc_removal", "1927-10-23"),
        ("party_expulsion", "1927-11-14"),
    ],
    "kamenev": [
        ("politburo_removal", "1926-01-01"),
        ("cc_removal", "1927-10-23"),
        ("party_expulsion", "1927-12-18"),
    ],
    "bukharin": [("post_removal", "1929-04-23"), ("politburo_removal", "1929-11-17")],
}


def make_run(out: Path, n: int = 6, seed: int = 1, name: str = "synthetic") -> Path:
    """Write a run directory with n replicates of plausible-looking tables."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("1924-01-01", "1929-12-01", freq="MS")
    ts, ev, votes, summary = [], [], [], []
    for r in range(n):

        def shift(d: str, sd: int = 45) -> str:
            return (pd.Timestamp(d) + pd.Timedelta(days=int(rng.normal(0, sd)))).date().isoformat()

        ev.append(dict(replicate=r, date="1924-01-21", kind="lenin_death", actor="", body="", detail=""))
        ev.append(
            dict(replicate=r, date="1924-01-27", kind="funeral", actor="", body="", detail="Trotsky absent")
        )
        ev.append(
            dict(replicate=r, date="1924-02-01", kind="lenin_enrolment_start", actor="", body="", detail="")
        )
        ev.append(
            dict(replicate=r, date="1924-05-01", kind="lenin_enrolment_end", actor="", body="", detail="")
        )
        ev.append(
            dict(replicate=r, date="1924-05-22", kind="testament_handled", actor="", body="", detail="")
        )
        if r % 2 == 0:
            ev.append(
                dict(replicate=r, date=shift("1927-06-01"), kind="war_scare", actor="", body="", detail="")
            )
        for d, kind, body in SESSIONS:
            ev.append(dict(replicate=r, date=d, kind=kind, actor="", body=body, detail=""))
            f = int(rng.integers(600, 900))
            a = int(rng.integers(10, 200))
            votes.append(
                dict(
                    replicate=r,
                    date=d,
                    body=body,
                    motion="leadership line",
                    **{"for": f},
                    against=a,
                    abstain=int(rng.integers(0, 30)),
                    voting_delegates=f + a + 30,
                )
            )
        votes.append(
            dict(
                replicate=r,
                date=shift("1926-10-23"),
                body="CC plenum",
                motion="politburo_removal: trotsky",
                **{"for": 150},
                against=30,
                abstain=5,
                voting_delegates=185,
            )
        )
        first = {}
        for leader, steps in FALL.items():
            for kind, d in steps:
                if rng.random() < 0.85:
                    date = shift(d)
                    first[f"{leader}__{kind}"] = date
                    ev.append(
                        dict(replicate=r, date=date, kind=kind, actor=leader, body="CC plenum", detail="")
                    )
        ev.append(
            dict(
                replicate=r,
                date=shift("1924-02-15", 10),
                kind="alliance_formed",
                actor="kamenev+stalin+zinoviev",
                body="",
                detail="",
            )
        )
        ev.append(
            dict(
                replicate=r,
                date=shift("1925-10-01"),
                kind="alliance_dissolved",
                actor="kamenev+stalin+zinoviev",
                body="",
                detail="",
            )
        )
        ev.append(
            dict(
                replicate=r,
                date=shift("1925-10-15"),
                kind="alliance_formed",
                actor="bukharin+stalin",
                body="",
                detail="",
            )
        )
        if r % 3:
            ev.append(
                dict(
                    replicate=r,
                    date=shift("1926-04-01"),
                    kind="alliance_formed",
                    actor="kamenev+trotsky+zinoviev",
                    body="",
                    detail="United Opposition",
                )
            )
            ev.append(
                dict(
                    replicate=r,
                    date=shift("1926-04-20"),
                    kind="mobilisation",
                    actor="trotsky",
                    body="",
                    detail="",
                )
            )
        winner = "stalin" if r % 5 else "none"
        cons = shift("1929-06-01") if winner == "stalin" else ""
        if cons:
            ev.append(dict(replicate=r, date=cons, kind="consolidation", actor="stalin", body="", detail=""))
        w = rng.dirichlet(np.ones(len(LEADERS)) * 4, size=len(months))
        w[:, 0] = np.linspace(0.15, 0.6, len(months)) + rng.normal(0, 0.02, len(months))
        w = np.clip(w, 0.001, None)
        w = w / w.sum(axis=1, keepdims=True)
        for i, m in enumerate(months):
            for j, leader in enumerate(LEADERS):
                ts.append(
                    dict(
                        replicate=r,
                        date=m.date().isoformat(),
                        leader=leader,
                        support=round(w[i, j], 4),
                        pb_seat=2,
                        cc_share=round(w[i, j], 3),
                        rung=0,
                        legitimacy=0.5,
                        standing=0.5,
                        camp=leader,
                    )
                )
        row = dict(replicate=r, seed=1000 + r, winner=winner, consolidation_date=cons)
        for leader in LEADERS:
            row[f"support_final_{leader}"] = round(w[-1, LEADERS.index(leader)], 4)
            for kind in SANCTIONS:
                row[f"{leader}__{kind}"] = first.get(f"{leader}__{kind}", "")
        row["line_for_share_mean"] = 0.8
        row["gs_holder_final"] = "stalin"
        summary.append(row)
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(summary).to_csv(out / "summary.csv", index=False)
    pd.DataFrame(ev).sort_values(["replicate", "date"]).to_csv(out / "events.csv", index=False)
    pd.DataFrame(votes).to_csv(out / "votes.csv", index=False)
    pd.DataFrame(ts).to_csv(out / "timeseries.csv", index=False)
    manifest = dict(
        kind="run",
        scenario_name=name,
        replicates=n,
        master_seed=seed,
        seeds=list(range(n)),
        start="1924-01-01",
        end="1929-12-31",
        step="month",
        leaders=LEADERS,
    )
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


def make_comparison(
    out: Path, names: tuple[str, ...] = ("historical", "testament_published"), n: int = 12
) -> Path:
    """Write a comparison directory: one run per scenario plus comparison.csv and the manifest."""
    rows = []
    for i, name in enumerate(names):
        make_run(out / name, n=n, seed=10 + i, name=name)
        s = pd.read_csv(out / name / "summary.csv")
        for who in ("stalin", "none"):
            k = int((s["winner"] == who).sum())
            rows.append(
                dict(
                    scenario=name,
                    metric=f"p_winner_{who}",
                    value=k / n,
                    lo=max(0, k / n - 0.2),
                    hi=min(1, k / n + 0.2),
                    diff=0.0 if i == 0 else -0.1,
                    diff_lo=-0.3,
                    diff_hi=0.1,
                )
            )
        rows.append(
            dict(
                scenario=name,
                metric="median_trotsky__party_expulsion",
                value="1927-11-14",
                lo="1927-06-01",
                hi="1928-03-01",
            )
        )
    pd.DataFrame(rows).to_csv(out / "comparison.csv", index=False)
    (out / "manifest.json").write_text(
        json.dumps(dict(kind="comparison", scenarios=list(names), replicates=n, master_seed=0))
    )
    return out


def make_sweep(
    out: Path, grid: dict[str, list], replicates: int = 5, scattered: int = 0, seed: int = 3
) -> Path:
    """Write a sweep directory as the sweep does: runs.parquet (a folder of parts), points.csv, manifest."""
    rng = np.random.default_rng(seed)
    names = list(grid)
    if scattered:
        combos = [tuple(rng.uniform(0, 1, len(names))) for _ in range(scattered)]
    else:
        combos = list(pd.MultiIndex.from_product(list(grid.values())))
    runs, points = [], []
    for pid, combo in enumerate(combos):
        values = dict(zip(names, combo, strict=True))
        numeric = [v for v in values.values() if isinstance(v, float | int)]
        p = float(np.clip(np.mean(numeric) if numeric else 0.5, 0, 1))
        wins = 0
        for rep in range(replicates):
            winner = "stalin" if rng.random() < p else "none"
            wins += winner == "stalin"
            runs.append(
                dict(
                    run_id=len(runs),
                    point_id=pid,
                    replicate=rep,
                    seed=rep,
                    **values,
                    winner=winner,
                    consolidation_date="1928-01-01" if winner == "stalin" else None,
                )
            )
        lo, hi = max(0.0, wins / replicates - 0.3), min(1.0, wins / replicates + 0.3)
        points.append(
            dict(
                point_id=pid,
                **values,
                runs=replicates,
                failed=0,
                p_stalin=wins / replicates,
                p_stalin_lo=lo,
                p_stalin_hi=hi,
                p_none=1 - wins / replicates,
            )
        )
    (out / "runs.parquet").mkdir(parents=True, exist_ok=True)
    pd.DataFrame(runs).to_parquet(out / "runs.parquet" / "part-00000000.parquet")
    pd.DataFrame(points).to_csv(out / "points.csv", index=False)
    (out / "manifest.json").write_text(
        json.dumps(
            dict(kind="sweep", experiment="toy", columns=names, replicates=replicates, master_seed=seed)
        )
    )
    return out


# ---------------------------------------------------------------- shared helpers


def png_size(path: Path) -> tuple[int, int]:
    """Pixel (width, height) of a PNG file, read from its header."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def texts(fig: Figure) -> str:
    """All text drawn on a figure (titles, labels, annotations, legends), for asserting what it says."""
    fig.canvas.draw()
    return "\n".join(t.get_text() for t in fig.findobj(Text))


def check_png(path: Path, min_kb: int = 15) -> None:
    """Assert a real figure: over min_kb and at least 1200 x 500 pixels."""
    assert path.exists(), path
    assert path.stat().st_size > min_kb * 1000, f"{path.name}: only {path.stat().st_size} bytes"
    w, h = png_size(path)
    assert w >= 1200 and h >= 500, f"{path.name}: {w}x{h}"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("syn") / "run", n=8)


@pytest.fixture(scope="module")
def run(run_dir: Path) -> RunData:
    return load.load_run(run_dir)


# ---------------------------------------------------------------- loading


def test_kind_of_recognises_each_directory(tmp_path: Path, run_dir: Path) -> None:
    assert load.kind_of(run_dir) == "run"
    assert load.kind_of(make_comparison(tmp_path / "cmp", n=4)) == "comparison"
    assert load.kind_of(make_sweep(tmp_path / "sw", {"a.b": [0.1, 0.9]}, replicates=2)) == "sweep"


def test_run_tables_are_normalised(run: RunData) -> None:
    assert pd.api.types.is_datetime64_any_dtype(run.events["date"])
    assert pd.api.types.is_datetime64_any_dtype(run.summary["trotsky__party_expulsion"])
    assert run.replicates == 8 and run.missing == []


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda d: None, "no such directory"),
        (lambda d: d.mkdir(), "no results found"),
        (lambda d: (d.mkdir(), (d / "manifest.json").write_text("{not json")), "unreadable JSON"),
        (lambda d: (d.mkdir(), (d / "summary.csv").write_text("")), "file is empty"),
        (
            lambda d: (d.mkdir(), (d / "summary.csv").write_text("replicate,seed\n0,1\n")),
            "missing column(s) winner",
        ),
        (lambda d: (d.mkdir(), (d / "points.csv").write_text("a,b\n1,2\n")), "no swept parameters"),
    ],
)
def test_bad_directories_give_one_line_errors(tmp_path: Path, setup: object, expected: str) -> None:
    d = tmp_path / "res"
    setup(d)
    if expected == "no swept parameters":  # loads, but the figure says why it is empty
        paths = draw_all(d, tmp_path / "figs")
        assert [p.name for p in paths] == ["sweep_p_stalin.png"]
        return
    with pytest.raises(InputError) as err:
        draw_all(d, tmp_path / "figs")
    msg = str(err.value)
    assert expected in msg and "\n" not in msg and str(d) in msg
    assert not (tmp_path / "figs").exists(), "nothing may be written on bad input"


def test_bad_format_and_replicate_are_input_errors(run_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="format 'gif': expected one of png, svg, pdf"):
        draw_all(run_dir, tmp_path, fmt="gif")
    with pytest.raises(InputError, match="replicate 99 not in the results: expected one of 0..7"):
        draw_all(run_dir, tmp_path, replicate=99)
    assert list(tmp_path.iterdir()) == []


def test_a_replicate_missing_from_a_comparison_is_an_input_error(tmp_path: Path) -> None:
    d = make_comparison(tmp_path / "cmp", n=4)
    with pytest.raises(InputError, match="replicate 99 not in the results: expected one of 0..3"):
        draw_all(d, tmp_path / "figs", replicate=99)
    assert not (tmp_path / "figs").exists()


# ---------------------------------------------------------------- run figures


def test_draw_all_run_writes_four_real_pngs(run_dir: Path, tmp_path: Path) -> None:
    paths = draw_all(run_dir, tmp_path / "figs")
    assert sorted(p.name for p in paths) == [
        "alliances.png",
        "institutional_fates.png",
        "support_over_time.png",
        "votes.png",
    ]
    for p in paths:
        check_png(p)
    assert sorted(x.name for x in (tmp_path / "figs").iterdir()) == sorted(p.name for p in paths), (
        "no temp files"
    )


def test_default_out_dir_and_other_formats(run_dir: Path, tmp_path: Path) -> None:
    sweep = make_sweep(tmp_path / "sw", {"a.x": [0.1, 0.5, 0.9]}, replicates=3)
    (png,) = draw_all(sweep)
    assert png == sweep / "figures" / "sweep_p_stalin.png"
    (svg,) = draw_all(sweep, tmp_path / "svg", fmt="svg")
    assert svg.read_text()[:200].lstrip().startswith("<?xml") and svg.stat().st_size > 20_000
    (pdf,) = draw_all(sweep, tmp_path / "pdf", fmt="PDF")
    assert pdf.suffix == ".pdf" and pdf.read_bytes()[:5] == b"%PDF-"


def test_figures_carry_title_axes_legend_and_caption(run: RunData) -> None:
    cap = style.caption_text(run.manifest, run.replicates)
    assert cap == "scenario: synthetic  ·  8 replicates  ·  master seed 1"
    figs = [
        support_over_time(run.timeseries, run.events, caption=cap),
        institutional_fates(run.summary, run.events, caption=cap),
        alliance_timeline(run.events, caption=cap),
        vote_shares(run.votes, caption=cap),
    ]
    for fig in figs:
        t = texts(fig)
        assert cap in t
        assert fig.legends or any(ax.get_legend() for ax in fig.axes), "every figure has a legend"
        assert any(ax.get_xlabel() for ax in fig.axes) and any(ax.get_ylabel() for ax in fig.axes)
    assert "Following over time" in texts(figs[0]) and "13th Congress" in texts(figs[0])
    assert "Lenin dies; Lenin's funeral" in texts(figs[0]), "events a week apart share one label"
    assert "war scare (50%)" in texts(figs[0]), "an event in half the replicates says so"


def test_one_colour_per_leader_across_figures(run: RunData) -> None:
    fig = support_over_time(run.timeseries, run.events)
    lines = {ln.get_label(): ln.get_color() for ln in fig.axes[0].get_lines()}
    assert (
        lines["Stalin"] == style.LEADER_COLOURS["stalin"]
        and lines["Trotsky"] == style.LEADER_COLOURS["trotsky"]
    )
    al = alliance_timeline(run.events)
    member_colours = {ln.get_color() for ln in al.axes[0].get_lines()}
    assert (
        style.LEADER_COLOURS["stalin"] in member_colours
        and style.LEADER_COLOURS["zinoviev"] in member_colours
    )
    assert len(set(style.LEADER_COLOURS.values())) == len(style.LEADER_COLOURS)
    assert style.leader_colour("frunze") == style.leader_colour(
        "Frunze"
    )  # stable for leaders a scenario adds


def test_support_bands_are_median_and_quantiles(run: RunData) -> None:
    fig = support_over_time(run.timeseries, run.events)
    stalin = next(ln for ln in fig.axes[0].get_lines() if ln.get_label() == "Stalin")
    ts = run.timeseries[run.timeseries["leader"] == "stalin"]
    expected = ts.groupby("date")["support"].median().sort_index().to_numpy()
    np.testing.assert_allclose(stalin.get_ydata(), expected)


def test_fates_marks_median_and_chosen_replicate(run: RunData) -> None:
    fig = institutional_fates(run.summary, run.events, replicate=3)
    t = texts(fig)
    assert "replicate 3" in t and "kept his seats in every replicate" in t
    trotsky_ax = next(ax for ax in fig.axes if ax.get_ylabel() == "Trotsky")
    exp = run.summary["trotsky__exile_abroad"].dropna().median()
    xs = [
        mdates.num2date(x).replace(tzinfo=None)
        for ln in trotsky_ax.get_lines()
        if ln.get_marker() == "*" and ln.get_markerfacecolor() != "white"
        for x in ln.get_xdata(orig=False)
    ]
    assert any(abs((pd.Timestamp(x) - exp).days) <= 1 for x in xs)


def test_api_frames_with_iso_strings_work(run_dir: Path) -> None:
    """Notebook users pass Results DataFrames (dates as ISO strings); no pre-processing needed."""
    raw = {t: pd.read_csv(run_dir / f"{t}.csv") for t in ("summary", "events", "votes", "timeseries")}
    assert raw["events"]["date"].dtype != "datetime64[ns]"
    fig = institutional_fates(raw["summary"], raw["events"])
    assert "out of the Politburo" in texts(fig)
    assert "13th Congress" in texts(support_over_time(raw["timeseries"], raw["events"]))


# ---------------------------------------------------------------- empty and partial results


def test_empty_tables_say_so(tmp_path: Path) -> None:
    empty = {t: pd.DataFrame(columns=list(load.REQUIRED[t])) for t in load.RUN_TABLES}
    assert "No support time series" in texts(support_over_time(empty["timeseries"], empty["events"]))
    assert "No leader was removed" in texts(institutional_fates(empty["summary"], empty["events"]))
    assert "No alliance formed" in texts(alliance_timeline(empty["events"]))
    assert "No Congress or Conference vote" in texts(vote_shares(empty["votes"]))
    assert "No winner probabilities" in texts(winner_probabilities(pd.DataFrame()))
    assert "No key dates" in texts(key_dates({}))
    d = tmp_path / "empty"
    d.mkdir()
    for t, df in empty.items():
        df.to_csv(d / f"{t}.csv", index=False)
    paths = draw_all(d, tmp_path / "figs")
    assert len(paths) == 4 and all(p.stat().st_size > 5_000 for p in paths)


def test_partial_run_draws_what_it_can_and_notes_the_rest(run_dir: Path, tmp_path: Path) -> None:
    d = tmp_path / "partial"
    d.mkdir()
    for f in ("summary.csv", "events.csv", "manifest.json"):
        (d / f).write_bytes((run_dir / f).read_bytes())
    notes: list[str] = []
    paths = draw_all(d, tmp_path / "figs", notes=notes)
    assert sorted(p.stem for p in paths) == ["alliances", "institutional_fates"]
    assert notes and "votes.csv" in notes[0] and "timeseries.csv" in notes[0]


# ---------------------------------------------------------------- comparison


def test_draw_all_comparison(tmp_path: Path) -> None:
    d = make_comparison(tmp_path / "cmp")
    figures = comparison_figures(load.load_comparison(d))
    assert {
        "winner_probabilities",
        "key_dates",
        "historical/support_over_time",
        "testament_published/votes",
    } <= set(figures)
    for stem in ("winner_probabilities", "key_dates"):
        check_png(style.save(figures[stem], tmp_path / f"{stem}.png"))


def test_winner_probabilities_draws_intervals_and_difference(tmp_path: Path) -> None:
    d = make_comparison(tmp_path / "cmp", n=10)
    cmp = load.load_comparison(d)
    fig = winner_probabilities(cmp.comparison, caption="comparison: x")
    t = texts(fig)
    assert "P(Stalin wins)" in t and "P(no winner)" in t and "Δ -0.10 [-0.30, +0.10]" in t
    leader_colours = set(style.LEADER_COLOURS.values())
    whiskers = [
        ln for ln in fig.axes[0].get_lines() if len(ln.get_xdata()) == 2 and ln.get_color() in leader_colours
    ]
    assert len(whiskers) == 4  # two winners x two scenarios


def test_comparison_from_summaries_uses_wilson() -> None:
    s = pd.DataFrame({"replicate": range(10), "winner": ["stalin"] * 8 + ["none"] * 2})
    c = comparison_from_summaries({"a": s}).set_index("metric")
    assert c.loc["p_winner_stalin", "value"] == 0.8
    assert c.loc["p_winner_stalin", "lo"] == pytest.approx(0.4902, abs=1e-3)
    assert c.loc["p_winner_stalin", "hi"] == pytest.approx(0.9433, abs=1e-3)


# ---------------------------------------------------------------- sweeps


def test_sweep_one_parameter(tmp_path: Path) -> None:
    d = make_sweep(tmp_path / "sw", {"leaders.stalin.appointment_control": [0.1, 0.3, 0.5, 0.7, 0.9]})
    (p,) = draw_all(d, tmp_path / "figs")
    check_png(p)
    sw = load.load_sweep(d)
    assert sw.parameters == ["leaders.stalin.appointment_control"]
    fig = sweep_outcome(sw.points, sw.parameters)
    assert "P(Stalin wins) against Stalin: appointment control (5 replicates per point)" in texts(fig)
    assert fig.axes[0].get_xlabel() == "Stalin: appointment control"
    assert fig.axes[0].collections, "the interval band is drawn"


def test_sweep_two_parameters_grid_has_heatmap_and_contour(tmp_path: Path) -> None:
    grid = {
        "leaders.stalin.appointment_control": [0.1, 0.4, 0.7, 1.0],
        "leaders.trotsky.charisma": [0.0, 0.5, 1.0],
    }
    d = make_sweep(tmp_path / "sw", grid, replicates=8)
    (p,) = draw_all(d, tmp_path / "figs")
    check_png(p)
    sw = load.load_sweep(d)
    fig = sweep_outcome(sw.points, sw.parameters)
    ax = fig.axes[0]
    assert any(isinstance(c, QuadMesh) for c in ax.collections)
    assert "50% contour" in texts(fig)


def test_a_grid_of_switches_reads_off_and_on(tmp_path: Path) -> None:
    # an attribution's design: each mechanism off (0) or on (1), not a 0-1 continuum ticked at 0.2 ... 0.8
    d = make_sweep(tmp_path / "sw", {"appointment": [0, 1], "alliances": [0, 1]}, replicates=4)
    sw = load.load_sweep(d)
    ax = sweep_outcome(sw.points, sw.parameters).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["off", "on"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["off", "on"]
    few = make_sweep(tmp_path / "few", {"a": [0.1, 0.5, 0.9], "b": [0.2, 0.8]}, replicates=2)
    ax = sweep_outcome(load.load_sweep(few).points, ["a", "b"]).axes[0]
    assert [round(t, 2) for t in ax.get_xticks()] == [0.1, 0.5, 0.9]  # a tick at each level swept


def test_sweep_two_parameters_scattered_design(tmp_path: Path) -> None:
    d = make_sweep(tmp_path / "sw", {"a.x": [], "a.y": []}, replicates=6, scattered=30)
    (p,) = draw_all(d, tmp_path / "figs")
    check_png(p)


def test_sweep_many_parameters_one_panel_each(tmp_path: Path) -> None:
    d = make_sweep(tmp_path / "sw", {"a.x": [], "a.y": [], "b.z": []}, replicates=4, scattered=40)
    (p,) = draw_all(d, tmp_path / "figs")
    check_png(p)
    sw = load.load_sweep(d)
    fig = sweep_outcome(sw.points, sw.parameters)
    assert [ax.get_xlabel() for ax in fig.axes if ax.get_visible()] == ["A: x", "A: y", "B: z"]
    assert "smoothed trend" in texts(fig)


def test_sweep_from_runs_only_computes_p(tmp_path: Path) -> None:
    d = make_sweep(tmp_path / "sw", {"a.x": [0.0, 1.0]}, replicates=10)
    (d / "points.csv").unlink()
    sw = load.load_sweep(d)
    t = outcome_table(sw.points, sw.parameters, sw.runs)
    assert list(t["p"]) == [0.0, 1.0] and list(t["n"]) == [10, 10]
    (p,) = draw_all(d, tmp_path / "figs")
    check_png(p)


def test_sweep_crossed_with_scenarios(tmp_path: Path) -> None:
    d = make_sweep(
        tmp_path / "sw", {"scenario": ["historical", "testament_published"], "a.x": [0.2, 0.5, 0.8]}
    )
    sw = load.load_sweep(d)
    assert sw.parameters == ["scenario", "a.x"]
    fig = sweep_outcome(sw.points, sw.parameters)
    assert "by scenario" in texts(fig) and "· testament_published" in texts(fig)


def test_smooth_recovers_a_trend() -> None:
    x = np.linspace(0, 1, 200)
    y = x.copy()
    fit = smooth(x, y, np.array([0.25, 0.5, 0.75]), 0.05)
    np.testing.assert_allclose(fit, [0.25, 0.5, 0.75], atol=0.02)


# ---------------------------------------------------------------- command line


def test_cli_plot_and_chronicle_subcommands(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    parser = argparse.ArgumentParser(prog="powerstruggle")
    register(parser.add_subparsers(dest="command"))
    sweep = make_sweep(tmp_path / "sw", {"a.x": [0.1, 0.9]}, replicates=2)
    args = parser.parse_args(["plot", str(sweep), "--out", str(tmp_path / "f"), "--format", "svg"])
    assert args.func(args) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [str(tmp_path / "f" / "sweep_p_stalin.svg")] and "1 figure written to" in err
    args = parser.parse_args(["chronicle", str(run_dir), "--replicate", "2"])
    assert args.func(args) == 0
    out, _ = capsys.readouterr()
    assert out.splitlines()[0].startswith("Chronicle of replicate 2 of scenario 'synthetic'")
    assert len([ln for ln in out.splitlines() if ln.strip()]) >= 8
    with pytest.raises(SystemExit):
        parser.parse_args(["plot", str(run_dir), "--format", "gif"])
