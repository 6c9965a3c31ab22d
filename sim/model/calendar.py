"""The dated calendar: monthly steps, sessions on their dates, CC plenums by rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sim.scenario import ScenarioModel


def month_starts(start: date, end: date) -> list[date]:
    """First day of every month from start's month to end's month inclusive."""
    out: list[date] = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_key(d: date) -> tuple[int, int]:
    """(year, month) of a date, the key of its step."""
    return (d.year, d.month)


@dataclass(frozen=True, slots=True)
class SessionSlot:
    """A session of a voting body on a date: a Congress, a Conference or a CC plenum."""

    date: date
    body: str
    kind: str  # "congress" | "conference" | "cc_plenum" | "discussion"
    voting_delegates: int
    cc_full_members: int = 0
    joint: bool = True  # a joint CC-CCC plenum (rule plenums count as joint: they stand for any session)
    politburo_full_members: int = 0  # full seats of the Politburo elected after a Congress (0: unchanged)


def build_sessions(cfg: ScenarioModel, months: list[date]) -> dict[tuple[int, int], list[SessionSlot]]:
    """Sessions per month: the listed Congresses, Conferences, CC plenums and open discussions.

    A calendar that lists no plenum gets one by rule on the 15th of every n-th month that has no
    Congress or Conference (n is `calendar.cc_plenum_interval_months`): the fallback for calendars
    users write. The shipped scenarios list the record's plenums (../shared/history/plenums.csv).
    """
    by_month: dict[tuple[int, int], list[SessionSlot]] = {}
    for s in cfg.calendar.sessions:
        kind = "cc_plenum" if s.kind == "plenum" else s.kind
        # The Congress elects the CC and may expel; between Congresses only a joint CC-CCC plenum takes
        # a CC seat or a party card (the 10th Congress's resolution on party unity, 1921). A Conference
        # is neither: none of 1924-29 took either (the 15th, October-November 1926, condemned the
        # Opposition bloc; the 16th, April 1929, sanctioned nobody).
        joint = s.joint or s.kind == "congress"
        by_month.setdefault(month_key(s.date), []).append(
            SessionSlot(
                s.date, s.body, kind, s.voting_delegates, s.cc_full_members, joint, s.politburo_full_members
            )
        )
    if any(s.kind == "plenum" for s in cfg.calendar.sessions):
        for slots in by_month.values():
            slots.sort(key=lambda s: s.date)
        return by_month
    every = cfg.calendar.cc_plenum_interval_months
    for i, m in enumerate(months):
        if i % every == every - 1 and month_key(m) not in by_month:
            by_month[month_key(m)] = [SessionSlot(date(m.year, m.month, 15), "CC plenum", "cc_plenum", 0)]
    for slots in by_month.values():
        slots.sort(key=lambda s: s.date)
    return by_month
