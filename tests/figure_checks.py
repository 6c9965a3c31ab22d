"""Checks every figure must pass, read off the Figure object after drawing (shared by the figure tests)."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.text import Text


def _titles(fig: Figure) -> list[tuple[str, Text]]:
    """The figure's title and caption, and every axes' titles, that have text."""
    texts: list[tuple[str, Text | None]] = [("title", fig._suptitle), ("caption", fig._supxlabel)]
    for i, ax in enumerate(fig.axes):
        texts += [(f"axes {i} title", t) for t in (ax.title, ax._left_title, ax._right_title)]
    return [(name, t) for name, t in texts if t is not None and t.get_visible() and t.get_text().strip()]


def _shows_a_scale(axis: object) -> bool:
    """An axis shows values when any of its tick labels is visible and not blank."""
    return any(t.get_visible() and t.get_text().strip() for t in axis.get_ticklabels())  # type: ignore[attr-defined]


def figure_problems(fig: Figure, summarises_runs: bool = True) -> list[str]:
    """What is wrong with a figure, as one line each (an empty list when nothing is).

    A title or caption clipped by the figure's edge, an axis that shows values but has no label, and
    (for a figure that summarises runs) a caption that does not give the replicates and the seed.
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    problems = []
    for name, text in _titles(fig):
        box = text.get_window_extent(renderer)
        if box.x0 < -0.5 or box.x1 > fig.bbox.width + 0.5:
            problems.append(f"{name} {text.get_text()!r} runs past the figure ({box.x0:.0f}..{box.x1:.0f})")
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible() or not ax.axison:
            continue
        for axis, label, which in ((ax.xaxis, ax.get_xlabel(), "x"), (ax.yaxis, ax.get_ylabel(), "y")):
            if _shows_a_scale(axis) and not label.strip():
                ticks = [t.get_text() for t in axis.get_ticklabels()][:3]
                problems.append(f"axes {i} ({ax.get_title()!r}): {which} axis shows {ticks} but has no label")
    caption = fig._supxlabel.get_text() if fig._supxlabel is not None else ""
    if summarises_runs and not ("replicate" in caption and "seed" in caption):
        problems.append(f"caption {caption!r} does not give the replicates and the seed")
    return problems
