"""The Solara app served by `powerstruggle view` (`solara run sim/view/app.py`).

The command passes the scenario and seed through the environment (PS_VIEW_SCENARIO, PS_VIEW_SEED).
"""

from __future__ import annotations

import os
from pathlib import Path

import solara
from mesa.visualization import SolaraViz

from sim.view.mcpanel import MonteCarloPanel
from sim.view.model import ViewModel
from sim.view.panels import (
    AlliancesPanel,
    BodiesPanel,
    ChroniclePanel,
    LadderPanel,
    PatronagePanel,
    SupportPanel,
    TimelinePanel,
)
from sim.view.settings import ViewSetup

SCENARIO_ENV = "PS_VIEW_SCENARIO"
SEED_ENV = "PS_VIEW_SEED"
DEFAULT_SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "historical.toml"


def setup_from_env() -> ViewSetup:
    """The scenario and seed the command was started with."""
    return ViewSetup.load(
        Path(os.environ.get(SCENARIO_ENV, DEFAULT_SCENARIO)), int(os.environ.get(SEED_ENV, "0"))
    )


SETUP = setup_from_env()


@solara.component
def Page() -> None:
    """One browser session: its own model, the sidebar's inputs, and the panels."""
    params = solara.use_memo(SETUP.model_params, [])
    first = solara.use_memo(
        lambda: ViewModel(**{k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}), []
    )
    model = solara.use_reactive(first)

    def timeline(m: ViewModel) -> None:
        return TimelinePanel(m, model)

    components = [
        timeline,
        SupportPanel,
        ChroniclePanel,
        BodiesPanel,
        AlliancesPanel,
        LadderPanel,
        PatronagePanel,
        MonteCarloPanel,
    ]
    SolaraViz(model, components=components, model_params=params, name="powerstruggle", play_interval=300)
