"""The scenario schema: every input a run takes, typed, bounded and described (pydantic).

A scenario holds inputs only: the calendar, exogenous events, counterfactual switches, the state of
January 1924 and the parameters. Outcomes (votes, alliances after the start, sanctions) are never inputs.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

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
    """A Politburo member who is nobody's rival (`sim.members`): his patron, line and willingness."""

    patron: str
    compromise_willingness: float = Unit
    ideology: float = Field(ge=-1.0, le=1.0)
    politburo: Literal["full", "candidate", "none"] = "none"


class Bloc(StrictModel):
    """A region or institution whose delegates share a home organisation."""

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
    joint: bool = False

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


class DatedEvent(StrictModel):
    """An exogenous event with a date and an on/off switch."""

    date: date
    enabled: bool = True


class FuneralEvent(DatedEvent):
    """Lenin's funeral: who stood by the coffin is an input (Trotsky was away in Sukhum)."""

    absent: tuple[str, ...] = ()


class EnrolmentEvent(StrictModel):
    """The Lenin Enrolment: mass recruitment through the apparatus.

    `recruits` is the drive's size in real members (241,591 admitted as candidates by the 13th
    Congress); they join the party's rolls (`sim.party`) day by day between `start` and `end`.
    """

    enabled: bool = True
    start: date
    end: date
    recruits: int = Field(default=241_591, ge=0, le=10_000_000)


class TestamentEvent(DatedEvent):
    """Lenin's testament and how the CC handles it.

    `published = true` makes the CC publish it (the counterfactual switch); with `false` the CC keeps
    it to delegation heads unless an organised faction forces its reading.
    """

    published: bool = False
    criticism: dict[str, float] = Field(default_factory=dict)


class ShockEvent(DatedEvent):
    """A shock that moves the policy agenda and the climate of fear."""

    agenda_shift: float = Field(default=0.0, ge=-2.0, le=2.0)
    fear_boost: float = Field(default=0.0, ge=0.0, le=1.0)
    # How much the shock raises the salience of the agrarian question (grain, the pace of industry).
    agrarian_salience: float = Field(default=0.0, ge=0.0, le=1.0)


class Events(StrictModel):
    """Every exogenous event of the window."""

    lenin_death: DatedEvent
    funeral: FuneralEvent
    lenin_enrolment: EnrolmentEvent
    testament: TestamentEvent
    war_scare: ShockEvent
    grain_crisis: ShockEvent


class Mechanism(StrictModel):
    """A mechanism switch and a scale; subclasses add the mechanism's own named parameters."""

    enabled: bool = True
    strength: float = Field(default=1.0, ge=0.0, le=10.0)


class AppointmentParams(Mechanism):
    """1. The circular flow of power: the Secretariat places loyal cadres."""

    monthly_rate: float = Field(
        default=0.027,
        ge=0.0,
        le=1.0,
        description="monthly chance the General Secretary replaces a secretary who is nobody's man",
    )
    targeting: float = Field(
        default=1.0,
        ge=0.0,
        le=20.0,
        description="opponents' cadres are 3x as likely to be moved as loyalists",
    )
    home_protection: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description="a region whose boss holds his post is mostly closed to the centre",
    )


class InformationParams(Mechanism):
    """2. Records: sharper attacks and foresight of opponents' moves."""

    attack_bonus: float = Field(
        default=0.5, ge=0.0, le=5.0, description="records make the Secretariat's attacks half as sharp again"
    )
    foresight: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="and halve the chance that a move against it comes as a surprise",
    )


class PropagandaParams(Mechanism):
    """3. Campaigns against the main rival and control of the press."""

    damage: float = Field(
        default=0.06, ge=0.0, le=1.0, description="monthly loss of standing under a full campaign"
    )
    answer_effect: float = Field(
        default=0.85, ge=0.0, le=1.0, description="a target who answers (mobilises) takes 85% less"
    )
    legitimacy_damage: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="'traitor to Lenin's memory': part of the damage falls on legitimacy",
    )
    recovery: float = Field(
        default=0.03, ge=0.0, le=1.0, description="standing recovers slowly without a campaign"
    )
    press_decay: float = Field(
        default=0.015, ge=0.0, le=1.0, description="the leadership's press narrows an oppositionist's reach"
    )


