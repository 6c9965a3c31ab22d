"""PowerStruggleModel: the monthly rhythm of party life from January 1924, as an ordinary mesa.Model."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from sim.bodies import CentralCommittee, CoalitionRegister, Politburo
from sim.cache import StateCache
from sim.calendar import build_sessions, month_key, month_starts
from sim.leaders import Leader
from sim.mechanisms import (
    alliances,
    appointment,
    choice,
    defiance,
    institutions,
    legacy,
    mobilisation,
    propaganda,
    repression,
    shocks,
)
from sim.members import PolitburoMember
from sim.outcome import consolidated_leader
from sim.party import PartyState
from sim.politics import camp_of, ruling_camp
from sim.scenario import Scenario, load_scenario
from sim.tables import LeaderMonth

#: One random stream per mechanism that draws, spawned from the model's seeded generator (see `streams`).
STREAMS: tuple[str, ...] = (
    "appointment",
    "choice",
    "alliances",
    "institutions",
    "repression",
    "legacy",
    "mobilisation",
    "defiance",
    "votes",
    "politburo",
    "party",
)


class FrozenRecord(tuple):
    """One month's `LeaderMonth` records, immutable: the DataCollector's deepcopy can keep it as it is."""

    __slots__ = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenRecord:
        return self


class PowerStruggleModel(mesa.Model):
    """The succession struggle: leaders, the party and its bodies, stepped one month at a time.

    Build it from a scenario path, mapping or `Scenario`, optional dotted `overrides` and an `rng`
    seed; call `step()` once per month (or `run_model()`); `running` turns False after the last month.
    `monthly_records=False` skips the DataCollector's monthly records (the leader-month table), which
    nothing in the replay reads: a sweep of summaries runs faster with the same outcomes.
    `drawn` names dotted paths whose values were drawn from a posterior: `parameter_uncertainty`
    leaves those leader traits as they are.
    """

    def __init__(
        self,
        scenario: str | Path | Mapping[str, Any] | Scenario = "scenarios/historical.toml",
        overrides: Mapping[str, Any] | None = None,
        rng: int | np.random.Generator | None = None,
        replicate: int = 0,
        *,
        monthly_records: bool = True,
        drawn: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(rng=rng)
        # Dotted paths drawn from a calibration's posterior (sim.posterior): their values are not jittered.
        self.drawn = frozenset(drawn)
        # Off for a run whose leader-month table nobody keeps (a sweep of summaries): the monthly
        # records and the DataCollector's collection are about a twelfth of a replay, and nothing in
        # the replay reads them. The DataCollector then stays empty.
        self.monthly_records = monthly_records
        # Each mechanism draws from its own child of `self.rng` (spawned from its seed sequence, so
        # fixed by the seed). Two scenarios run with the same seed then share their random numbers
        # mechanism by mechanism: a counterfactual that makes one mechanism draw more often does not
        # reshuffle every other mechanism's draws, and paired differences between scenarios are
        # sharper (common random numbers). The initial state draws from `self.rng` itself.
        self.streams: dict[str, np.random.Generator] = dict(
            zip(STREAMS, self.rng.spawn(len(STREAMS)), strict=True)
        )
        if isinstance(scenario, Scenario):
            self.spec = scenario if not overrides else load_scenario(scenario.resolved(), overrides)
        else:
            self.spec = load_scenario(scenario, overrides)
        self.cfg = cfg = self.spec.config
        self.replicate = replicate
        self.months = month_starts(cfg.start, cfg.end)
        self.sessions = build_sessions(cfg, self.months)
        self.month = -1
        self.mid_month = date(cfg.start.year, cfg.start.month, 15)
        self.events: list[dict[str, str]] = []
        self.votes: list[dict[str, Any]] = []
        self.delegations: list[dict[str, Any]] = []
        # Leaders whose line a Congress has voted down (a boss's organisation may then be taken from him).
        self.condemned: set[int] = set()
        self.coalitions = CoalitionRegister(self)
        # Cached model-level queries, keyed by the versions of the structure and the support (sim.cache).
        self.cache = StateCache()
        self.agenda = cfg.initial_agenda
        self.agrarian_salience = cfg.initial_state.agrarian_salience
        self.fear = 0.0
        self.lenin_dead = False
        self.testament_pending = False
        self.consolidation_history: list[int] = []

        self.leader_names = list(cfg.leaders)
        self.leader_index = {n: i for i, n in enumerate(self.leader_names)}
        self.leaders = [Leader(self, n, p, i) for i, (n, p) in enumerate(cfg.leaders.items())]
        clients = cfg.initial_state.politburo_client_seats
        members = [PolitburoMember(self, n, p) for n, p in cfg.initial_state.politburo_members.items()]
        self.politburo = Politburo(
            self.leaders, {self.leader_index[n]: s for n, s in clients.items()}, members
        )
        self.distrust = np.zeros((len(self.leaders), len(self.leaders)))
        # The party: members, organisations and their secretaries (sim.party), from its own stream.
        self.party = PartyState(self)

        self.central_committee = CentralCommittee(self)
        self._agenda_items = self._schedule_exogenous_events()

        self.support = np.full(len(self.leaders), 1.0 / len(self.leaders))
        self.support_list = self.support.tolist()
        self.ruling = frozenset({0})
        for alliance in cfg.initial_state.alliances:
            members = {self.leader_index[m] for m in alliance.members}
            self.coalitions.start(
                members, self.leader_index[alliance.against], when=cfg.start, detail="in force since 1923"
            )
        choice.settle(self)
        self._elect_initial_central_committee()
        self.winner_now = -1
        self.date_iso = cfg.start.isoformat()
        self.leader_state: tuple[LeaderMonth, ...] = ()
        self.datacollector = mesa.DataCollector(
            model_reporters={"date": "date_iso", "winner_now": "winner_now", "leader_state": "leader_state"}
        )
        self.running = True

    # --- set-up ----------------------------------------------------------------------------------

    def _elect_initial_central_committee(self) -> None:
        """The CC of January 1924, elected by the 12th Congress from the slates of the day's apparatus."""
        from sim.party import delegations

        size = self.cfg.calendar.initial_cc_full_members
        patron, choice = delegations.elect(self, delegations.apportion(size, self.party.members.by_org()))
        self.central_committee.seat(patron, choice)
        self.refresh_ruling()

    def _schedule_exogenous_events(self) -> dict[tuple[int, int], list[tuple[date, Callable[[], None]]]]:
        """The dated exogenous events, keyed by month; bound methods keep them picklable and explicit."""
        ev = self.cfg.events
        items: list[tuple[date, Callable[[], None]]] = []
        if ev.lenin_death.enabled:
            items.append((ev.lenin_death.date, self._lenin_dies))
        if ev.funeral.enabled:
            items.append((ev.funeral.date, self._funeral))
        if ev.testament.enabled:
            items.append((ev.testament.date, self._testament))
        if ev.war_scare.enabled:
            items.append((ev.war_scare.date, self._war_scare))
        if ev.grain_crisis.enabled:
            items.append((ev.grain_crisis.date, self._grain_crisis))
        if ev.lenin_enrolment.enabled:
            items.append((ev.lenin_enrolment.start, self._enrolment_opens))
            items.append((ev.lenin_enrolment.end, self._enrolment_closes))
        by_month: dict[tuple[int, int], list[tuple[date, Callable[[], None]]]] = {}
        for when, fn in sorted(items, key=lambda x: x[0]):
            by_month.setdefault(month_key(when), []).append((when, fn))
        return by_month

    # --- exogenous events --------------------------------------------------------------------------

    def _lenin_dies(self) -> None:
        self.lenin_dead = True
        self.politburo.lenin_dies(self.cfg.events.lenin_death.date)
        self.log_event(self.cfg.events.lenin_death.date, "lenin_death", "", "", "Lenin dies at Gorki")

    def _funeral(self) -> None:
        legacy.funeral(self)
        absent = ", ".join(self.cfg.events.funeral.absent) or "nobody"
        self.log_event(self.cfg.events.funeral.date, "funeral", "", "Red Square", f"absent: {absent}")

    def _testament(self) -> None:
        ev = self.cfg.events.testament
        forcer = None if ev.published else legacy.faction_forcing_reading(self)
        if ev.published or forcer is not None:
            legacy.publish_testament(self)
            self.testament_pending = True
            detail = (
                "the letter is read to the Congress"
                if ev.published
                else f"{forcer}'s faction forces the letter's reading"
            )
            self.log_event(ev.date, "testament_published", forcer or "", "Central Committee", detail)
        else:
            self.log_event(
                ev.date, "testament_handled", "", "Central Committee", "read to delegation heads only"
            )

    def _war_scare(self) -> None:
        shocks.strike(self, self.cfg.events.war_scare)
        self.log_event(self.cfg.events.war_scare.date, "war_scare", "", "", "Britain breaks off relations")

    def _grain_crisis(self) -> None:
        shocks.strike(self, self.cfg.events.grain_crisis)
        self.log_event(self.cfg.events.grain_crisis.date, "grain_crisis", "", "", "procurements fall short")

    def _enrolment_opens(self) -> None:
        self.log_event(
            self.cfg.events.lenin_enrolment.start, "lenin_enrolment_start", "", "", "mass recruitment"
        )

    def _enrolment_closes(self) -> None:
        self.log_event(self.cfg.events.lenin_enrolment.end, "lenin_enrolment_end", "", "", "")

    # --- the monthly rhythm -------------------------------------------------------------------------

    def step(self) -> None:
        """One month: events, recruits, placements, campaigns, the members' choice, alliances, sessions."""
        if self.month + 1 >= len(self.months):
            self.running = False
            return
        self.month += 1
        now = self.months[self.month]
        self.date_iso = now.isoformat()
        self.mid_month = date(now.year, now.month, 15)
        for _, fn in self._agenda_items.get(month_key(now), []):
            fn()
        self.party.month(now)
        appointment.appoint(self)
        propaganda.campaign(self)
        legacy.cult(self)
        mobilisation.organise(self)
        defiance.monthly(self)
        choice.reweigh(self)
        self.refresh_support()
        alliances.update(self)
        self.refresh_ruling()
        for session in self.sessions.get(month_key(now), []):
            institutions.hold_session(self, session)
            self.refresh_support()
        repression.monthly(self)
        shocks.drift(self)
        self.refresh_support()
        cc = self.central_committee.support()
        self.winner_now = consolidated_leader(self, cc)
        self.consolidation_history.append(self.winner_now)
        self.party.record(now)
        if self.monthly_records:
            self.leader_state = self._leader_state(cc)
            self.datacollector.collect(self)
        if self.month + 1 >= len(self.months):
            self.running = False

    # --- shared state helpers ------------------------------------------------------------------------

    def set_support(self, shares: np.ndarray) -> None:
        """Each leader's following among the members (`choice`); then who leads.

        Only when the shares moved are the queries cached per support (ranked camps, targets) forgotten.
        """
        shares = np.asarray(shares, dtype=float)
        # Comparing bytes is several times cheaper than np.array_equal.
        if self.cache.support_changed(shares.tobytes()):
            self.support = shares
            self.support_list = shares.tolist()
        self.refresh_ruling()

    def refresh_support(self) -> None:
        """Who leads, after a change of the following or of the bodies."""
        self.refresh_ruling()

    def refresh_ruling(self) -> None:
        """Recompute the majority leadership from the current camps and support."""
        self.ruling = ruling_camp(self)

    def _camp_labels(self) -> list[str]:
        """Per leader, his camp's members' names joined by '+' (the timeseries' `camp`)."""
        return [
            "+".join(sorted(self.leader_names[m] for m in camp_of(self, k))) for k in range(len(self.leaders))
        ]

    def record_vote(
        self, when: date, body: str, motion: str, yes: int, no: int, abstain: int, voters: int
    ) -> None:
        """Append one vote to the run's vote table (`votes.csv`)."""
        self.votes.append(
            {
                "date": when.isoformat(),
                "body": body,
                "motion": motion,
                "for": yes,
                "against": no,
                "abstain": abstain,
                "voting_delegates": voters,
            }
        )

    def log_event(self, when: date, kind: str, actor: str, body: str, detail: str) -> None:
        """Append one dated event to the run's event table."""
        self.events.append(
            {"date": when.isoformat(), "kind": kind, "actor": actor, "body": body, "detail": detail}
        )

    def _leader_state(self, cc_support: np.ndarray) -> FrozenRecord:
        cc = cc_support.tolist()
        labels = self.cache.by_structure("camp_labels", self._camp_labels)
        support = self.support_list
        apparatus = self.party.apparatus
        secretaries = apparatus.secretary_shares().tolist()
        members = apparatus.member_shares(self.party.members.by_org()).tolist()
        out = [
            LeaderMonth(
                leader=lead.name,
                support=support[k],
                pb_seat=lead.pb_seat,
                cc_share=cc[k],
                rung=lead.rung,
                legitimacy=lead.legitimacy,
                standing=lead.standing,
                position=lead.position,
                camp=labels[k],
                general_secretary="general_secretary" in lead.posts,
                secretary_share=secretaries[k],
                member_share=members[k],
            )
            for k, lead in enumerate(self.leaders)
        ]
        return FrozenRecord(out)
