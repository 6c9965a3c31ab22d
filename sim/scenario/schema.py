"""The scenario schema: every input a run takes, typed, bounded and described (pydantic).

A scenario holds inputs only: the calendar, exogenous events, counterfactual switches, the state of
January 1924, the parameters and the names its outputs give its bodies and offices. Outcomes (votes,
alliances after the start, sanctions) are never inputs.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, StrictBool, model_validator

from sim.names import did_you_mean, expected_one_of, nearest
from sim.scenario.behaviour import (  # noqa: F401 - re-exported: the schema's one namespace
    MECHANISMS,
    AllianceParams,
    AppointmentParams,
    ChoiceParams,
    Consolidation,
    InformationParams,
    InstitutionParams,
    LegacyParams,
    Mechanism,
    Mechanisms,
    MobilisationParams,
    PropagandaParams,
    RepressionParams,
    ShockParams,
)
from sim.scenario.events import (  # noqa: F401 - re-exported: the schema's one namespace
    EVENT_TYPES,
    LEGACY_EVENTS,
    DatedEvent,
    DeathEvent,
    EnrolmentEvent,
    Event,
    Events,
    FuneralEvent,
    LetterEvent,
    ShockEvent,
    TestamentEvent,
)
from sim.scenario.names import Names
from sim.validation import StrictModel

Unit = Field(ge=0.0, le=1.0)


class LeaderParams(StrictModel):
    """One leader's parameters; all in [0, 1] except ideology in [-1, 1]."""

    appointment_control: float = Unit
    charisma: float = Unit
    compromise_willingness: float = Unit
    organisational_skill: float = Unit
    ruthlessness: float = Unit
    ideology: float = Field(ge=-1.0, le=1.0)
    flexibility: float = Unit
    lenin_legitimacy: float = Unit
    mobilisation: float = Unit
    vulnerability: float = Unit
    politburo: Literal["full", "candidate", "none"] = "none"
    posts: tuple[str, ...] = ()
    home_bloc: str = ""


class MemberParams(StrictModel):
    """A Politburo member who is nobody's rival (`sim.model.members`): his patron, line and willingness."""

    patron: str
    compromise_willingness: float = Unit
    ideology: float = Field(ge=-1.0, le=1.0)
    politburo: Literal["full", "candidate", "none"] = "none"


class Bloc(StrictModel):
    """A home base a leader's `home_bloc` may name.

    `share` and `ideology` are validated but read by no mechanism since the party's organisations
    (`party.organisations`) replaced the standing pool of delegates: a base's members and line are its
    organisation's.
    """

    share: float = Field(gt=0.0, le=1.0)
    ideology: float = Field(ge=-1.0, le=1.0)


class Session(StrictModel):
    """A scheduled Congress, Conference, CC plenum or open discussion (an input, not an outcome).

    A plenum's voters are the CC of the day, and a discussion's are the party's members, so neither
    takes `voting_delegates`; `joint = true` marks a joint plenum of the CC and the Central Control
    Commission, the body that removes CC members and expels (see docs/model.md, institutions).
    """

    date: date
    body: str
    kind: Literal["congress", "conference", "plenum", "discussion"]
    voting_delegates: int = Field(default=0, ge=0)
    cc_full_members: int = Field(default=0, ge=0)
    politburo_full_members: int = Field(default=0, ge=0, le=30)
    joint: StrictBool = False

    @model_validator(mode="after")
    def _delegates_for_votes(self) -> Session:
        if self.kind in ("congress", "conference") and self.voting_delegates <= 0:
            raise ValueError(f"voting_delegates: expected a positive number for a {self.kind}")
        return self


class Calendar(StrictModel):
    """Dated sessions plus the rule that schedules CC plenums between them.

    The rule (one plenum every `cc_plenum_interval_months`) applies only to calendars that list no
    session of kind `plenum`; a calendar that lists plenums gets exactly those.
    """

    sessions: tuple[Session, ...]
    cc_plenum_interval_months: int = Field(default=3, ge=1, le=12)
    initial_cc_full_members: int = Field(default=40, gt=0)


class Alliance(StrictModel):
    """An alliance already in force at the start (an input: the Troika dates from 1923)."""

    members: tuple[str, ...] = Field(min_length=2)
    against: str


