"""The design: expand an experiment into points (grid x sample), per-run seeds and chunks of runs."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError
from sim.run.seeds import replicate_seed
from sim.sweep.experiment import Experiment, RangeSpec, Scalar, ValuesSpec, parse_experiment
from sim.tomlfile import read_toml

SCENARIO_COLUMN = "scenario"
# Distinguishes the design's random stream from the runs' streams under the same master seed.
_DESIGN_STREAM = 0x5EED_DE51


@dataclass(frozen=True, slots=True)
class Point:
    """One combination of parameter values; every replicate of a point shares it."""

    point_id: int
    scenario: str
    values: dict[str, Scalar]


@dataclass(slots=True)
class Design:
    """Everything a sweep needs to plan, run and resume: points, scenarios, seeds and fingerprint."""

    experiment: Experiment
    replicates: int
    seed: int
    columns: list[str]
    points: list[Point]
    fixed: dict[str, Any]
    scenarios: dict[str, dict[str, Any]] = field(repr=False)
    scenario_files: dict[str, str] = field(default_factory=dict)
    scenario_sha256: dict[str, str] = field(default_factory=dict)
    #: A calibration's posterior (sim.run.posterior.Posterior) that each replicate draws from, or None.
    posterior: Any = None
    #: Per point, the calibrated paths whose own value stands under the posterior (the rest are drawn).
    standing: list[dict[str, Scalar]] = field(default_factory=list)
    _draws: dict[int, dict[str, Scalar]] = field(default_factory=dict, repr=False)

    @property
    def n_runs(self) -> int:
        """Planned runs: points times replicates."""
        return len(self.points) * self.replicates

    def run(self, run_id: int) -> tuple[int, int, int]:
        """`(point_id, replicate, seed)` of a run; runs are numbered point-major; points share seeds."""
        point_id, replicate = divmod(run_id, self.replicates)
        return point_id, replicate, replicate_seed(self.seed, replicate)

    def run_parameters(self, point_id: int, replicate: int) -> tuple[tuple[str, Scalar, bool], ...]:
        """A run's calibrated parameters under the posterior (`posterior.RunParameters`); () without."""
        if self.posterior is None:
            return ()
        if replicate not in self._draws:
            self._draws[replicate] = self.posterior.draw(self.seed, replicate)
        return self.posterior.parameters(self._draws[replicate], self.standing[point_id])

    def fingerprint(self) -> str:
        """Digest everything that decides the results, so `--resume` cannot mix two designs."""
        payload = {
            "replicates": self.replicates,
            "seed": self.seed,
            "outputs": list(self.experiment.outputs),
            "fixed": self.fixed,
            "columns": self.columns,
            "points": [[p.scenario, p.values] for p in self.points],
            "scenarios": self.scenario_sha256,
            # the resolved content too: a changed base file changes a child scenario without its sha256
            "resolved": {name: data for name, data in self.scenarios.items()},
        }
        if self.posterior is not None:  # only then: a sweep without one keeps its fingerprint
            payload["posterior"] = {"sha256": self.posterior.sha256, "standing": self.standing}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    def describe(self) -> dict[str, Any]:
        """Describe the resolved design for the manifest."""
        spec = self.experiment.spec
        return {
            "replicates": self.replicates,
            "master_seed": self.seed,
            "outputs": list(self.experiment.outputs),
            "fixed": self.fixed,
            "grid": {k: v.model_dump() if not isinstance(v, list) else v for k, v in spec.grid.items()},
            "sample": spec.sample.model_dump() if spec.sample else None,
            "columns": self.columns,
            "n_points": len(self.points),
            "n_runs": self.n_runs,
            "scenarios": [
                {"name": n, "file": self.scenario_files[n], "sha256": self.scenario_sha256[n]}
                for n in self.scenarios
            ],
            "points": [{"point_id": p.point_id, **self.point_columns(p)} for p in self.points],
        }

    def point_columns(self, point: Point) -> dict[str, Scalar]:
        """Return a point's swept values by column (with `scenario` when several scenarios are crossed)."""
        row: dict[str, Scalar] = {}
        if SCENARIO_COLUMN in self.columns:
            row[SCENARIO_COLUMN] = point.scenario
        row.update(point.values)
        return row


