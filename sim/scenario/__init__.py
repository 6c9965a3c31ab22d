"""Scenario files: the validated configuration (schema), loading (TOML, `base`, overrides) and hashing.

`from sim.scenario import load_scenario, Scenario` is the way in; the modules hold one job each.
"""

from sim.scenario.hashing import scenario_digest
from sim.scenario.loading import (
    apply_overrides,
    base_chain,
    copy_tree,
    deep_merge,
    known_paths,
    load_scenario,
    parse_assignment,
    path_hint,
)
from sim.scenario.schema import (
    MECHANISMS,
    LeaderParams,
    MemberParams,
    Scenario,
    ScenarioModel,
    ShockEvent,
)

__all__ = [
    "LeaderParams",
    "MECHANISMS",
    "MemberParams",
    "Scenario",
    "ScenarioModel",
    "ShockEvent",
    "apply_overrides",
    "base_chain",
    "copy_tree",
    "deep_merge",
    "known_paths",
    "load_scenario",
    "parse_assignment",
    "path_hint",
    "scenario_digest",
]
