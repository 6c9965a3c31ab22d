"""Acts of defiance: the renewed offence that each step of the ladder beyond posts waits for.

Record: Trotsky was censured in January 1924 and lost the War Commissariat in January 1925, then kept
discipline through 1925 (he disowned Eastman) and kept his Politburo seat; he lost it in October 1926,
after the United Opposition had organised, his CC seat after the platform fight of 1927, his party
card after the street demonstrations of 7 November 1927, and was deported abroad after he refused, in
Alma-Ata, to cease his activity. Each step came after a new act. Deviation alone costs censure and
posts; from the Politburo seat on, the majority moves only against a renewed offence, one committed
after the last sanction (`institutions`, `repression`). A leader who keeps discipline is not pushed
further for old deviations.

Three acts count as an offence: joining a bloc against the leadership with new partners (the leaders'
deviation, see `sim.model.bodies`), a stand at a session (a platform, a declaration), and an organised
faction's open act (its own meetings, an illegal press, demonstrations), drawn here monthly. The
Control Commission's steps (the CC seat and the party card) answer only the last kind, by him or a
bloc partner: Trotsky kept his CC seat through the speeches of the 15th
Conference and lost it after the illegal press of September 1927, his card after the street
demonstrations of 7 November. A stand at a session is a deviation, not an appeal to the ranks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.mechanisms import capitulation
from sim.model.leaders import RUNG
from sim.model.politics import camp_of, opposition

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel

#: The first step of the ladder that needs a renewed offence (below it, deviation is grounds enough).
RENEWED_OFFENCE_FROM = RUNG["politburo_removal"]


def offend(model: PowerStruggleModel, k: int) -> None:
    """Record that leader k has just committed an offence (this month)."""
    model.leaders[k].offence_month = model.month


def reoffended(model: PowerStruggleModel, k: int) -> bool:
    """Whether leader k has offended since his last sanction."""
    leader = model.leaders[k]
    return leader.offence_month > leader.last_sanction_month


def needs_renewed_offence(rung: int) -> bool:
    """Whether the sanction at `rung` waits for an offence committed after the last one."""
    return rung >= RENEWED_OFFENCE_FROM


def appealed_to_ranks(model: PowerStruggleModel, k: int) -> bool:
    """Whether k's faction (his or a bloc partner's) has acted in the open since his last sanction."""
    since = model.leaders[k].last_sanction_month
    return any(model.leaders[m].faction_act_month > since for m in camp_of(model, k))


def offence_answered(model: PowerStruggleModel, k: int, rung: int) -> bool:
    """Whether the step at `rung` against leader k has the renewed offence it needs (see the module).

    The CC seat and the party card answer only a faction's open act: the Right's leaders, who never
    organised one, kept their CC seats through 1929.
    """
    if not needs_renewed_offence(rung):
        return True
    if rung >= RUNG["cc_removal"]:
        return appealed_to_ranks(model, k)
    return reoffended(model, k)


def reach(model: PowerStruggleModel, k: int) -> float:
    """Whether an oppositionist acts in the open, in [0, 1]: company, a following, or little left to lose.

    1 for a member of a bloc of leaders against the leadership (the United Opposition, the Right in
    1928-29); otherwise the larger of his camp's share of the support it and the leadership command
    (`capitulation.hope`) and the share of his places in the leadership (Politburo seat, CC seat, party
    card) already taken. An isolated leader with his seats still to lose mostly keeps discipline
    (Trotsky in 1925); an expelled one has nothing left to lose (Trotsky in Alma-Ata).
    """
    leader = model.leaders[k]
    if len(camp_of(model, k)) > 1:
        return 1.0
    lost = max(0, leader.rung - RUNG["post_removal"]) / (RUNG["party_expulsion"] - RUNG["post_removal"])
    return max(capitulation.hope(model, k), min(1.0, lost))


def take_stands(model: PowerStruggleModel) -> None:
    """At a session, each open oppositionist may take a stand (a platform, a declaration): chance `reach`."""
    rng = model.streams["defiance"]
    for k in sorted(opposition(model)):
        if rng.random() < reach(model, k):
            offend(model, k)


def monthly(model: PowerStruggleModel) -> None:
    """Organised factions, and expelled leaders who have not recanted, may commit a new open act.

    An expelled leader has no party discipline left to keep: his activity in exile is such an act.
    """
    mob = model.cfg.mechanisms.mobilisation
    if not (model.cfg.mechanisms.institutions.enabled and mob.enabled):
        return
    ruling = model.ruling
    rng = model.streams["defiance"]
    for k, leader in enumerate(model.leaders):
        active = leader.mobilised or leader.rung >= RUNG["party_expulsion"]
        done = leader.capitulated or leader.arrested or leader.rung >= RUNG["exile_abroad"]
        if not active or done or k in ruling:
            continue
        if rng.random() < min(1.0, mob.rate * mob.strength * reach(model, k)):
            offend(model, k)
            leader.faction_act_month = model.month
            detail = "the faction's meetings, press or demonstrations"
            model.log_event(model.mid_month, "factional_act", leader.name, "", detail)
