"""Figures checked on their objects, not by eye: colours per leader, flips that are sure, units, captions."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd

from sim.analysis.figures import FLIP_NO, FLIP_SURE, FLIP_UNSURE, attribution_figure, flip_colour, flip_figure
from sim.plots.compare import key_dates
from sim.plots.style import leader_colour


def _dot_colours(fig) -> set[str]:  # noqa: ANN001 - a matplotlib Figure
    return {
        mcolors.to_hex(line.get_color())
        for ax in fig.axes
        for line in ax.get_lines()
        if line.get_marker() == "o"
    }


def test_key_dates_colours_a_consolidation_by_whoever_consolidates() -> None:
    summary = pd.DataFrame(
        {
            "replicate": range(6),
            "winner": ["zinoviev"] * 4 + ["none"] * 2,
            "consolidation_date": ["1927-01-01", "1927-06-01", "1928-01-01", "1928-06-01", "", ""],
            "trotsky__party_expulsion": [""] * 6,
        }
    )
    fig = key_dates({"zinoviev_wins": summary})
    colours = _dot_colours(fig)
    assert leader_colour("zinoviev") in colours
    assert leader_colour("stalin") not in colours


def test_a_flip_is_sure_only_when_its_interval_clears_the_threshold() -> None:
    assert flip_colour(0.62, 0.51, 0.5) == FLIP_SURE
    assert flip_colour(0.55, 0.41, 0.5) == FLIP_UNSURE  # the interval spans the threshold
    assert flip_colour(0.30, 0.20, 0.5) == FLIP_NO
    tested = pd.DataFrame(
        {
            "interventions": ["", "a", "b"],
            "p": [0.2, 0.55, 0.7],
            "lo": [0.1, 0.41, 0.6],
            "hi": [0.3, 0.68, 0.8],
            "flips": [False, True, True],
        }
    )
    fig = flip_figure(tested, 0.2, 0.5, "trotsky", "title", "historical · 40 replicates per set · seed 7")
    bars = {t.get_text(): p for t, p in zip(fig.axes[0].get_yticklabels(), fig.axes[0].patches, strict=True)}
    assert mcolors.to_hex(bars["a"].get_facecolor()) == FLIP_UNSURE
    assert mcolors.to_hex(bars["b"].get_facecolor()) == FLIP_SURE
    caption = fig.get_supxlabel()
    assert "40 replicates" in caption and "seed 7" in caption


def test_attribution_axis_is_in_probability_units() -> None:
    result = SimpleNamespace(
        attribution=pd.DataFrame(
            {"mechanism": ["a", "b"], "shapley": [0.1, -0.02], "lo": [0.05, -0.05], "hi": [0.15, 0.01]}
        ),
        kind="mechanism",
        outcome="stalin",
        total=0.08,
        scenario="historical",
        players=["a", "b"],
        used_replicates=20,
        seed=3,
    )
    fig = attribution_figure(result)
    label = fig.axes[0].get_xlabel()
    assert "probability units" in label and "share of" not in label
    assert "20 paired replicates" in fig.get_supxlabel() and "seed 3" in fig.get_supxlabel()
    assert np.isfinite(fig.axes[0].get_xlim()).all()


def test_calibration_marginals_have_labels_and_an_unclipped_title() -> None:
    from sim.calibration.figures import marginals_figure
    from sim.calibration.space import Param

    rng = np.random.default_rng(1)
    posterior = pd.DataFrame({"leaders.stalin.charisma": rng.random(50), "weight": np.full(50, 1 / 50)})
    fig = marginals_figure(posterior, [Param("leaders.stalin.charisma", 0.0, 1.0)])
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel() == "posterior density"
    renderer = fig.canvas.get_renderer()
    fig.canvas.draw()
    title = fig._suptitle.get_window_extent(renderer)
    assert title.x0 >= 0 and title.x1 <= fig.bbox.width, (title, fig.bbox)


def _fates_summary(n: int, stalin_removed: int, trotsky_removed: int) -> pd.DataFrame:
    """`n` replicates: Stalin loses the Secretariat in the first `stalin_removed`, Trotsky his seat."""
    gs = pd.Series([pd.NaT] * n, dtype="datetime64[ns]")
    gs[:stalin_removed] = pd.date_range("1924-06-01", periods=stalin_removed, freq="7D")
    pb = pd.Series([pd.NaT] * n, dtype="datetime64[ns]")
    pb[:trotsky_removed] = pd.Timestamp("1926-10-23")
    return pd.DataFrame(
        {
            "replicate": range(n),
            "winner": ["stalin"] * n,
            "stalin__gs_removal": gs,
            "trotsky__politburo_removal": pb,
            "support_final_stalin": 0.5,
            "support_final_trotsky": 0.1,
        }
    )


def _row_lines(ax, marker: str) -> list:  # noqa: ANN001 - a matplotlib Axes
    return [ln for ln in ax.get_lines() if ln.get_marker() == marker]


def test_fates_show_a_rare_removal_hollow_with_its_count_never_as_a_filled_zero() -> None:
    from sim.plots.fates import institutional_fates

    fig = institutional_fates(_fates_summary(200, 2, 150), replicate=199)
    stalin = next(ax for ax in fig.axes if ax.get_ylabel() == "Stalin")
    assert "Gen. Sec." in [t.get_text() for t in stalin.get_yticklabels()]
    marks = _row_lines(stalin, "h")
    assert marks and all(ln.get_markerfacecolor() == "white" for ln in marks)  # no filled median
    assert sum(len(ln.get_xdata()) for ln in marks) == 2  # each of the two dates
    assert {mcolors.to_hex(ln.get_markeredgecolor()) for ln in marks} == {leader_colour("stalin")}
    labels = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "2 of 200 replicates" in [t.get_text() for t in stalin.texts]
    assert "0%" not in labels and "1%" not in labels
    trotsky = next(ax for ax in fig.axes if ax.get_ylabel() == "Trotsky")
    filled = [ln for ln in _row_lines(trotsky, "o") if ln.get_markerfacecolor() != "white"]
    assert len(filled) == 1 and "75%" in [t.get_text() for t in trotsky.texts]


def test_fates_show_a_common_removal_of_the_general_secretary_as_a_median() -> None:
    from sim.plots.fates import institutional_fates

    fig = institutional_fates(_fates_summary(20, 8, 0))
    stalin = next(ax for ax in fig.axes if ax.get_ylabel() == "Stalin")
    filled = [ln for ln in _row_lines(stalin, "h") if ln.get_markerfacecolor() != "white"]
    assert len(filled) == 1 and mcolors.to_hex(filled[0].get_color()) == leader_colour("stalin")
    assert "40%" in [t.get_text() for t in stalin.texts]


def test_sweep_heatmap_stays_in_range_names_parameters_and_shows_uncertainty() -> None:
    from matplotlib.collections import QuadMesh
    from matplotlib.patches import Rectangle

    from sim.plots.sweep import sweep_outcome
    from sim.run.stats import wilson

    xs, ys, n = [0.2, 0.4, 0.6, 0.9], [0.1, 0.5, 1.0], 8
    rows = []
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            k = min(n, 2 * i + j)
            lo, hi = wilson(k, n)
            rows.append({"leaders.stalin.appointment_control": x, "leaders.trotsky.charisma": y, "runs": n,
                         "p_stalin": k / n, "p_stalin_lo": lo, "p_stalin_hi": hi})  # fmt: skip
    points = pd.DataFrame(rows)
    fig = sweep_outcome(points, ["leaders.stalin.appointment_control", "leaders.trotsky.charisma"])
    heat, spread = (ax for ax in fig.axes if any(isinstance(c, QuadMesh) for c in ax.collections)
                    and not hasattr(ax, "_colorbar"))  # fmt: skip
    for ax in (heat, spread):
        mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
        corners = mesh.get_coordinates()
        assert corners[..., 0].min() == xs[0] and corners[..., 0].max() == xs[-1]  # no cell past the design
        assert corners[..., 1].min() == ys[0] and corners[..., 1].max() == ys[-1]
        assert ax.get_xlim() == (xs[0], xs[-1]) and ax.get_ylim() == (ys[0], ys[-1])
        assert ax.get_xlabel() == "Stalin: appointment control" and ax.get_ylabel() == "Trotsky: charisma"
    assert f"({n} replicates per point)" in fig._suptitle.get_text()
    width = next(c for c in spread.collections if isinstance(c, QuadMesh)).get_array()
    expected = (points["p_stalin_hi"] - points["p_stalin_lo"]).to_numpy().reshape(len(xs), len(ys)).T
    np.testing.assert_allclose(np.asarray(width).reshape(len(ys), len(xs)), expected)
    spans = int(((points["p_stalin_lo"] <= 0.5) & (points["p_stalin_hi"] >= 0.5)).sum())
    hatched = [p for p in heat.patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert 0 < spans < len(points) and len(hatched) == spans