def expand_range(spec: RangeSpec) -> list[Scalar]:
    """Return `steps` evenly spaced values, inclusive; integers stay integers if the spacing is whole."""
    if spec.steps == 1:
        return [spec.start]
    if (
        isinstance(spec.start, int)
        and isinstance(spec.stop, int)
        and (spec.stop - spec.start) % (spec.steps - 1) == 0
    ):
        step = (spec.stop - spec.start) // (spec.steps - 1)
        return [spec.start + i * step for i in range(spec.steps)]
    # Rounding to 12 significant digits drops float noise (0.30000000000000004) from column values.
    return [float(f"{v:.12g}") for v in np.linspace(spec.start, spec.stop, spec.steps)]


def _uniform(values: list[Scalar]) -> list[Scalar]:
    """One type per column: a numeric axis mixing ints and floats becomes all floats."""
    if any(isinstance(v, float) for v in values) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    ):
        return [float(v) for v in values]
    return list(values)


def grid_axes(experiment: Experiment) -> dict[str, list[Scalar]]:
    """Each `[grid]` parameter with its list of values, in file order."""
    axes: dict[str, list[Scalar]] = {}
    for path, spec in experiment.spec.grid.items():
        if isinstance(spec, RangeSpec):
            values = expand_range(spec)
        elif isinstance(spec, ValuesSpec):
            values = list(spec.values)
        else:
            values = list(spec)
        axes[path] = _uniform(values)
    return axes


def sample_rows(experiment: Experiment) -> list[dict[str, Scalar]]:
    """Draw the sampled design (LHS or Sobol) scaled to its bounds; integer bounds give integers."""
    sample = experiment.spec.sample
    if sample is None:
        return [{}]
    from scipy.stats import qmc

    paths = list(sample.bounds)
    if sample.method in ("sobol_saltelli", "morris"):
        from sim.analysis.sampling import salib_rows  # SALib's order is the order its analysers need

        return salib_rows(sample, experiment.seed)
    rng = np.random.default_rng(np.random.SeedSequence([experiment.seed, _DESIGN_STREAM]))
    if sample.method == "lhs":
        unit = qmc.LatinHypercube(d=len(paths), rng=rng).random(sample.points)
    else:
        unit = qmc.Sobol(d=len(paths), rng=rng).random_base2(int(math.log2(sample.points)))
    rows: list[dict[str, Scalar]] = [{} for _ in range(sample.points)]
    for j, path in enumerate(paths):
        low, high = sample.bounds[path]
        for i, u in enumerate(unit[:, j]):
            if isinstance(low, int) and isinstance(high, int):
                rows[i][path] = min(high, low + int(math.floor(u * (high - low + 1))))
            else:
                rows[i][path] = float(low + u * (high - low))
    return rows


def build_design(experiment: Experiment, replicates: int | None = None, posterior: Any = None) -> Design:
    """Resolve scenarios, check every parameter path and value against them, and list the points.

    With a `posterior` (sim.run.posterior.Posterior) every scenario must have its calibrated paths; each
    point's standing values are those it sets itself or its scenario gives differently.
    """
    from sim.scenario import load_scenario

    where = experiment.where
    scenarios: dict[str, dict[str, Any]] = {}
    files: dict[str, str] = {}
    digests: dict[str, str] = {}
    for path in experiment.scenario_files:
        try:
            scenario = load_scenario(path)
        except InputError as exc:
            raise InputError(f"{where}: experiment.scenario: {exc}") from None
        if scenario.name in scenarios:
            raise InputError(
                f"{where}: experiment.scenario: expected scenarios with distinct names "
                f"({scenario.name!r} twice)"
            )
        scenarios[scenario.name] = scenario.resolved()
        files[scenario.name] = str(path)
        digests[scenario.name] = scenario.sha256
    fixed = dict(experiment.spec.fixed)
    axes = grid_axes(experiment)
    sampled = sample_rows(experiment)
    _check_parameters(experiment, scenarios, fixed, axes)
    columns = ([SCENARIO_COLUMN] if len(scenarios) > 1 else []) + list(axes) + list(sampled[0])
    points: list[Point] = []
    for scenario_name in scenarios:
        for combo in itertools.product(*axes.values()):
            for row in sampled:
                values = dict(zip(axes, combo, strict=True)) | row
                points.append(Point(len(points), scenario_name, values))
    standing = []
    if posterior is not None:
        for point in points:
            where = f"scenario '{point.scenario}'"
            standing.append(posterior.standing(scenarios[point.scenario], fixed | point.values, where))
        for name, resolved in scenarios.items():  # once per scenario, with what any of its points draws
            own = [set(kept) for kept, point in zip(standing, points, strict=True) if point.scenario == name]
            posterior.check_draws(resolved, set.intersection(*own), f"scenario '{name}'")
    return Design(
        experiment,
        replicates or experiment.replicates,
        experiment.seed,
        columns,
        points,
        fixed,
        scenarios,
        files,
        digests,
        posterior,
        standing,
    )


