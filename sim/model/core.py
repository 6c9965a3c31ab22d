"""PowerStruggleModel: the monthly rhythm of party life from January 1924, as an ordinary mesa.Model."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from sim.mechanisms import (
    alliances,
    appointment,
    choice,
    defiance,
    institutions,
    legacy,
    mobilisation,
    organs,
    propaganda,
    repression,
    shocks,
)
from sim.model.bodies import CentralCommittee, CoalitionRegister, Politburo
from sim.model.cache import StateCache
from sim.model.calendar import SessionSlot, build_sessions, month_key, month_starts
from sim.model.leaders import Leader
from sim.model.members import PolitburoMember
from sim.model.outcome import consolidated_leader
from sim.model.party import PartyState
from sim.model.politics import camp_of, ruling_camp
from sim.run.tables import LeaderMonth
from sim.scenario import Scenario, load_scenario
from sim.scenario.schema import DeathEvent, EnrolmentEvent, FuneralEvent, LetterEvent, ShockEvent

#: A dated exogenous event on the month's agenda: (date, its handler, whether it is a shock).
_Agenda = tuple[date, Callable[[], None], bool]

#: One random stream per mechanism that draws, spawned from the model's seeded generator (see `streams`).
#: `appointment`, `choice` and `votes` are no longer drawn from (placements draw from `party`); they stay
#: so that the streams after them keep their numbers (the golden tables).
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
        # Dotted paths drawn from a calibration's posterior (sim.run.posterior): not jittered.
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
        # The day the month's own steps are dated: the 15th, and once the month's sessions have sat,
        # the last session's day if later (what follows a session is never dated before it).
        self.mid_month = date(cfg.start.year, cfg.start.month, 15)
        self.events: list[dict[str, str]] = []
        self.votes: list[dict[str, Any]] = []
        self.delegations: list[dict[str, Any]] = []
        # Leaders whose line a Congress has voted down (a boss's organisation may then be taken from him).
        self.condemned: set[int] = set()
        self.coalitions = CoalitionRegister(self)
        # Cached model-level queries, keyed by the versions of structure and support (sim.model.cache).
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
            self.leaders,
            {self.leader_index[n]: s for n, s in clients.items()},
            members,
            dead_seat=any(ev.seat for _, ev in cfg.events.of_type("death")),
        )
        self.distrust = np.zeros((len(self.leaders), len(self.leaders)))
        # The party: members, organisations and their secretaries (sim.model.party), from its own stream.
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
        from sim.model.party import delegations

        size = self.cfg.calendar.initial_cc_full_members
        patron, choice = delegations.elect(self, delegations.apportion(size, self.party.members.by_org()))
        self.central_committee.seat(patron, choice)
        self.refresh_ruling()

    def _schedule_exogenous_events(self) -> dict[tuple[int, int], list[_Agenda]]:
        """The dated exogenous events, keyed by month; each handler is bound to its typed entry.

        Entries of one date keep the order of their types (a death, a funeral, a letter, shocks, then
        the drives' opening and close), so the 1924 events run in the order they always had.
        """
        events = self.cfg.events
        items: list[_Agenda] = []
        for kind, handler in (
            ("death", self._leader_dies),
            ("funeral", self._funeral),
            ("letter", self._letter),
            ("shock", self._shock),
        ):
            entries = [(name, ev) for name, ev in events.of_type(kind) if ev.enabled]
            items += [(ev.date, partial(handler, name, ev), kind == "shock") for name, ev in entries]
        for name, ev in events.of_type("enrolment"):
            if ev.enabled:
                items.append((ev.start, partial(self._enrolment_opens, name, ev), False))
                items.append((ev.end, partial(self._enrolment_closes, name, ev), False))
        by_month: dict[tuple[int, int], list[_Agenda]] = {}
        for item in sorted(items, key=lambda x: x[0]):
            by_month.setdefault(month_key(item[0]), []).append(item)
        return by_month

    # --- exogenous events --------------------------------------------------------------------------

    def _leader_dies(self, name: str, ev: DeathEvent) -> None:
        self.lenin_dead = True
        if ev.seat:
            self.politburo.lenin_dies(ev.date)
        self.log_event(ev.date, name, "", "", ev.detail)

    def _funeral(self, name: str, ev: FuneralEvent) -> None:
        legacy.funeral(self, ev)
        absent = ", ".join(ev.absent) or "nobody"
        self.log_event(ev.date, name, "", ev.place, f"absent: {absent}")

    def _letter(self, name: str, ev: LetterEvent) -> None:
        cc = self.cfg.names.central_committee  # the scenario's name for the body that handles it
        forcer = None if ev.published else legacy.faction_forcing_reading(self)
        if ev.published or forcer is not None:
            legacy.publish_testament(self, ev)
            self.testament_pending = True
            detail = (
                "the letter is read to the Congress"
                if ev.published
                else f"{forcer}'s faction forces the letter's reading"
            )
            self.log_event(ev.date, f"{name}_published", forcer or "", cc, detail)
        else:
            self.log_event(ev.date, f"{name}_handled", "", cc, "read to delegation heads only")

    def _shock(self, name: str, ev: ShockEvent) -> None:
        shocks.strike(self, ev)
        self.log_event(ev.date, name, "", "", ev.detail)

    def _enrolment_opens(self, name: str, ev: EnrolmentEvent) -> None:
        self.log_event(ev.start, f"{name}_start", "", "", ev.detail)

    def _enrolment_closes(self, name: str, ev: EnrolmentEvent) -> None:
        self.log_event(ev.end, f"{name}_end", "", "", "")

    # --- the monthly rhythm -------------------------------------------------------------------------

    def _run_events_before_sessions(
        self, key: tuple[int, int], sessions: list[SessionSlot]
    ) -> list[tuple[date, Callable[[], None]]]:
        """Run the month's dated events that come before its sessions; return the shocks that come after.

        A shock strikes on its date: one dated after a session of its month waits for that session (the
        cult condemned on 25 February 1956, after the 20th Congress had opened). The other events run at
        the month's start, as they always have.
        """
        late: list[tuple[date, Callable[[], None]]] = []
        first = sessions[0].date if sessions else None
        for when, fn, is_shock in self._agenda_items.get(key, []):
            if is_shock and first is not None and when > first:
                late.append((when, fn))
            else:
                fn()
        return late

    def step(self) -> None:
        """One month: events, recruits, placements, campaigns, the members' choice, alliances, sessions."""
        if self.month + 1 >= len(self.months):
            self.running = False
            return
        self.month += 1
        now = self.months[self.month]
        self.date_iso = now.isoformat()
        fifteenth = date(now.year, now.month, 15)
        sessions = self.sessions.get(month_key(now), [])
        # The month's steps before its sessions are dated the 15th, or the first session's day where it
        # comes earlier: the chronicle never shows a session's verdict before the moves that led to it.
        self.mid_month = min([fifteenth, *(s.date for s in sessions)])
        late = self._run_events_before_sessions(month_key(now), sessions)
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
        organs.arrest(self)
        self.refresh_ruling()
        for session in sessions:
            while late and late[0][0] <= session.date:
                late.pop(0)[1]()
            institutions.hold_session(self, session)
            self.refresh_support()
        for _, fn in late:  # a shock dated after the month's last session strikes after it
            fn()
        if sessions:  # what follows the sessions is dated after them
            self.mid_month = max(fifteenth, max(s.date for s in sessions))
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
