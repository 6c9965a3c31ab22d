"""An open pre-congress discussion: the members vote on the Central Committee's theses in their cells.

Record: a discussion was opened before a Congress by publishing the CC's theses and the opposition's
counter-theses; the cells voted, and the count was reported to the Congress. Before the 15th Congress
(November 1927) it was about 724,000 for the CC and about 4,000 for the Opposition (Daniels, The
Conscience of the Revolution, 1960, ch. 12). Here the secretary does not deliver anyone: each member
votes his own view (the members' choice, mechanism 5), and voting against in the open takes the same
courage as at a Congress (`sim.model.party.delegations`). The vote is the members' expected count, in real
numbers: with tens of thousands of simulated members its sampling noise is below a vote in a thousand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.mechanisms.choice import organisation_views

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel


def members_vote(model: PowerStruggleModel, side: np.ndarray) -> tuple[int, int, int, int]:
    """(for, against, abstain, members) on the line, in real members; `side` as for a delegation vote.

    A member votes for when he follows a leader of the leadership (or one on neither side who bends to
    the majority, as his leader's compromise willingness goes), against when he follows the other side
    and dares to, and otherwise abstains.
    """
    w = model.cfg.mechanisms.delegate_choice
    views = organisation_views(model)
    bend = np.array([lead.compromise_willingness for lead in model.leaders])
    dare = float(np.exp(-w.fear * (w.base_fear + model.fear)))
    p_for = np.clip(views @ ((side == 1) + (side == 0) * bend), 0.0, 1.0)
    p_against = np.minimum(np.clip((views @ (side == -1)) * dare, 0.0, 1.0), 1.0 - p_for)
    members = model.party.members.by_org().astype(float)
    scale = model.party.scale
    total = round(float(members.sum()) / scale)
    yes = round(float(members @ p_for) / scale)
    no = round(float(members @ p_against) / scale)
    return yes, no, total - yes - no, total
