"""Who works the Secretariat's lever: its holder's own disposition, or his faction's organisers.

Seed: Trotsky "underestimated the power of the party machinery" and "refused to build a faction".
`appointment_control` is a leader's own use of the Secretariat's lever (Trotsky's disdain for the
apparatus gives him 0.10). A leader who has organised a faction has organisers: had his faction held
the Secretariat, they would have worked it for him, as Trotsky's supporters Krestinsky, Preobrazhensky
and Serebryakov had run the CC Secretariat in 1920-21. So the holder of the General Secretary's post
who leads an organised faction uses the lever at least at `faction_staffing` times his organisational
skill. In the historical replay Stalin's own control (0.90) exceeds anything this adds; a holder whose
control the scenario sets to zero (a Secretariat stripped of its lever, `no_appointment_power`) gains
nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model import PowerStruggleModel


def secretariat_control(model: PowerStruggleModel, holder: int) -> float:
    """The holder's use of the Secretariat's lever, in [0, 1] (before `strength`)."""
    leader = model.leaders[holder]
    own = leader.appointment_control
    mech = model.cfg.mechanisms.appointment
    # A scenario that gives a holder no lever at all (the `no_appointment_power` counterfactual) leaves
    # none to staff. Read from the scenario, not from this replicate's draw of the trait.
    configured = model.cfg.leaders[leader.name].appointment_control
    if configured <= 0.0 or not (leader.mobilised and model.cfg.mechanisms.mobilisation.enabled):
        return own
    return max(own, mech.faction_staffing * leader.organisational_skill)