class InitialState(StrictModel):
    """The state of January 1924."""

    appointee_share: float = Unit
    alliances: tuple[Alliance, ...] = ()
    politburo_client_seats: dict[str, int] = Field(default_factory=dict)
    # Named members who are nobody's rival: sitting (full, candidate) or cadres the leadership may promote.
    politburo_members: dict[str, MemberParams] = Field(default_factory=dict)
    # Salience of the agrarian question in [0, 1] at the start: how much policy distance costs a bloc.
    agrarian_salience: float = Field(default=0.2, ge=0.0, le=1.0)


class Organisation(StrictModel):
    """A party organisation that elects its own delegation: a province, a republic, the army's.

    `share` is its share of the party's members; `line` the centre of its members' lines; `secretary`
    the leader whose client its secretary is in January 1924 (empty: elected locally, nobody's man);
    `boss_post` the post whose holder runs it and keeps the centre out (empty: none, as for the army's
    political organs, a department of the CC). `police` marks the political police's own organisation:
    whoever holds its `boss_post` commands the organs (`sim.mechanisms.organs`).
    """

    share: float = Field(gt=0.0, le=1.0)
    line: float = Field(default=0.0, ge=-1.0, le=1.0)
    secretary: str = ""
    boss_post: str = ""
    police: StrictBool = False


class Drive(StrictModel):
    """A dated change of the party's rolls: a recruitment drive (`recruits`) or a purge (`expelled`).

    Recruits join as candidates, spread evenly over the days from `start` to `end`; a purge expels
    `expelled` (a share of the members on the rolls) over the same days.
    """

    start: date
    end: date
    recruits: int = Field(default=0, ge=0, le=10_000_000)
    expelled: float = Field(default=0.0, ge=0.0, le=1.0)
    note: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Drive:
        if self.end < self.start:
            raise ValueError(f"end: expected a date on or after start {self.start}")
        return self


class Party(StrictModel):
    """The party as members and organisations (`sim.model.party`): inputs of size, growth and structure.

    `scale` is simulated members per real member (1.0 runs the real party); `members` the party's
    size at the start (members and candidates); `candidate_share` the candidates among them;
    `candidate_months` the candidate stage before full membership; `line_spread` the sd of a member's
    line around his organisation's at the start, `recruit_spread` that of a recruit's around the
    party's agenda when he joins; `provinces` the number of
    provincial organisations that share what the named `organisations` leave. The secretaries
    installed from above by the start are `initial_state.appointee_share` of them.
    """

    scale: float = Field(
        default=0.05,
        gt=0.0,
        le=1.0,
        description="simulated members per real member (1.0 runs the real party)",
    )
    line_spread: float = Field(
        default=0.35,
        ge=0.0,
        le=2.0,
        description="sd of a member's line around his organisation's at the start",
    )
    recruit_spread: float = Field(
        default=0.4,
        ge=0.0,
        le=2.0,
        description="sd of a recruit's line around the party's agenda when he joins",
    )
    members: int = Field(
        default=446_089,
        gt=0,
        le=50_000_000,
        description="members and candidates at the start (446,089 on 1 January 1924)",
    )
    candidate_share: float = Field(
        default=0.25, ge=0.0, le=1.0, description="share of candidates among the members at the start"
    )
    candidate_months: int = Field(
        default=12, ge=0, le=120, description="months of the candidate stage before full membership"
    )
    provinces: int = Field(
        default=86,
        ge=1,
        le=1000,
        description="provincial organisations sharing the members the named ones leave",
    )
    organisations: dict[str, Organisation] = Field(default_factory=dict)
    drives: dict[str, Drive] = Field(default_factory=dict)


