"""Leaders: the faction heads whose parameters the brief names and whose fates the model produces."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.scenario import LeaderParams

if TYPE_CHECKING:
    from sim.model import PowerStruggleModel

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
    """A leader attribute whose every change is a structural change of the model (`sim.cache`).

    State that decides camps, eligibility, opposition and offices (mobilised, declared_opposition,
    capitulated, holds_home_post, rung, pb_seat) keys the model's caches of who stands where. The
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


class Leader(mesa.Agent):
    """A faction leader: fixed traits from the scenario, plus the state the struggle changes."""

    mobilised: bool = _Structural()  # type: ignore[assignment]
    declared_opposition: bool = _Structural()  # type: ignore[assignment]
    capitulated: bool = _Structural()  # type: ignore[assignment]
    holds_home_post: bool = _Structural()  # type: ignore[assignment]
    rung: int = _Structural()  # type: ignore[assignment]
    pb_seat: int = _Structural()  # type: ignore[assignment]

    def __init__(self, model: PowerStruggleModel, name: str, params: LeaderParams, index: int) -> None:
        super().__init__(model)
        self.name = name
        self.index = index
        self.params = params
        unc = model.cfg.parameter_uncertainty
        # Parameter uncertainty: each replicate draws the traits around the scenario's values.
        for trait in _JITTERED:
            base = getattr(params, trait)
            value = base + model.rng.normal(0.0, unc) if unc > 0 and 0.0 < base < 1.0 else base
            setattr(self, trait, float(min(1.0, max(0.0, value))))
        self.position = float(params.ideology)
        self.legitimacy = self.lenin_legitimacy
        self.mantle = 1.0  # claim on the Lenin cult, staked at the funeral (see legacy.funeral)
        self.standing = 1.0
        self.rung = 0
        self.last_sanction_month = -999
        self.pb_seat = {"full": 2, "candidate": 1, "none": 0}[params.politburo]
        self.in_cc = True
        self._posts = frozenset(params.posts)  # changed only by take_post / lose_post
        self.home_bloc = params.home_bloc
        self.holds_home_post = bool(params.home_bloc)
        self.mobilised = False
        # Set when he joins a bloc formed against the leadership: a platform is not unsaid until he recants.
        self.declared_opposition = False
        self.capitulated = False

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
    def holds_secretariat(self) -> bool:
        """Whether the leader holds the General Secretary's post (the appointment lever)."""
        return "general_secretary" in self._posts

    @property
    def eligible(self) -> bool:
        """Whether delegates can still back him: expelled and exiled leaders cannot lead a following."""
        return self.rung < RUNG["party_expulsion"]

    @property
    def in_politburo(self) -> bool:
        """Full or candidate member of the Politburo."""
        return self.pb_seat > 0

    def apply_sanction(self, kind: str, month: int) -> None:
        """Move one step down the ladder; the offices that go with each step go too."""
        self.rung = max(self.rung, RUNG[kind])
        self.last_sanction_month = month
        self.model.cache.structure_changed()  # offices may have changed
        if kind == "post_removal":
            self.holds_home_post = False
            self.lose_post("general_secretary")
        if self.rung >= RUNG["politburo_removal"]:
            self.pb_seat = 0
            self.holds_home_post = False
            for post in self._posts:
                self.lose_post(post)
        if self.rung >= RUNG["cc_removal"]:
            self.in_cc = False
