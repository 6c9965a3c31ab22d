"""Counterfactuals under a posterior: the draw, what stands, the columns, the manifests, bad input."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_bad_input import cli  # the same subprocess call as every CLI test

import sim
from sim.errors import InputError
from sim.model.core import PowerStruggleModel
from sim.run.api import prepare
from sim.run.posterior import load_posterior

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
HISTORICAL = SCENARIOS / "historical.toml"
MOBILISES = SCENARIOS / "trotsky_mobilises_1924.toml"
SMALL = {"party.scale": 0.02}
PATHS = (
    "leaders.stalin.appointment_control",
    "leaders.trotsky.mobilisation",
    "mechanisms.alliances.strength",
)
# Four particles; the last has no weight and must never be drawn.
PARTICLES = [(0.35, 0.15, 0.4), (0.6, 0.5, 1.5), (0.85, 0.7, 2.5), (0.99, 0.99, 2.9)]
WEIGHTS = [0.2, 0.3, 0.5, 0.0]


def make_calibration(
    out: Path, scenario: Path = HISTORICAL, paths: tuple[str, ...] = PATHS, particles: list | None = None
) -> Path:
    """A calibration directory as `calibrate` writes it (the files `--posterior` reads)."""
    out.mkdir(parents=True)
    rows = particles or PARTICLES
    table = pd.DataFrame({p: [r[j] for r in rows] for j, p in enumerate(paths)})
    table["weight"] = WEIGHTS[: len(rows)] if particles is None else [1.0] * len(rows)
    table["generation"] = 3
    table.to_parquet(out / "posterior.parquet", index=False)
    params = [{"path": p, "low": 0.0, "high": 3.0, "prior": "uniform", "integer": False} for p in paths]
    manifest = {"kind": "calibration", "scenario": str(scenario.resolve()), "params": params}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def calibration(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_calibration(tmp_path_factory.mktemp("posterior") / "cal")


def test_draw_is_weighted_and_fixed_by_the_seed_tree(calibration: Path) -> None:
    posterior = load_posterior(calibration)
    draws = posterior.draws(7, 400)
    assert draws[:5] == [posterior.draw(7, i) for i in range(5)] == posterior.draws(7, 5)
    rows = [tuple(d[p] for p in PATHS) for d in draws]
    assert set(rows) <= set(PARTICLES[:3])  # the particle without weight never comes
    share = rows.count(PARTICLES[2]) / len(rows)
    assert 0.4 < share < 0.6  # weight 0.5
    assert posterior.draws(8, 5) != posterior.draws(7, 5)
    assert posterior.sha256 == hashlib.sha256((calibration / "posterior.parquet").read_bytes()).hexdigest()


def test_a_value_of_the_run_own_stands(calibration: Path) -> None:
    posterior = load_posterior(calibration)
    historical = prepare(HISTORICAL).resolved()
    mobilises = prepare(MOBILISES).resolved()
    assert posterior.standing(historical, {}, "h") == {}
    assert posterior.standing(mobilises, {}, "m") == {"leaders.trotsky.mobilisation": 0.95}
    # A path the run sets itself stands even at the calibrated-on value (a swept axis keeps its value).
    assert posterior.standing(historical, {"mechanisms.alliances.strength": 1}, "h") == {
        "mechanisms.alliances.strength": 1.0
    }


def test_compare_draws_alike_in_every_scenario(calibration: Path) -> None:
    cmp = sim.compare_scenarios(
        [HISTORICAL, MOBILISES], replicates=4, seed=5, overrides=SMALL, posterior=calibration
    )
    hist, mob = (cmp.results[n].summary for n in ("historical", "trotsky_mobilises_1924"))
    expected = load_posterior(calibration).draws(5, 4)
    for path in PATHS:
        assert hist[path].tolist() == [d[path] for d in expected]
    for path in ("leaders.stalin.appointment_control", "mechanisms.alliances.strength"):
        assert mob[path].tolist() == hist[path].tolist()
    assert mob["leaders.trotsky.mobilisation"].tolist() == [0.95] * 4  # the intervention stands
    digest = hashlib.sha256((calibration / "posterior.parquet").read_bytes()).hexdigest()
    assert cmp.manifest["posterior"]["sha256"] == digest
    assert cmp.manifest["posterior"]["path"] == str(calibration.resolve())
    run_manifest = cmp.results["trotsky_mobilises_1924"].manifest["posterior"]
    assert run_manifest["standing"] == {"leaders.trotsky.mobilisation": 0.95}
    assert "leaders.trotsky.mobilisation" not in run_manifest["drawn"]


def test_the_draw_does_not_depend_on_the_backend(calibration: Path) -> None:
    runs = [
        sim.run_scenario(
            HISTORICAL, replicates=4, seed=2, overrides=SMALL, workers=w, backend=b, posterior=calibration
        ).summary
        for b, w in (("serial", 1), ("local", 2))
    ]
    pd.testing.assert_frame_equal(runs[0], runs[1])


def test_a_sweep_point_draws_as_a_run_does(calibration: Path, tmp_path: Path) -> None:
    experiment = {
        "experiment": {
            "name": "posterior_sweep",
            "scenario": str(HISTORICAL),
            "replicates": 3,
            "seed": 4,
            "outputs": ["summary"],
        },
        "fixed": SMALL,
        "grid": {"leaders.trotsky.charisma": [0.5, 0.95]},
    }
    runs = sim.run_sweep(experiment, backend="serial", out=tmp_path / "sweep", posterior=calibration)
    run = sim.run_scenario(
        HISTORICAL, replicates=3, seed=4, overrides=SMALL, posterior=calibration, backend="serial"
    ).summary
    point = runs[runs["point_id"] == 1].sort_values("replicate")  # charisma 0.95: the historical value
    for path in PATHS:
        assert point[path].tolist() == run[path].tolist()
    assert point["winner"].tolist() == run["winner"].tolist()
    manifest = json.loads((tmp_path / "sweep" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["posterior"]["sha256"] == load_posterior(calibration).sha256


def test_the_model_random_numbers_are_unchanged(tmp_path: Path) -> None:
    """A posterior holding only the scenario's values gives the run without it, when nothing is jittered."""
    at_scenario = make_calibration(tmp_path / "cal", particles=[(0.9, 0.2, 1.0)])
    overrides = SMALL | {"parameter_uncertainty": 0.0}
    plain = sim.run_scenario(HISTORICAL, replicates=3, seed=9, overrides=overrides, backend="serial")
    under = sim.run_scenario(
        HISTORICAL, replicates=3, seed=9, overrides=overrides, backend="serial", posterior=at_scenario
    )
    assert under.manifest["posterior"]["drawn"] == list(PATHS)
    pd.testing.assert_frame_equal(under.summary.drop(columns=list(PATHS)), plain.summary)
    pd.testing.assert_frame_equal(under.events, plain.events)