class LegacyParams(Mechanism):
    """4. Lenin's legacy: the cult, the funeral and the testament."""

    cult_rate: float = Field(
        default=0.006, ge=0.0, le=1.0, description="monthly legitimacy gain of the Lenin cult's guardians"
    )
    funeral_bonus: float = Field(
        default=0.05,
        ge=0.0,
        le=1.0,
        description="legitimacy per leader shared at the funeral among those present, by legitimacy",
    )
    funeral_penalty: float = Field(default=0.12, ge=0.0, le=1.0, description="the absent heir")
    testament_defection: float = Field(
        default=1.5,
        ge=0.0,
        le=5.0,
        description="share of the camp turned per unit of criticism (Stalin: 0.35 x 1.5 = half)",
    )
    forced_reading: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description="chance that a faction (full skill and standing) forces the testament's reading",
    )


class ChoiceParams(Mechanism):
    """5. How delegates re-weigh their allegiance (weights of a random-utility choice)."""

    reconsider_rate: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="share of members who weigh again each month whom they follow",
    )
    patronage: float = Field(
        default=1.5,
        ge=0.0,
        le=20.0,
        description="utility of following the leader who placed one's organisation's secretary",
    )
    bloc: float = Field(
        default=1.0,
        ge=0.0,
        le=20.0,
        description="utility of following one's organisation's boss while he holds its post",
    )
    ideology: float = Field(
        default=2.0,
        ge=0.0,
        le=20.0,
        description="utility lost per unit of distance between a member's line and a leader's",
    )
    charisma: float = Field(
        default=1.5, ge=0.0, le=20.0, description="weight of a leader's charisma times his standing"
    )
    legitimacy: float = Field(
        default=1.5, ge=0.0, le=20.0, description="weight of a leader's Lenin legitimacy"
    )
    bandwagon: float = Field(
        default=0.5, ge=0.0, le=20.0, description="weight of a leader's following (the side that is winning)"
    )
    fear: float = Field(
        default=2.0,
        ge=0.0,
        le=20.0,
        description="weight of the danger of following a sanctioned or oppositionist leader",
    )
    base_fear: float = Field(
        default=0.15,
        ge=0.0,
        le=2.0,
        description="fear of backing an open oppositionist before any shock adds to the climate of fear",
    )


class AllianceParams(Mechanism):
    """6. Coalitions against the strongest rival, dissolved when the threat fades."""

    form_rate: float = Field(
        default=0.6,
        ge=0.0,
        le=1.0,
        description="monthly chance an eager suitor forms a coalition with his best partner",
    )
    threshold: float = Field(
        default=0.2,
        ge=0.0,
        le=1.0,
        description="least compatibility (willingness less distance and distrust) for a coalition",
    )
    distance_weight: float = Field(
        default=0.5,
        ge=0.0,
        le=5.0,
        description="compatibility lost per unit of distance between two leaders' lines",
    )
    ideology_weight: float = Field(
        default=4.0,
        ge=0.0,
        le=10.0,
        description="how fast fear of a camp grows with its distance: power x exp(this x distance)",
    )
    threat_min: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="least following of a rival camp that makes a leader seek partners",
    )
    dissolve_rate: float = Field(
        default=0.15,
        ge=0.0,
        le=1.0,
        description="monthly chance a coalition whose reason is gone breaks, times the pressure",
    )
    betrayal: float = Field(
        default=0.4, ge=0.0, le=1.0, description="distrust between a bloc's head and the partners who left it"
    )
    distrust_decay: float = Field(default=0.01, ge=0.0, le=1.0, description="monthly decay of distrust")
    # Once its common enemy is spent, a bloc's monthly hazard of breaking is dissolve_rate x
    # min(1, policy_cost x agrarian salience x policy distance / mean compromise willingness).
    policy_cost: float = Field(
        default=3.0,
        ge=0.0,
        le=20.0,
        description="a spent enemy's bloc breaks over policy: x salience x distance / willingness",
    )
    # ... or, if larger, rivalry x the head's share of the bloc x its most ruthless junior's ruthlessness^2.
    rivalry: float = Field(
        default=3.0,
        ge=0.0,
        le=10.0,
        description="... or over a ruthless partner's fear of its head: x head's share x ruthlessness^2",
    )


