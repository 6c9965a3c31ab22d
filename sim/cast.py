"""The principal of a scenario and his main rival: the leaders a tool speaks of when the user names none.

The tools (figures, the view, the sensitivity outcomes, `attribute`) need a default leader to follow,
and some need a second one. Both come from the scenario, never from a list of 1924 names, so the same
tool reads the 1924 and the 1953 cases alike:

* the principal is the holder of the party's first office (`general_secretary`, the model's name for
  it) at the start: Stalin in 1924, Khrushchev in 1953, Malenkov where he keeps the Secretariat. Where
  nobody holds it, the first leader the scenario lists.
* his rival is the first other leader the scenario lists. The scenarios list their leaders by standing at
  the start (1924: Stalin, then Trotsky; 1953: the Presidium list of 7 March 1953, Malenkov first), so
  this is Trotsky in 1924 and Malenkov in 1953: the man the first office was held against.

A cast given as plain names (no posts, e.g. the columns of a results table) has no holder: its first
name is the principal and its second the rival.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: The model's name of the party's first office (General Secretary in 1924, First Secretary in 1953).
FIRST_OFFICE = "general_secretary"

#: A cast: leader name -> its record (a scenario's leader, or its dict in a manifest), or plain names.
Cast = Mapping[str, Any] | Iterable[str]


def _posts(record: Any) -> list[str]:
    """A leader's posts at the start, from a scenario's leader object or its dict form."""
    posts = record.get("posts") if isinstance(record, Mapping) else getattr(record, "posts", None)
    return [str(p) for p in posts or []]


def principal(leaders: Cast) -> str | None:
    """The holder of the first office at the start, else the first leader listed; None for no cast."""
    names = [str(n) for n in leaders]
    if isinstance(leaders, Mapping):
        holders = [n for n in names if FIRST_OFFICE in _posts(leaders[n])]
        if holders:
            return holders[0]
    return names[0] if names else None


def rival(leaders: Cast) -> str | None:
    """The first leader listed other than the principal; None for a cast of fewer than two."""
    cast = leaders if isinstance(leaders, Mapping) else list(leaders)
    first = principal(cast)
    return next((str(n) for n in cast if str(n) != first), None)
