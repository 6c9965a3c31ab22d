"""The party apparatus: organisations, each run by a provincial or regional secretary (a Mesa agent).

Daniels (1957) on the circular flow of power: the Secretariat "recommended" the gubkom and obkom
secretaries (elected in form, appointed in fact) and moved them at will; 31 of 83 provincial
secretaries had been installed from above by December 1923, and 66 of 108 were moved in 1923-24
(../shared/history/appointments.csv). A secretary is his patron's man: the leader who placed him. A
regional boss who holds his organisation's post keeps the centre's men out, as Zinoviev held
Leningrad until Kirov came in January 1926.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel
    from sim.scenario.schema import Party

NOBODY = -1
#: A CC member elected on the centre's list rather than a patron's: he backs whoever holds the Secretariat.
CENTRE = -2


@dataclass(frozen=True, slots=True)
class OrganisationSpec:
    """A party organisation as the model holds it: its name, share of members, line and boss's post."""

    name: str
    share: float
    line: float
    boss_post: str
    police: bool = False  # the political police's organisation: its boss commands the organs


class ProvincialSecretary(mesa.Agent):
    """The secretary of one organisation: who placed him (`patron`), his line and his loyalty.

    `loyalty` in [0, 1] is the share of his delegation he can deliver: 1 for a patron's man (he owes
    his post to him and his slate chose the delegates). A locally elected secretary (`patron` NOBODY)
    is still the centre's apparatus (the Orgburo confirmed his election) and delivers to the General
    Secretary's side; how strong he is at home is not in the record, so his loyalty is drawn uniformly
    in [0, 1], and where he is weak his organisation's members speak for themselves.
    """

    def __init__(
        self, model: PowerStruggleModel, organisation: int, patron: int, line: float, loyalty: float
    ) -> None:
        super().__init__(model)
        self.organisation = organisation
        self._patron = patron
        self.line = line
        self.loyalty = loyalty
        self.placed_month = -1

    @property
    def patron(self) -> int:
        """The leader who placed him (NOBODY for a locally elected secretary)."""
        return self._patron

    @patron.setter
    def patron(self, leader: int) -> None:
        # Who runs what is cached by the apparatus's version (`Apparatus.patrons`): a change bumps it.
        self._patron = leader
        party = getattr(self.model, "party", None)
        if party is not None:
            party.apparatus.patron_changed(self.organisation, leader)

    @property
    def patron_name(self) -> str:
        """The name of the leader whose client he is, or '' for nobody."""
        return "" if self.patron == NOBODY else self.model.leader_names[self.patron]


def organisation_specs(party: Party) -> list[OrganisationSpec]:
    """The named organisations, then `provinces` provincial ones sharing the rest of the members."""
    named = [
        OrganisationSpec(n, o.share, o.line, o.boss_post, o.police) for n, o in party.organisations.items()
    ]
    rest = max(0.0, 1.0 - sum(o.share for o in named))
    share = rest / party.provinces
    provinces = [OrganisationSpec(f"province_{i + 1:02d}", share, 0.0, "") for i in range(party.provinces)]
    return named + provinces


