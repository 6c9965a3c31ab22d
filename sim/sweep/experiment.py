"""Experiment files: load the TOML, validate it with pydantic, and reject bad input in one line."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, ValidationError, field_validator

from sim.cli.options import REPLICATES, SEED
from sim.errors import InputError
from sim.tomlfile import nearest_file, read_toml
from sim.validation import StrictModel, first_error, format_validation

BACKENDS = ("local", "dask", "serial")
OUTPUTS = ("summary", "events", "votes", "timeseries")
Scalar = bool | int | float | str


class RangeSpec(StrictModel):
    """`{start, stop, steps}`: `steps` evenly spaced values from start to stop inclusive."""

    start: float | int
    stop: float | int
    steps: Annotated[int, Field(ge=1)]

    @field_validator("stop")
    @classmethod
    def _ascending(cls, stop: float, info: Any) -> float:
        start = info.data.get("start")
        if start is not None and stop <= start:
            raise ValueError(f"expected stop > start (got start {start!r}, stop {stop!r}): bounds reversed")
        return stop


class ValuesSpec(StrictModel):
    """`{values = [...]}`: the explicit form of a plain list."""

    values: list[Scalar]


class SampleSpec(StrictModel):
    """A sampled design over `[low, high]` bounds per parameter.

    `lhs` and `sobol` fill the space; `sobol_saltelli` (`points` = the base sample N) and `morris`
    (`points` = trajectories) are SALib's designs for `powerstruggle sensitivity` (sim.analysis).
    """

    method: Literal["lhs", "sobol", "sobol_saltelli", "morris"]
    points: Annotated[int, Field(ge=1)]
    bounds: dict[str, tuple[float | int, float | int]]
    second_order: StrictBool = False  # sobol_saltelli: also sample for the second-order indices S2
    levels: Annotated[int, Field(ge=2)] = 4  # morris: grid levels per parameter

    @field_validator("points")
    @classmethod
    def _sobol_power_of_two(cls, points: int, info: Any) -> int:
        # Sobol points keep their balance only in powers of two; scipy would warn, we refuse up front.
        if info.data.get("method") in ("sobol", "sobol_saltelli") and points & (points - 1):
            raise ValueError(f"expected a power of two for method 'sobol' (got {points})")
        return points


class ExperimentTable(StrictModel):
    """The `[experiment]` table: what to run, how often and with which seed."""

    name: str | None = None
    description: str = ""
    scenario: str | list[str]
    # Both may be left to the command line (--replicates, --seed), which overrides them anyway.
    replicates: Annotated[int, Field(ge=1)] | None = None
    seed: Annotated[int, Field(ge=0)] | None = None
    outputs: list[Literal["summary", "events", "votes", "timeseries"]] = ["summary"]
    chunk_size: Annotated[int, Field(ge=1)] | None = None
    backend: Literal["local", "dask", "serial"] | None = None
    workers: Annotated[int, Field(ge=1)] | None = None
    scheduler: str | None = None


class ExperimentFile(StrictModel):
    """The whole file: `[experiment]`, then `[fixed]`, `[grid]` and `[sample]` (each optional)."""

    experiment: ExperimentTable
    fixed: dict[str, Any] = {}
    grid: dict[str, list[Scalar] | ValuesSpec | RangeSpec] = {}

    sample: SampleSpec | None = None


class Experiment:
    """A validated experiment with its provenance; `scenarios` maps a scenario's name to its file."""

    def __init__(self, spec: ExperimentFile, source: Path | None, sha256: str, raw: dict[str, Any]) -> None:
        self.spec = spec
        self.source = source
        self.sha256 = sha256
        self.raw = raw
        self.replicates = spec.experiment.replicates
        self.seed = spec.experiment.seed
        self.outputs = tuple(o for o in OUTPUTS if o == "summary" or o in spec.experiment.outputs)
        self.scenario_files = _scenario_files(spec.experiment.scenario, source)
        #: Paths set on the command line (`--set`), already merged into `spec.fixed`; errors name them so.
        self.set_paths: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        """The `name` key, else the file stem, else 'experiment' for a mapping."""
        if self.spec.experiment.name:
            return self.spec.experiment.name
        return self.source.stem if self.source else "experiment"

    @property
    def where(self) -> str:
        """How error messages name this experiment."""
        return str(self.source) if self.source else "<experiment mapping>"

    def with_replicates(self, replicates: int | None) -> Experiment:
        """Return a copy with the replicate count overridden (`--replicates`); None keeps the file's."""
        return self.with_flags(replicates=replicates)

    def with_flags(self, replicates: int | None = None, seed: int | None = None) -> Experiment:
        """A copy with `--replicates` and `--seed` applied: the file's values are defaults they override."""
        if replicates is None and seed is None:
            return self
        for option, value, least in ((REPLICATES, replicates, 1), (SEED, seed, 0)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < least):
                raise InputError(f"{option}: expected an integer >= {least} (got {value!r})")
        copy = Experiment(self.spec, self.source, self.sha256, self.raw)
        copy.replicates = self.replicates if replicates is None else replicates
        copy.seed = self.seed if seed is None else seed
        copy.set_paths = self.set_paths
        return copy

    def with_overrides(self, overrides: Mapping[str, Any]) -> Experiment:
        """A copy whose every point also gets `overrides` (`--set`): they change the base scenario.

        They win over the file's `[fixed]` values (the flag overrides the file), and a path the design
        varies is refused: the flag would silently lose to the grid or the sample otherwise.
        """
        if not overrides:
            return self
        spec = self.spec
        varied = set(spec.grid) | (set(spec.sample.bounds) if spec.sample else set())
        for path in overrides:
            if path == "scenario" or path in varied:
                table = {"scenario": "experiment.scenario"}.get(
                    path, "[grid]" if path in spec.grid else "[sample]"
                )
                raise InputError(
                    f"--set {path}: varied by the experiment's {table}: expected a parameter the design "
                    "does not vary"
                )
        new_spec = spec.model_copy(update={"fixed": {**spec.fixed, **overrides}})
        copy = Experiment(new_spec, self.source, self.sha256, self.raw)
        copy.replicates, copy.seed = self.replicates, self.seed
        copy.set_paths = self.set_paths | frozenset(overrides)
        return copy

    def require_counts(self) -> Experiment:
        """Refuse to run without a replicate count and a seed, from the file or the command line."""
        for key, value in (("replicates", self.replicates), ("seed", self.seed)):
            if value is None:
                raise InputError(f"{self.where}: experiment.{key}: missing: expected a value here or --{key}")
        return self


