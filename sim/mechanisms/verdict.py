"""The Congress's verdict on Lenin's letter: a Congress that votes the General Secretary out is obeyed.

Seed: the testament "suggested Stalin be removed from his post", and Trotsky's error was not to use
it. In the record the 13th Congress heard the letter by delegations and kept Stalin, because Zinoviev
and Kamenev defended him. Where it is read and the Congress votes him out (`legacy.retention_vote`),
the party's highest body has repudiated him and those who defended him, and that verdict stands until
the next Congress:

- the same Congress elects the Central Committee from the slate of the majority that voted him out,
  not from his (`slate`);
- the repudiated camp may still lead by the size of its following, but its motions have lost the
  Congress's confidence: it moves no sanctions (`may_move_sanctions`);
- a faction organised before the vote, outside the repudiated camp, stood on Lenin's letter against
  the General Secretary and the Congress upheld it: nobody may charge it with factionalism (the 1921
  resolution on party unity, turned by the apparatus the letter condemned against its critics), so it
  can be censured and lose posts for deviation, but not its seats or party cards (`vindicated`).

Nothing is scheduled and no number is added: no verdict exists unless the letter is read and the
Congress's majority votes the General Secretary out, which the delegates' allegiances and his
partners' defence decide; the next Congress ends it. Switched by `mechanisms.legacy.congress_verdict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model import PowerStruggleModel


@dataclass(frozen=True, slots=True)
class Verdict:
    """A Congress's vote against the General Secretary: whom it repudiated, whom it upheld, and when."""

    repudiated: frozenset[int]
    vindicated: frozenset[int]
    month: int


def record(model: PowerStruggleModel, holder: int, defenders: frozenset[int]) -> None:
    """The Congress voted the General Secretary out: he and his defenders are repudiated.

    The factions already organised outside his camp stood against him on the letter: they are upheld.
    """
    legacy = model.cfg.mechanisms.legacy
    if not (legacy.enabled and legacy.congress_verdict):
        return
    repudiated = frozenset(defenders | {holder})
    upheld = frozenset(
        k for k, lead in enumerate(model.leaders) if lead.mobilised and lead.eligible and k not in repudiated
    )
    model.verdict = Verdict(repudiated, upheld, model.month)
    model.cache.structure_changed()


def congress_opens(model: PowerStruggleModel) -> None:
    """A new Congress supersedes the last one's verdict."""
    if model.verdict is not None:
        model.verdict = None
        model.cache.structure_changed()


def slate(model: PowerStruggleModel) -> frozenset[int]:
    """Whose followers a Congress's CC election favours.

    The leadership's, unless this Congress has just voted the General Secretary out: then the
    majority's, every eligible leader outside the camp it repudiated.
    """
    v = model.verdict
    if v is None or v.month != model.month:
        return model.ruling
    return frozenset(k for k, lead in enumerate(model.leaders) if lead.eligible and k not in v.repudiated)


def may_move_sanctions(model: PowerStruggleModel) -> bool:
    """Whether the leadership may move sanctions: not while it holds a leader the Congress repudiated."""
    v = model.verdict
    return v is None or not (model.ruling & v.repudiated)


def vindicated(model: PowerStruggleModel, k: int) -> bool:
    """Whether k leads a faction the standing verdict upheld (not to be charged with factionalism)."""
    v = model.verdict
    return v is not None and k in v.vindicated and model.leaders[k].mobilised
