"""One sentence per event or vote of a run's tables (`event_sentence`, `vote_sentence`)."""

from __future__ import annotations

import pandas as pd

from sim.chronicle.words import (
    _EXOGENOUS,
    _MOTION_VERB,
    _OFFICES,
    _SANCTIONS,
    _cap,
    _detail,
    _labels,
    _members,
    _name,
    _the,
    _with_detail,
)
from sim.scenario.names import DEFAULT_NAMES, Names


def _scenario_event(kind: str, detail: str, scenario_events: dict) -> str | None:
    """A sentence for an exogenous event the scenario declares (a typed entry), from its own words."""
    for name, spec in scenario_events.items():
        if not isinstance(spec, dict):
            continue
        if kind == name:
            text = detail or name.replace("_", " ")
            if spec.get("type") == "funeral":
                return _cap(f"the funeral in {spec.get('place') or 'Red Square'} ({text}).")
            return _cap(text.rstrip(".") + ".")
        if spec.get("type") == "enrolment" and kind in (f"{name}_start", f"{name}_end"):
            what = name.replace("_", " ")
            return f"The {what} {'begins' if kind.endswith('_start') else 'closes'}."
    return None


def event_sentence(
    row: pd.Series,
    cast: tuple[str, ...] = (),
    scenario_events: dict | None = None,
    names: Names = DEFAULT_NAMES,
) -> tuple[str, str] | None:
    """Sentence and ordering class for one event row; None for rows not worth a line (e.g. CC plenums).

    `cast` is the scenario's leaders and `scenario_events` its typed events (from the run's manifest):
    an exogenous event the 1924 wording does not know is told in the scenario's own words. `names`
    are the scenario's names for its bodies and offices.
    """
    labels = _labels(names)
    kind = str(row.get("kind", "")).strip().lower()
    detail = _detail(row, cast)
    legacy = scenario_events is None or any(kind == n or kind.startswith(f"{n}_") for n in scenario_events)
    if kind in _EXOGENOUS and legacy:
        return _with_detail(_EXOGENOUS[kind], detail), "exogenous"
    told = _scenario_event(kind, detail, scenario_events or {})
    if told is not None:
        return told, "exogenous"
    if kind in ("congress", "conference"):
        body = row.get("body")
        name = body if pd.notna(body) and str(body).strip() else f"party {kind}"
        return f"{_cap(_the(name))} opens.", "session"
    if kind == "cc_plenum":
        return None
    if kind == "discussion":
        return (
            f"The party opens a discussion: the cells vote on the {names.central_committee}'s theses.",
            "session",
        )
    if kind == "alliance_formed":
        text = f"{_members(row['actor'], cast)} form an alliance"
        return text + (f" ({detail})." if detail else "."), "alliance"
    if kind == "alliance_dissolved":
        return f"The alliance of {_members(row['actor'], cast)} breaks up" + (
            f" ({detail})." if detail else "."
        ), "alliance"
    if kind == "challenge":  # a Politburo majority against the first office (sim.mechanisms.challenge)
        movers = _members(row["actor"], cast)
        text = f"{movers}, a majority of the {names.politburo}, move to remove the {names.first_office}"
        return text + (f": {detail}." if detail else "."), "event"
    body = row.get("body")
    by = f" by {_the(body)}" if pd.notna(body) and str(body).strip() else ""
    if kind == "politburo_promotion":
        return _promotion(row, detail, names), "event"
    if kind in _OFFICES:
        org = str(body).replace("_", " ").strip().title() if pd.notna(body) and str(body).strip() else "a"
        at = f" at {_the(body)}" if pd.notna(body) and str(body).strip() else ""
        # Their details ("placed by stalin", "elected by the CC majority") only repeat the sentence.
        return _cap(_OFFICES[kind].format(who=_name(row.get("actor")), at=at, org=org, **labels)), "event"
    if kind in _SANCTIONS:
        text = _cap(_SANCTIONS[kind].format(who=_name(row.get("actor")), by=by, detail="", **labels))
        return _with_detail(text, detail), "consolidation" if kind == "consolidation" else "event"
    # A kind this chronicle does not know yet: still a sentence, with the kind's words.
    what = kind.replace("_", " ") or "an unnamed event"
    actor = row.get("actor")
    if pd.notna(actor) and str(actor).strip():
        return _with_detail(f"An event concerning {_members(actor, cast)}: {what}.", detail), "event"
    return _with_detail(f"{_cap(what)}.", detail), "event"


