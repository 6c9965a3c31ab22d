"""The chronicle's words: a sentence template for every event kind, and the helpers that fill them.

Templates name bodies and offices by placeholder ({politburo}, {cc}, {first}), filled with the
scenario's `[names]`; leaders are capitalised and coalitions listed in the scenario's order.
"""

from __future__ import annotations

import re

import pandas as pd

from sim.scenario.names import Names

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
    "challenge",
)


# Within a day: context first, then sessions, votes, sanctions and alliances, then the outcome.
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
