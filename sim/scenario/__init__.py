"""Scenario files: the validated configuration (schema), loading (TOML, `base`, overrides) and hashing.

`from sim.scenario import load_scenario, Scenario` is the way in; the modules hold one job each.
"""

from sim.scenario.schema import (
    MECHANISMS,
    LeaderParams,
    Scenario,
    ScenarioModel,
    ShockEvent,
    apply_overrides,
    copy_tree,
    deep_merge,
    known_paths,
    load_scenario,
    parse_assignment,
)

__all__ = [
    "MECHANISMS",
    "LeaderParams",
    "Scenario",
    "ScenarioModel",
    "ShockEvent",
    "apply_overrides",
    "copy_tree",
    "deep_merge",
    "known_paths",
    "load_scenario",
    "parse_assignment",
]
