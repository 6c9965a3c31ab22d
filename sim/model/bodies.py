"""The party's bodies as the model holds them: the Politburo's seats, the Central Committee, coalitions.

Each is a small class over state the model owns; mechanisms change them only through these methods,
so the arithmetic of seats and the bookkeeping of alliances live in one place each.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.model.leaders import RUNG, Leader, Seat
from sim.model.party.apparatus import CENTRE
from sim.model.politics import Coalition, camp_of, secretariat_holder

if TYPE_CHECKING:
    from sim.model.core import PowerStruggleModel
    from sim.model.members import PolitburoMember

#: The smallest CC the model elects when a session names no size.
MIN_CC = 3


class Promotion(NamedTuple):
    """Who took a vacant full seat: a leader or named member (`who`), and the patron who placed him.

    An unnamed client has no `who`; a leader promoted from candidate has no `patron`.
    """

    who: str
    patron: str


class Politburo:
    """Full seats beyond the leaders' own: named members, clients the leadership placed, vacancies, Lenin's.

    Leaders' own seats are their `pb_seat` (`sim.model.leaders.Seat`); named members who are nobody's rival
    (`sim.model.members.PolitburoMember`) hold theirs as `seat`; `clients` counts unnamed seats a leader's
    people hold, for scenarios that name no members or once the named cadres run out.
    """

    def __init__(
        self,
        leaders: Sequence[Leader],
        clients: dict[int, int],
        members: Sequence[PolitburoMember] = (),
        dead_seat: bool = True,
    ) -> None:
        self.leaders = leaders
        self.members = list(members)
        self.clients = np.zeros(len(leaders), dtype=int)  # full seats held by each leader's clients
        for k, seats in clients.items():
            self.clients[k] = seats
        # Full seats held by named members, by patron: kept with `fill_vacancy`, the only way a seat
        # is taken, so the monthly consolidation test counts seats without walking the members.
        self.named = np.zeros(len(leaders), dtype=int)
        for m in self.full_members():
            self.named[m.patron] += 1
        self.vacancies = 0
        # The dying leader's own full seat, until he dies (Lenin's; a scenario whose death event gives him
        # no seat, as the Presidium of 5 March 1953 was named without Stalin, has none).
        self.lenin_seat = dead_seat
        self.lenin_dies_on: date | None = None  # his death, once known: the seat falls vacant from then

    def full_members(self) -> list[PolitburoMember]:
        """Named members who hold a full seat."""
        return [m for m in self.members if m.seat == Seat.FULL]

    def full_seats(self) -> int:
        """Full seats, filled or vacant."""
        filled = sum(lead.pb_seat == Seat.FULL for lead in self.leaders)
        return filled + int(self.clients.sum() + self.named.sum()) + self.vacancies + self.lenin_seat

    def camp_seats(self, camp: frozenset[int]) -> int:
        """Full seats held by a camp's members and their clients, named or not."""
        placed = self.clients + self.named
        return int(sum((self.leaders[k].pb_seat == Seat.FULL) + placed[k] for k in camp))

    def lenin_dies(self, on: date | None = None) -> None:
        """Lenin dies: his seat falls vacant now, or (given his date of death) for sessions from then on.

        A month's events are known at its start, but a session earlier that month (the plenum of 14
        January 1924, a week before he died) must not fill his seat.
        """
        if on is None:
            self.lenin_seat = False
            self.vacancies += 1
        else:
            self.lenin_dies_on = on

    def open_seats_by(self, day: date) -> None:
        """Seats that have fallen vacant by `day` are open to a session held that day."""
        if self.lenin_seat and self.lenin_dies_on is not None and self.lenin_dies_on <= day:
            self.lenin_dies()

    def enlarge_to(self, wanted: int) -> None:
        """The Congress's CC elects a Politburo of `wanted` full seats; new seats start vacant.

        Record: seven full members elected after the 13th Congress, nine after the 14th and the 15th.
        A smaller number removes nobody (members leave only by sanction).
        """
        self.vacancies += max(0, wanted - self.full_seats())

    def fill_vacancy(self, ruling: Sequence[int], with_it: Sequence[int] = ()) -> Promotion:
        """Give one vacant full seat to the leadership (`ruling`, strongest first); returns who took it.

        First its leaders who are candidates, then leaders who are candidates and stand with it
        (`with_it`, strongest first: Bukharin, with the Troika, took Lenin's seat in June 1924), then
        named candidates its leaders placed, then its leaders who never held a seat (a rising man, as
        Zhukov in 1956-57; a leader removed from the Politburo does not come back this way), then named
        cadres they placed, in the order of their patrons' strength; else an unnamed client of its
        strongest leader.
        """
        self.vacancies -= 1
        for lead in (self.leaders[k] for k in (*ruling, *with_it)):
            if lead.pb_seat == Seat.CANDIDATE:
                lead.pb_seat = Seat.FULL
                return Promotion(lead.name, "")
        rank = {k: i for i, k in enumerate(ruling)}
        for seat in (Seat.CANDIDATE, Seat.NONE):
            if seat == Seat.NONE:
                for lead in (self.leaders[k] for k in ruling):
                    if lead.pb_seat == Seat.NONE and lead.rung < RUNG["politburo_removal"]:
                        lead.pb_seat = Seat.FULL
                        return Promotion(lead.name, "")
            waiting = [m for m in self.members if m.seat == seat and m.patron in rank]
            if waiting:
                member = min(waiting, key=lambda m: rank[m.patron])  # stable: roster order within a patron
                member.seat = Seat.FULL
                self.named[member.patron] += 1
                return Promotion(member.name, self.leaders[member.patron].name)
        self.clients[ruling[0]] += 1
        return Promotion("", self.leaders[ruling[0]].name)


