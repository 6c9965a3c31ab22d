"""A chronicle of one replicate: its alliances, votes and sanctions as dated plain sentences.

The point is to read a simulated run the way a historian summarises the real one ("Nov 1927:
Trotsky is expelled from the party"), so a user can judge whether a replicate tells a plausible story.
Bodies and offices are called by the scenario's names (`[names]`, recorded in the run's manifest): the
Presidium and the First Secretary in 1953, the Politburo and the General Secretary in 1924.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sim.errors import InputError
from sim.plots.load import ComparisonData, RunData, SweepData, load, normalise
from sim.scenario.names import DEFAULT_NAMES, Names, names_of

_EXOGENOUS = {
    "lenin_death": "Lenin dies.",
    "funeral": "Lenin is buried in Red Square.",
    "lenin_enrolment_start": "The Lenin Enrolment begins: a mass recruitment of new party members.",
    "lenin_enrolment_end": "The Lenin Enrolment closes.",
    "testament_handled": "Lenin's Testament is read to the delegations but kept from publication.",
    "testament_published": "Lenin's Testament is published, with its warning against Stalin.",
    "war_scare": "A war scare grips the country.",
    "grain_crisis": "The grain procurement crisis breaks out.",
}
_SANCTIONS = {
    "censure": "{who} is censured{by}.",
    "post_removal": "{who} loses his post{detail}.",
    "politburo_removal": "{who} is removed from the {politburo}{by}.",
    "cc_removal": "{who} is removed from the {cc}{by}.",
    "party_expulsion": "{who} is expelled from the party{by}.",
    "internal_exile": "{who} is sent into internal exile{detail}.",
    "exile_abroad": "{who} is deported from the Soviet Union{detail}.",
    "gs_removal": "{who} is removed as {first}{by}.",
    "capitulation": "{who} capitulates and recants his views.",
    "readmission": "{who} is readmitted to the party.",
    "mobilisation": "{who} organises a faction and takes his case to the party ranks.",
    "factional_act": "{who}'s faction acts in the open: its own meetings, press or demonstrations.",
    "truce": "{who} renounces factional methods but keeps his views: the faction disbands.",
    "ultimatum": "{who} is told, in exile, to cease his political activity.",
    "arrest": "{who} is arrested by order of the {politburo}.",
    "politburo_promotion": "{who} becomes a full member of the {politburo}{detail}.",
    "consolidation": "{who} has consolidated power: no rival is left who could challenge him.",
}
_MOTION_VERB = {
    "censure": "to censure {who}",
    "post_removal": "to remove {who} from his post",
    "politburo_removal": "to remove {who} from the {politburo}",
    "cc_removal": "to remove {who} from the {cc}",
    "party_expulsion": "to expel {who} from the party",
    "internal_exile": "to send {who} into internal exile",
    "exile_abroad": "to deport {who}",
    "gs_removal": "to remove {who} as {first}",
    "readmission": "to readmit {who}",
    "arrest": "to arrest {who}",
    "retain general secretary": "to keep {who} as {first}",
}
#: Templates name bodies and offices by placeholder: {politburo}, {cc} and {first} (see `_labels`).
#: Events told by their own rule (not a sanction template): appointments, placements, seats, alliances.
_OFFICES = {
    "gs_appointed": "The {cc} elects {who} {first}{at}.",
    "secretary_placed": "{who} places his man as secretary of the {org} organisation.",
}
#: Every event kind the model logs; the chronicle has a sentence for each (tests/test_chronicle.py).
EVENT_KINDS: tuple[str, ...] = (
    *_EXOGENOUS,
    *_SANCTIONS,
    *_OFFICES,
    "congress",
    "conference",
    "cc_plenum",
    "discussion",
    "alliance_formed",
    "alliance_dissolved",
)
# Within a day: context first, then sessions, votes, sanctions and alliances, then the outcome.
_ORDER = {"exogenous": 0, "session": 1, "vote": 2, "event": 3, "alliance": 4, "consolidation": 5}


def _labels(names: Names) -> dict[str, str]:
    """The templates' placeholders for the scenario's bodies and offices."""
    return {"politburo": names.politburo, "cc": names.central_committee, "first": names.first_office}


def _name(actor: object) -> str:
    """`stalin` -> `Stalin`, `kamenev+stalin` -> `Stalin and Kamenev`; no actor: `an unnamed leader`."""
    if not (pd.notna(actor) and str(actor).strip()):
        return "an unnamed leader"
    return _members(actor) if "+" in str(actor) else str(actor).strip().capitalize()


def _members(actor: object, cast: tuple[str, ...] = ()) -> str:
    """`kamenev+stalin+zinoviev` -> `Stalin, Zinoviev and Kamenev`, in the cast's order (default 1924's)."""
    from sim.plots.style import order_leaders

    names = [n.capitalize() for n in order_leaders(str(actor).split("+"), cast or None)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _cap(text: str) -> str:
    """Capitalise the first letter only (`str.capitalize` would lower-case `Party Congress`)."""
    return text[:1].upper() + text[1:]


def _the(body: object) -> str:
    """`13th Party Congress` -> `the 13th Party Congress`."""
    b = str(body).strip() if pd.notna(body) else ""
    return f"the {b}" if b else "the party"


def _detail(row: pd.Series, cast: tuple[str, ...] = ()) -> str:
    """Detail text with leaders' names capitalised (the scenario's cast, else the 1924 one), or empty."""
    from sim.plots.style import LEADERS

    d = row.get("detail")
    if not (pd.notna(d) and str(d).strip()):
        return ""
    names = "|".join(re.escape(n) for n in (cast or LEADERS))
    return re.sub(r"\b(" + names + r")\b", lambda m: m.group(1).capitalize(), str(d).strip())


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


def _words(text: str) -> set[str]:
    """Content words of a sentence, for telling whether a detail only repeats it."""
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3}


def _with_detail(sentence: str, detail: str) -> str:
    """Add the detail in parentheses, or use it instead when it says the same thing more precisely."""
    if not detail:
        return sentence
    detail = re.sub(r"\s*\(([^)]*)\)", r", \1", detail)  # no parentheses inside parentheses
    base, extra = _words(sentence), _words(detail)
    if extra and extra <= base:
        return sentence  # the detail adds nothing
    if base and len(base & extra) >= 0.6 * len(base):
        return _cap(detail.rstrip(".")) + "."  # e.g. "Lenin dies at Gorki" for "Lenin dies"
    if extra and len(extra & base) >= 2 / 3 * len(extra):
        return sentence  # the detail nearly only repeats the sentence
    return sentence[:-1] + f" ({detail})."


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


def chronicle(
    events: pd.DataFrame,
    votes: pd.DataFrame | None = None,
    summary: pd.DataFrame | None = None,
    *,
    replicate: int = 0,
    manifest: dict | None = None,
    names: Names | None = None,
) -> list[str]:
    """Tell one replicate's story as dated lines, headed by what was simulated and ending with the outcome.

    `names` are the scenario's names for its bodies and offices; by default the manifest's, else 1924's.
    """
    ev = (
        normalise(events)
        if events is not None
        else pd.DataFrame(columns=["replicate", "date", "kind", "actor"])
    )
    vt = (
        normalise(votes)
        if votes is not None
        else pd.DataFrame(columns=["replicate", "date", "body", "motion"])
    )
    sm = normalise(summary) if summary is not None else pd.DataFrame(columns=["replicate"])
    have = set(ev.get("replicate", pd.Series(dtype=int))) | set(sm.get("replicate", pd.Series(dtype=int)))
    if replicate not in have:
        span = f"{min(have)}..{max(have)}" if have else "none in these results"
        raise InputError(f"replicate {replicate} not in the results: expected one of {span}")
    m = manifest or {}
    resolved = m.get("scenario") if isinstance(m.get("scenario"), dict) else {}
    cast = tuple(str(n).lower() for n in (resolved.get("leaders") or {}))
    scenario_events = resolved.get("events") if isinstance(resolved.get("events"), dict) else None
    names = names or names_of(m)
    srow = (
        sm[sm["replicate"] == replicate].iloc[0]
        if "replicate" in sm and (sm["replicate"] == replicate).any()
        else pd.Series(dtype=object)
    )
    seed = srow.get("seed") if len(srow) else None
    head = f"Chronicle of replicate {replicate}"
    if m.get("scenario_name"):
        head += f" of scenario '{m['scenario_name']}'"
    if seed is not None and pd.notna(seed):
        head += f" (seed {int(seed)})"
    items: list[tuple[pd.Timestamp, int, int, str]] = []
    e = ev[(ev["replicate"] == replicate) & ev["date"].notna()] if len(ev) else ev
    v = vt[(vt["replicate"] == replicate) & vt["date"].notna()] if len(vt) else vt
    carried = set()
    for i, (_, row) in enumerate(v.iterrows()):
        items.append((row["date"], _ORDER["vote"], i, vote_sentence(row, names)))
        motion = str(row.get("motion", ""))
        consent = _is_politburo(row, names)  # its yes only sends it to the plenum
        if (
            ":" in motion
            and not consent
            and pd.to_numeric(row.get("for"), errors="coerce")
            > pd.to_numeric(row.get("against"), errors="coerce")
        ):
            kind, who = (s.strip().lower() for s in motion.split(":", 1))
            carried.add((row["date"], kind, who))
    for i, (_, row) in enumerate(e.iterrows()):
        if (row["date"], str(row.get("kind")), str(row.get("actor"))) in carried:
            continue  # the vote's sentence already says it
        said = event_sentence(row, cast, scenario_events, names)
        if said:
            items.append((row["date"], _ORDER[said[1]], i, said[0]))
    items.sort(key=lambda x: (x[0], x[1], x[2]))
    lines = [head + ":"]
    lines += [f"{d:%d %b %Y}  {text}" for d, _, _, text in items]
    if not items:
        lines.append("(nothing happened in this replicate: no events or votes were recorded)")
    lines.append(_outcome(srow, names))
    return lines


def _outcome(srow: pd.Series, names: Names = DEFAULT_NAMES) -> str:
    """Say who won and when power was consolidated, and who holds the first office (the closing line)."""
    if not len(srow):
        return "Outcome: not recorded (no summary row for this replicate)."
    winner = str(srow.get("winner", "")).strip().lower()
    date = srow.get("consolidation_date")
    if winner in ("", "none", "nan", "<na>"):
        text = "Outcome: no one consolidates power by the end of the period; the struggle is unresolved."
    else:
        text = f"Outcome: {winner.capitalize()} wins"
        text += f", consolidating power on {date:%d %b %Y}." if pd.notna(date) else "."
    gs = srow.get("gs_holder_final")
    if pd.notna(gs) and str(gs).strip() and str(gs).lower() not in ("none", "nan"):
        text += f" {names.first_office} at the end: {str(gs).capitalize()}."
    return text


def chronicle_of(results_dir: Path, replicate: int = 0, scenario: str | None = None) -> list[str]:
    """Chronicle of one replicate of a run directory (or of one scenario of a comparison directory)."""
    data = load(Path(results_dir))
    if isinstance(data, SweepData):
        raise InputError(
            f"{results_dir}: a sweep directory: expected a run or comparison directory "
            "(sweeps keep no per-replicate story)"
        )
    run: RunData
    if isinstance(data, ComparisonData):
        if not data.runs:
            raise InputError(
                f"{results_dir}: no scenario runs in this comparison: expected one folder per scenario"
            )
        name = scenario or next(iter(data.runs))
        if name not in data.runs:
            raise InputError(
                f"{results_dir}: scenario {name!r} not in this comparison: expected one of "
                f"{', '.join(data.runs)}"
            )
        run = data.runs[name]
    else:
        run = data
    if "events.csv" in run.missing and "votes.csv" in run.missing:
        raise InputError(f"{run.path}: no events.csv or votes.csv: expected the run's event and vote tables")
    try:
        return chronicle(run.events, run.votes, run.summary, replicate=replicate, manifest=run.manifest)
    except InputError as err:
        raise InputError(f"{run.path}: {err}") from None
