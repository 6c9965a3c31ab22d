"""The analyses' figures: attribution bars, sensitivity indices, PRIM's trade-off and box, the tree, flips."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.names import p_wins
from sim.plots.style import TALL, WIDE, caption, new_figure

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def _bars(ax: Any, labels: list[str], values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
    """Horizontal bars with interval whiskers, the largest at the top."""
    y = np.arange(len(labels))
    colours = ["#b2182b" if v >= 0 else "#2166ac" for v in values]
    ax.barh(y, values, color=colours, alpha=0.8)
    ax.errorbar(values, y, xerr=[values - lo, hi - values], fmt="none", ecolor="#252525", capsize=3)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.axvline(0, color="#7f7f7f", linewidth=0.8)
    ax.grid(axis="x", alpha=0.3)


def attribution_figure(result: Any) -> Figure:
    """What the outcome rests on: Shapley values sorted, with their paired-bootstrap intervals."""
    from sim.names import plural

    table = result.attribution.sort_values("shapley", ascending=False)
    fig = new_figure((10.0, 1.2 + 0.5 * len(table)))
    ax = fig.add_subplot()
    values = table["shapley"].to_numpy(float)
    _bars(ax, table[result.kind].tolist(), values, table["lo"].to_numpy(float), table["hi"].to_numpy(float))
    ax.set_xlabel(
        f"Shapley value: change in {p_wins(result.outcome)}, probability units "
        "[95% paired bootstrap interval]"
    )
    ax.set_title(
        f"What {p_wins(result.outcome)} rests on: {result.total:+.3f} between all "
        f"{len(result.players)} {plural(result.kind, len(result.players))} on and off"
    )
    caption(
        fig,
        f"{result.scenario} · {2 ** len(result.players)} configurations × "
        f"{result.used_replicates} paired replicates, seed {result.seed}",
    )
    return fig


def sensitivity_figure(
    indices: pd.DataFrame, method: str, title: str, note: str = "", noise: Mapping[str, str] | None = None
) -> Figure:
    """One panel per outcome: total and first-order Sobol' indices, or Morris mu* against sigma.

    `noise` gives each outcome's replicate noise in words (`sim.analysis.sensitivity.noise_words`), set
    on a second line of its panel's title; `note` is the caption (experiment, size, seed).
    """
    noise = noise or {}

    outcomes = list(dict.fromkeys(indices["outcome"]))
    fig = new_figure(WIDE)
    axes = fig.subplots(1, len(outcomes), squeeze=False)[0]
    for ax, name in zip(axes, outcomes, strict=True):
        rows = indices[indices["outcome"] == name]
        if method == "sobol":
            rows = rows.sort_values("ST", ascending=False)
            y = np.arange(len(rows))
            ax.barh(y - 0.2, rows["ST"], 0.4, xerr=rows["ST_conf"], label="total (ST)", color="#b2182b")
            ax.barh(y + 0.2, rows["S1"], 0.4, xerr=rows["S1_conf"], label="first order (S1)", color="#2166ac")
            ax.set_yticks(y, rows["parameter"])
            ax.invert_yaxis()
            ax.legend(loc="lower right")
            ax.set_xlabel("Sobol' index")
        else:
            ax.errorbar(rows["mu_star"], rows["sigma"], xerr=rows["mu_star_conf"], fmt="o", color="#b2182b")
            for row in rows.itertuples(index=False):
                ax.annotate(
                    row.parameter,
                    (row.mu_star, row.sigma),
                    fontsize=8,
                    xytext=(4, 4),
                    textcoords="offset points",
                )
            ax.set_xlabel("mu* (mean absolute elementary effect)")
            ax.set_ylabel("sigma (interaction or non-linearity)")
        ax.set_title(f"{name}\n{noise[name]}" if name in noise else name, fontsize=9)
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    if note:
        caption(fig, note)
    return fig


def tradeoff_figure(trajectory: pd.DataFrame, chosen: int, title: str) -> Figure:
    """PRIM's peeling trajectory: coverage against density, coloured by restricted dimensions."""
    fig = new_figure((8.0, 6.0))
    ax = fig.add_subplot()
    points = ax.scatter(
        trajectory["coverage"], trajectory["density"], c=trajectory["res_dim"], cmap="viridis"
    )
    fig.colorbar(points, ax=ax, label="restricted parameters")
    row = trajectory.iloc[chosen]
    ax.scatter(
        [row["coverage"]],
        [row["density"]],
        s=160,
        facecolors="none",
        edgecolors="#b2182b",
        linewidths=2,
        label=f"chosen box {chosen}",
    )
    ax.set_xlabel("coverage (share of the cases of interest inside the box)")
    ax.set_ylabel("density (share of the box's runs that are cases of interest)")
    ax.legend()
    ax.grid(alpha=0.3)
    ax.set_title(title)
    return fig


