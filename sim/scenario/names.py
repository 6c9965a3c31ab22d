"""The scenario's names for its bodies and offices, as the outputs and the chronicle print them.

One model runs two successions: the institutions are the same (a small leading body, a first office,
a Central Committee, a political police), only their names changed between 1924 and 1953. The
model's own words stay generic (event kinds such as `politburo_removal`, columns such as
`gs_holder_final`, the office key `general_secretary`); only the human-facing names come from here.
Every default is the 1924 name, so a scenario without `[names]` prints what it always printed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from sim.validation import StrictModel


class Names(StrictModel):
    """`[names]`: what the events, votes, chronicle, figures and view call each body and office."""

    politburo: str = Field(
        default="Politburo", min_length=1, description="the party's leading body (1953: the Presidium)"
    )
    first_office: str = Field(
        default="General Secretary",
        min_length=1,
        description="the party's first office, the post with the appointment lever (1953: First Secretary)",
    )
    central_committee: str = Field(
        default="Central Committee", min_length=1, description="the body that elects the leading body"
    )
    control_commission: str = Field(
        default="Central Control Commission",
        min_length=1,
        description="the party's court, which readmits the recanted (1953: the Party Control Committee)",
    )
    police: str = Field(
        default="OGPU", min_length=1, description="the political police that exiles and warns (1953: the MVD)"
    )


#: The 1924 names: what a scenario without `[names]`, or an old result folder, prints.
DEFAULT_NAMES = Names()


def names_of(manifest: Mapping[str, Any] | None) -> Names:
    """The names a run's manifest records (its resolved scenario's `names`), else the 1924 names.

    Result folders written before `[names]` existed, or by hand, lack it; a name missing or not a
    non-empty string falls back to its 1924 default rather than failing a chronicle or a figure.
    """
    scenario = (manifest or {}).get("scenario")
    given = scenario.get("names") if isinstance(scenario, Mapping) else None
    if not isinstance(given, Mapping):
        return DEFAULT_NAMES
    known = {k: v for k, v in given.items() if k in Names.model_fields and isinstance(v, str) and v.strip()}
    return Names(**known)
