"""Experiment files: the shipped ones validate, bad ones fail in one line naming file, key and expectation."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.errors import InputError
from sim.sweep.design import build_design, validate_experiment
from sim.sweep.experiment import is_experiment, load_experiment

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"


def write(tmp_path: Path, body: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    head = f'[experiment]\nscenario = "{HISTORICAL}"\nreplicates = 2\nseed = 7\n'
    path.write_text(head + body if "[experiment]" not in body else body, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["appointment_vs_charisma", "counterfactuals", "lhs_leaders"])
def test_shipped_experiments_validate(name: str) -> None:
    path = ROOT / "experiments" / f"{name}.toml"
    validate_experiment(path)
    design = build_design(load_experiment(path))
    assert design.n_runs >= 100


def test_appointment_vs_charisma_is_a_2d_grid_of_both_parameters() -> None:
    design = build_design(load_experiment(ROOT / "experiments" / "appointment_vs_charisma.toml"))
    assert design.columns == ["leaders.stalin.appointment_control", "leaders.trotsky.charisma"]
    stalin = sorted({p.values["leaders.stalin.appointment_control"] for p in design.points})
    trotsky = sorted({p.values["leaders.trotsky.charisma"] for p in design.points})
    assert len(design.points) == len(stalin) * len(trotsky) and len(stalin) >= 4 and len(trotsky) >= 4


def test_counterfactuals_cross_every_scenario_file() -> None:
    design = build_design(load_experiment(ROOT / "experiments" / "counterfactuals.toml"))
    assert design.columns == ["scenario"]
    # The 1924 case's scenario files; the second case (succession_1953*) is another succession, not a
    # counterfactual of 1924.
    shipped = {
        p.stem for p in (ROOT / "scenarios").glob("*.toml") if not p.stem.startswith("succession_1953")
    }
    assert {p.scenario for p in design.points} == shipped


def test_recognises_experiment_files_but_not_scenarios() -> None:
    import tomllib

    assert is_experiment(tomllib.loads((ROOT / "experiments" / "lhs_leaders.toml").read_text()))
    assert not is_experiment(tomllib.loads(HISTORICAL.read_text()))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '[grid]\n"leaders.stalin.charm" = [0.1, 0.2]\n',
            "grid.leaders.stalin.charm: unknown parameter path of scenario 'historical': expected a key of "
            "leaders.stalin (did you mean leaders.stalin.charisma?)",
        ),
        (
            '[grid]\n"leaders.stalin.charisma" = []\n',
            "grid.leaders.stalin.charisma: expected a non-empty list",
        ),
        (
            '[grid]\n"leaders.stalin.charisma" = { start = 0.9, stop = 0.1, steps = 3 }\n',
            "expected stop > start",
        ),
        ('[grid]\n"leaders.stalin.charisma" = { start = 0.1, stop = 0.9, step = 3 }\n', "step: unknown key"),
        ('[grid]\n"leaders.stalin.charisma" = [0.1, "high"]\n', "expected values of one type"),
        (
            '[grid]\n"leaders.stalin.charisma" = [0.5, 1.5]\n',
            "grid.leaders.stalin.charisma: value 1.5 rejected",
        ),
        ('[grid]\n"leaders.stalin" = [0.5]\n', "grid.leaders.stalin: is a table"),
        (
            '[sample]\nmethod = "lhs"\npoints = 8\n[sample.bounds]\n"leaders.stalin.charisma" = [0.9, 0.2]\n',
            "sample.bounds.leaders.stalin.charisma: expected low < high",
        ),
        (
            '[sample]\nmethod = "sobol"\npoints = 10\n[sample.bounds]\n'
            '"leaders.stalin.charisma" = [0.1, 0.2]\n',
            "expected a power of two",
        ),
        (
            '[sample]\nmethod = "grid"\npoints = 8\n[sample.bounds]\n'
            '"leaders.stalin.charisma" = [0.1, 0.2]\n',
            "sample.method",
        ),
        (
            '[fixed]\n"party.scale" = 0.02\n[grid]\n"party.scale" = [0.02, 0.03]\n',
            "fixed.party.scale: expected a parameter not",
        ),
        (
            '[fixed]\n"mechanisms.nonsense.enabled" = false\n',
            "fixed.mechanisms.nonsense.enabled: unknown parameter",
        ),
        ('[experiment]\nscenario = "x.toml"\nreplicates = 2\nseed = 1\n', "experiment.scenario: file"),
        (f'[experiment]\nscenario = "{HISTORICAL}"\nreplicates = 0\nseed = 1\n', "experiment.replicates"),
        (
            f'[experiment]\nscenario = "{HISTORICAL}"\nreplicates = 1\nseed = 1\nbackend = "gpu"\n',
            "experiment.backend",
        ),
        (
            f'[experiment]\nscenario = "{HISTORICAL}"\nreplicates = 1\nseed = 1\ncolour = "red"\n',
            "experiment.colour: unknown key",
        ),
        ('[gird]\n"delegates" = [1]\n', "gird: unknown key"),
    ],
)
def test_bad_experiment_is_one_clear_line(tmp_path: Path, body: str, expected: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(InputError) as err:
        validate_experiment(path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(str(path)), message
    assert expected in message, message


def test_malformed_toml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[experiment\n")
    with pytest.raises(InputError, match="malformed TOML"):
        load_experiment(bad)
    with pytest.raises(InputError, match="file not found"):
        load_experiment(tmp_path / "nope.toml")


def test_replicates_override_must_be_positive(tmp_path: Path) -> None:
    path = write(tmp_path, '[grid]\n"party.scale" = [0.02]\n')
    assert load_experiment(path, replicates=5).replicates == 5
    with pytest.raises(InputError, match="--replicates"):
        load_experiment(path, replicates=0)


def test_nested_tables_and_quoted_paths_are_the_same(tmp_path: Path) -> None:
    quoted = write(tmp_path, '[grid]\n"leaders.stalin.charisma" = [0.2, 0.4]\n', "a.toml")
    nested = write(tmp_path, "[grid.leaders.stalin]\ncharisma = [0.2, 0.4]\n", "b.toml")
    a, b = (build_design(load_experiment(p)) for p in (quoted, nested))
    assert [p.values for p in a.points] == [p.values for p in b.points]


def test_mapping_experiment_for_notebooks() -> None:
    exp = load_experiment(
        {
            "experiment": {"scenario": str(HISTORICAL), "replicates": 3, "seed": 1},
            "grid": {"party.scale": [0.02, 0.03]},
        }
    )
    assert exp.name == "experiment" and len(build_design(exp).points) == 2


def test_replicates_and_seed_may_come_from_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path, f'[experiment]\nscenario = "{HISTORICAL}"\n[grid]\n"party.scale" = [0.02, 0.03]\n')
    validate_experiment(path)  # valid: the flags give them when it runs
    with pytest.raises(
        InputError, match=r"experiment.replicates: missing: expected a value here or --replicates"
    ):
        load_experiment(path)
    with pytest.raises(InputError, match=r"experiment.seed: missing: expected a value here or --seed"):
        load_experiment(path, replicates=2)
    experiment = load_experiment(path, replicates=2, seed=7)
    assert (experiment.replicates, experiment.seed) == (2, 7)


def test_flags_override_the_files_values(tmp_path: Path) -> None:
    path = write(tmp_path, f'[experiment]\nscenario = "{HISTORICAL}"\nreplicates = 5\nseed = 1\n')
    assert (load_experiment(path).replicates, load_experiment(path).seed) == (5, 1)
    assert (load_experiment(path, 3, 9).replicates, load_experiment(path, 3, 9).seed) == (3, 9)
