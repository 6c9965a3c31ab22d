"""The view without a browser: the state adapter, the inputs, the Monte Carlo table, the command's checks.

Needs the viz extra (`make test` installs it): a missing extra fails here rather than skipping.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sim.run.stats import wilson
from sim.view import figures, state
from sim.view.model import ViewModel
from sim.view.montecarlo import winner_table
from sim.view.panels import chronicle_lines
from sim.view.settings import ViewSetup, read_inputs

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"


@pytest.fixture(scope="module")
def setup() -> ViewSetup:
    return ViewSetup.load(HISTORICAL, seed=3)


def start_values(setup: ViewSetup) -> dict[str, object]:
    """What Mesa's ModelCreator passes on the first Reset: every input at its start value."""
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in setup.model_params().items()}


def test_untouched_inputs_change_nothing(setup: ViewSetup) -> None:
    model = ViewModel(**start_values(setup))
    assert model.overrides == {}
    assert model.seed == 3
    assert "inputs changed: none" in model.settings_text()


def test_the_replay_is_replicate_0_of_run_with_the_same_seed(setup: ViewSetup) -> None:
    from sim import run_scenario

    model = ViewModel(**start_values(setup))
    while model.running:
        model.step()
    events = run_scenario(HISTORICAL, replicates=1, seed=3).events
    events = events[events["kind"] != "consolidation"]  # written by the run layer after the last month
    ran = sorted((str(d)[:10], k, a if isinstance(a, str) else "") for d, k, a in zip(
        events["date"], events["kind"], events["actor"], strict=True))  # fmt: skip
    assert sorted((e["date"], e["kind"], e["actor"]) for e in model.events) == ran


def test_moved_inputs_become_overrides(setup: ViewSetup) -> None:
    values = start_values(setup)
    values.update(testament_published=True, trotsky_at_funeral=True, stalin_charisma=0.9, shocks=False)
    model = ViewModel(**values)
    assert model.overrides == {
        "events.testament.published": True,
        "events.funeral.absent": [],
        "leaders.stalin.charisma": 0.9,
        "events.war_scare.enabled": False,
        "events.grain_crisis.enabled": False,
    }
    cfg = state.scenario_config(model.spec)
    assert cfg.events.testament.published and cfg.leaders["stalin"].charisma == 0.9
    assert "testament_published=True" in model.settings_text()


def test_picked_scenario_keeps_its_own_values_for_untouched_inputs(setup: ViewSetup) -> None:
    model = ViewModel(**{**start_values(setup), "scenario_name": "testament_published"})
    assert state.scenario_config(model.spec).events.testament.published
    assert read_inputs(model.spec)["testament_published"] is True


def test_mesa_reset_scenario_keyword_is_ignored_and_unknown_inputs_refused(setup: ViewSetup) -> None:
    import mesa.experimental.scenarios as mesa_scenarios

    model = ViewModel(**start_values(setup), scenario=mesa_scenarios.Scenario(rng=1))
    assert model.scenario_name == "historical"
    with pytest.raises(ValueError, match="unknown view inputs"):
        ViewModel(setup=setup, stalin_charm=0.5)


def test_adapter_reads_seats_alliances_ladder_and_a_fixed_sample(setup: ViewSetup) -> None:
    model = ViewModel(**start_values(setup))
    sample_rows = state.apparatus_sample(model).rows
    model.run_to(24)
    assert state.months_done(model) == 24 and state.current_date(model).isoformat() == "1925-12-01"
    seats = state.politburo(model)
    full = [s for s in seats if s.rank == "full"]
    assert len(full) == model.politburo.full_seats()
    named = {s.member for s in seats if s.member}
    assert named == {m.name for m in model.politburo.members if m.seat}  # every named member, by name
    assert len(state.central_committee(model)) == model.central_committee.n == 63  # the 14th Congress's CC
    assert abs(sum(state.support(model).values()) - 1.0) < 1e-9
    assert set(state.rungs(model)) == set(state.leader_names(model))
    assert all(a.against not in a.members for a in state.alliances(model))
    assert (state.apparatus_sample(model).rows == sample_rows).all()
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == 24 and set(state.leader_names(model)) <= set(df.columns)