class InstitutionParams(Mechanism):
    """7. Sessions, votes and the sanctions ladder."""

    proposal_rate: float = Field(
        default=0.9,
        ge=0.0,
        le=1.0,
        description="chance the leadership moves the next sanction at a session, x ruthlessness, the charge",
    )
    min_months_between_sanctions: int = Field(
        default=3, ge=0, le=60, description="a new step needs a new session: plenums come every three months"
    )
    slate_bias: float = Field(
        default=2.0,
        ge=0.0,
        le=20.0,
        description="extra weight of the leadership's people on the Congress's list for the CC",
    )
    qualified_majority: float = Field(
        default=0.6666666666666666,
        gt=0.5,
        le=1.0,
        description="majority to remove a CC member or expel (two thirds after the 1921 unity resolution)",
    )
    cc_purge_survival: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="chance a removed leader's follower keeps his CC seat",
    )


class MobilisationParams(Mechanism):
    """8. Factions and platforms, and the charge of factionalism they hand the majority."""

    rate: float = Field(
        default=0.25,
        ge=0.0,
        le=1.0,
        description="monthly hazard of a step toward a faction, times the will to organise",
    )
    faction_pull: float = Field(
        default=4.0,
        ge=0.0,
        le=20.0,
        description="utility pull of an organised faction on a delegate of the same line",
    )
    reach: float = Field(
        default=0.6, gt=0.0, le=2.0, description="ideological distance over which the pull falls by e"
    )
    # Steps to a faction (platform, cells, press, appeal to the ranks), each taken at `steps x rate x will`.
    steps: int = Field(
        default=4,
        ge=1,
        le=12,
        description="steps to a faction: platform, supporters in the cells, press and couriers, the ranks",
    )


class RepressionParams(Mechanism):
    """9. Erasure, demotion of the losing side, exile; capitulation as the way out."""

    erasure: float = Field(
        default=0.15,
        ge=0.0,
        le=1.0,
        description="monthly loss of standing of a sanctioned leader from Politburo removal on, by depth",
    )
    demotion: float = Field(
        default=0.15,
        ge=0.0,
        le=1.0,
        description="chance each client secretary of a sanctioned leader is moved out, times ruthlessness",
    )
    internal_exile_rate: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="monthly hazard of internal exile for an expelled leader, times ruthlessness",
    )
    exile_abroad_rate: float = Field(
        default=0.25,
        ge=0.0,
        le=1.0,
        description="monthly hazard of deportation abroad, times ruthlessness and standing",
    )
    min_months_before_abroad: int = Field(
        default=6, ge=0, le=60, description="least months in internal exile before deportation abroad"
    )
    # Deportation answers the danger an exile still poses: his standing, above a floor (Trotsky's
    # correspondence from Alma-Ata kept the opposition alive through 1928).
    danger_floor: float = Field(
        default=0.5,
        ge=0.0,
        le=2.0,
        description="how dangerous an internal exile of no standing still seems to the leadership",
    )
    capitulation_rate: float = Field(
        default=0.12,
        ge=0.0,
        le=1.0,
        description="monthly hazard of recanting once expelled, x stake x willingness^2 x (1 - hope)",
    )
    readmission_months: int = Field(
        default=6, ge=0, le=60, description="months before a recanting expelled leader is readmitted"
    )
    # Share of standing a leader loses by recanting (he keeps his place, not his voice).
    recant_standing_loss: float = Field(
        default=0.5, ge=0.0, le=1.0, description="a recanting leader keeps his place, not his voice"
    )
    # Scale of the chance to recant right after a sanction passes (times his propensity, in [0, 1]).
    recant_on_sanction: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="chance to recant just after a sanction, x the same propensity",
    )


class ShockParams(Mechanism):
    """10. Exogenous shocks and the policy drift of flexible leaders."""

    drift_rate: float = Field(
        default=0.08,
        ge=0.0,
        le=1.0,
        description="monthly share of the way a leader's line moves toward his target line",
    )
    member_drift: float = Field(
        default=0.02, ge=0.0, le=1.0, description="monthly pull of the agenda on a member's line"
    )
    fear_decay: float = Field(
        default=0.05, ge=0.0, le=1.0, description="monthly decay of the climate of fear"
    )


