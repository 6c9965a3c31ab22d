"""Leaders: the faction heads whose parameters the brief names and whose fates the model produces."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import mesa

from sim.scenario import LeaderParams

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel

# The sanctions ladder, mildest first; a leader's `rung` is the index of the last step applied.
LADDER: tuple[str, ...] = (
    "none",
    "censure",
    "post_removal",
    "politburo_removal",
    "cc_removal",
    "party_expulsion",
    "internal_exile",
    "exile_abroad",
)
RUNG = {kind: i for i, kind in enumerate(LADDER)}

_JITTERED = (
    "appointment_control",
    "charisma",
    "compromise_willingness",
    "organisational_skill",
    "ruthlessness",
    "flexibility",
    "lenin_legitimacy",
    "mobilisation",
    "vulnerability",
)


class _Structural:
    """A leader attribute whose every change is a structural change of the model (`sim.model.cache`).

    State that decides camps, eligibility, opposition and offices (mobilised, declared_opposition,
    capitulated, arrested, holds_home_post, rung, pb_seat) keys the model's caches of who stands where. The
    descriptor defines only `__set__`, so reading the attribute is a plain instance-dict lookup:
    reads outnumber writes a hundred to one.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __set__(self, leader: Leader, value: object) -> None:
        state = leader.__dict__
        if self.name not in state or state[self.name] != value:  # re-asserting a value changes nothing
            leader.model.cache.structure_changed()
        state[self.name] = value


class Seat(IntEnum):
    """A leader's place in the Politburo (its value is what the timeseries' `pb_seat` column shows)."""

    NONE = 0
    CANDIDATE = 1
    FULL = 2


SEAT_OF = {"none": Seat.NONE, "candidate": Seat.CANDIDATE, "full": Seat.FULL}