class Apparatus:
    """The organisations and their secretaries; who runs what, by patron."""

    def __init__(
        self, model: PowerStruggleModel, specs: list[OrganisationSpec], secretaries: list[ProvincialSecretary]
    ) -> None:
        self.model = model
        self.specs = specs
        self.names = [s.name for s in specs]
        self.secretaries = secretaries
        self.shares = np.array([s.share for s in specs])
        # The posts whose holder commands the political police (empty where no organisation is marked).
        self.police_posts = frozenset(s.boss_post for s in specs if s.police and s.boss_post)
        self._with_boss_post = [o for o, s in enumerate(specs) if s.boss_post]
        self.placed = 0  # secretaries placed by the Secretariat since the start
        self.version = 0  # counts placements: queries of who runs what are cached by it
        self._patrons: np.ndarray | None = None
        self._patrons_version = -1
        self._shares: np.ndarray | None = None
        self._shares_version = -1
        self.named = sum(
            not s.name.startswith("province_") for s in specs
        )  # the first `named` are the record's

    def patrons(self) -> np.ndarray:
        """Per organisation, its secretary's patron (NOBODY where nobody); read-only, kept until a change."""
        if self._patrons is None or self._patrons_version != self.version:
            self._patrons = np.fromiter((s.patron for s in self.secretaries), np.intp, len(self.secretaries))
            self._patrons.flags.writeable = False
            self._patrons_version = self.version
        return self._patrons

    def patron_changed(self, org: int, leader: int) -> None:
        """A secretary's patron changed: a new version, and the kept patrons updated in a copy.

        A copy, not in place: a caller holding the array read before the change (a month's placements
        are drawn from it) keeps what it read.
        """
        self.version += 1
        if self._patrons is not None and self._patrons_version == self.version - 1:
            patrons = self._patrons.copy()
            patrons[org] = leader
            patrons.flags.writeable = False
            self._patrons, self._patrons_version = patrons, self.version

    def secretary_shares(self) -> np.ndarray:
        """Per leader, his clients' share of the secretaries (kept until a placement)."""
        if self._shares is None or self._shares_version != self.version:
            n = len(self.model.leaders)
            p = self.patrons()
            self._shares = np.bincount(p[p >= 0], minlength=n)[:n] / max(len(self.secretaries), 1)
            self._shares.flags.writeable = False
            self._shares_version = self.version
        return self._shares

    def member_shares(self, members_by_org: np.ndarray) -> np.ndarray:
        """Per leader, the share of members in organisations his clients run."""
        n = len(self.model.leaders)
        p = self.patrons()
        run = p >= 0
        total = max(int(members_by_org.sum()), 1)
        return np.bincount(p[run], weights=members_by_org[run], minlength=n)[:n] / total

    def bosses(self) -> np.ndarray:
        """Per organisation, `boss_of` it (cached until the model's structure changes)."""
        return self.model.cache.by_structure("organisation_bosses", self._bosses)

    def _bosses(self) -> np.ndarray:
        out = np.full(len(self.specs), NOBODY, dtype=np.intp)
        for o in self._with_boss_post:  # the organisations without a boss's post have none
            out[o] = self.boss_of(o)
        return out

    def boss_leaders(self) -> frozenset[int]:
        """The leaders who are the boss of an organisation (cached until the model's structure changes)."""
        return self.model.cache.by_structure(
            "organisation_boss_leaders", lambda: frozenset(int(b) for b in self.bosses() if b >= 0)
        )

    def runs_organisation(self, leader: int) -> bool:
        """Whether the leader is the boss of an organisation (he holds its post and his home post)."""
        return bool((self.bosses() == leader).any())

    def boss_of(self, org: int) -> int:
        """The leader who holds the organisation's own post and is still in the game, else NOBODY."""
        post = self.specs[org].boss_post
        if not post:
            return NOBODY
        for lead in self.model.leaders:
            if post in lead.posts and lead.holds_home_post and lead.eligible:
                return lead.index
        return NOBODY

    def install(self, org: int, patron: int, when: date | None = None) -> None:
        """A new secretary, the patron's man, takes the organisation: his line is his patron's.

        `when` dates the event for a named organisation (a session's day after a sanction; default the
        middle of the month, for the monthly appointments).
        """
        model = self.model
        lead = model.leaders[patron]
        line = lead.position
        sec = self.secretaries[org]
        sec.patron, sec.line, sec.loyalty, sec.placed_month = patron, line, 1.0, model.month
        self.placed += 1
        if org < self.named:  # the record's organisations are the story: Kirov to Leningrad, January 1926
            model.log_event(
                when or model.mid_month,
                "secretary_placed",
                lead.name,
                self.names[org],
                f"placed by {lead.name}",
            )


def build_apparatus(model: PowerStruggleModel) -> Apparatus:
    """Organisations and their secretaries as of the start.

    A named organisation's secretary is the client of the leader the scenario names. Of the provincial
    ones, `initial_state.appointee_share` of all secretaries were installed from above by the
    General Secretary of
    the day (31 of 83 by December 1923); the rest were elected locally and are nobody's men.
    """
    cfg = model.cfg
    specs = organisation_specs(cfg.party)
    index = model.leader_index
    holder = next((lead.index for lead in model.leaders if lead.holds_secretariat), NOBODY)
    rng = model.rng
    secretaries: list[ProvincialSecretary] = []
    named = cfg.party.organisations
    for o, spec in enumerate(specs):
        who = named[spec.name].secretary if spec.name in named else ""
        patron = index[who] if who else NOBODY
        secretaries.append(ProvincialSecretary(model, o, patron, spec.line, 0.0))
    installed = sum(s.patron == holder for s in secretaries) if holder != NOBODY else 0
    wanted = round(cfg.initial_state.appointee_share * len(specs)) - installed
    free = [
        s for s in secretaries if s.patron == NOBODY and specs[s.organisation].name.startswith("province_")
    ]
    if holder != NOBODY and wanted > 0 and free:
        for i in rng.choice(len(free), size=min(wanted, len(free)), replace=False):
            free[int(i)].patron = holder
    local = model.streams["party"].random(len(secretaries))
    for s in secretaries:
        if s.patron != NOBODY:
            lead = model.leaders[s.patron]
            s.loyalty = 1.0
            s.line = float(np.clip(0.5 * (lead.position + specs[s.organisation].line), -1.0, 1.0))
        else:
            s.loyalty = float(local[s.organisation])
    return Apparatus(model, specs, secretaries)
