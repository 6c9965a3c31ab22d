"""The model the view steps: a PowerStruggleModel built from the sidebar's inputs.

Mesa's Reset re-creates the model from the inputs as keyword arguments; this class turns them into a
scenario and overrides, and adds one DataCollector column per leader (support) for Mesa's plot component.
"""

from __future__ import annotations

import functools
from typing import Any

import mesa

from sim.model.core import PowerStruggleModel
from sim.run.seeds import replicate_seed
from sim.scenario import load_scenario
from sim.view import state
from sim.view.settings import ViewSetup, to_overrides


def _support_of(name: str, model: PowerStruggleModel) -> float:
    return state.support(model)[name]


class ViewModel(PowerStruggleModel):
    """A replay driven from the browser: `setup` is fixed, the other keywords are the sidebar's inputs."""

    def __init__(
        self,
        setup: ViewSetup,
        scenario_name: str | None = None,
        seed: int | None = None,
        **inputs: Any,
    ) -> None:
        # Mesa's Reset also offers `scenario=` (its own experiment Scenario object): ours is picked by name.
        inputs.pop("scenario", None)
        unknown = set(inputs) - set(setup.start)  # the inputs of the scenario the view started with
        if unknown:
            raise ValueError(f"unknown view inputs: {', '.join(sorted(unknown))}")
        name = scenario_name or setup.scenario.stem
        path = setup.choices.get(name, setup.scenario)
        spec = load_scenario(path)
        self.setup = setup
        self.init_kwargs: dict[str, Any] = {"setup": setup, "scenario_name": name, "seed": seed, **inputs}
        self.changed = setup.changed(inputs)
        self.overrides = to_overrides(self.changed, spec)
        self.scenario_name = name
        self.seed = setup.seed if seed is None else int(seed)
        # The replay is replicate 0 of `run --seed S`, and of the Monte Carlo panel's runs.
        super().__init__(spec, overrides=self.overrides, rng=replicate_seed(self.seed, 0))
        reporters: dict[str, Any] = {
            "date": "date_iso",
            "winner_now": "winner_now",
            "leader_state": "leader_state",
        }
        for leader in state.leader_names(self):
            reporters[leader] = functools.partial(_support_of, leader)
        self.datacollector = mesa.DataCollector(model_reporters=reporters)

    def settings_text(self) -> str:
        """One line saying what this replay runs: scenario, seed and the inputs moved from their start."""
        moved = ", ".join(f"{k}={v}" for k, v in self.changed.items()) or "none"
        return f"scenario {self.scenario_name}, seed {self.seed}; inputs changed: {moved}"

    def run_to(self, month: int) -> None:
        """Step until `month` months are done (or the window ends)."""
        while self.running and state.months_done(self) < month:
            self.step()
