"""Who works the Secretariat's lever: its holder's own disposition.

Seed: Trotsky "underestimated the power of the party machinery". `appointment_control` is a leader's own
use of the Secretariat's lever (Trotsky's disdain for the apparatus gives him 0.10).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel


def secretariat_control(model: PowerStruggleModel, holder: int) -> float:
    """The holder's use of the Secretariat's lever, in [0, 1] (before `strength`)."""
    return float(model.leaders[holder].appointment_control)
