"""The record's targets file, `score`, `targets` (a synthetic record) and the record's marks on figures."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.cli import commands as cli
from sim.errors import InputError
from sim.record.score import replicate_values, score_row
from sim.record.synthetic import targets_from_run, to_toml
from sim.record.targets import KINDS, EventDate, EventShare, VoteShare, load_targets, parse_targets

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "targets" / "record.toml"
HISTORICAL = ROOT / "scenarios" / "historical.toml"
REQUIRED_FIT = {
    ("politburo_removal", "trotsky", "1926-10-23"),
    ("cc_removal", "trotsky", "1927-10-23"),
    ("party_expulsion", "trotsky", "1927-11-14"),
    ("exile_abroad", "trotsky", "1929-02-12"),
    ("politburo_removal", "zinoviev", "1926-07-23"),
    ("party_expulsion", "zinoviev", "1927-11-14"),
}


def _target(**over: object) -> dict[str, object]:
    row: dict[str, object] = {
        "name": "t", "role": "fit", "kind": "event_date", "event": "cc_removal", "actor": "trotsky",
        "date": "1927-10-23", "tolerance": 120, "source": "x",
    }  # fmt: skip
    row.update(over)
    return row


def test_record_file_has_the_required_fit_targets_each_sourced() -> None:
    targets = load_targets(RECORD)
    have = {
        (t.event, t.actor, t.date.isoformat())
        for t in targets
        if isinstance(t, EventDate) and t.role == "fit"
    }
    assert REQUIRED_FIT <= have
    assert all(t.source for t in targets)
    assert {t.role for t in targets} == {"fit", "validate"}
    assert {t.kind for t in targets} == set(KINDS)
    assert {t.role for t in targets if t.kind in ("ordering", "never", "date_window")} == {"validate"}


def test_a_record_target_that_lowers_min_share_says_why_in_its_source() -> None:
    lowered = [t for t in load_targets(RECORD) if isinstance(t, EventDate) and t.min_share != 0.5]
    assert [t.name for t in lowered] == ["trotsky_exile_abroad"]  # the contingent deportation
    assert all(f"min_share {t.min_share:g}" in t.source for t in lowered)


@pytest.mark.parametrize(
    ("row", "key"),
    [
        (_target(kind="no_such_kind"), "target[0].kind"),
        (_target(role="maybe"), "target[0].role"),
        (_target(date="someday"), "target[0].date"),
        (_target(tolerance=-1), "target[0].tolerance"),
        (_target(colour="red"), "target[0].colour"),
        ({k: v for k, v in _target().items() if k != "source"}, "target[0].source"),
        (_target(kind="vote_share", body="x", share=1.5), "target[0]"),
    ],
)
def test_a_bad_target_is_one_line_naming_the_file_and_key(row: dict[str, object], key: str) -> None:
    with pytest.raises(InputError) as err:
        parse_targets({"target": [row]}, "f.toml")
    assert str(err.value).startswith(f"f.toml: {key}")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("row", "line"),
    [
        (
            _target(role="fitt"),
            "f.toml: target[0].role: expected one of fit, validate (got 'fitt'; did you mean fit?)",
        ),
        (_target(tolerance="sixty"), "f.toml: target[0].tolerance: expected a number (got 'sixty')"),
    ],
)
def test_a_mistyped_word_or_number_says_what_was_expected(row: dict[str, object], line: str) -> None:
    """It was pydantic's "Input should be 'fit' or 'validate'", without the nearest word."""
    with pytest.raises(InputError) as err:
        parse_targets({"target": [row]}, "f.toml")
    assert str(err.value) == line


def test_names_must_be_distinct_and_the_file_must_have_targets() -> None:
    with pytest.raises(InputError, match="used twice"):
        parse_targets({"target": [_target(), _target()]}, "f.toml")
    with pytest.raises(InputError, match="target: expected one or more"):
        parse_targets({}, "f.toml")


def test_replicate_values_read_first_dates_shares_and_votes() -> None:
    targets = [
        EventDate(**_target(name="d")),
        EventShare(
            **{k: v for k, v in _target(name="s", kind="event_share", tolerance=0.1).items() if k != "date"},
            by="1927-01-01",
            share=1.0,
        ),
        EventDate(**_target(name="never", event="exile_abroad")),
        VoteShare(
            name="v",
            role="fit",
            kind="vote_share",
            body="14th Party Congress",
            date="1925-12-18",
            share=0.1,
            tolerance=0.05,
            source="x",
        ),
    ]
    events = [
        {"date": "1927-06-15", "kind": "cc_removal", "actor": "trotsky"},
        {"date": "1926-03-15", "kind": "cc_removal", "actor": "trotsky"},  # the first one counts
        {"date": "1926-01-15", "kind": "cc_removal", "actor": "zinoviev"},
    ]
    votes = [
        {
            "date": "1925-12-18",
            "body": "14th Party Congress",
            "motion": "leadership line",
            "for": 500,
            "against": 150,
            "abstain": 0,
            "voting_delegates": 750,
        },
        {"date": "1925-12-18", "body": "14th Party Congress", "motion": "other", "for": 0, "against": 750},
    ]
    got = replicate_values(events, votes, targets)
    assert got["d"] == pytest.approx(pd.Timestamp("1926-03-15").toordinal())
    assert got["s"] == 1.0
    assert math.isnan(got["never"])
    assert got["v"] == pytest.approx(0.2)


