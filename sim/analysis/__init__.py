"""Analyses over many runs: which cause mattered, sensitivity, discovery, and what flips the winner.

Shapley attribution over mechanisms, global sensitivity (SALib), scenario discovery (PRIM, CART) and
the smallest change that flips the winner.

Each is a function here (`attribute`, `sensitivity`, `discover`, `flip`) and a CLI command; all run
through the sweep engine. Heavy libraries (SALib, EMA Workbench, scikit-learn) load on first use.
"""

from typing import Any

__all__ = ["attribute", "discover", "flip", "sensitivity"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        import importlib

        return getattr(importlib.import_module(f"sim.analysis.{name}"), name)
    raise AttributeError(f"module 'sim.analysis' has no attribute {name!r}")