def _check_parameters(
    experiment: Experiment,
    scenarios: dict[str, dict[str, Any]],
    fixed: dict[str, Any],
    axes: dict[str, list[Scalar]],
) -> None:
    """Reject unknown paths, tables and out-of-range values before a single run starts."""
    from sim.scenario import known_paths, load_scenario, path_hint

    where = experiment.where
    sample = experiment.spec.sample
    given = experiment.set_paths  # named as the command line gave them, not as [fixed] keys

    def key(table: str, path: str) -> str:
        return f"--set {path}" if table == "fixed" and path in given else f"{table}.{path}"

    trials: list[tuple[str, str, Scalar]] = [("fixed", p, v) for p, v in fixed.items()]
    trials += [("grid", p, v) for p, values in axes.items() for v in values]
    if sample:
        trials += [("sample.bounds", p, v) for p, pair in sample.bounds.items() for v in pair]
    for name, resolved in scenarios.items():
        known = known_paths(resolved)
        leaves = {p for p in known if not any(q.startswith(p + ".") for q in known)}
        for table, path, _ in trials:
            if path not in known:
                raise InputError(
                    f"{where}: {key(table, path)}: unknown parameter path of scenario '{name}': "
                    f"expected {path_hint(path, known)}"
                )
            if path not in leaves:
                raise InputError(
                    f"{where}: {key(table, path)}: is a table: expected a single parameter below it"
                )
        file_fixed = {p: v for p, v in fixed.items() if p not in given}
        for path in sorted(given & set(fixed)):  # each --set value on its own, so an error names it
            _load(load_scenario, resolved, file_fixed | {path: fixed[path]}, where, key("fixed", path), name,
                  fixed[path])  # fmt: skip
        base = _load(load_scenario, resolved, fixed, where, "fixed", name)
        del base
        for table, path, value in trials:
            if table != "fixed":
                _load(load_scenario, resolved, fixed | {path: value}, where, f"{table}.{path}", name, value)


def _load(
    load: Any,
    resolved: dict[str, Any],
    overrides: dict[str, Any],
    where: str,
    key: str,
    name: str,
    value: Any = None,
) -> Any:
    try:
        return load(resolved, overrides)
    except InputError as exc:
        detail = str(exc).split(": ", 1)[-1]
        shown = f"value {value!r} " if value is not None else ""
        raise InputError(f"{where}: {key}: {shown}rejected by scenario '{name}': {detail}") from None


def chunk_size_for(n_runs: int, workers: int) -> int:
    """Choose runs per chunk: ~12 chunks per worker, at most 200 (bounded memory).

    Each chunk costs the coordinator a commit (about 7 ms of CPU on the cores the workers use); the
    tapered tail (`chunks`) keeps the workers finishing together, so fewer, larger chunks lose no tail.
    """
    return max(1, min(200, math.ceil(n_runs / (max(1, workers) * 12))))


def chunks(n_runs: int, chunk_size: int, taper: bool = False) -> list[range]:
    """Consecutive run-id ranges; chunk k is always the same runs for given arguments (resume).

    With `taper` the last three chunks' worth of runs go in chunks a sixth as long, so the workers
    finish together instead of one idling while another runs a whole last chunk.
    """
    tail = min(n_runs, 3 * chunk_size) if taper and chunk_size >= 6 else 0
    head = n_runs - tail
    small = max(1, math.ceil(chunk_size / 6))
    plan = [range(start, min(start + chunk_size, head)) for start in range(0, head, chunk_size)]
    return plan + [range(start, min(start + small, n_runs)) for start in range(head, n_runs, small)]


def validate_experiment(path: str | Path) -> None:
    """Check an experiment file completely (scenario paths, parameter paths, values) without running it.

    A file without `replicates` or `seed` is valid: the command line gives them when it runs.
    """
    path = Path(path)
    raw, blob = read_toml(path, "experiment")
    experiment = parse_experiment(raw, path, hashlib.sha256(blob).hexdigest())
    runnable = experiment.with_flags(
        replicates=1 if experiment.replicates is None else None,
        seed=0 if experiment.seed is None else None,
    )
    build_design(runnable)
