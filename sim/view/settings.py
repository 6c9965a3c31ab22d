"""The view's inputs: which scenario, the leaders' main traits, mechanism strengths, counterfactual switches.

Each input maps to a scenario path. An input applies (as an override) only when it differs from the
value it started at, so picking another scenario keeps that scenario's own values for every input
left alone. Nothing here imports Solara: the inputs are described as Mesa's `model_params` dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.cast import principal, rival
from sim.scenario import Scenario, load_scenario
from sim.scenario.schema import MECHANISMS
from sim.view.state import scenario_config

#: The leaders' main parameters (issue 11), each in 0 .. 1.
LEADER_TRAITS: tuple[str, ...] = ("appointment_control", "charisma", "compromise_willingness", "mobilisation")
#: The labels the 1924 switches have always had (their names follow the rules of `switches`).
LABELS_1924: dict[str, str] = {
    "trotsky_at_funeral": "Trotsky attends Lenin's funeral",
    "testament_published": "Lenin's Testament is published",
    "lenin_enrolment": "The Lenin Enrolment takes place",
    "shocks": "The war scare and the grain crisis strike",
}
#: The 1924 shocks that share one switch, `shocks`, as they always have in the view.
SHOCKS_1924: tuple[str, ...] = ("war_scare", "grain_crisis")


@dataclass(frozen=True)
class Switch:
    """A counterfactual checkbox built from one typed event (or the 1924 pair of shocks).

    `kind` says what it sets: `attends` (a leader is not among a funeral's `absent`), `published` (a
    letter's `published`) or `enabled` (a drive's or shocks' `enabled`).
    """

    name: str
    label: str
    kind: str
    events: tuple[str, ...]
    leader: str = ""


def slider_leaders(cfg: Any) -> tuple[str, ...]:
    """Leaders whose traits get sliders: the principal and his rival (`sim.cast`; 1924: Stalin, Trotsky)."""
    return tuple(n for n in (principal(cfg.leaders), rival(cfg.leaders)) if n)


def _words(name: str) -> str:
    return name.replace("_", " ")


def _sentence(text: str) -> str:
    """Capitalise the first letter only (`the cult of personality...` -> `The cult of personality...`)."""
    return text[:1].upper() + text[1:]


def _whose(cfg: Any, funeral: str) -> str:
    """`Lenin's funeral` from the death before it (`lenin_death`), else `the funeral` (or its detail)."""
    ev = cfg.events.root[funeral]
    deaths = [n for n, d in cfg.events.of_type("death") if d.date <= ev.date and n.endswith("_death")]
    if deaths:
        return f"{deaths[-1].removesuffix('_death').capitalize()}'s funeral"
    return ev.detail or "the funeral"


def switches(cfg: Any) -> list[Switch]:
    """The scenario's counterfactual switches, from its typed events: funerals, letters, drives, shocks.

    A funeral gives one for each absentee and one for the rival (`sim.cast`), `<leader>_at_<event>`,
    checked when he attends; a letter one for its publication (`<event>_published`); a recruitment
    drive one (`<event>`, checked when it takes place); a shock one (`<event>`, checked when it strikes),
    except the 1924 war scare and grain crisis, which share `shocks`. Each kind in the file's order.
    Labels are the event's words (its `detail`, else its name); the 1924 switches keep the labels they
    always had (`LABELS_1924`).
    """
    events = cfg.events
    out: list[Switch] = []
    for name, ev in events.of_type("funeral"):
        for who in dict.fromkeys([*ev.absent, rival(cfg.leaders) or ""]):
            if who in cfg.leaders:
                label = f"{who.capitalize()} attends {_whose(cfg, name)}"
                out.append(Switch(f"{who}_at_{name}", label, "attends", (name,), who))
    for name, ev in events.of_type("letter"):
        label = f"{_sentence(ev.detail or _words(name))} is published"
        out.append(Switch(f"{name}_published", label, "published", (name,)))
    for name, _ev in events.of_type("enrolment"):
        out.append(Switch(name, f"The {_words(name)} takes place", "enabled", (name,)))
    shared = all(n in events.root for n in SHOCKS_1924)
    for name, ev in events.of_type("shock"):
        if shared and name in SHOCKS_1924:
            if name == SHOCKS_1924[0]:
                out.append(Switch("shocks", LABELS_1924["shocks"], "enabled", SHOCKS_1924))
            continue
        label = f"{_sentence(ev.detail or _words(name))} ({ev.date:%b %Y})"
        out.append(Switch(name, label, "enabled", (name,)))
    return [Switch(s.name, LABELS_1924.get(s.name, s.label), s.kind, s.events, s.leader) for s in out]


def trait_input(leader: str, trait: str) -> str:
    """Input name of a leader's trait slider, e.g. `stalin_charisma`."""
    return f"{leader}_{trait}"


def strength_input(mechanism: str) -> str:
    """Input name of a mechanism's strength slider, e.g. `strength_propaganda`."""
    return f"strength_{mechanism}"


def _switch_value(switch: Switch, cfg: Any) -> bool:
    events = [cfg.events.root[n] for n in switch.events]
    if switch.kind == "attends":
        return switch.leader not in events[0].absent
    if switch.kind == "published":
        return bool(events[0].published)
    return any(bool(ev.enabled) for ev in events)


def read_inputs(spec: Scenario) -> dict[str, Any]:
    """The value every input of a scenario has: its principal's and rival's traits, strengths, switches."""
    cfg = scenario_config(spec)
    values: dict[str, Any] = {}
    for leader in slider_leaders(cfg):
        for trait in LEADER_TRAITS:
            values[trait_input(leader, trait)] = float(getattr(cfg.leaders[leader], trait))
    for m in MECHANISMS:
        values[strength_input(m)] = float(getattr(cfg.mechanisms, m).strength)
    for switch in switches(cfg):
        values[switch.name] = _switch_value(switch, cfg)
    return values


def to_overrides(changed: dict[str, Any], spec: Scenario) -> dict[str, Any]:
    """Dotted scenario overrides (as `--set`) for the inputs in `changed`, applied to scenario `spec`.

    An input the scenario does not have (a slider or switch of the scenario the view started with,
    after another was picked) sets nothing.
    """
    cfg = scenario_config(spec)
    by_name = {s.name: s for s in switches(cfg)}
    traits = {trait_input(ld, t): (ld, t) for ld in cfg.leaders for t in LEADER_TRAITS}
    out: dict[str, Any] = {}
    for name, value in changed.items():
        if name.startswith("strength_"):
            out[f"mechanisms.{name.removeprefix('strength_')}.strength"] = float(value)
        elif name in by_name:
            out.update(_switch_overrides(by_name[name], bool(value), cfg, out))
        elif name in traits:
            leader, trait = traits[name]
            out[f"leaders.{leader}.{trait}"] = float(value)
    return out


def _switch_overrides(switch: Switch, value: bool, cfg: Any, so_far: dict[str, Any]) -> dict[str, Any]:
    """The paths one switch sets; a funeral's `absent` builds on what other switches already set."""
    if switch.kind == "attends":
        path = f"events.{switch.events[0]}.absent"
        absent = [n for n in so_far.get(path, cfg.events.root[switch.events[0]].absent) if n != switch.leader]
        return {path: absent if value else [*absent, switch.leader]}
    if switch.kind == "published":
        return {f"events.{switch.events[0]}.published": value}
    return {f"events.{name}.enabled": value for name in switch.events}


def input_names(spec: Scenario) -> list[str]:
    """Every input's name for a scenario, in the order the sidebar shows them."""
    return list(read_inputs(spec))


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
    sliders: tuple[str, ...] = ()
    switches: tuple[Switch, ...] = ()

    @classmethod
    def load(cls, scenario: Path, seed: int = 0) -> ViewSetup:
        """Load and validate the scenario (raises InputError) and read its inputs' start values.

        The sidebar's inputs are this scenario's: its principal's and rival's sliders, its switches.
        """
        spec = load_scenario(scenario)
        cfg = scenario_config(spec)
        return cls(
            scenario,
            seed,
            scenario_choices(scenario),
            read_inputs(spec),
            slider_leaders(cfg),
            tuple(switches(cfg)),
        )

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
                "max": max(999, self.seed),  # a --seed above the slider's range still shows
                "step": 1,
                "label": "Seed",
            },
        }
        for leader in self.sliders:
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
        for switch in self.switches:
            params[switch.name] = {
                "type": "Checkbox",
                "value": self.start[switch.name],
                "label": switch.label,
            }
        return params
