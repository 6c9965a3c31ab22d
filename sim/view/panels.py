"""The live panels of the view, as Solara components that take the model (Mesa's component protocol).

Each panel reads the model through `sim.view.state` only. Support over time is Mesa's own plot
component; the others draw what Mesa has no component for (seats, a ladder, a patronage picture).
"""

from __future__ import annotations

import html

import numpy as np
import solara
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from mesa.visualization.components.matplotlib_components import PlotMatplotlib
from mesa.visualization.utils import force_update, update_counter

from sim.chronicle import chronicle
from sim.plots.style import leader_colour
from sim.view import state
from sim.view.model import ViewModel

VACANT = "#d9d9d9"
CHRONICLE_LINES = 40
DPI = 80  # figures are redrawn every month: small PNGs keep a step under a second


def _colour(name: str) -> str:
    return VACANT if name in (state.NOBODY, "lenin") else leader_colour(name)


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def show_html(body: str) -> None:
    """Show escaped-and-formatted HTML (solara.Markdown would fetch KaTeX from a CDN, offline an error)."""
    solara.HTML(tag="div", unsafe_innerHTML=body)


def bullet_list(lines: list[str]) -> str:
    """Lines as an HTML list, escaped."""
    return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"


@solara.component
def TimelinePanel(model: ViewModel, current: solara.Reactive[ViewModel]) -> None:
    """The date, a month slider (going back replays from the start, same seed), and the settings in force."""
    update_counter.get()
    done = state.months_done(model)

    def jump(month: int) -> None:
        if month >= done:
            model.run_to(month)
            force_update()
        else:
            replay = ViewModel(**model.init_kwargs)
            replay.run_to(month)
            current.value = replay

    with solara.Card("Timeline", classes=["ps-timeline"]):
        show_html(
            f"<h2>{state.current_date(model):%B %Y}</h2><p>Month {done} of {state.month_count(model)}; "
            f"consolidated power: <b>{state.winner_now(model).capitalize()}</b></p>"
        )
        solara.SliderInt("Month", value=done, min=0, max=state.month_count(model), on_value=jump)
        solara.Info(
            "Scenario, sliders and switches apply when you press Reset. An input left at its start value "
            "keeps the chosen scenario's own value."
        )
        solara.Text(f"In force since the last Reset: {model.settings_text()}")


def SupportPanel(model: ViewModel) -> None:
    """Each leader's share of the delegates, month by month (Mesa's matplotlib plot component)."""
    colours = {name: leader_colour(name) for name in state.leader_names(model)}

    def finish(ax: object) -> None:
        ax.set_ylabel("share of delegates")  # type: ignore[attr-defined]
        ax.set_title("Support")  # type: ignore[attr-defined]

    with solara.Column(classes=["ps-support"]):
        if state.months_done(model) == 0:
            show_html("<b>Support</b>: press Step or Play to start the replay.")
        else:
            PlotMatplotlib(model, colours, post_process=finish)


