"""Models and states the rules modules' tests share (`helpers`: pytest puts tests/ on the path)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.model.core import PowerStruggleModel
from sim.model.leaders import RUNG

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"


def small_model(seed: int = 1, **overrides: object) -> PowerStruggleModel:
    """The historical scenario at `party.scale` 0.05, its traits drawn around the scenario's values."""
    return PowerStruggleModel(scenario=HISTORICAL, overrides={"party.scale": 0.05, **overrides}, rng=seed)


def exact_model(seed: int = 1, **overrides: object) -> PowerStruggleModel:
    """The historical scenario at `party.scale` 0.05 without parameter uncertainty (traits as written)."""
    base = {"party.scale": 0.05, "parameter_uncertainty": 0.0}
    return PowerStruggleModel(scenario=HISTORICAL, overrides={**base, **overrides}, rng=seed)


def _shares(support: dict[int, float], n: int = 7) -> np.ndarray:
    out = np.zeros(n)
    for k, v in support.items():
        out[k] = v
    return out


def _clear(model: PowerStruggleModel) -> None:
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")


def _united_opposition(model: PowerStruggleModel) -> tuple[int, int, int]:
    stalin, trotsky, zinoviev = (model.leader_index[n] for n in ("stalin", "trotsky", "zinoviev"))
    _clear(model)
    model.coalitions.start({trotsky, zinoviev}, against=stalin)
    model.leaders[zinoviev].rung = RUNG["post_removal"]
    return stalin, trotsky, zinoviev
