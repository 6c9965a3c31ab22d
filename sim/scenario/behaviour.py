"""The behavioural parameters: `[mechanisms.*]` and `[consolidation]`, typed, bounded and described.

Each mechanism's parameters, with the default the historical scenario uses and a description that
docs/parameters.md is generated from (`sim.scenario.reference`). The inputs that describe the world
(leaders, calendar, events, the party) are in `sim.scenario.schema`.
"""

from __future__ import annotations

from pydantic import Field, StrictBool

from sim.validation import StrictModel


class Mechanism(StrictModel):
    """A mechanism switch and a scale; subclasses add the mechanism's own named parameters."""

    enabled: StrictBool = True
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
        default=0.15, ge=0.0, le=1.0, description="monthly rate at which a spent bloc breaks, x the pressure"
    )
    # A split is made, not declared (sim.mechanisms.alliances.quarrel): the mean wait is dissolve_rate's.
    quarrels: int = Field(
        default=3, ge=1, le=12, description="quarrels that break a bloc whose reason is gone (1: one-shot)"
    )
    betrayal: float = Field(
        default=0.4, ge=0.0, le=1.0, description="distrust between a bloc's head and the partners who left it"
    )
    distrust_decay: float = Field(default=0.01, ge=0.0, le=1.0, description="monthly decay of distrust")
    # Once its common enemy is spent, a bloc breaks at the mean rate dissolve_rate x pressure, the pressure
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