def _promotion(row: pd.Series, detail: str, names: Names = DEFAULT_NAMES) -> str:
    """A full Politburo seat taken: by a named member, or by an unnamed client (`a client of rykov`)."""
    actor = row.get("actor")
    body = row.get("body")
    at = f" at {_the(body)}" if pd.notna(body) and str(body).strip() else ""
    if pd.notna(actor) and str(actor).strip():
        return _with_detail(f"{_name(actor)} becomes a full member of the {names.politburo}{at}.", detail)
    who = _cap(detail) if detail.lower().startswith("a client of") else "A member nobody named"
    return f"{who} takes a full seat in the {names.politburo}{at}."


def vote_sentence(row: pd.Series, names: Names = DEFAULT_NAMES) -> str:
    """One vote as a sentence: who voted how on what, and whether it carried (`names`: the scenario's)."""

    def num(col: str) -> int:
        v = pd.to_numeric(row.get(col), errors="coerce")
        return int(v) if pd.notna(v) else 0

    f, a, ab = num("for"), num("against"), num("abstain")
    body = _the(row.get("body"))
    motion = str(row.get("motion", "")).strip()
    carried = f > a
    tail = f" ({ab} abstaining)" if ab else ""
    if motion.lower() == "leadership line" and "discussion" in str(row.get("body", "")).lower():
        # An open discussion: the members vote in their cells (counts in real members).
        total = num("voting_delegates") or (f + a + ab)
        share = f" ({f / total:.0%} of the members)" if total else ""
        cells = f"the cells vote {f:,} for the {names.central_committee}'s theses, {a:,} against"
        return f"In {body.lower()} {cells}{share}."
    if motion.lower() == "leadership line":
        total = num("voting_delegates") or (f + a + ab)
        notes = [f"{f / total:.0%} of voting delegates"] if total else []
        notes += [f"{ab} abstaining"] if ab else []
        verb = "endorses the leadership line" if carried else "rejects the leadership line"
        return f"{_cap(body)} {verb} by {f} to {a}" + (f" ({'; '.join(notes)})." if notes else ".")
    if ":" in motion:
        kind, who = (s.strip() for s in motion.split(":", 1))
        action = _MOTION_VERB.get(kind.lower(), f"on {kind.replace('_', ' ')} of {{who}}").format(
            who=_members(who), **_labels(names)
        )
        if _is_politburo(row, names):  # it decides only whether the plenum votes
            if carried:
                return f"The {names.politburo} votes {f} to {a}{tail} to put to the plenum a motion {action}."
            refusal = f"The {names.politburo} refuses to put to the plenum a motion {action}"
            return f"{refusal}: {a} against, {f} for{tail}."
        if carried:
            return f"{_cap(body)} votes {f} to {a}{tail} {action}."
        return f"{_cap(body)} refuses {action}: {a} against, {f} for{tail}."
    if motion.lower() == "retain general secretary":
        office = names.first_office
        what = f"keeps the {office} in office" if carried else f"votes to replace the {office}"
        return f"{_cap(body)} {what}, {f} to {a}{tail}."
    return f'{_cap(body)} votes on "{motion}": {f} for, {a} against{tail}.'


#: Motions the Politburo decides itself (an arrest: sim.mechanisms.organs); on the others it only consents.
_POLITBURO_DECIDES = frozenset({"arrest"})


def _is_politburo(row: pd.Series, names: Names) -> bool:
    """Whether the Politburo (by the scenario's name) cast this vote, its yes only sending it on."""
    kind = str(row.get("motion", "")).split(":", 1)[0].strip().lower()
    return str(row.get("body", "")).strip() == names.politburo and kind not in _POLITBURO_DECIDES