class ScenarioModel(StrictModel):
    """The whole validated scenario."""

    name: str = ""
    description: str = ""
    start: date
    end: date
    parameter_uncertainty: float = Field(default=0.05, ge=0.0, le=0.5)
    initial_agenda: float = Field(default=0.0, ge=-1.0, le=1.0)
    leaders: dict[str, LeaderParams]
    blocs: dict[str, Bloc]
    initial_state: InitialState
    calendar: Calendar
    events: Events = Events({})
    mechanisms: Mechanisms
    consolidation: Consolidation = Consolidation()
    party: Party = Party()
    names: Names = Names()  # display names only: nothing the model decides reads them

    @model_validator(mode="after")
    def _cross_checks(self) -> ScenarioModel:
        if self.end <= self.start:
            raise ValueError(f"end: expected a date after start {self.start}")
        if len(self.leaders) < 2:
            raise ValueError("leaders: expected at least two leaders")
        for name, lp in self.leaders.items():
            if lp.home_bloc and lp.home_bloc not in self.blocs:
                raise ValueError(f"leaders.{name}.home_bloc: {expected_one_of(lp.home_bloc, self.blocs)}")
        total = sum(b.share for b in self.blocs.values())
        if total > 1.0 + 1e-9:
            raise ValueError(f"blocs: expected shares summing to at most 1 (got {total:.3f})")
        for i, al in enumerate(self.initial_state.alliances):
            for who in (*al.members, al.against):
                if who not in self.leaders:
                    hint = did_you_mean(who, self.leaders)
                    raise ValueError(f"initial_state.alliances.{i}: unknown leader {who!r}{hint}")
        for who in self.initial_state.politburo_client_seats:
            if who not in self.leaders:
                raise ValueError(f"initial_state.politburo_client_seats.{who}: unknown leader")
        for who, member in self.initial_state.politburo_members.items():
            if member.patron not in self.leaders:
                raise ValueError(
                    f"initial_state.politburo_members.{who}.patron: expected one of {sorted(self.leaders)}"
                )
            if who in self.leaders:
                raise ValueError(f"initial_state.politburo_members.{who}: already a leader")
        for org, spec in self.party.organisations.items():
            if spec.secretary and spec.secretary not in self.leaders:
                raise ValueError(
                    f"party.organisations.{org}.secretary: expected one of {', '.join(sorted(self.leaders))} "
                    f"or empty{did_you_mean(spec.secretary, self.leaders)}"
                )
        named = sum(o.share for o in self.party.organisations.values())
        if named >= 1.0:
            raise ValueError(f"party.organisations: expected shares summing to less than 1 (got {named:.3f})")
        for name, ev in self.events.items():
            for key in ("absent", "criticism"):
                for who in getattr(ev, key, ()):
                    if who not in self.leaders:
                        hint = did_you_mean(who, self.leaders)
                        raise ValueError(f"events.{name}.{key}: unknown leader {who!r}{hint}")
        self._check_posts()
        self._check_dates()
        return self

    def _check_posts(self) -> None:
        """A post one letter off the first office or an organisation's boss post is a typo, not a new post.

        Posts are otherwise free labels, but `general_secretary` and each `boss_post` are read by the
        model: `posts = ["general_secretry"]` would leave the Secretariat empty at the start.
        """
        read = {"general_secretary"} | {o.boss_post for o in self.party.organisations.values() if o.boss_post}
        held = {post for lp in self.leaders.values() for post in lp.posts}
        for org, spec in self.party.organisations.items():
            post = spec.boss_post
            near = None if not post or post in held else nearest(post, held, cutoff=0.85)
            if near is not None:  # one of the two names is a typo; say both, not which
                who = next(k for k, lp in self.leaders.items() if near in lp.posts)
                raise ValueError(
                    f"party.organisations.{org}.boss_post: {post!r} is held by nobody, and "
                    f"leaders.{who}.posts has {near!r}: expected the same name in both"
                )
        for name, lp in self.leaders.items():
            for post in lp.posts:
                hint = "" if post in read else did_you_mean(post, read, cutoff=0.85)
                if hint:
                    raise ValueError(f"leaders.{name}.posts: {post!r} is no post the model reads{hint}")

    def _check_dates(self) -> None:
        inside = []
        for name, ev in self.events.items():
            if isinstance(ev, EnrolmentEvent):
                inside += [(f"events.{name}.start", ev.start), (f"events.{name}.end", ev.end)]
            else:
                inside.append((f"events.{name}.date", ev.date))
        inside += [(f"calendar.sessions.{i}.date", s.date) for i, s in enumerate(self.calendar.sessions)]
        for name, drive in self.party.drives.items():
            inside += [(f"party.drives.{name}.start", drive.start), (f"party.drives.{name}.end", drive.end)]
        for key, when in inside:
            if not self.start <= when <= self.end:
                raise ValueError(f"{key}: expected a date within {self.start}..{self.end} (got {when})")


class Scenario:
    """A validated scenario with its provenance (file, sha256) for the manifest."""

    def __init__(self, config: ScenarioModel, source: Path | None, sha256: str) -> None:
        self.config = config  # the validated configuration the model runs
        self.source = source
        self.sha256 = sha256  # of the file, its whole base chain and the overrides (sim.scenario.hashing)

    @property
    def name(self) -> str:
        """The scenario's name: its `name` key, else the file stem, else 'custom'."""
        if self.config.name:
            return self.config.name
        return self.source.stem if self.source else "custom"

    def resolved(self) -> dict[str, Any]:
        """The whole scenario after inheritance and overrides, as JSON-able data."""
        return self.config.model_dump(mode="json")
