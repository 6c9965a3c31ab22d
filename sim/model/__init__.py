"""The model: the Mesa model and its month (`core`), leaders, bodies, the party, the calendar and who won.

The rules themselves live in `sim.mechanisms`. `from sim.model import PowerStruggleModel` loads the
model on first use, so importing one of its parts (`sim.model.leaders`) does not import the whole model.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PowerStruggleModel"]


def __getattr__(name: str) -> Any:
    if name == "PowerStruggleModel":
        from sim.model.core import PowerStruggleModel

        return PowerStruggleModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
