"""The scenario's names for its bodies and offices (`[names]`): the Presidium in 1953, the Politburo in 1924.

Only the human-facing names change with the scenario: event kinds, columns and the office key
`general_secretary` stay generic, and a run without `[names]` (or an old result folder) prints 1924's.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.chronicle import chronicle, event_sentence, vote_sentence
from sim.errors import InputError
from sim.plots.fates import STEPS, institutional_fates, steps_named
from sim.scenario import load_scenario
from sim.scenario.names import DEFAULT_NAMES, Names, names_of
from sim.view import figures
from sim.view.state import Seat

ROOT = Path(__file__).resolve().parents[1]
S53 = ROOT / "scenarios" / "succession_1953.toml"
HISTORICAL = ROOT / "scenarios" / "historical.toml"
NAMES_1924 = ("Politburo", "OGPU", "Central Control Commission", "General Secretary")
NAMES_1953 = Names(
    politburo="Presidium",
    first_office="First Secretary",
    control_commission="Party Control Committee",
    police="MVD",
)


def _strings(res: sim.Results) -> str:
    """Every body and detail the run's events and votes print, as one text."""
    parts = [res.events["body"], res.events["detail"], res.votes["body"]]
    return " | ".join(str(v) for col in parts for v in col.dropna())


def test_the_scenarios_declare_their_names() -> None:
    assert load_scenario(HISTORICAL).config.names == DEFAULT_NAMES
    assert load_scenario(S53).config.names == NAMES_1953
    assert DEFAULT_NAMES.politburo == "Politburo" and DEFAULT_NAMES.first_office == "General Secretary"


def test_the_1953_replay_names_the_presidium_and_1924_still_the_politburo() -> None:
    s53 = sim.run_scenario(S53, replicates=3, seed=11)
    text = _strings(s53)
    assert "Presidium" in set(s53.events["body"])
    # The police's acts (internal exile, the warning) carry the scenario's name for it, never the OGPU.
    police = s53.events[s53.events["kind"].isin(["internal_exile", "ultimatum"])]["body"]
    assert set(police) <= {"MVD"} and load_scenario(S53).config.names.police == "MVD"
    assert not [name for name in NAMES_1924 if name in text], text
    assert "politburo_removal" in set(s53.events["kind"])  # the kinds stay generic
    hist = sim.run_scenario(HISTORICAL, replicates=3, seed=11)
    assert "Politburo" in set(hist.votes["body"])  # the Politburo's consent to a plenum's motion
    assert "OGPU" in set(hist.events["body"])
    assert "Presidium" not in _strings(hist) and "MVD" not in _strings(hist)


def test_names_can_be_set_alone_and_empty_names_are_refused() -> None:
    cfg = load_scenario(HISTORICAL, {"names.politburo": "Presidium"}).config
    assert cfg.names.politburo == "Presidium" and cfg.names.police == "OGPU"
    with pytest.raises(InputError, match=r"names\.politburo"):
        load_scenario(HISTORICAL, {"names.politburo": ""})


def test_old_result_folders_and_odd_manifests_read_with_the_1924_names() -> None:
    assert names_of(None) == DEFAULT_NAMES
    assert names_of({"scenario": {"leaders": {}}}) == DEFAULT_NAMES
    odd = {"scenario": {"names": {"politburo": "Presidium", "police": 3, "central_committee": "", "x": "y"}}}
    assert names_of(odd) == Names(politburo="Presidium")
    assert names_of({"scenario": {"names": NAMES_1953.model_dump()}}) == NAMES_1953


def test_the_chronicle_tells_the_presidium_and_the_first_secretary() -> None:
    manifest = {"scenario": {"names": NAMES_1953.model_dump(), "leaders": {"khrushchev": {}, "malenkov": {}}}}
    votes = pd.DataFrame(
        [
            (0, "1955-01-25", "Presidium", "politburo_removal: malenkov", 6, 3, 0, 9),
            (0, "1955-01-25", "CC plenum", "politburo_removal: malenkov", 100, 20, 0, 120),
        ],
        columns=["replicate", "date", "body", "motion", "for", "against", "abstain", "voting_delegates"],
    )
    events = pd.DataFrame(
        [(0, "1955-01-25", "politburo_removal", "malenkov", "CC plenum", "charged with factionalism")],
        columns=["replicate", "date", "kind", "actor", "body", "detail"],
    )
    summary = pd.DataFrame(
        [(0, 1, "khrushchev", "1957-07-01", "khrushchev")],
        columns=["replicate", "seed", "winner", "consolidation_date", "gs_holder_final"],
    )
    lines = chronicle(events, votes, summary, replicate=0, manifest=manifest)
    text = "\n".join(lines)
    assert (
        "The Presidium votes 6 to 3 to put to the plenum a motion to remove Malenkov from the Presidium."
        in text
    )
    assert "The CC plenum votes 100 to 20 to remove Malenkov from the Presidium." in text
    assert lines[-1].endswith("First Secretary at the end: Khrushchev.")
    assert "Politburo" not in text and "General Secretary" not in text
    # Without names in the manifest (an old folder), the same tables read in the 1924 names.
    old = "\n".join(chronicle(events, votes.replace("Presidium", "Politburo"), summary, replicate=0))
    assert "The Politburo votes 6 to 3" in old and "General Secretary at the end" in old


def test_event_and_vote_sentences_take_the_names() -> None:
    row = pd.Series({"kind": "gs_removal", "actor": "malenkov", "body": "CC plenum", "detail": ""})
    assert (
        event_sentence(row, names=NAMES_1953)[0] == "Malenkov is removed as First Secretary by the CC plenum."
    )
    appointed = pd.Series({"kind": "gs_appointed", "actor": "khrushchev", "body": "", "detail": ""})
    assert (
        event_sentence(appointed, names=NAMES_1953)[0]
        == "The Central Committee elects Khrushchev First Secretary."
    )
    vote = pd.Series(
        {"body": "CC plenum", "motion": "retain general secretary: malenkov", "for": 9, "against": 3}
    )
    assert (
        vote_sentence(vote, NAMES_1953) == "The CC plenum votes 9 to 3 to keep Malenkov as First Secretary."
    )


def test_the_fates_figure_and_the_view_label_the_scenarios_bodies() -> None:
    assert STEPS == steps_named(DEFAULT_NAMES) and STEPS["gs_removal"][1] == "Gen. Sec."
    labels = steps_named(NAMES_1953)
    assert labels["gs_removal"] == ("lost the First Secretary's post", "First Sec.", "h")
    assert labels["politburo_removal"][:2] == ("out of the Presidium", "Presidium")
    summary = pd.DataFrame({"replicate": [0], "malenkov__politburo_removal": ["1957-06-29"]})
    fig = institutional_fates(summary, None, leaders=["malenkov"], names=NAMES_1953)
    ticks = {t.get_text() for ax in fig.axes for t in ax.get_yticklabels()}
    assert {"Presidium", "First Sec."} <= ticks and "Politburo" not in ticks
    drawn = figures.bodies((Seat("full", "malenkov", "member"),), ("malenkov",), ["malenkov"], NAMES_1953)
    titles = [ax.get_title() for ax in drawn.axes]
    assert titles[0].startswith("Presidium") and titles[1].startswith("Central Committee")