@solara.component
def BodiesPanel(model: ViewModel) -> None:
    """The Politburo and the Central Committee, seat by seat, coloured by whom each seat follows."""
    update_counter.get()
    fig = _figure(6.5, 4.2)
    ax_pb, ax_cc = fig.subplots(2, 1, height_ratios=[1, 3])
    seats = state.politburo(model)
    for i, seat in enumerate(seats):
        hatch = "//" if seat.how == "client" else None
        alpha = 0.55 if seat.rank == "candidate" else 1.0
        ax_pb.add_patch(
            Rectangle(
                (i, 0), 0.9, 0.9, facecolor=_colour(seat.holder), hatch=hatch, alpha=alpha, edgecolor="k"
            )
        )
        label = seat.holder[:3].capitalize() if seat.how != "vacant" else "—"
        ax_pb.text(i + 0.45, 0.45, label, ha="center", va="center", fontsize=7, color="white")
    ax_pb.set_xlim(0, max(len(seats), 1))
    ax_pb.set_ylim(0, 1)
    ax_pb.set_axis_off()
    ax_pb.set_title("Politburo (hatched: a client's seat; pale: candidate)", fontsize=9)
    cc = state.central_committee(model)
    cols = max(1, int(np.ceil(np.sqrt(len(cc) * 3))))
    for i, name in enumerate(cc):
        ax_cc.add_patch(Rectangle((i % cols, -(i // cols)), 0.85, 0.85, facecolor=_colour(name)))
    rows = (len(cc) + cols - 1) // cols
    ax_cc.set_xlim(0, cols)
    ax_cc.set_ylim(-rows + 1, 1)
    ax_cc.set_aspect("equal")
    ax_cc.set_axis_off()
    ax_cc.set_title(f"Central Committee: {len(cc)} members by allegiance", fontsize=9)
    solara.FigureMatplotlib(fig, format="png")


@solara.component
def AlliancesPanel(model: ViewModel) -> None:
    """The alliances in force."""
    update_counter.get()
    items = state.alliances(model)
    lines = [
        f"{' + '.join(m.capitalize() for m in a.members)} against {a.against.capitalize()} "
        f"(since {a.since:%b %Y})"
        for a in items
    ]
    with solara.Card("Alliances in force"):
        show_html(bullet_list(lines) if lines else "No alliance in force.")


@solara.component
def LadderPanel(model: ViewModel) -> None:
    """How far down the sanctions ladder each leader stands."""
    update_counter.get()
    steps = state.ladder_steps()
    rungs = state.rungs(model)
    recanted = state.capitulated(model)
    fig = _figure(6.5, 3.2)
    ax = fig.subplots()
    names = list(rungs)
    for y, name in enumerate(names):
        ax.barh(y, rungs[name], color=leader_colour(name), height=0.6)
        if recanted[name]:
            ax.text(rungs[name] + 0.1, y, "recanted", va="center", fontsize=7)
    ax.set_yticks(range(len(names)), [n.capitalize() for n in names])
    ax.invert_yaxis()
    ax.set_xticks(
        range(len(steps)), [s.replace("_", " ") for s in steps], rotation=30, ha="right", fontsize=7
    )
    ax.set_xlim(0, len(steps) - 0.5)
    ax.set_title("Sanctions ladder", fontsize=9)
    solara.FigureMatplotlib(fig, format="png")


def chronicle_lines(model: ViewModel) -> list[str]:
    """The replay's story so far, in the sentences of `powerstruggle chronicle` (no heading, no outcome)."""
    events, votes = state.events_table(model), state.votes_table(model)
    if events.empty and votes.empty:
        return []
    return chronicle(events, votes if not votes.empty else None, None, replicate=0)[1:-1]


@solara.component
def ChroniclePanel(model: ViewModel) -> None:
    """The running chronicle, latest lines first, in a scrolling box."""
    update_counter.get()
    lines = chronicle_lines(model)
    shown = lines[::-1][:CHRONICLE_LINES]
    with solara.Card("Chronicle (latest first)", classes=["ps-chronicle"]):
        body = bullet_list(shown) if shown else "Nothing has happened yet."
        if len(lines) > len(shown):
            body += f"<p>({len(lines) - len(shown)} earlier lines not shown)</p>"
        show_html(f'<div style="max-height: 330px; overflow-y: auto">{body}</div>')


@solara.component
def PatronagePanel(model: ViewModel) -> None:
    """Delegates around their patrons (hubs), coloured by whom they back now: a sample for large runs."""
    update_counter.get()
    names = state.leader_names(model)
    sample = state.delegate_sample(model)
    hubs = np.linspace(0, 2 * np.pi, len(names), endpoint=False)
    hub_xy = np.c_[np.cos(hubs), np.sin(hubs)]
    jitter = np.random.default_rng(1).normal(0, 0.22, (len(sample.rows), 2))  # fixed display layout
    home = np.where(sample.patron[:, None] >= 0, hub_xy[np.maximum(sample.patron, 0)] * 0.9, 0.0)
    xy = home + jitter
    fig = _figure(5.5, 5.0)
    ax = fig.subplots()
    for k, name in enumerate(names):
        mine = sample.patron == k
        if mine.any():
            segs = np.stack([np.broadcast_to(hub_xy[k] * 1.25, (int(mine.sum()), 2)), xy[mine]], axis=1)
            ax.add_collection(LineCollection(segs, colors=leader_colour(name), linewidths=0.3, alpha=0.4))
        ax.scatter(*(hub_xy[k] * 1.25), s=160, color=leader_colour(name), edgecolor="k", zorder=3)
        ax.annotate(name.capitalize(), hub_xy[k] * 1.45, ha="center", va="center", fontsize=8)
    colours = [leader_colour(names[a]) for a in sample.allegiance]
    ax.scatter(xy[:, 0], xy[:, 1], s=9, c=colours, zorder=2)
    ax.set_xlim(-1.8, 1.8)
    ax.set_ylim(-1.8, 1.8)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(
        f"Patronage: {len(sample.rows)} delegates by patron (hubs; centre: none), coloured by allegiance",
        fontsize=8,
    )
    solara.FigureMatplotlib(fig, format="png")
