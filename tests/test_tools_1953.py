"""The tools on the second case: figures, chronicle and sweep take their leaders from the 1953 scenario.

Each test fails if a tool falls back to a 1924 name (Stalin as the principal, Trotsky as the rival).
Stalin's own name may appear in 1953 only as the man whose death opens the window.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.colors as mcolors
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

import sim
from sim.chronicle import chronicle_of
from sim.plots import load
from sim.plots.compare import key_dates_for
from sim.plots.draw import comparison_figures, principal_and_rival, run_figures, sweep_figures
from sim.plots.style import leader_palette
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
S53 = ROOT / "scenarios" / "succession_1953.toml"
CF53 = ROOT / "scenarios" / "succession_1953_malenkov_keeps_secretariat.toml"
CAST_1924 = re.compile(r"\b(stalin|trotsky|zinoviev|kamenev|bukharin|rykov|tomsky)\b", re.IGNORECASE)


def texts(fig: Figure) -> str:
    """All text drawn on a figure."""
    fig.canvas.draw()
    return "\n".join(t.get_text() for t in fig.findobj(Text))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One 1953 run, the 1953 comparison and a 1953 sweep, a few replicates each."""
    out = tmp_path_factory.mktemp("t53")
    sim.run_scenario(S53, replicates=4, seed=3).write(out / "run")
    sim.compare_scenarios([S53, CF53], replicates=8, seed=3).write(out / "cmp")
    from sim.sweep import sweep

    experiment = {
        "experiment": {
            "name": "k53",
            "scenario": str(S53),
            "replicates": 2,
            "seed": 5,
            "outputs": ["summary"],
        },
        "grid": {"leaders.khrushchev.appointment_control": [0.3, 0.9]},
    }
    sweep(experiment, backend="serial", out=out / "sweep")
    return out


def test_the_figures_follow_khrushchev_and_malenkov(base: Path) -> None:
    run = load.load_run(base / "run")
    assert principal_and_rival(run.manifest, None) == ("khrushchev", "malenkov")
    shown = "\n".join(texts(fig) for fig in run_figures(run).values())
    assert "Khrushchev" in shown and "Malenkov" in shown
    assert not CAST_1924.search(shown), CAST_1924.search(shown)
    fates = texts(run_figures(run)["institutional_fates"])
    assert "Presidium" in fates and "Politburo" not in fates  # the scenario's names for its bodies


def test_the_comparison_follows_the_first_scenarios_principal_and_rival(base: Path) -> None:
    figures = comparison_figures(load.load_comparison(base / "cmp"))
    dates = [ax.get_title() for ax in figures["key_dates"].axes if ax.get_title()]
    # The rival's key date is Malenkov's expulsion (drawn where some run has it), never Trotsky's.
    expected = [label for _, label in key_dates_for("malenkov")]
    assert expected == ["Malenkov expelled from the party", "power consolidated (by the winner)"]
    assert "power consolidated (by the winner)" in dates and set(dates) <= set(expected)
    winners = figures["winner_probabilities"]
    notes = [t for t in winners.axes[0].texts if t.get_text()[:1].isdigit()]  # the focus's values
    khrushchev = leader_palette(list(load_scenario(S53).config.leaders))["khrushchev"]
    assert notes and {mcolors.to_hex(t.get_color()) for t in notes} == {khrushchev}
    for fig in (figures["key_dates"], winners):
        assert not CAST_1924.search(texts(fig))


def test_the_sweep_figure_is_p_of_khrushchev(base: Path) -> None:
    figures = sweep_figures(load.load_sweep(base / "sweep"))
    assert list(figures) == ["sweep_p_khrushchev"]
    assert "P(Khrushchev wins)" in texts(figures["sweep_p_khrushchev"])


def test_the_chronicle_names_only_the_1953_cast(base: Path) -> None:
    lines = chronicle_of(base / "run", 0)
    story = "\n".join(lines[1:])  # the title line names the scenario
    assert "Stalin dies" in story
    assert not CAST_1924.search(story.replace("Stalin dies", "").replace("Stalin's", ""))
    assert any(name in story for name in ("Khrushchev", "Malenkov", "Beria", "Molotov"))
    # Coalitions are named in the scenario's order (Khrushchev is listed before Bulganin), not alphabetically.
    assert "Khrushchev and Bulganin" in story and "Bulganin and Khrushchev" not in story


def test_the_views_inputs_are_the_1953_scenarios() -> None:
    from sim.view.model import ViewModel
    from sim.view.montecarlo import baseline_file
    from sim.view.settings import ViewSetup, read_inputs, to_overrides

    spec = load_scenario(S53)
    values = read_inputs(spec)
    traits = ("appointment_control", "charisma", "compromise_willingness", "mobilisation")
    sliders = {f"{who}_{t}" for who in ("khrushchev", "malenkov") for t in traits}
    switches = {k: v for k, v in values.items() if not k.startswith("strength_") and k not in sliders}
    assert sliders <= set(values)
    assert switches == {
        "malenkov_at_stalin_funeral": True,
        "berlin_rising": True,
        "cult_condemned": True,
        "hungary": True,
    }
    assert to_overrides(
        {"malenkov_at_stalin_funeral": False, "hungary": False, "khrushchev_appointment_control": 0.3}, spec
    ) == {
        "events.stalin_funeral.absent": ["malenkov"],
        "events.hungary.enabled": False,
        "leaders.khrushchev.appointment_control": 0.3,
    }
    # a 1924 input names nothing in 1953: it sets nothing rather than a path the scenario lacks
    assert to_overrides({"trotsky_at_funeral": True, "stalin_charisma": 0.9, "shocks": False}, spec) == {}
    setup = ViewSetup.load(S53, seed=2)
    labels = {v["label"] for v in setup.model_params().values() if isinstance(v, dict)}
    assert "Malenkov attends Stalin's funeral" in labels and "Revolution in Hungary (Oct 1956)" in labels
    assert not CAST_1924.search("\n".join(labels).replace("Stalin's funeral", ""))
    start = {k: (v["value"] if isinstance(v, dict) else v) for k, v in setup.model_params().items()}
    model = ViewModel(**{**start, "hungary": False, "malenkov_charisma": 0.8})
    assert model.overrides == {"events.hungary.enabled": False, "leaders.malenkov.charisma": 0.8}
    assert baseline_file(CF53) == S53 and baseline_file(
        ROOT / "scenarios" / "testament_published.toml"
    ).name == ("historical.toml")


def test_a_comparison_of_the_two_cases_is_refused_before_any_run(tmp_path: Path) -> None:
    # Runs are paired with the first scenario's: 1953-58 beside 1924-29 has no difference to report.
    from sim.errors import InputError

    refused = r"succession_1953.toml: start: 1953-03-05 to 1958-12-31 shares no day"
    with pytest.raises(InputError, match=refused):
        sim.compare_scenarios([ROOT / "scenarios" / "historical.toml", S53], replicates=1)


def test_the_other_cases_record_is_refused_as_marks(base: Path, tmp_path: Path) -> None:
    # The 1924 record names Trotsky and dates in the 1920s: on a 1953 run no mark would be drawn.
    from sim.errors import InputError
    from sim.plots import draw_all

    record_1924 = ROOT / "targets" / "record.toml"
    for results in ("run", "cmp"):
        with pytest.raises(InputError, match=r"record.toml: target\[0\]\.actor: 'trotsky' is not a leader"):
            draw_all(base / results, tmp_path / results, targets=record_1924)
        assert not (tmp_path / results).exists()  # nothing drawn
    assert draw_all(base / "run", tmp_path / "ok", targets=ROOT / "targets" / "record_1953.toml")
