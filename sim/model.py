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
from sim.delegates import Delegate, DelegatePool
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
    """The succession struggle: leaders and delegates, stepped one month at a time.

    Build it from a scenario path, mapping or `Scenario`, optional dotted `overrides` and an `rng`
    seed; call `step()` once per month (or `run_model()`); `running` turns False after the last month.
    `monthly_records=False` skips the DataCollector's monthly records (the leader-month table), which
    nothing in the replay reads: a sweep of summaries runs faster with the same outcomes.
    """

    def __init__(
        self,
        scenario: str | Path | Mapping[str, Any] | Scenario = "scenarios/historical.toml",
        overrides: Mapping[str, Any] | None = None,
        rng: int | np.random.Generator | None = None,
        replicate: int = 0,
        *,
        monthly_records: bool = True,
    ) -> None:
        super().__init__(rng=rng)
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

        self.bloc_names = list(cfg.blocs)
        self.bloc_index = {n: i for i, n in enumerate(self.bloc_names)}
        self.bloc_home = np.full(len(self.bloc_names), -1, dtype=np.intp)
        for leader in self.leaders:
            if leader.home_bloc:
                self.bloc_home[self.bloc_index[leader.home_bloc]] = leader.index
        self.pool = DelegatePool(cfg.delegates, len(self.leaders))
        self.central_committee = CentralCommittee(self)
        self._seed_delegates()
        self._delegate_agents: list[Delegate] | None = None
        self._agenda_items = self._schedule_exogenous_events()

        self.support = np.full(len(self.leaders), 1.0 / len(self.leaders))
        self.support_list = self.support.tolist()
        self.ruling = frozenset({0})
        for alliance in cfg.initial_state.alliances:
            members = {self.leader_index[m] for m in alliance.members}
            self.coalitions.start(
                members, self.leader_index[alliance.against], when=cfg.start, detail="in force since 1923"
            )
        self._settle_initial_allegiance()
        self._elect_initial_central_committee()
        self.winner_now = -1
        self.date_iso = cfg.start.isoformat()
        self.leader_state: tuple[LeaderMonth, ...] = ()
        self.datacollector = mesa.DataCollector(
            model_reporters={"date": "date_iso", "winner_now": "winner_now", "leader_state": "leader_state"}
        )
        self.running = True

    # --- delegates as Mesa agents -------------------------------------------------------------------

    @property
    def delegate_agents(self) -> list[Delegate]:
        """One `Delegate` Mesa agent per pool row, created the first time anyone asks.

        The replay itself reads and writes only the pool's arrays; building 10,000 Mesa agents costs
        about 30 ms (a quarter of a 10,000-delegate replay), so the views are made on demand. Asking
        for `agents`, `agents_by_type` or `agent_types` makes them too, so Mesa's own tools
        (DataCollector agent reporters, batch_run) always see every delegate.
        """
        if self._delegate_agents is None:
            self._delegate_agents = [Delegate(self, i) for i in range(self.pool.n)]
        return self._delegate_agents

    @property
    def agents(self) -> Any:
        """Mesa's AgentSet of every agent: the leaders and (made on first access) the delegates."""
        self.delegate_agents  # noqa: B018 - materialise the delegate views
        return super().agents

    @agents.setter
    def agents(self, value: Any) -> None:
        mesa.Model.agents.fset(self, value)  # type: ignore[attr-defined]  # Mesa's own error

    @property
    def agents_by_type(self) -> Any:
        """Mesa's AgentSets by agent type, delegates included."""
        self.delegate_agents  # noqa: B018
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """Agent types registered with Mesa, delegates included."""
        self.delegate_agents  # noqa: B018
        return super().agent_types

    # --- set-up ----------------------------------------------------------------------------------

    def _seed_delegates(self) -> None:
        """Blocs, ideologies, susceptibilities and the appointees already placed by January 1924."""
        cfg, pool, rng = self.cfg, self.pool, self.rng
        shares = np.array([b.share for b in cfg.blocs.values()])
        shares = shares / shares.sum()
        pool.bloc[:] = rng.choice(len(shares), size=pool.n, p=shares)
        centre = np.array([b.ideology for b in cfg.blocs.values()])[pool.bloc]
        pop = cfg.population
        pool.ideology[:] = np.clip(centre + rng.normal(0.0, pop.ideology_spread, pool.n), -1.0, 1.0)
        pool.charisma_weight[:] = rng.gamma(pop.susceptibility_shape, pop.susceptibility_scale, pool.n)
        pool.fear_weight[:] = rng.gamma(pop.susceptibility_shape, pop.susceptibility_scale, pool.n)
        pool.tenure[:] = rng.integers(0, pop.max_tenure_months + 1, pool.n)
        holder = next((lead.index for lead in self.leaders if lead.holds_secretariat), None)
        open_to_centre = self.bloc_home[pool.bloc] < 0
        if holder is not None:
            appointed = open_to_centre & (
                rng.random(pool.n) < cfg.initial_state.appointee_share / max(open_to_centre.mean(), 1e-9)
            )
            pool.patron[appointed] = holder
        for leader in self.leaders:
            if leader.home_bloc:
                home = (pool.bloc == self.bloc_index[leader.home_bloc]) & (
                    rng.random(pool.n) < pop.home_patronage
                )
                pool.patron[home] = leader.index

    def _settle_initial_allegiance(self) -> None:
        """Let every delegate choose a few times before the first month (no inertia from a blank start)."""
        rows = np.arange(self.pool.n)
        for i in range(self.cfg.population.settling_rounds):
            self.pool.set_allegiance(rows, choice.choose(self, rows, inertia=i > 0))
            self.refresh_support()

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
        """One month: events, appointments, campaigns, factions, delegates, alliances, sessions, exile."""
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
        if self._enrolment_month(now):
            appointment.enrol(self, self._enrolment_months())
        self.refresh_support()
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

    def _enrolment_month(self, now: date) -> bool:
        ev = self.cfg.events.lenin_enrolment
        return ev.enabled and month_key(ev.start) <= month_key(now) <= month_key(ev.end)

    def _enrolment_months(self) -> int:
        ev = self.cfg.events.lenin_enrolment
        return (ev.end.year - ev.start.year) * 12 + ev.end.month - ev.start.month + 1

    # --- shared state helpers ------------------------------------------------------------------------

    def refresh_support(self) -> None:
        """Read each leader's share of delegates from the pool's counts, and who leads.

        Only when a delegate changed sides are the shares replaced (and the queries cached per
        support, such as ranked camps and targets, forgotten).
        """
        counts = self.pool.counts
        # Comparing bytes is several times cheaper than np.array_equal.
        if self.cache.support_changed(counts.tobytes()):
            self.support = counts / self.pool.n
            self.support_list = self.support.tolist()
        self.refresh_ruling()

    def refresh_ruling(self) -> None:
        """Recompute the majority leadership from the current camps and support."""
        self.ruling = ruling_camp(self)

    def bloc_head_active(self) -> np.ndarray:
        """Per bloc, the home leader who still holds its post, else -1 (cached per structure)."""
        return self.cache.by_structure("bloc_heads", self._bloc_heads)

    def _bloc_heads(self) -> np.ndarray:
        heads = self.bloc_home.copy()
        for b, k in enumerate(self.bloc_home):
            if k >= 0 and not (self.leaders[k].holds_home_post and self.leaders[k].eligible):
                heads[b] = -1
        return heads

    def closed_blocs_for(self, holder: int) -> np.ndarray:
        """Blocs whose boss keeps the centre's appointees out: he holds his post and is not an ally."""
        heads = self.bloc_head_active()
        allies = camp_of(self, holder)
        return np.array([k >= 0 and k not in allies for k in heads])

    def _camp_labels(self) -> list[str]:
        """Per leader, his camp's members' names joined by '+' (the timeseries' `camp`)."""
        return [
            "+".join(sorted(self.leader_names[m] for m in camp_of(self, k))) for k in range(len(self.leaders))
        ]

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