class CentralCommittee:
    """The CC's members elected from the delegations' slates: whose man each is, and whom he backs.

    Daniels' loop: the secretaries chose the delegates, the delegates elected the CC, which was
    increasingly made of provincial secretaries. A member elected on a secretary's slate is his
    patron's man (`patron`); one elected on his organisation's own views backs the leader those
    views favoured and is nobody's client. Between Congresses a member backs his patron while the
    patron is in the party and has not recanted; when he is not, the member goes with the majority.
    """

    def __init__(self, model: PowerStruggleModel) -> None:
        self.model = model
        self.n_leaders = len(model.leaders)
        self.version = 0  # counts elections and purges: the cached allegiances are keyed by it
        self.patron = np.zeros(0, dtype=np.intp)  # leader index, or NOBODY (-1)
        self.choice = np.zeros(0, dtype=np.intp)  # whom a member elected on views backed at his election

    @property
    def n(self) -> int:
        """Members of the CC beyond the leaders' own seats."""
        return int(self.patron.size)

    def seat(self, patron: np.ndarray, choice: np.ndarray) -> None:
        """Replace the whole body with newly elected members."""
        self.patron = patron.astype(np.intp)
        self.choice = choice.astype(np.intp)
        self.version += 1

    def allegiance(self, free: np.ndarray, fallback: int) -> np.ndarray:
        """Whom each member backs: his patron or his own choice while `free[k]` is false, else `fallback`.

        `free` (per leader) marks leaders who can no longer hold a following in the CC: expelled, or
        recanted; their men go over to the majority's head (`fallback`).
        """
        backs = np.where(self.patron >= 0, self.patron, self.choice)
        if (backs == CENTRE).any():
            holder = secretariat_holder(self.model)
            backs = np.where(backs == CENTRE, fallback if holder is None else holder, backs)
        gone = free[backs]
        if gone.any():
            backs = backs.copy()
            backs[gone] = fallback
        return backs

    def backs(self) -> np.ndarray:
        """Whom each member backs now (`allegiance`); a spent leader's men go to the leadership's head.

        Cached until the body, the leadership, the following or the structure (sanctions, recantations,
        offices) changes.
        """
        return self.model.cache.by_support(("cc_backs", self.version, self.model.ruling), self._backs)

    def _backs(self) -> np.ndarray:
        model = self.model
        free = np.array([not lead.eligible or lead.capitulated for lead in model.leaders])
        fallback = max(model.ruling, key=lambda k: (model.support_list[k], -k))
        return self.allegiance(free, fallback)

    def support(self) -> np.ndarray:
        """Share of the CC's members backing each leader (cached as `backs` is)."""
        if self.n == 0:
            return np.zeros(self.n_leaders)
        return self.model.cache.by_support(("cc_support", self.version, self.model.ruling), self._support)

    def _support(self) -> np.ndarray:
        return np.bincount(self.backs(), minlength=self.n_leaders)[: self.n_leaders] / self.n

    def tally(
        self, for_camp: frozenset[int], against_camp: frozenset[int], bend: bool = True
    ) -> tuple[int, int, int]:
        """(for, against, abstaining): a plenum's vote, each member with the leader he backs.

        A member who backs neither camp votes for with his leader's compromise willingness if `bend`
        (he bends to the side of the leadership), else abstains; the draws come from the
        `institutions` stream whether or not he may bend, so the run's later draws do not depend on it.
        """
        model = self.model
        backs = self.backs()
        side = np.zeros(len(model.leaders), dtype=np.int8)  # 1 for, -1 against, 0 neutral
        side[list(for_camp)] = 1
        side[list(against_camp - for_camp)] = -1
        willing = np.array([lead.compromise_willingness for lead in model.leaders])
        s = side[backs]
        bends = (s == 0) & (model.streams["institutions"].random(backs.size) < willing[backs])
        yes = int((s == 1).sum()) + (int(bends.sum()) if bend else 0)
        no = int((s == -1).sum())
        return yes, no, int(backs.size) - yes - no

    def remove(self, rows: np.ndarray) -> None:
        """Members at `rows` lose their seats (a purge of a removed leader's followers)."""
        keep = np.ones(self.n, dtype=bool)
        keep[rows] = False
        self.patron, self.choice = self.patron[keep], self.choice[keep]
        self.version += 1

    def size_for(self, wanted: int) -> int:
        """Seats to elect: the historical size, or the present size when the session names none."""
        return wanted if wanted > 0 else max(self.n, MIN_CC)