def box_figure(boxes: pd.DataFrame, ranges: dict[str, tuple[float, float]], title: str) -> Figure:
    """The chosen box: each restricted parameter's range as a bar over its sampled range."""
    fig = new_figure((10.0, 1.5 + 0.6 * max(1, len(boxes))))
    ax = fig.add_subplot()
    for i, row in enumerate(boxes.itertuples(index=False)):
        low, high = ranges.get(row.parameter, (row.low, row.high))
        span = (high - low) or 1.0
        ax.barh(i, 1.0, color="#e0e0e0")
        ax.barh(i, (row.high - row.low) / span, left=(row.low - low) / span, color="#b2182b", alpha=0.8)
        ax.text(1.01, i, f"{row.low:.3g} – {row.high:.3g} (qp {row.qp_value:.2g})", va="center", fontsize=9)
    ax.set_yticks(range(len(boxes)), boxes["parameter"])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.35)
    ax.set_xlabel("position within the sampled range")
    ax.set_title(title)
    return fig


def tree_figure(tree: Any, features: list[str], title: str) -> Figure:
    """scikit-learn's drawing of the CART tree."""
    from sklearn.tree import plot_tree

    fig = new_figure(TALL)
    ax = fig.add_subplot()
    plot_tree(
        tree,
        feature_names=features,
        class_names=["other", "of interest"],
        filled=True,
        ax=ax,
        fontsize=8,
        proportion=True,
        impurity=False,
    )
    ax.set_title(title)
    return fig


#: Bar colours of the flip figure: clears the threshold (its whole interval), reaches it only at
#: its estimate (the interval spans the threshold), or falls short.
FLIP_SURE, FLIP_UNSURE, FLIP_NO = "#1b7837", "#a6dba0", "#7f7f7f"


def flip_colour(p: float, lo: float, threshold: float) -> str:
    """A set counts as a sure flip only when its whole interval is at or above the threshold."""
    if lo >= threshold:
        return FLIP_SURE
    return FLIP_UNSURE if p >= threshold else FLIP_NO


def flip_figure(
    tested: pd.DataFrame,
    baseline: float,
    threshold: float,
    leader: str,
    title: str,
    caption_line: str = "",
) -> Figure:
    """Every set tried, by P(leader wins) with its interval; the threshold and the scenario as given."""
    table = tested.sort_values("p", ascending=False).head(30)
    fig = new_figure((10.0, 1.5 + 0.4 * len(table)))
    ax = fig.add_subplot()
    y = np.arange(len(table))
    colours = [flip_colour(p, lo, threshold) for p, lo in zip(table["p"], table["lo"], strict=True)]
    ax.barh(y, table["p"], color=colours, alpha=0.8)
    p = table["p"].to_numpy(float)
    ax.errorbar(
        p,
        y,
        xerr=[p - table["lo"].to_numpy(float), table["hi"].to_numpy(float) - p],
        fmt="none",
        ecolor="#252525",
        capsize=3,
    )
    ax.set_yticks(y, [s or "(as given)" for s in table["interventions"]])
    ax.invert_yaxis()
    ax.axvline(threshold, color="#b2182b", linestyle="--", label=f"threshold {threshold:g}")
    ax.axvline(baseline, color="#2166ac", linestyle=":", label=f"as given {baseline:.2f}")
    ax.set_xlim(0, 1)
    ax.set_xlabel(
        f"{p_wins(leader)} [95% Wilson interval]; dark green: interval above the threshold, "
        "light green: only the estimate reaches it"
    )
    ax.legend(loc="lower right")
    ax.set_title(title)
    caption(fig, caption_line)
    return fig