class Leader(mesa.Agent):
    """A faction leader: fixed traits from the scenario, plus the state the struggle changes.

    Every attribute a leader has is declared here and set in `__init__`; nothing is added later
    (tests/test_leaders.py checks this after whole runs).
    """

    # Who he is.
    name: str
    index: int
    params: LeaderParams
    home_bloc: str
    # Traits, drawn once per replicate around the scenario's values (parameter uncertainty).
    appointment_control: float
    charisma: float
    compromise_willingness: float
    organisational_skill: float
    ruthlessness: float
    flexibility: float
    lenin_legitimacy: float
    mobilisation: float
    vulnerability: float
    # State the struggle changes.
    position: float  # policy line, drifting toward the agenda (shocks)
    legitimacy: float  # as Lenin's heir
    mantle: float  # claim on the Lenin cult, staked at the funeral (see legacy.funeral)
    standing: float  # reputation, eroded by campaigns and erasure
    last_sanction_month: int
    offence_month: int  # month of his latest act of defiance, -999 before any (sim.mechanisms.defiance)
    faction_act_month: int  # month of his faction's latest open act (meetings, press, streets), -999 before
    ultimatum_month: int  # month he was told, in exile, to cease his activity, -999 before (repression)
    arrested_month: int  # month of his arrest (sim.mechanisms.organs), -1 before
    in_cc: bool
    testament_criticism: float  # the testament's criticism of him, once it is read (legacy)
    capitulated_month: int  # month of his recantation, -1 before (repression)
    readmitted: bool  # readmitted to the party after recanting (repression)
    organising: int  # steps toward an organised faction taken so far (mobilisation)
    _posts: frozenset[str]  # offices, changed only by take_post / lose_post
    # Structural state: every change bumps the model's structure version (sim.model.cache).
    mobilised: bool = _Structural()  # type: ignore[assignment]
    # Set when he joins a bloc formed against the leadership: a platform is not unsaid until he recants.
    declared_opposition: bool = _Structural()  # type: ignore[assignment]
    capitulated: bool = _Structural()  # type: ignore[assignment]
    arrested: bool = _Structural()  # type: ignore[assignment]  # by the leadership (sim.mechanisms.organs)
    holds_home_post: bool = _Structural()  # type: ignore[assignment]
    rung: int = _Structural()  # type: ignore[assignment]
    pb_seat: Seat = _Structural()  # type: ignore[assignment]

    def __init__(self, model: PowerStruggleModel, name: str, params: LeaderParams, index: int) -> None:
        super().__init__(model)
        self.name = name
        self.index = index
        self.params = params
        self.home_bloc = params.home_bloc
        unc = model.cfg.parameter_uncertainty
        for trait in _JITTERED:
            base = getattr(params, trait)
            # The noise is drawn for every trait, so that replicate i's later draws from model.rng are
            # the same in every scenario (common random numbers). It is not added to a trait drawn from
            # a posterior, nor to one set at a bound: 0 or 1 is a switch (no appointment power), not
            # an estimate.
            noise = model.rng.normal(0.0, unc) if unc > 0 else 0.0
            kept = f"leaders.{name}.{trait}" in model.drawn or not 0.0 < base < 1.0
            value = base if kept else base + noise
            setattr(self, trait, float(min(1.0, max(0.0, value))))
        self.position = float(params.ideology)
        self.legitimacy = self.lenin_legitimacy
        self.mantle = 1.0
        self.standing = 1.0
        self.rung = 0
        self.last_sanction_month = -999
        self.offence_month = -999
        self.faction_act_month = -999
        self.ultimatum_month = -999
        self.pb_seat = SEAT_OF[params.politburo]
        self.in_cc = True
        self.testament_criticism = 0.0
        self.capitulated_month = -1
        self.readmitted = False
        self.organising = 0
        self._posts = frozenset(params.posts)
        self.holds_home_post = bool(params.home_bloc)
        self.mobilised = False
        self.declared_opposition = False
        self.capitulated = False
        self.arrested = False
        self.arrested_month = -1

    @property
    def posts(self) -> frozenset[str]:
        """The offices he holds (read-only: `take_post` and `lose_post` change them)."""
        return self._posts

    def take_post(self, post: str) -> None:
        """Take an office: a structural change (the caches of who holds what are forgotten)."""
        if post not in self._posts:
            self._posts = self._posts | {post}
            self.model.cache.structure_changed()

    def lose_post(self, post: str) -> None:
        """Lose an office: a structural change."""
        if post in self._posts:
            self._posts = self._posts - {post}
            self.model.cache.structure_changed()

    @property
    def contender(self) -> bool:
        """Whether he contends for the succession: he sits in the Politburo or has lost a seat there."""
        return self.pb_seat != Seat.NONE or self.rung >= RUNG["politburo_removal"]

    @property
    def holds_secretariat(self) -> bool:
        """Whether the leader holds the General Secretary's post (the appointment lever)."""
        return "general_secretary" in self._posts

    @property
    def eligible(self) -> bool:
        """Whether delegates can still back him: the expelled, exiled and arrested cannot lead a following."""
        return self.rung < RUNG["party_expulsion"] and not self.arrested

    @property
    def expelled_at_home(self) -> bool:
        """Expelled and still in the country (free or in internal exile): he may recant and be readmitted."""
        return RUNG["party_expulsion"] <= self.rung < RUNG["exile_abroad"]

    @property
    def in_politburo(self) -> bool:
        """Full or candidate member of the Politburo."""
        return self.pb_seat > Seat.NONE

    def apply_sanction(self, kind: str, month: int) -> None:
        """Move one step down the ladder; the offices that go with each step go too."""
        self.rung = max(self.rung, RUNG[kind])
        self.last_sanction_month = month
        self.model.cache.structure_changed()  # offices may have changed
        if kind == "post_removal":
            self.holds_home_post = False
            self.lose_post("general_secretary")
        if self.rung >= RUNG["politburo_removal"]:
            self.pb_seat = Seat.NONE
            self.holds_home_post = False
            for post in self._posts:
                self.lose_post(post)
        if self.rung >= RUNG["cc_removal"]:
            self.in_cc = False
