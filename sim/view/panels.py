"""The live panels of the view, as Solara components that take the model (Mesa's component protocol).

Each panel reads the model through `sim.view.state` only. Support over time is Mesa's own plot
component; the others draw what Mesa has no component for (seats, a ladder, a patronage picture).
"""

from __future__ import annotations

import html

import solara
from mesa.visualization.components.matplotlib_components import PlotMatplotlib
from mesa.visualization.utils import force_update, update_counter

from sim.chronicle import chronicle
from sim.plots.style import leader_palette
from sim.view import figures, state
from sim.view.model import ViewModel

CHRONICLE_LINES = 40


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
            f"<h2>{'Start: ' if done == 0 else ''}{state.current_date(model):%B %Y}</h2>"
            f"<p>Month {done} of {state.month_count(model)}; "
            f"consolidated power: <b>{state.winner_now(model).capitalize()}</b></p>"
        )
        solara.SliderInt("Month", value=done, min=0, max=state.month_count(model), on_value=jump)
        solara.Info(
            "Scenario, sliders and switches apply when you press Reset. An input left at its start value "
            "keeps the chosen scenario's own value."
        )
        solara.Text(f"In force since the last Reset: {model.settings_text()}")


def SupportPanel(model: ViewModel) -> None:
    """Each leader's following, his share of the party's members, month by month (Mesa's plot component)."""
    cast = state.leader_names(model)
    colours = {name: colour for name, colour in leader_palette(cast).items() if name in cast}

    def finish(ax: object) -> None:
        ax.set_ylabel("share of members")  # type: ignore[attr-defined]
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
    seats, cc = tuple(state.politburo(model)), tuple(state.central_committee(model))
    names = state.body_names(model)
    key = (seats, cc, names)
    fig = solara.use_memo(
        lambda: figures.bodies(seats, cc, state.leader_names(model), names), dependencies=[key]
    )
    solara.FigureMatplotlib(fig, format="png", dependencies=[key])


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
    rungs, recanted = state.rungs(model), state.capitulated(model)
    key = (tuple(rungs.items()), tuple(recanted.items()))
    fig = solara.use_memo(lambda: figures.ladder(state.ladder_steps(), rungs, recanted), dependencies=[key])
    solara.FigureMatplotlib(fig, format="png", dependencies=[key])


def chronicle_lines(model: ViewModel) -> list[str]:
    """The replay's story so far, in the sentences of `powerstruggle chronicle` (no heading, no outcome)."""
    events, votes = state.events_table(model), state.votes_table(model)
    if events.empty and votes.empty:
        return []
    table = votes if not votes.empty else None
    return chronicle(events, table, None, replicate=0, names=state.body_names(model))[1:-1]


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
    """Organisations around their secretaries' patrons, coloured by whom most of their members follow."""
    update_counter.get()
    names, sample = state.leader_names(model), state.apparatus_sample(model)
    key = (tuple(names), sample.patron.tobytes(), sample.allegiance.tobytes())
    fig = solara.use_memo(lambda: figures.patronage(names, sample), dependencies=[key])
    solara.FigureMatplotlib(fig, format="png", dependencies=[key])
