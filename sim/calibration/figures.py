"""Figures of a calibration: marginal and pairwise posteriors, posterior-predictive values against the record.

Marginals are drawn against their uniform priors; the predictive figure shows model minus record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.calibration.space import Param
from sim.record.marks import COLOUR
from sim.record.score import AnyTarget
from sim.record.targets import EventDate


def marginals_figure(posterior: pd.DataFrame, params: Sequence[Param]) -> Figure:
    """Each parameter's weighted posterior histogram against its uniform prior, axes labelled.

    The figure is at least wide enough for its title, however few parameters there are.
    """
    from sim.plots import style

    w = posterior["weight"].to_numpy(float)
    cols = min(3, len(params))
    fig = style.new_figure((max(8.0, 4.0 * cols), 0.6 + 3.2 * ((len(params) + 2) // 3)))
    axes = fig.subplots((len(params) + 2) // 3, cols, squeeze=False).ravel()
    fig.suptitle("Marginal posteriors (bars) against the uniform priors (dashed)")
    for ax, p in zip(axes, params, strict=False):
        ax.hist(posterior[p.path], bins=20, range=(p.low, p.high), weights=w, density=True, color="#4393c3")
        ax.axhline(1 / (p.high - p.low), color="#555555", ls="--", lw=1)
        ax.set_title(p.path, fontsize=8)
        ax.set_xlabel("parameter value", fontsize=8)
        ax.set_ylabel("posterior density", fontsize=8)
    for ax in axes[len(params) :]:
        ax.set_visible(False)
    return fig


def draw_figures(
    folder: Path, posterior: pd.DataFrame, params: Sequence[Param], predictive: pd.DataFrame,
    targets: Sequence[AnyTarget], note: str = "",
) -> list[Path]:  # fmt: skip
    """Write marginals.png, pairs.png and predictive.png into `folder`."""
    return [
        *posterior_figures(folder, posterior, params),
        predictive_figure(folder, predictive, targets, note),
    ]


def posterior_figures(folder: Path, posterior: pd.DataFrame, params: Sequence[Param]) -> list[Path]:
    """Write marginals.png and pairs.png (the posterior's alone) into `folder`."""
    from sim.plots import style

    folder.mkdir(parents=True, exist_ok=True)
    w = posterior["weight"].to_numpy(float)
    paths = []
    fig = marginals_figure(posterior, params)
    paths.append(style.save(fig, folder / "marginals.png"))

    k = len(params)
    fig = style.new_figure((2.6 * k + 1, 2.6 * k + 1))
    axes = fig.subplots(k, k, squeeze=False)
    fig.suptitle("Pairwise posteriors (dot size: weight)")
    for i, pi in enumerate(params):
        for j, pj in enumerate(params):
            ax = axes[i, j]
            if i == j:
                ax.hist(posterior[pi.path], bins=20, range=(pi.low, pi.high), weights=w, color="#4393c3")
            else:
                ax.scatter(posterior[pj.path], posterior[pi.path], s=4 + 200 * w / w.max() / len(w) ** 0.5,
                           alpha=0.5, color="#4393c3")  # fmt: skip
                ax.set_xlim(pj.low, pj.high)
                ax.set_ylim(pi.low, pi.high)
            if i == k - 1:
                ax.set_xlabel(pj.path.split(".")[-2:][0] + "." + pj.path.split(".")[-1], fontsize=7)
            if j == 0:
                ax.set_ylabel(pi.path.split(".")[-2:][0] + "." + pi.path.split(".")[-1], fontsize=7)
    paths.append(style.save(fig, folder / "pairs.png"))
    return paths


def predictive_figure(
    folder: Path, predictive: pd.DataFrame, targets: Sequence[AnyTarget], note: str = ""
) -> Path:
    """Write predictive.png: each target's posterior-predictive values against the record.

    `note` is the caption (scenario, draws, seed, date); without it, the date alone.
    """
    from sim.plots import style

    folder.mkdir(parents=True, exist_ok=True)
    n = len(targets)
    fig = style.new_figure((12.0, 1.2 + 0.45 * n))
    ax = fig.add_subplot()
    ax.set_title("Posterior-predictive values against the record (dots: replicates; red: the record)")
    labels = []
    # One artist per kind of mark, not three per target: with forty targets the figure took most of a
    # second of the calibration's end, when the workers are idle (the marks drawn are the same).
    dots_x: list[np.ndarray] = []
    dots_y: list[np.ndarray] = []
    medians: list[tuple[float, int]] = []
    for y, t in enumerate(targets):
        v = predictive[t.name].dropna().to_numpy(float) if t.name in predictive else np.array([])
        if isinstance(t, EventDate):
            rec = t.date.toordinal()
            x = (v - rec) / 30.44
            label = f"{t.name} ({t.date:%b %Y}), months"
        else:
            x = (v - t.share) * 100  # type: ignore[union-attr]
            label = f"{t.name} ({t.share:.0%}), points"  # type: ignore[union-attr]
        labels.append(label + ("" if t.role == "fit" else " [validate]"))
        if len(x):
            dots_x.append(x)
            dots_y.append(y + np.random.default_rng(y).uniform(-0.2, 0.2, len(x)))
            medians.append((float(np.median(x)), y))
    if dots_x:
        ax.plot(np.concatenate(dots_x), np.concatenate(dots_y), "o", ms=2.5, alpha=0.35, color="#4393c3")
        median_x, median_y = zip(*medians, strict=True)
        ax.plot(median_x, median_y, "|", ms=14, mew=2.5, color="black")
    ax.plot(np.zeros(n), np.arange(n), "|", ms=16, mew=3, color=COLOUR)
    ax.set_yticks(range(n), labels, fontsize=7)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlabel("model minus record (months for dates, percentage points for shares); black: median")
    ax.axvline(0, color=COLOUR, lw=0.6)
    style.caption(fig, note or f"drawn {dt.date.today():%Y-%m-%d}")
    return style.save(fig, folder / "predictive.png")
