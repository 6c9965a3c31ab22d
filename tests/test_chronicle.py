"""The chronicle of one replicate: dated plain sentences in order, clear errors for a bad request."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sim.chronicle import EVENT_KINDS, chronicle, chronicle_of, event_sentence, vote_sentence
from sim.errors import InputError

EVENTS = pd.DataFrame(
    [
        (0, "1924-01-21", "lenin_death", "", "", "Lenin dies at Gorki"),
        (0, "1924-01-27", "funeral", "", "", "absent: trotsky"),
        (0, "1924-01-01", "alliance_formed", "kamenev+stalin+zinoviev", "", ""),
        (0, "1925-12-18", "congress", "", "14th Party Congress", ""),
        (0, "1925-12-18", "cc_plenum", "", "CC plenum", ""),
        (0, "1926-10-23", "politburo_removal", "trotsky", "CC plenum", ""),
        (0, "1927-11-14", "party_expulsion", "trotsky", "CC plenum", ""),
        (0, "1928-01-17", "internal_exile", "trotsky", "", "Alma-Ata"),
        (0, "1929-02-10", "exile_abroad", "trotsky", "", ""),
        (0, "1929-06-01", "consolidation", "stalin", "", ""),
        (1, "1924-01-21", "lenin_death", "", "", ""),
    ],
    columns=["replicate", "date", "kind", "actor", "body", "detail"],
)
VOTES = pd.DataFrame(
    [
        (0, "1925-12-18", "14th Party Congress", "leadership line", 559, 65, 41, 665),
        (0, "1926-10-23", "CC plenum", "politburo_removal: trotsky", 150, 20, 0, 170),
        (0, "1927-06-01", "CC plenum", "party_expulsion: zinoviev", 40, 90, 5, 135),
    ],
    columns=["replicate", "date", "body", "motion", "for", "against", "abstain", "voting_delegates"],
)
SUMMARY = pd.DataFrame(
    [(0, 42, "stalin", "1929-06-01", "stalin"), (1, 43, "none", "", "stalin")],
    columns=["replicate", "seed", "winner", "consolidation_date", "gs_holder_final"],
)


def test_chronicle_tells_the_story_in_date_order() -> None:
    lines = chronicle(EVENTS, VOTES, SUMMARY, replicate=0, manifest={"scenario_name": "historical"})
    assert lines[0] == "Chronicle of replicate 0 of scenario 'historical' (seed 42):"
    body = lines[1:-1]
    assert body == [
        "01 Jan 1924  Stalin, Zinoviev and Kamenev form an alliance.",
        "21 Jan 1924  Lenin dies at Gorki.",
        "27 Jan 1924  Lenin is buried in Red Square (absent: Trotsky).",
        "18 Dec 1925  The 14th Party Congress opens.",
        "18 Dec 1925  The 14th Party Congress endorses the leadership line by 559 to 65 "
        "(84% of voting delegates; 41 abstaining).",
        "23 Oct 1926  The CC plenum votes 150 to 20 to remove Trotsky from the Politburo.",
        "01 Jun 1927  The CC plenum refuses to expel Zinoviev from the party: "
        "90 against, 40 for (5 abstaining).",
        "14 Nov 1927  Trotsky is expelled from the party by the CC plenum.",
        "17 Jan 1928  Trotsky is sent into internal exile (Alma-Ata).",
        "10 Feb 1929  Trotsky is deported from the Soviet Union.",
        "01 Jun 1929  Stalin has consolidated power: no rival is left who could challenge him.",
    ]
    assert (
        lines[-1]
        == "Outcome: Stalin wins, consolidating power on 01 Jun 1929. General Secretary at the end: Stalin."
    )


def test_a_vote_that_carried_is_not_repeated_as_an_event() -> None:
    lines = chronicle(EVENTS, VOTES, SUMMARY, replicate=0)
    assert not any("Trotsky is removed from the Politburo" in ln for ln in lines)
    assert sum("Politburo" in ln for ln in lines) == 1


def test_unresolved_replicate_and_quiet_replicate() -> None:
    lines = chronicle(EVENTS, None, SUMMARY, replicate=1)
    assert lines[1] == "21 Jan 1924  Lenin dies."
    assert lines[-1].startswith("Outcome: no one consolidates power")
    quiet = chronicle(EVENTS.iloc[:0], None, SUMMARY, replicate=1)
    assert "nothing happened" in quiet[1]


def test_unknown_replicate_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"replicate 7 not in the results: expected one of 0\.\.1"):
        chronicle(EVENTS, VOTES, SUMMARY, replicate=7)


def test_unknown_kinds_and_motions_still_read() -> None:
    row = pd.Series({"kind": "purge_trial", "actor": "rykov", "body": "", "detail": "show trial"})
    assert event_sentence(row) == ("An event concerning Rykov: purge trial (show trial).", "event")
    vote = pd.Series(
        {"body": "CC plenum", "motion": "retain general secretary", "for": 30, "against": 2, "abstain": 0}
    )
    assert vote_sentence(vote) == "The CC plenum keeps the General Secretary in office, 30 to 2."
    other = pd.Series({"body": "CC plenum", "motion": "grain prices", "for": 3, "against": 2, "abstain": 1})
    assert vote_sentence(other) == 'The CC plenum votes on "grain prices": 3 for, 2 against (1 abstaining).'


def test_chronicle_of_directories(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    EVENTS.to_csv(run / "events.csv", index=False)
    VOTES.to_csv(run / "votes.csv", index=False)
    SUMMARY.to_csv(run / "summary.csv", index=False)
    (run / "manifest.json").write_text(json.dumps({"kind": "run", "scenario_name": "historical"}))
    assert len([ln for ln in chronicle_of(run, 0) if ln.strip()]) >= 8
    with pytest.raises(InputError) as err:
        chronicle_of(run, 5)
    assert str(err.value).startswith(f"{run}: replicate 5 not in the results")
    assert chronicle_of(run, 0, "historical")[0].startswith("Chronicle of replicate 0")  # its own name
    with pytest.raises(InputError, match=r"--scenario other: a run directory of scenario 'historical'"):
        chronicle_of(run, 0, "other")  # was ignored: replicate 0 of historical, silently
    cmp = tmp_path / "cmp"
    cmp.mkdir()
    (cmp / "manifest.json").write_text(json.dumps({"kind": "comparison", "scenarios": ["historical"]}))
    (cmp / "historical").symlink_to(run, target_is_directory=True)
    assert chronicle_of(cmp, 0)[0].startswith("Chronicle of replicate 0 of scenario 'historical'")
    with pytest.raises(
        InputError, match="scenario 'nope' not in this comparison: expected one of historical"
    ):
        chronicle_of(cmp, 0, "nope")
    with pytest.raises(InputError, match=r"\(did you mean historical\?\)"):
        chronicle_of(cmp, 0, "historicl")
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / "manifest.json").write_text(json.dumps({"kind": "sweep"}))
    (sweep / "points.csv").write_text("point_id,a.x,p_stalin\n0,0.5,1.0\n")
    with pytest.raises(InputError, match="a sweep directory: expected a run or comparison directory"):
        chronicle_of(sweep, 0)


def test_the_politburo_sends_a_motion_to_the_plenum_and_does_not_decide_it() -> None:
    row = pd.Series({"body": "Politburo", "motion": "politburo_removal: bukharin", "for": 5, "against": 4})
    assert vote_sentence(row) == (
        "The Politburo votes 5 to 4 to put to the plenum a motion to remove Bukharin from the Politburo."
    )
    refused = row.copy()
    refused["for"], refused["against"] = 4, 5
    assert vote_sentence(refused).startswith("The Politburo refuses to put to the plenum a motion to remove")
    votes = pd.DataFrame(
        [(0, "1926-10-23", "Politburo", "politburo_removal: trotsky", 6, 3, 0, 9)],
        columns=["replicate", "date", "body", "motion", "for", "against", "abstain", "voting_delegates"],
    )
    lines = chronicle(EVENTS, votes, SUMMARY, replicate=0)
    assert any("Trotsky is removed from the Politburo" in ln for ln in lines)  # the plenum's act is told


def test_a_promotion_to_the_politburo_reads_with_its_patron() -> None:
    row = pd.Series(
        {"kind": "politburo_promotion", "actor": "molotov", "body": "CC plenum", "detail": "placed by stalin"}
    )
    assert event_sentence(row) == (
        "Molotov becomes a full member of the Politburo at the CC plenum (placed by Stalin).",
        "event",
    )


#: The detail each kind carries in real runs (from the model's log_event calls).
DETAILS = {
    "exile_abroad": "deported from the Soviet Union",
    "internal_exile": "deported to a remote province",
    "mobilisation": "organises a faction and platform",
    "gs_appointed": "elected by the CC majority",
    "secretary_placed": "placed by stalin",
    "gs_removal": "testament read; the CC votes him out (defended by kamenev, rykov)",
    "politburo_promotion": "placed by stalin",
}


def _reads_as_prose(text: str) -> None:
    assert text[0].isupper() and text.endswith("."), text
    assert "_" not in text and "someone" not in text and "+" not in text, text
    assert "((" not in text and text.count("(") <= 1, text
    inner = text[text.find("(") + 1 : text.rfind(")")] if "(" in text else ""
    assert not inner or inner.lower() not in text.split("(")[0].lower(), text  # no repeated detail
    assert not any(w in {"stalin", "rykov", "trotsky", "kamenev"} for w in text.split()), text


def _cases() -> list[tuple[str, str]]:
    """Each kind with the actors it is logged with: one leader, several (alliances), none (context)."""
    cases = []
    for kind in EVENT_KINDS:
        if kind.startswith("alliance_"):
            cases.append((kind, "kamenev+stalin+zinoviev"))
        elif kind in {"politburo_promotion", "congress", "conference", "cc_plenum"} or kind.startswith(
            ("lenin_", "testament_", "funeral", "war_", "grain_")
        ):
            cases += [(kind, ""), (kind, "rykov")]
        else:
            cases.append((kind, "rykov"))
    return cases


@pytest.mark.parametrize(("kind", "actor"), _cases())
def test_every_event_kind_reads_as_prose(kind: str, actor: str) -> None:
    body = "red_army" if kind == "secretary_placed" else "CC plenum"
    row = pd.Series({"kind": kind, "actor": actor, "body": body, "detail": DETAILS.get(kind, "")})
    said = event_sentence(row)
    if said is None:
        assert kind == "cc_plenum"
        return
    _reads_as_prose(said[0])


def test_the_issues_raw_sentences_now_read() -> None:
    def say(kind: str, actor: object, detail: str = "") -> str:
        row = pd.Series({"kind": kind, "actor": actor, "body": "13th Party Congress", "detail": detail})
        return event_sentence(row)[0]

    assert say("gs_appointed", "rykov", "elected by the CC majority") == (
        "The Central Committee elects Rykov General Secretary at the 13th Party Congress."
    )
    assert say("exile_abroad", "trotsky", "deported from the Soviet Union") == (
        "Trotsky is deported from the Soviet Union."
    )
    assert say("politburo_promotion", float("nan"), "a client of rykov") == (
        "A client of Rykov takes a full seat in the Politburo at the 13th Party Congress."
    )
    vote = pd.Series(
        {
            "body": "CC plenum",
            "motion": "retain general secretary: stalin",
            "for": 26,
            "against": 27,
            "abstain": 0,
        }
    )
    assert (
        vote_sentence(vote)
        == "The CC plenum refuses to keep Stalin as General Secretary: 27 against, 26 for."
    )


def test_an_open_discussion_is_told_as_the_cells_vote() -> None:
    row = pd.Series(
        {
            "date": "1927-11-01",
            "body": "Pre-congress discussion",
            "motion": "leadership line",
            "for": 724000,
            "against": 4000,
            "abstain": 0,
            "voting_delegates": 728000,
        }
    )
    text = vote_sentence(row)
    assert "724,000 for" in text and "4,000 against" in text and "delegates" not in text
