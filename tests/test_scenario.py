"""Scenario loading: every shipped scenario loads and runs; inheritance, overrides and paths behave."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.errors import InputError
from sim.run.runner import simulate
from sim.scenario import known_paths, load_scenario, parse_assignment

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))
HISTORICAL = ROOT / "scenarios" / "historical.toml"


def test_there_are_shipped_scenarios() -> None:
    names = {p.stem for p in SHIPPED}
    assert {"historical", "no_appointment_power", "testament_published", "trotsky_mobilises_1924"} <= names
    assert {"funeral_attended", "no_lenin_enrolment"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_loads_and_runs_one_replicate(path: Path) -> None:
    scenario = load_scenario(path, {"party.scale": 0.02})
    assert scenario.name == path.stem
    assert len(scenario.sha256) == 64
    out = simulate(scenario, seed=1)
    assert out.summary["winner"] in {*scenario.config.leaders, "none"}
    assert out.steps > 0
    assert len(out.timeseries["leader"]) == out.steps * len(scenario.config.leaders)
    assert len(out.records("timeseries")) == out.steps * len(scenario.config.leaders)


def test_counterfactuals_inherit_from_historical() -> None:
    base = load_scenario(HISTORICAL).resolved()
    testament = load_scenario(ROOT / "scenarios" / "testament_published.toml").resolved()
    assert testament["events"]["testament"]["published"] is True
    assert base["events"]["testament"]["published"] is False
    # everything not named in the counterfactual comes from the base
    assert testament["leaders"] == base["leaders"]
    assert testament["calendar"] == base["calendar"]


def test_no_scenario_schedules_outcomes() -> None:
    """A scenario holds inputs: no winner, vote results or sanctions among its keys."""
    forbidden = {"winner", "votes", "sanctions", "consolidation_date", "outcome", "outcomes"}
    for path in SHIPPED:
        for key in known_paths(load_scenario(path)):
            assert not forbidden & set(key.split(".")), (path, key)


def test_parse_assignment() -> None:
    assert parse_assignment("delegates=100") == ("delegates", 100)
    assert parse_assignment("leaders.stalin.charisma = 0.5") == ("leaders.stalin.charisma", 0.5)
    assert parse_assignment("events.testament.published=true") == ("events.testament.published", True)
    assert parse_assignment("description=plain words") == ("description", "plain words")
    assert parse_assignment('events.funeral.absent=["trotsky","zinoviev"]')[1] == ["trotsky", "zinoviev"]
    with pytest.raises(InputError):
        parse_assignment("delegates")


def test_overrides_apply_and_validate() -> None:
    s = load_scenario(HISTORICAL, {"leaders.stalin.appointment_control": 0.5, "party.scale": 0.02})
    assert s.config.leaders["stalin"].appointment_control == 0.5
    assert s.config.party.scale == 0.02
    assert "leaders.stalin.appointment_control" in known_paths(s)
    with pytest.raises(InputError, match="leaders.stallin"):
        load_scenario(HISTORICAL, {"leaders.stallin.charisma": 0.5})
    with pytest.raises(InputError, match="delegates"):
        load_scenario(HISTORICAL, {"delegates": 100})  # the standing pool of delegates is gone


def test_mapping_scenario() -> None:
    data = load_scenario(HISTORICAL).resolved()
    data["name"] = ""
    s = load_scenario(data)
    assert s.name == "custom" and s.source is None
    assert load_scenario(data).sha256 == s.sha256


def test_a_loaded_scenario_is_reused_until_a_file_of_its_chain_changes(tmp_path: Path) -> None:
    import os
    import shutil

    base = tmp_path / "historical.toml"
    shutil.copy(ROOT / "scenarios" / "historical.toml", base)
    child = tmp_path / "child.toml"
    child.write_text('base = "historical.toml"\nname = "child"\n', encoding="utf-8")
    first = load_scenario(child, {"party.scale": 0.05})
    assert load_scenario(child, {"party.scale": 0.05}) is first
    assert load_scenario(child, {"party.scale": 0.05}).config.party.scale == 0.05
    # Editing the base (not the child) must show through.
    text = base.read_text(encoding="utf-8").replace("cult_rate = 0.006", "cult_rate = 0.007")
    base.write_text(text, encoding="utf-8")
    st = base.stat()
    os.utime(base, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    again = load_scenario(child, {"party.scale": 0.05})
    assert again is not first
    assert again.config.mechanisms.legacy.cult_rate == 0.007


def test_the_hash_covers_the_base_chain_and_the_overrides(tmp_path: Path) -> None:
    import hashlib
    import shutil

    base = tmp_path / "historical.toml"
    shutil.copy(ROOT / "scenarios" / "historical.toml", base)
    child = tmp_path / "child.toml"
    child.write_text('base = "historical.toml"\nname = "child"\n', encoding="utf-8")
    assert load_scenario(base).sha256 == hashlib.sha256(base.read_bytes()).hexdigest()
    before = load_scenario(child).sha256
    assert load_scenario(child, {"party.scale": 0.05}).sha256 != before
    base.write_text(base.read_text(encoding="utf-8") + "# an edit of the base only\n", encoding="utf-8")
    assert load_scenario(child).sha256 != before


def test_the_parameter_reference_in_docs_is_the_schema() -> None:
    """docs/parameters.md is generated from the schema: a default changed in one place shows in both."""
    from sim.scenario.reference import page

    text = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert text == page()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("leaders.stalin.charm", "expected a key of leaders.stalin (did you mean leaders.stalin.charisma?)"),
        ("leaders.stallin.charisma", "a leader of the scenario (did you mean leaders.stalin.charisma?)"),
        ("party.scal", "expected a key of party (did you mean party.scale?)"),
        ("delegates", "expected party.scale (the standing pool of delegates was replaced"),
    ],
)
def test_an_unknown_override_names_the_nearest_key(path: str, expected: str) -> None:
    with pytest.raises(InputError) as err:
        load_scenario(HISTORICAL, {path: 1})
    assert expected in str(err.value) and str(err.value).count("\n") == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"leaders.stalin.posts": ["general_secretry"]},
            "leaders.stalin.posts: 'general_secretry' is no post the model reads "
            "(did you mean general_secretary?)",
        ),
        (
            {"party.organisations.leningrad.boss_post": "leningrad_prty"},
            "party.organisations.leningrad.boss_post: 'leningrad_prty' is held by nobody, and "
            "leaders.zinoviev.posts has 'leningrad_party': expected the same name in both",
        ),
        (
            {"events.funeral.absent": ["trotskyy"]},
            "events.funeral.absent: unknown leader 'trotskyy' (did you mean trotsky?)",
        ),
        ({"party.organisations.leningrad.secretary": "stalni"}, "or empty (did you mean stalin?)"),
        ({"leaders.stalin.home_bloc": "leningrd"}, "(did you mean leningrad?)"),
    ],
)
def test_a_misspelt_name_the_model_reads_is_an_error_with_the_nearest_name(
    overrides: dict[str, object], message: str
) -> None:
    """`posts = ["general_secretry"]` ran with the Secretariat empty at the start; names get a suggestion."""
    with pytest.raises(InputError) as err:
        load_scenario(HISTORICAL, overrides)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_post_no_mechanism_reads_stays_a_free_label() -> None:
    load_scenario(HISTORICAL, {"leaders.trotsky.posts": ["war_comissar"]})  # a label only: not refused
