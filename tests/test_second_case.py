"""The second case (1953-1958): its scenario, targets and counterfactual run on the one model.

One model, two cases: the 1953 scenario sets no behavioural parameter, its events are typed entries
of its own, and the tools take the leaders' names and the events' words from the scenario.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sim.chronicle import chronicle_of
from sim.model.core import PowerStruggleModel
from sim.plots.style import leader_palette
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
S53 = ROOT / "scenarios" / "succession_1953.toml"
COUNTERFACTUAL = ROOT / "scenarios" / "succession_1953_malenkov_keeps_secretariat.toml"
HISTORICAL = ROOT / "scenarios" / "historical.toml"
T53 = ROOT / "targets" / "record_1953.toml"


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def test_the_1953_case_sets_no_behavioural_parameter() -> None:
    s53, hist = load_scenario(S53).resolved(), load_scenario(HISTORICAL).resolved()
    assert s53["mechanisms"] == hist["mechanisms"]
    assert s53["consolidation"] == hist["consolidation"]
    cf = load_scenario(COUNTERFACTUAL).resolved()
    assert cf["mechanisms"] == hist["mechanisms"] and cf["consolidation"] == hist["consolidation"]


def test_the_1953_events_are_its_own_typed_entries() -> None:
    cfg = load_scenario(S53).config
    assert {ev.type for _, ev in cfg.events.items()} == {"death", "funeral", "shock"}
    assert not {"lenin_death", "testament", "lenin_enrolment", "grain_crisis", "war_scare"} & set(
        cfg.events.root
    )
    # The 1924 file names no type: its keys give them, and its dotted paths still read.
    hist = load_scenario(HISTORICAL, {"events.testament.published": True}).config
    assert hist.events.testament.type == "letter" and hist.events.testament.published
    assert hist.events.grain_crisis.type == "shock"


def test_an_untyped_new_event_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(f'base = "{S53.as_posix()}"\n[events.sputnik]\ndate = "1957-10-04"\n')
    proc = _cli("validate", str(bad))
    assert (
        proc.returncode == 2 and "sputnik.type" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    )


def test_a_1953_replicate_runs_with_its_own_cast() -> None:
    model = PowerStruggleModel(S53, rng=53)
    model.run_model()
    kinds = {e["kind"] for e in model.events}
    assert {"stalin_death", "stalin_funeral", "hungary"} <= kinds
    assert not kinds & {"lenin_death", "funeral", "testament_handled", "grain_crisis"}
    assert model.leader_names[:3] == ["malenkov", "beria", "molotov"]
    assert model.months[0].isoformat() == "1953-03-01" and model.months[-1].isoformat() == "1958-12-01"
    # Stalin's death opens no seat: the Presidium of 5 March had ten full members without him.
    assert not model.politburo.lenin_seat
    holders = [lead.name for lead in model.leaders if "general_secretary" in lead.posts]
    assert holders in ([], ["khrushchev"]) or len(holders) == 1


def test_zhukov_may_rise_to_a_seat_he_never_held() -> None:
    model = PowerStruggleModel(S53, rng=1)
    zhukov = model.leaders[model.leader_index["zhukov"]]
    assert zhukov.pb_seat == 0
    model.politburo.vacancies += 1
    taken = model.politburo.fill_vacancy([model.leader_index["khrushchev"], model.leader_index["zhukov"]])
    assert taken.who in ("zhukov", "melnikov")  # a named candidate of Khrushchev's first, then Zhukov


def test_the_1953_targets_validate_against_their_scenario() -> None:
    proc = _cli("validate", str(T53), "--scenario", str(S53))
    assert proc.returncode == 0, proc.stderr


def test_score_chronicle_and_plot_work_on_the_1953_case(tmp_path: Path) -> None:
    out = tmp_path / "s53"
    assert (
        _cli("run", str(S53), "--replicates", "4", "--seed", "5", "--out", str(out), "--quiet").returncode
        == 0
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert "khrushchev" in manifest["scenario"]["leaders"]
    lines = chronicle_of(out, 0)
    assert any(line.endswith("Stalin dies at Kuntsevo.") for line in lines), lines[:4]
    assert "Lenin " not in " ".join(lines) and "Lenin's" not in " ".join(lines)
    proc = _cli(
        "score",
        str(S53),
        "--targets",
        str(T53),
        "--replicates",
        "4",
        "--seed",
        "5",
        "--out",
        str(tmp_path / "sc"),
    )
    assert proc.returncode == 0 and (tmp_path / "sc" / "score.csv").exists()
    assert _cli("plot", str(out)).returncode == 0 and any((out / "figures").glob("*.png"))


def test_the_palette_gives_the_1953_cast_distinct_colours() -> None:
    cast = list(load_scenario(S53).config.leaders)
    colours = leader_palette(cast)
    assert len({colours[n] for n in cast}) == len(cast) == 9


def test_a_misspelt_event_type_names_its_key_and_the_nearest_type(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(f'base = "{S53.as_posix()}"\n[events.sputnik]\ntype = "shok"\ndate = "1957-10-04"\n')
    proc = _cli("validate", str(bad))
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"error: {bad}: events.sputnik.type: 'shok': "
        "expected one of death, enrolment, funeral, letter, shock (did you mean shock?)"
    )
