"""The one adapter between the model's internals and the view: plain values the panels can draw.

Every other module of `sim.view` reads the model through these functions only, so when the model's
state changes shape (leaders' posts, rungs, coalitions, the party's apparatus) only this file changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from sim.model.core import PowerStruggleModel
from sim.model.leaders import LADDER
from sim.model.leaders import Seat as PolitburoSeat
from sim.scenario import Scenario
from sim.scenario.names import Names

NOBODY = "none"


def scenario_config(spec: Scenario) -> Any:
    """The validated configuration of a scenario (`Scenario.model`, to become `Scenario.config`)."""
    return spec.config


def leader_names(model: PowerStruggleModel) -> list[str]:
    """The leaders in model order."""
    return list(model.leader_names)


def body_names(model: PowerStruggleModel) -> Names:
    """The scenario's names for its bodies and offices (the Presidium in 1953), as the panels print them."""
    return model.cfg.names


def month_count(model: PowerStruggleModel) -> int:
    """Number of monthly steps in the window."""
    return len(model.months)


def months_done(model: PowerStruggleModel) -> int:
    """Months stepped so far (0 before the first Step)."""
    return model.month + 1


def current_date(model: PowerStruggleModel) -> date:
    """The month the model has reached (the start of the window before the first Step)."""
    return model.months[model.month] if model.month >= 0 else model.months[0]


def support(model: PowerStruggleModel) -> dict[str, float]:
    """Each leader's following now: his share of the party's members."""
    return dict(zip(model.leader_names, (float(s) for s in model.support), strict=True))


def winner_now(model: PowerStruggleModel) -> str:
    """Who has consolidated power this month, or `none`."""
    k = model.winner_now
    return model.leader_names[k] if k >= 0 else NOBODY


@dataclass(frozen=True, slots=True)
class Seat:
    """One Politburo seat: full or candidate, who sits in it (or whom its holder follows), and how."""

    rank: str  # "full" or "candidate"
    holder: str  # a leader's name, or "none" for a vacancy
    how: str  # "member", "client" (a member who follows the holder), "vacant" or "lenin"
    member: str = ""  # a client's name where the scenario names him (Molotov, Kalinin, ...)


def politburo(model: PowerStruggleModel) -> list[Seat]:
    """The Politburo seat by seat: leaders' full seats, their clients' seats, vacancies, then candidates."""
    seats: list[Seat] = []
    body = model.politburo
    if body.lenin_seat:
        seats.append(Seat("full", "lenin", "lenin"))
    for lead in model.leaders:
        if lead.pb_seat == PolitburoSeat.FULL:
            seats.append(Seat("full", lead.name, "member"))
    named = {
        rank: [m for m in body.members if m.seat == seat]
        for rank, seat in (("full", PolitburoSeat.FULL), ("candidate", PolitburoSeat.CANDIDATE))
    }
    seats += [Seat("full", model.leader_names[m.patron], "client", m.name) for m in named["full"]]
    for k, n in enumerate(body.clients.tolist()):
        seats += [Seat("full", model.leader_names[k], "client")] * int(n)
    seats += [Seat("full", NOBODY, "vacant")] * int(body.vacancies)
    for lead in model.leaders:
        if lead.pb_seat == PolitburoSeat.CANDIDATE:
            seats.append(Seat("candidate", lead.name, "member"))
    seats += [Seat("candidate", model.leader_names[m.patron], "client", m.name) for m in named["candidate"]]
    return seats


def central_committee(model: PowerStruggleModel) -> list[str]:
    """The Central Committee's members seat by seat: whom each backs, grouped by leader."""
    backs = np.sort(model.central_committee.backs())
    return [model.leader_names[k] for k in backs.tolist()]


@dataclass(frozen=True, slots=True)
class Alliance:
    """A coalition in force: its members, the leader it is aimed at, and since when."""

    members: tuple[str, ...]
    against: str
    since: date


def alliances(model: PowerStruggleModel) -> list[Alliance]:
    """The alliances in force, oldest first."""
    names = model.leader_names
    out = [
        Alliance(tuple(names[k] for k in sorted(c.members)), names[c.against], c.since)
        for c in model.coalitions
    ]
    return sorted(out, key=lambda a: a.since)


def ladder_steps() -> tuple[str, ...]:
    """The sanctions ladder, mildest first (index 0: no sanction)."""
    return LADDER


def rungs(model: PowerStruggleModel) -> dict[str, int]:
    """How far down the sanctions ladder each leader has been pushed (0: untouched)."""
    return {lead.name: int(lead.rung) for lead in model.leaders}


def capitulated(model: PowerStruggleModel) -> dict[str, bool]:
    """Whether each leader has recanted."""
    return {lead.name: bool(lead.capitulated) for lead in model.leaders}


def events_table(model: PowerStruggleModel) -> pd.DataFrame:
    """The run's events so far as an events.csv-shaped table (replicate 0)."""
    return pd.DataFrame([{"replicate": 0, **e} for e in model.events])


def votes_table(model: PowerStruggleModel) -> pd.DataFrame:
    """The run's votes so far as a votes.csv-shaped table (replicate 0)."""
    return pd.DataFrame([{"replicate": 0, **v} for v in model.votes])


@dataclass(frozen=True, slots=True)
class ApparatusSample:
    """The organisations: their rows, their secretaries' patrons (-1: nobody) and whom most members follow."""

    rows: np.ndarray
    patron: np.ndarray
    allegiance: np.ndarray


def apparatus_sample(model: PowerStruggleModel) -> ApparatusSample:
    """Every organisation: its secretary's patron and the leader most of its members would follow."""
    from sim.mechanisms.choice import choice_shares

    table = model.party.members.table
    follow = np.einsum("ob,obk->ok", table, choice_shares(model)).argmax(axis=1)
    patrons = model.party.apparatus.patrons()
    return ApparatusSample(np.arange(patrons.size), patrons, follow)
