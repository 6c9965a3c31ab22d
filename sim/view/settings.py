"""The view's inputs: which scenario, the leaders' main traits, mechanism strengths, counterfactual switches.

Each input maps to a scenario path. An input applies (as an override) only when it differs from the
value it started at, so picking another scenario keeps that scenario's own values for every input
left alone. Nothing here imports Solara: the inputs are described as Mesa's `model_params` dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.scenario import Scenario, load_scenario
from sim.scenario.schema import MECHANISMS
from sim.view.state import scenario_config

#: Leaders whose traits get sliders: the two principals of the struggle.
SLIDER_LEADERS: tuple[str, ...] = ("stalin", "trotsky")
#: The leaders' main parameters (issue 11), each in 0 .. 1.
LEADER_TRAITS: tuple[str, ...] = ("appointment_control", "charisma", "compromise_willingness", "mobilisation")
#: Counterfactual switches: input name -> label.
SWITCHES: dict[str, str] = {
    "trotsky_at_funeral": "Trotsky attends Lenin's funeral",
    "testament_published": "Lenin's Testament is published",
    "lenin_enrolment": "The Lenin Enrolment takes place",
    "shocks": "The war scare and the grain crisis strike",
}


def trait_input(leader: str, trait: str) -> str:
    """Input name of a leader's trait slider, e.g. `stalin_charisma`."""
    return f"{leader}_{trait}"


def strength_input(mechanism: str) -> str:
    """Input name of a mechanism's strength slider, e.g. `strength_propaganda`."""
    return f"strength_{mechanism}"


def read_inputs(spec: Scenario) -> dict[str, Any]:
    """The value every input has in a scenario."""
    cfg = scenario_config(spec)
    values: dict[str, Any] = {}
    for leader in SLIDER_LEADERS:
        if leader in cfg.leaders:
            for trait in LEADER_TRAITS:
                values[trait_input(leader, trait)] = float(getattr(cfg.leaders[leader], trait))
    for m in MECHANISMS:
        values[strength_input(m)] = float(getattr(cfg.mechanisms, m).strength)
    # The switches are the 1924 case's: a scenario without their events (1953) gets none of them.
    ev = cfg.events.root
    if "funeral" in ev and "trotsky" in cfg.leaders:
        values["trotsky_at_funeral"] = "trotsky" not in ev["funeral"].absent
    if "testament" in ev:
        values["testament_published"] = bool(ev["testament"].published)
    if "lenin_enrolment" in ev:
        values["lenin_enrolment"] = bool(ev["lenin_enrolment"].enabled)
    if "war_scare" in ev and "grain_crisis" in ev:
        values["shocks"] = bool(ev["war_scare"].enabled or ev["grain_crisis"].enabled)
    return values


def to_overrides(changed: dict[str, Any], spec: Scenario) -> dict[str, Any]:
    """Dotted scenario overrides (as `--set`) for the inputs in `changed`, applied to scenario `spec`."""
    cfg = scenario_config(spec)
    out: dict[str, Any] = {}
    for name, value in changed.items():
        if name.startswith("strength_"):
            out[f"mechanisms.{name.removeprefix('strength_')}.strength"] = float(value)
        elif name == "trotsky_at_funeral":
            absent = [n for n in cfg.events.funeral.absent if n != "trotsky"]
            out["events.funeral.absent"] = absent if value else [*absent, "trotsky"]
        elif name == "testament_published":
            out["events.testament.published"] = bool(value)
        elif name == "lenin_enrolment":
            out["events.lenin_enrolment.enabled"] = bool(value)
        elif name == "shocks":
            out["events.war_scare.enabled"] = bool(value)
            out["events.grain_crisis.enabled"] = bool(value)
        else:
            leader, trait = _split_trait(name)
            if leader in cfg.leaders:
                out[f"leaders.{leader}.{trait}"] = float(value)
    return out


def _split_trait(name: str) -> tuple[str, str]:
    for leader in SLIDER_LEADERS:
        for trait in LEADER_TRAITS:
            if name == trait_input(leader, trait):
                return leader, trait
    raise ValueError(f"unknown view input {name!r}")


def input_names() -> list[str]:
    """Every input's name, in the order the sidebar shows them."""
    names = [trait_input(ld, t) for ld in SLIDER_LEADERS for t in LEADER_TRAITS]
    return names + [strength_input(m) for m in MECHANISMS] + list(SWITCHES)


def scenario_choices(first: Path) -> dict[str, Path]:
    """Scenario files offered by the picker: `first`, then the `*.toml` beside it, by name."""
    choices = {first.stem: first}
    for path in sorted(first.parent.glob("*.toml")):
        choices.setdefault(path.stem, path)
    return choices


@dataclass(frozen=True)
class ViewSetup:
    """What the server was started with: the scenario, the seed, the choices and the inputs' start values."""

    scenario: Path
    seed: int = 0
    choices: dict[str, Path] = field(default_factory=dict)
    start: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, scenario: Path, seed: int = 0) -> ViewSetup:
        """Load and validate the scenario (raises InputError) and read its inputs' start values."""
        spec = load_scenario(scenario)
        return cls(scenario, seed, scenario_choices(scenario), read_inputs(spec))

    def changed(self, values: dict[str, Any]) -> dict[str, Any]:
        """The inputs moved away from their start values (only these become overrides)."""
        return {k: v for k, v in values.items() if k in self.start and v != self.start[k]}

    def model_params(self) -> dict[str, Any]:
        """The inputs as Mesa SolaraViz `model_params` (plus the fixed `setup`)."""
        params: dict[str, Any] = {
            "setup": self,
            "scenario_name": {
                "type": "Select",
                "value": self.scenario.stem,
                "values": list(self.choices),
                "label": "Scenario",
            },
            "seed": {
                "type": "SliderInt",
                "value": self.seed,
                "min": 0,
                "max": 999,
                "step": 1,
                "label": "Seed",
            },
        }
        for leader in SLIDER_LEADERS:
            for trait in LEADER_TRAITS:
                name = trait_input(leader, trait)
                if name in self.start:
                    params[name] = {
                        "type": "SliderFloat",
                        "value": self.start[name],
                        "min": 0.0,
                        "max": 1.0,
                        "step": 0.05,
                        "label": f"{leader.capitalize()}: {trait.replace('_', ' ')}",
                    }
        for m in MECHANISMS:
            params[strength_input(m)] = {
                "type": "SliderFloat",
                "value": self.start[strength_input(m)],
                "min": 0.0,
                "max": 5.0,
                "step": 0.1,
                "label": f"Strength: {m.replace('_', ' ')}",
            }
        for name, label in SWITCHES.items():
            if name not in self.start:
                continue
            params[name] = {"type": "Checkbox", "value": self.start[name], "label": label}
        return params