def _grid_axis(path: str, spec: Any) -> list[Scalar] | ValuesSpec | RangeSpec:
    """Parse one `[grid]` entry: a list, `{values = [...]}` or `{start, stop, steps}`."""
    if isinstance(spec, list):
        return spec
    if not isinstance(spec, Mapping):
        raise ValueError(
            f"{path}: expected a list of values or a table {{start, stop, steps}} (got {spec!r})"
        )
    model = ValuesSpec if "values" in spec else RangeSpec
    try:
        return model.model_validate(spec)
    except ValidationError as exc:
        err = first_error(exc)
        loc = ".".join(str(p) for p in err.get("loc", ()))
        if err.get("type") == "extra_forbidden":
            raise ValueError(f"{path}.{loc}: unknown key: expected start, stop, steps or values") from None
        if err.get("type") == "missing":
            raise ValueError(f"{path}.{loc}: missing: expected a value") from None
        msg = err.get("msg", "invalid").removeprefix("Value error, ")
        raise ValueError(f"{path}{'.' + loc if loc else ''}: {msg}") from None


def is_experiment(data: Mapping[str, Any]) -> bool:
    """Recognise an experiment by its top-level `[experiment]` table (scenarios never have one)."""
    return isinstance(data.get("experiment"), Mapping)


def looks_like_experiment(data: Mapping[str, Any]) -> bool:
    """Tell whether a parsed file is meant as an experiment (its errors are then the experiment loader's).

    An `[experiment]` or `[design]` table, or `parameters` without `leaders`, says so; anything else
    is read as a scenario. This is the one such test (`validate` uses it).
    """
    if is_experiment(data) or isinstance(data.get("design"), Mapping):
        return True
    return "parameters" in data and "leaders" not in data


