"""Targets checked against the scenario they score: whom they name, which sessions, which dates.

A target about someone the scenario does not have, at a session its calendar does not hold, or dated
outside its window can never be met; scored, it would read as the model missing the record. So each
is one line naming the file, the target and the key, with the nearest valid value where there is one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sim.errors import InputError
from sim.record.score import SESSION_WINDOW_DAYS
from sim.record.targets import AnyTarget, DateWindow, EventDate, EventShare, Never, Ordering, VoteShare
from sim.scenario.loading import nearest

if TYPE_CHECKING:
    from sim.scenario import ScenarioModel


def actors_of(cfg: ScenarioModel) -> list[str]:
    """Whom a target may be about: the scenario's leaders and its named Politburo members."""
    return [*cfg.leaders, *cfg.initial_state.politburo_members]


def _actors(t: AnyTarget) -> list[tuple[str, str]]:
    """(key, actor) of each actor the target names."""
    if isinstance(t, Ordering):
        return [(f"steps[{j}].actor", s.actor) for j, s in enumerate(t.steps)]
    if isinstance(t, EventDate | EventShare | Never) or (isinstance(t, DateWindow) and t.actor):
        return [("actor", str(t.actor))]
    return []


def _dates(t: AnyTarget) -> list[tuple[str, dt.date]]:
    """(key, date) of each date the target names."""
    if isinstance(t, EventDate | VoteShare):
        return [("date", t.date)]
    if isinstance(t, EventShare):
        return [("by", t.by)]
    if isinstance(t, DateWindow):
        return [("from", t.from_), ("to", t.to)]
    return []


def _check_actor(actor: str, known: Sequence[str], here: str) -> None:
    if actor in known:
        return
    near = nearest(actor, known)
    hint = f" (did you mean {near}?)" if near else ""
    raise InputError(
        f"{here}: {actor!r} is not a leader or Politburo member of the scenario: "
        f"expected one of {', '.join(known)}{hint}"
    )


def _check_body(t: VoteShare, cfg: ScenarioModel, here: str) -> None:
    """The body must be a session of the calendar, and one of its sessions near the target's date."""
    sessions = [(s.body.strip(), s.date) for s in cfg.calendar.sessions]
    names = list(dict.fromkeys(b for b, _ in sessions))
    want = t.body.strip().lower()
    if want not in {b.lower() for b in names}:
        near = nearest(t.body.strip(), names)
        hint = f"did you mean {near}?" if near else f"one of {', '.join(names)}"
        raise InputError(f"{here}.body: {t.body!r} is not a session in the scenario's calendar ({hint})")
    days = [abs((d - t.date).days) for b, d in sessions if b.lower() == want]
    if min(days) > SESSION_WINDOW_DAYS:
        raise InputError(
            f"{here}.date: {t.date.isoformat()}: no session of {t.body} in the calendar within "
            f"{SESSION_WINDOW_DAYS} days: expected the date of one of its sessions"
        )


def check_targets(targets: Sequence[AnyTarget], cfg: ScenarioModel, where: str) -> None:
    """Raise InputError for the first target the scenario makes impossible to meet."""
    known = [str(a).lower() for a in actors_of(cfg)]
    start, end = cfg.start, cfg.end
    for i, t in enumerate(targets):
        here = f"{where}: target[{i}]"
        for key, actor in _actors(t):
            _check_actor(actor, known, f"{here}.{key}")
        for key, day in _dates(t):
            if not start <= day <= end:
                raise InputError(
                    f"{here}.{key}: {day.isoformat()} is outside the scenario's window: expected a date "
                    f"from {start.isoformat()} to {end.isoformat()}"
                )
        if isinstance(t, VoteShare):
            _check_body(t, cfg, here)
