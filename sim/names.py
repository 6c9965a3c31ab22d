"""Nearest-name suggestions for every error about a name: a key, a leader, a column, an event.

One place decides what "nearest" means, so that `--outcome`, `--where`, menus, experiments and
scenario files all suggest alike. Dotted scenario paths go through the scenario loader's own hint
(`sim.scenario.path_hint`), which also knows keys that were renamed or removed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

#: How alike two names must be (difflib's ratio) before one is offered for the other.
CUTOFF = 0.6
#: Lists longer than this are not spelled out in a one-line error; the suggestion still is.
MAX_LISTED = 16


def nearest(name: str, candidates: Iterable[str], cutoff: float = CUTOFF) -> str | None:
    """The candidate closest to `name`, or None when none is close enough to be a likely typo."""
    found = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=cutoff)
    return found[0] if found else None


def nearest_directory(path: Path) -> str:
    """` (did you mean results/hist?)` for a mistyped directory beside existing ones, or an empty string."""
    path = Path(path)
    if not path.parent.is_dir():
        return ""
    near = nearest(path.name, [d.name for d in path.parent.iterdir() if d.is_dir()])
    return f" (did you mean {path.parent / near}?)" if near else ""


def did_you_mean(name: str, candidates: Iterable[str], cutoff: float = CUTOFF) -> str:
    """` (did you mean X?)`, or an empty string when nothing is near."""
    near = nearest(name, candidates, cutoff)
    return f" (did you mean {near}?)" if near else ""


def expected_one_of(name: str, candidates: Iterable[str], what: str = "one of") -> str:
    """`expected one of a, b, c (did you mean b?)`; a long list is left out, the suggestion kept."""
    names = sorted(set(candidates))
    listed = f"{what} {', '.join(names)}" if len(names) <= MAX_LISTED else f"one of {len(names)} names"
    return f"expected {listed}{did_you_mean(name, names)}"


def plural(kind: str, n: int = 2) -> str:
    """'mechanisms' or 'switches' (or, for `n` = 1, 'mechanism', 'switch'), for reports and figures."""
    if n == 1:
        return kind
    return "switches" if kind == "switch" else f"{kind}s"


def p_wins(who: str) -> str:
    """`P(Stalin wins)`, or `P(no winner)` for the outcome `none` (collective leadership)."""
    return "P(no winner)" if who.lower() in ("none", "nobody") else f"P({who} wins)"