MECHANISMS: tuple[str, ...] = (
    "appointment",
    "information",
    "propaganda",
    "legacy",
    "delegate_choice",
    "alliances",
    "institutions",
    "mobilisation",
    "repression",
    "shocks",
)


class Mechanisms(StrictModel):
    """The ten mechanisms of the brief, each switchable and scalable."""

    appointment: AppointmentParams = AppointmentParams()
    information: InformationParams = InformationParams()
    propaganda: PropagandaParams = PropagandaParams()
    legacy: LegacyParams = LegacyParams()
    delegate_choice: ChoiceParams = ChoiceParams()
    alliances: AllianceParams = AllianceParams()
    institutions: InstitutionParams = InstitutionParams()
    mobilisation: MobilisationParams = MobilisationParams()
    repression: RepressionParams = RepressionParams()
    shocks: ShockParams = ShockParams()


class Consolidation(StrictModel):
    """The rule that says who won."""

    apparatus_share: float = Field(
        default=0.6666666666666666,
        gt=0.5,
        le=1.0,
        description="share of provincial secretaries the winner's camp must hold as its men",
    )
    rival_following: float = Field(
        default=0.1,
        gt=0.0,
        le=1.0,
        description="the most following among members a rival in the Politburo may keep",
    )


class Organisation(StrictModel):
    """A party organisation that elects its own delegation: a province, a republic, the army's.

    `share` is its share of the party's members; `line` the centre of its members' lines; `secretary`
    the leader whose client its secretary is in January 1924 (empty: elected locally, nobody's man);
    `boss_post` the post whose holder runs it and keeps the centre out (empty: none, as for the army's
    political organs, a department of the CC).
    """

    share: float = Field(gt=0.0, le=1.0)
    line: float = Field(default=0.0, ge=-1.0, le=1.0)
    secretary: str = ""
    boss_post: str = ""


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
    """The party as members and organisations (`sim.party`): inputs of size, growth and structure.

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
    events: Events
    mechanisms: Mechanisms
    consolidation: Consolidation = Consolidation()
    party: Party = Party()

    @model_validator(mode="after")
    def _cross_checks(self) -> ScenarioModel:
        if self.end <= self.start:
            raise ValueError(f"end: expected a date after start {self.start}")
        if len(self.leaders) < 2:
            raise ValueError("leaders: expected at least two leaders")
        for name, lp in self.leaders.items():
            if lp.home_bloc and lp.home_bloc not in self.blocs:
                raise ValueError(f"leaders.{name}.home_bloc: expected one of {sorted(self.blocs)}")
        total = sum(b.share for b in self.blocs.values())
        if total > 1.0 + 1e-9:
            raise ValueError(f"blocs: expected shares summing to at most 1 (got {total:.3f})")
        for i, al in enumerate(self.initial_state.alliances):
            for who in (*al.members, al.against):
                if who not in self.leaders:
                    raise ValueError(f"initial_state.alliances.{i}: unknown leader {who!r}")
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
                    f"party.organisations.{org}.secretary: expected one of {sorted(self.leaders)} or empty"
                )
        named = sum(o.share for o in self.party.organisations.values())
        if named >= 1.0:
            raise ValueError(f"party.organisations: expected shares summing to less than 1 (got {named:.3f})")
        for who in (*self.events.funeral.absent, *self.events.testament.criticism):
            if who not in self.leaders:
                raise ValueError(f"events: unknown leader {who!r}")
        self._check_dates()
        return self

    def _check_dates(self) -> None:
        inside = [
            ("events.lenin_death.date", self.events.lenin_death.date),
            ("events.funeral.date", self.events.funeral.date),
            ("events.lenin_enrolment.start", self.events.lenin_enrolment.start),
            ("events.lenin_enrolment.end", self.events.lenin_enrolment.end),
            ("events.testament.date", self.events.testament.date),
            ("events.war_scare.date", self.events.war_scare.date),
            ("events.grain_crisis.date", self.events.grain_crisis.date),
        ]
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