class CoalitionRegister:
    """The coalitions in force; forming or breaking one is a structural change, logged as an event."""

    def __init__(self, model: PowerStruggleModel) -> None:
        self.model = model
        self._coalitions: list[Coalition] = []

    def __iter__(self) -> Iterator[Coalition]:
        return iter(self._coalitions)

    def __len__(self) -> int:
        return len(self._coalitions)

    def start(
        self,
        members: set[int],
        against: int,
        when: date | None = None,
        detail: str = "",
        partners: frozenset[int] = frozenset(),
    ) -> None:
        """Form a coalition; members leave any coalition they were in (it is enlarged or broken).

        `partners` are members who stood together until now (the remnant of a bloc a partner left).
        """
        model = self.model
        when = when or model.mid_month
        # Joining a bloc against the leadership with new partners is an offence (sim.mechanisms.defiance).
        new_partners = {k for k in members if not members <= (camp_of(model, k) | partners)}
        for c in [c for c in self._coalitions if c.members & members]:
            self.end(c, "merged into a larger bloc", when)
        if against in model.ruling:
            for k in members - set(model.ruling):
                model.leaders[k].declared_opposition = True
                if k in new_partners:
                    model.leaders[k].offence_month = model.month
        self._coalitions.append(Coalition(set(members), against, when))
        model.cache.structure_changed()
        names = "+".join(sorted(model.leader_names[k] for k in members))
        model.log_event(
            when, "alliance_formed", names, "", detail or f"against {model.leader_names[against]}"
        )
        model.refresh_ruling()

    def end(self, c: Coalition, reason: str, when: date | None = None) -> None:
        """Dissolve a coalition and record why."""
        model = self.model
        self._coalitions.remove(c)
        model.cache.structure_changed()
        names = "+".join(sorted(model.leader_names[k] for k in c.members))
        model.log_event(when or model.mid_month, "alliance_dissolved", names, "", reason)
        model.refresh_ruling()

    def leave(self, k: int, when: date, reason: str) -> None:
        """A leader drops out of his coalition; the rest carry on if two or more remain."""
        names = self.model.leader_names
        for c in [c for c in self._coalitions if k in c.members]:
            rest = c.members - {k}
            self.end(c, f"{names[k]} {reason}", when)
            if len(rest) >= 2 and c.against not in rest:
                self.start(
                    rest, c.against, when, detail=f"against {names[c.against]}", partners=frozenset(rest)
                )