def test_drawn_traits_are_not_jittered_and_the_rest_are_as_before() -> None:
    drawn = frozenset({"leaders.trotsky.mobilisation"})
    plain = PowerStruggleModel(HISTORICAL, SMALL | {"parameter_uncertainty": 0.1}, rng=3)
    under = PowerStruggleModel(HISTORICAL, SMALL | {"parameter_uncertainty": 0.1}, rng=3, drawn=drawn)
    trotsky = under.leaders[under.leader_index["trotsky"]]
    assert trotsky.mobilisation == trotsky.params.mobilisation  # not jittered
    before = plain.leaders[plain.leader_index["trotsky"]]
    assert before.mobilisation != before.params.mobilisation  # jittered without the posterior
    for a, b in zip(plain.leaders, under.leaders, strict=True):
        for trait in ("charisma", "appointment_control", "vulnerability"):
            assert getattr(a, trait) == getattr(b, trait)  # the noise is drawn all the same
    assert np.array_equal(plain.rng.random(4), under.rng.random(4))


# --- bad input: one line, exit 2, nothing written ------------------------------------------------


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: --posterior ")
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def _experiment(tmp_path: Path) -> Path:
    path = tmp_path / "exp.toml"
    path.write_text(
        f'[experiment]\nname = "x"\nscenario = "{HISTORICAL.as_posix()}"\nreplicates = 2\nseed = 1\n'
        '[grid]\n"leaders.trotsky.charisma" = [0.5, 0.9]\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_a_missing_posterior_is_one_line(tmp_path: Path, command: str) -> None:
    target = {
        "run": [HISTORICAL],
        "compare": [HISTORICAL, MOBILISES],
        "sweep": [_experiment(tmp_path)],
    }[command]
    proc = cli(command, *target, "--posterior", tmp_path / "nope", "--out", tmp_path / "out", cwd=tmp_path)
    assert_one_line_error(proc, "nope", "no such directory")
    assert not (tmp_path / "out").exists()


def test_a_directory_that_is_not_a_calibration_is_one_line(tmp_path: Path) -> None:
    run_dir = tmp_path / "a_run"
    run_dir.mkdir()
    (run_dir / "manifest.json").write_text('{"kind": "run"}', encoding="utf-8")
    for bad in (tmp_path, run_dir):
        proc = cli(
            "compare", HISTORICAL, MOBILISES, "--posterior", bad, "--out", tmp_path / "out", cwd=tmp_path
        )
        assert_one_line_error(proc, "not a calibration")
    assert not (tmp_path / "out").exists()


def test_parameters_the_scenario_lacks_are_one_line(tmp_path: Path) -> None:
    with_frunze = tmp_path / "with_frunze.toml"
    traits = "\n".join(
        f"{t} = 0.4"
        for t in (
            "appointment_control", "charisma", "compromise_willingness", "organisational_skill",
            "ruthlessness", "flexibility", "lenin_legitimacy", "mobilisation", "vulnerability",
        )
    )  # fmt: skip
    with_frunze.write_text(
        f'base = "{HISTORICAL.as_posix()}"\nname = "with_frunze"\n[leaders.frunze]\n{traits}\n'
        'ideology = 0.0\npolitburo = "none"\nposts = []\nhome_bloc = ""\n',
        encoding="utf-8",
    )
    cal = make_calibration(
        tmp_path / "cal", with_frunze, ("leaders.frunze.charisma",), particles=[(0.3,), (0.6,)]
    )
    with pytest.raises(InputError, match="leaders.frunze.charisma: not a number of scenario 'historical'"):
        sim.run_scenario(HISTORICAL, replicates=1, posterior=cal)
    proc = cli("run", HISTORICAL, "--posterior", cal, "--out", tmp_path / "out", cwd=tmp_path)
    assert_one_line_error(proc, "leaders.frunze.charisma", "historical")
    proc = cli("sweep", _experiment(tmp_path), "--posterior", cal, "--out", tmp_path / "out", cwd=tmp_path)
    assert_one_line_error(proc, "leaders.frunze.charisma")
    assert not (tmp_path / "out").exists()


def test_a_draw_the_scenario_refuses_is_one_line_before_any_run(tmp_path: Path) -> None:
    cal = make_calibration(tmp_path / "cal", particles=[(0.5, 0.5, 1.0), (0.5, 0.5, 20.0)])  # strength <= 10
    with pytest.raises(InputError, match="scenario 'historical' refuses a drawn value"):
        sim.run_scenario(HISTORICAL, replicates=1, posterior=cal)
    experiment = {
        "experiment": {"name": "x", "scenario": str(HISTORICAL), "replicates": 1, "seed": 1},
        "grid": {"leaders.trotsky.charisma": [0.5, 0.9]},
    }
    with pytest.raises(InputError, match="refuses a drawn value"):
        sim.run_sweep(experiment, backend="serial", out=tmp_path / "sweep", posterior=cal)
    assert not (tmp_path / "sweep").exists()


def test_run_writes_the_columns_and_the_manifest(
    calibration: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sim.cli.commands import main

    out = tmp_path / "run"
    args = ["run", str(HISTORICAL), "--replicates", "2", "--set", "party.scale=0.02", "--workers", "1"]
    assert main([*args, "--posterior", str(calibration), "--out", str(out)]) == 0
    assert f"under the posterior of {calibration.resolve()}" in capsys.readouterr().out
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns[-len(PATHS) :]) == list(PATHS)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["posterior"]["sha256"] == load_posterior(calibration).sha256
    assert main([*args, "--out", str(tmp_path / "plain")]) == 0
    plain = json.loads((tmp_path / "plain" / "manifest.json").read_text(encoding="utf-8"))
    assert "posterior" not in plain
    assert not set(PATHS) & set(pd.read_csv(tmp_path / "plain" / "summary.csv").columns)