def test_score_row_is_the_median_date_among_replicates_where_it_happened() -> None:
    t = EventDate(**_target(tolerance=30))
    days = np.array(
        [pd.Timestamp(d).toordinal() for d in ("1927-09-01", "1927-10-01", "1927-11-01")] + [np.nan]
    )
    row = score_row(t, days)
    assert row["model"] == "1927-10-01" and row["error"] == -22 and row["ok"] is True and row["n"] == 3
    assert score_row(EventDate(**_target(tolerance=10)), days)["ok"] is False
    never = score_row(t, np.array([np.nan, np.nan]))
    assert never["model"] is None and never["ok"] is False


def test_score_cli_writes_score_csv_and_a_bad_file_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s"
    rc = cli.main(
        [
            "score",
            str(HISTORICAL),
            "--targets",
            str(RECORD),
            "--replicates",
            "3",
            "--seed",
            "1",
            "--out",
            str(out),
            "--workers",
            "1",
            "--quiet",
        ]
    )
    assert rc == 0
    table = pd.read_csv(out / "score.csv")
    assert list(table.columns[:10]) == [
        "name",
        "role",
        "kind",
        "record",
        "model",
        "lo",
        "hi",
        "error",
        "tolerance",
        "ok",
    ]
    assert len(table) == len(load_targets(RECORD))
    assert capsys.readouterr().out == ""  # --quiet: the table is in score.csv, not on the terminal
    bad = tmp_path / "bad.toml"
    bad.write_text("[[target]]\nname = 3\nkind = 'no_such_kind'\n")
    rc = cli.main(["score", str(HISTORICAL), "--targets", str(bad), "--out", str(tmp_path / "b")])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and str(bad) in err and not (tmp_path / "b").exists()
    unknown = tmp_path / "who.toml"
    unknown.write_text(to_toml([_target(actor="lenin")]))
    assert cli.main(["score", str(HISTORICAL), "--targets", str(unknown), "--out", str(tmp_path / "c")]) == 2
    assert "actor" in capsys.readouterr().err


def test_targets_from_a_run_round_trip_and_plot_marks(tmp_path: Path) -> None:
    run = tmp_path / "run"
    assert (
        cli.main(
            [
                "run",
                str(HISTORICAL),
                "--replicates",
                "4",
                "--seed",
                "2",
                "--out",
                str(run),
                "--workers",
                "1",
                "--quiet",
            ]
        )
        == 0
    )
    rows = targets_from_run(run)
    assert any(r["kind"] == "vote_share" for r in rows) and all(r["role"] == "fit" for r in rows)
    out = tmp_path / "t.toml"
    assert cli.main(["targets", str(run), "--out", str(out)]) == 0
    parsed = load_targets(out)
    assert len(parsed) == len(rows)
    assert tomllib.loads(out.read_text())["target"][0]["source"] == str(run)
    assert cli.main(["plot", str(run), "--targets", str(RECORD)]) == 0
    assert (run / "figures" / "institutional_fates.png").exists() and (run / "figures" / "votes.png").exists()
    assert cli.main(["targets", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x.toml")]) == 2


def test_a_target_may_be_about_a_politburo_member_but_not_about_a_stranger() -> None:
    from sim.record.checks import actors_of, check_targets
    from sim.scenario import load_scenario

    cfg = load_scenario(HISTORICAL).config
    actors = actors_of(cfg)
    assert "molotov" in actors and "stalin" in actors
    about = {"name": "t", "role": "validate", "kind": "event_date", "tolerance": 120, "source": "s"}

    def target(actor: str) -> list[Any]:
        row = {**about, "event": "politburo_promotion", "actor": actor, "date": "1926-01-01"}
        return parse_targets({"target": [row]}, "targets.toml")

    check_targets(target("molotov"), cfg, "targets.toml")  # no error
    with pytest.raises(InputError, match=r"target\[0\]\.actor: 'lenin' is not a leader or Politburo member"):
        check_targets(target("lenin"), cfg, "targets.toml")
