"""The view's figures, drawn from plain values (see `sim.view.state`): no Solara, no model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.plots.style import leader_palette
from sim.scenario.names import DEFAULT_NAMES, Names
from sim.view.state import NOBODY, ApparatusSample, Seat

VACANT = "#d9d9d9"
DPI = 80  # figures are redrawn as the months pass: small PNGs keep a step short


def _colour(name: str, colours: dict[str, str]) -> str:
    """A seat's colour: its holder's within the scenario's cast (as in every figure), grey if vacant."""
    return VACANT if name in (NOBODY, "lenin") else colours[name.lower()]


def _figure(width: float, height: float) -> Figure:
    # No layout engine: the constrained one costs as much as drawing, at every month.
    return Figure(figsize=(width, height), dpi=DPI)


def bodies(
    seats: tuple[Seat, ...],
    cc: tuple[str, ...],
    cast: Sequence[str] | None = None,
    names: Names = DEFAULT_NAMES,
) -> Figure:
    """The Politburo seat by seat (top) and the Central Committee as a waffle by allegiance (below).

    `cast` is the scenario's leaders (`state.leader_names`): it sets the colours; `names`
    (`state.body_names`) titles the two bodies as the scenario calls them (the Presidium in 1953).
    """
    holders = {s.holder for s in seats} | set(cc)
    colours = leader_palette(cast, holders - {NOBODY, "lenin"})
    fig = _figure(6.5, 4.2)
    ax_pb, ax_cc = fig.subplots(2, 1, height_ratios=[1, 3])
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.93, hspace=0.15)
    for i, seat in enumerate(seats):
        hatch = "//" if seat.how == "client" else None
        alpha = 0.55 if seat.rank == "candidate" else 1.0
        ax_pb.add_patch(
            Rectangle(
                (i, 0),
                0.9,
                0.9,
                facecolor=_colour(seat.holder, colours),
                hatch=hatch,
                alpha=alpha,
                edgecolor="k",
            )
        )
        label = (seat.member or seat.holder)[:3].capitalize() if seat.how != "vacant" else "—"
        ax_pb.text(i + 0.45, 0.45, label, ha="center", va="center", fontsize=7, color="white")
    ax_pb.set_xlim(0, max(len(seats), 1))
    ax_pb.set_ylim(0, 1)
    ax_pb.set_axis_off()
    ax_pb.set_title(f"{names.politburo} (hatched: a client's seat; pale: candidate)", fontsize=9)
    cols = max(1, int(np.ceil(np.sqrt(len(cc) * 3))))
    for i, name in enumerate(cc):
        ax_cc.add_patch(Rectangle((i % cols, -(i // cols)), 0.85, 0.85, facecolor=_colour(name, colours)))
    rows = (len(cc) + cols - 1) // cols
    ax_cc.set_xlim(0, cols)
    ax_cc.set_ylim(-rows + 1, 1)
    ax_cc.set_aspect("equal")
    ax_cc.set_axis_off()
    ax_cc.set_title(f"{names.central_committee}: {len(cc)} members by allegiance", fontsize=9)
    return fig


def ladder(steps: tuple[str, ...], rungs: dict[str, int], recanted: dict[str, bool]) -> Figure:
    """Each leader's rung on the sanctions ladder as a bar (`rungs` holds the whole cast, in order)."""
    fig = _figure(6.5, 3.2)
    ax = fig.subplots()
    names = list(rungs)
    colours = leader_palette(names)
    for y, name in enumerate(names):
        ax.barh(y, rungs[name], color=colours[name.lower()], height=0.6)
        if recanted[name]:
            ax.text(rungs[name] + 0.1, y, "recanted", va="center", fontsize=7)
    ax.set_yticks(range(len(names)), [n.capitalize() for n in names])
    ax.invert_yaxis()
    ax.set_xticks(
        range(len(steps)), [s.replace("_", " ") for s in steps], rotation=30, ha="right", fontsize=7
    )
    ax.set_xlim(0, len(steps) - 0.5)
    ax.set_title("Sanctions ladder", fontsize=9)
    fig.subplots_adjust(left=0.16, right=0.97, bottom=0.3, top=0.9)
    return fig


def patronage(names: list[str], sample: ApparatusSample) -> Figure:
    """Organisations around their secretaries' patrons (hubs; the centre: nobody's).

    Each is coloured by whom most of its members follow.
    """
    palette = leader_palette(names)  # `names` is the whole cast, in order
    hubs = np.linspace(0, 2 * np.pi, len(names), endpoint=False)
    hub_xy = np.c_[np.cos(hubs), np.sin(hubs)]
    jitter = np.random.default_rng(1).normal(0, 0.22, (len(sample.rows), 2))  # fixed display layout
    home = np.where(sample.patron[:, None] >= 0, hub_xy[np.maximum(sample.patron, 0)] * 0.9, 0.0)
    xy = home + jitter
    fig = _figure(5.5, 5.0)
    ax = fig.subplots()
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.94)
    for k, name in enumerate(names):
        mine = sample.patron == k
        if mine.any():
            segs = np.stack([np.broadcast_to(hub_xy[k] * 1.25, (int(mine.sum()), 2)), xy[mine]], axis=1)
            ax.add_collection(LineCollection(segs, colors=palette[name.lower()], linewidths=0.3, alpha=0.4))
        ax.scatter(*(hub_xy[k] * 1.25), s=160, color=palette[name.lower()], edgecolor="k", zorder=3)
        ax.annotate(name.capitalize(), hub_xy[k] * 1.45, ha="center", va="center", fontsize=8)
    colours = [palette[names[a].lower()] for a in sample.allegiance]
    ax.scatter(xy[:, 0], xy[:, 1], s=9, c=colours, zorder=2)
    ax.set_xlim(-1.8, 1.8)
    ax.set_ylim(-1.8, 1.8)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(
        f"The apparatus: {len(sample.rows)} organisations by their secretary's patron"
        " (hubs; centre: nobody's),"
        " coloured by whom most members follow",
        fontsize=8,
    )
    return fig
