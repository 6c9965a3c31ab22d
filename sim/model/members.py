"""Politburo members who are nobody's rival: Molotov, Kalinin, Rudzutak, Voroshilov and the like.

They lead no following and seek no succession, but they vote. Each sits by a patron's favour (the
leader whose people placed him), has his own line and his own willingness to compromise; in a close
Politburo vote his wavering can decide it, as Kalinin's and Voroshilov's were to in 1928
(`sim.mechanisms.politburo_vote`). Who they are, whom they owe and where they stand in January 1924
is an input (`initial_state.politburo_members`); whether and when they are promoted is the model's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.model.leaders import SEAT_OF, Seat
from sim.scenario import MemberParams

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel


class PolitburoMember(mesa.Agent):
    """A member of the Politburo (or a cadre who may become one) who is not one of the rivals."""

    name: str
    patron: int  # index of the leader who placed him
    compromise_willingness: float
    ideology: float
    seat: Seat

    def __init__(self, model: PowerStruggleModel, name: str, params: MemberParams) -> None:
        super().__init__(model)
        self.name = name
        self.patron = model.leader_index[params.patron]
        self.compromise_willingness = float(params.compromise_willingness)
        self.ideology = float(params.ideology)
        self.seat = SEAT_OF[params.politburo]