def flatten_paths(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Turn nested TOML tables into dotted paths, stopping at a value spec (list or values/start table)."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and not ({"values", "start", "stop", "steps"} & set(value)):
            flat.update(flatten_paths(value, f"{path}."))
        else:
            flat[path] = value
    return flat


def _scenario_files(scenario: str | list[str], source: Path | None) -> list[Path]:
    names = [scenario] if isinstance(scenario, str) else list(scenario)
    root = source.parent if source else Path.cwd()
    return [(root / name).resolve() for name in names]


def _check_shape(raw: Mapping[str, Any], where: str) -> None:
    """Check what pydantic's messages would make obscure: empty lists, mixed types, reversed bounds."""
    grid = raw.get("grid", {}) or {}
    for path, spec in grid.items():
        values = spec.get("values") if isinstance(spec, Mapping) else spec
        if isinstance(values, list):
            if not values:
                raise InputError(f"{where}: grid.{path}: expected a non-empty list of values")
            kinds = {
                "bool"
                if isinstance(v, bool)
                else "number"
                if isinstance(v, int | float)
                else type(v).__name__
                for v in values
            }
            if len(kinds) > 1:
                raise InputError(
                    f"{where}: grid.{path}: expected values of one type (got {', '.join(sorted(kinds))})"
                )
            if len(set(map(repr, values))) < len(values):
                raise InputError(f"{where}: grid.{path}: expected distinct values (got {values!r})")
    sample = raw.get("sample")
    if isinstance(sample, Mapping):
        bounds = sample.get("bounds")
        if isinstance(bounds, Mapping) and not bounds:
            raise InputError(f"{where}: sample.bounds: expected at least one parameter with [low, high]")
        for path, pair in (bounds or {}).items() if isinstance(bounds, Mapping) else ():
            if not (
                isinstance(pair, list)
                and len(pair) == 2
                and all(isinstance(x, int | float) and not isinstance(x, bool) for x in pair)
            ):
                raise InputError(
                    f"{where}: sample.bounds.{path}: expected [low, high], two numbers (got {pair!r})"
                )
            if not all(math.isfinite(x) for x in pair) or pair[0] >= pair[1]:
                raise InputError(
                    f"{where}: sample.bounds.{path}: expected low < high (got {pair!r}): bounds reversed"
                )
    experiment = raw.get("experiment", {})
    scen = experiment.get("scenario") if isinstance(experiment, Mapping) else None
    if isinstance(scen, list) and not scen:
        raise InputError(
            f"{where}: experiment.scenario: expected a scenario file or a non-empty list of them"
        )


def parse_experiment(raw: Mapping[str, Any], source: Path | None = None, sha256: str = "") -> Experiment:
    """Validate a parsed experiment (from a file or a notebook mapping); raise InputError in one line."""
    where = str(source) if source else "<experiment mapping>"
    if not is_experiment(raw):
        raise InputError(f"{where}: experiment: missing: expected an [experiment] table (see docs/sweeps.md)")
    if not sha256:
        sha256 = hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()
    data = dict(raw)
    for table in ("fixed", "grid"):
        if table in data:
            if not isinstance(data[table], Mapping):
                raise InputError(f"{where}: {table}: expected a table of dotted parameter paths")
            data[table] = flatten_paths(data[table])
    if isinstance(data.get("sample"), Mapping) and isinstance(data["sample"].get("bounds"), Mapping):
        data["sample"] = {**data["sample"], "bounds": flatten_paths(data["sample"]["bounds"])}
    _check_shape(data, where)
    if isinstance(data.get("grid"), Mapping):
        try:
            data["grid"] = {path: _grid_axis(path, spec) for path, spec in data["grid"].items()}
        except ValueError as exc:
            raise InputError(f"{where}: grid.{exc}") from None
    try:
        spec = ExperimentFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(format_validation(where, exc, "the keys documented in docs/sweeps.md")) from None
    _check_overlaps(spec, where)
    experiment = Experiment(spec, source, sha256, dict(raw))
    for path in experiment.scenario_files:
        if not path.is_file():
            raise InputError(
                f"{where}: experiment.scenario: file {path} not found: expected a scenario TOML file"
                f"{nearest_file(path, 'scenario', home=False)}"
            )
    return experiment


def _check_overlaps(spec: ExperimentFile, where: str) -> None:
    """Refuse a path set in two places, where one of them would silently lose."""
    grid = set(spec.grid)
    sampled = set(spec.sample.bounds) if spec.sample else set()
    for path in sorted(grid & sampled):
        raise InputError(f"{where}: sample.bounds.{path}: expected a parameter not already in [grid]")
    for path in sorted((grid | sampled) & set(spec.fixed)):
        raise InputError(f"{where}: fixed.{path}: expected a parameter not also varied in [grid] or [sample]")
    if "scenario" in grid | sampled | set(spec.fixed):
        raise InputError(f"{where}: grid.scenario: expected scenarios as a list in experiment.scenario")


def load_experiment(
    source: str | Path | Mapping[str, Any], replicates: int | None = None, seed: int | None = None
) -> Experiment:
    """Read and validate an experiment file or mapping; `replicates` and `seed` override the file's."""
    if isinstance(source, Mapping):
        return parse_experiment(source).with_flags(replicates, seed).require_counts()
    path = Path(source)
    raw, blob = read_toml(path, "experiment")
    experiment = parse_experiment(raw, path, hashlib.sha256(blob).hexdigest())
    return experiment.with_flags(replicates, seed).require_counts()