def test_chronicle_uses_the_chronicle_sentences(setup: ViewSetup) -> None:
    model = ViewModel(**{**start_values(setup), "testament_published": True})
    assert not any("Lenin dies" in line for line in chronicle_lines(model))
    model.run_to(5)
    lines = chronicle_lines(model)
    assert any("Lenin dies" in line for line in lines)
    assert any("Testament is published" in line for line in lines)


def test_figures_draw_every_seat(setup: ViewSetup) -> None:
    model = ViewModel(**start_values(setup))
    model.run_to(3)
    seats, cc = tuple(state.politburo(model)), tuple(state.central_committee(model))
    fig = figures.bodies(seats, cc)
    assert sum(len(ax.patches) for ax in fig.axes) == len(seats) + len(cc)
    fig = figures.patronage(state.leader_names(model), state.apparatus_sample(model))
    assert fig.axes[0].collections


def test_winner_table_has_wilson_intervals_and_the_baseline() -> None:
    rows = winner_table(["stalin"] * 7 + ["none"] * 3, ["stalin"] * 9 + ["trotsky"], ["stalin", "trotsky"])
    assert [r.winner for r in rows] == ["stalin", "trotsky", "none"]
    stalin = rows[0]
    assert (stalin.p, stalin.base_p) == (0.7, 0.9)
    assert (stalin.lo, stalin.hi) == wilson(7, 10)
    assert rows[1].p == 0.0 and rows[1].hi == wilson(0, 10)[1] and rows[1].base_p == 0.1


def _view(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", "view", *args], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


def test_invalid_scenario_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('base = "' + str(HISTORICAL) + '"\n[party]\nscale = -4\n')
    r = _view(str(bad), "--port", "1")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1 and "party.scale" in r.stderr


def test_port_in_use_is_one_line_and_exit_2() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = _view("--port", str(port))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("error: --port: ") and r.stderr.count("\n") == 1


def test_bad_port_number_is_one_line_and_exit_2() -> None:
    r = _view("--port", "70000")
    assert r.returncode == 2 and r.stderr.startswith("error: ") and r.stderr.count("\n") == 1


def test_core_import_needs_no_viz_dependencies() -> None:
    code = (
        "import sys, sim, sim.cli.commands; sim.cli.commands.build_parser(); "
        "bad = [m for m in ('solara', 'mesa.visualization', 'playwright') if m in sys.modules]; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60).returncode == 0


def test_view_without_a_scenario_starts_outside_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.cli.view import SHIPPED_SCENARIO, resolve_scenario

    monkeypatch.chdir(tmp_path)  # no scenarios/ folder here
    found = resolve_scenario(None)
    assert found == SHIPPED_SCENARIO.resolve() and found.is_file()
    assert ViewSetup.load(found).scenario == found
    own = tmp_path / "scenarios" / "historical.toml"
    own.parent.mkdir()
    own.write_text(HISTORICAL.read_text(encoding="utf-8"), encoding="utf-8")
    assert resolve_scenario(None) == own.resolve()  # a copy in the working directory wins
    assert resolve_scenario(Path("mine.toml")) == (tmp_path / "mine.toml").resolve()


def test_view_without_any_scenario_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.cli import view as view_cli
    from sim.errors import InputError

    monkeypatch.setattr(view_cli, "SHIPPED_SCENARIO", tmp_path / "gone" / "historical.toml")
    with pytest.raises(InputError, match="expected a SCENARIO file argument") as err:
        view_cli.resolve_scenario(None, cwd=tmp_path)
    assert "\n" not in str(err.value)


def test_view_command_from_another_directory_gets_past_the_scenario(tmp_path: Path) -> None:
    """Started elsewhere with no argument, `view` validates the shipped scenario, reaches the port check."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = subprocess.run(
            [sys.executable, "-m", "sim", "view", "--port", str(port)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
        )
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("error: --port: "), r.stderr
