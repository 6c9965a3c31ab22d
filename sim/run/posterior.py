"""Counterfactuals under a calibration's posterior: each replicate draws the calibrated parameters.

`run`, `compare` and `sweep` with `--posterior DIR` (the output of `powerstruggle calibrate`) give
replicate i one particle of the last generation, drawn with the particles' weights from child
`DRAW_CHILD` of replicate i's seed sequence (`sim.run.seeds.replicate_child`). The draw depends on the
master seed and i alone, so replicate i has the same values in every scenario of a comparison, every
point of a sweep and on every backend, and the model's own random numbers are those it has without
the posterior.

The draw replaces a calibrated path's value only where the run's scenario gives it the value the
calibrated-on scenario gives it. A value of the run's own stands: a scenario's different value (an
intervention, such as `trotsky_mobilises_1924`'s mobilisation of 0.95), and any path the run sets
explicitly (`--set`, a sweep's `fixed`, grid or sample), even to the calibrated-on value, so that a
swept axis is at its value at every point.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError
from sim.names import nearest_directory
from sim.run.seeds import replicate_child

#: The calibration's table of the last generation's particles (sim.calibration.outputs).
POSTERIOR_FILE = "posterior.parquet"
MANIFEST_FILE = "manifest.json"
#: The child of a replicate's seed sequence that draws its particle (any fixed number not used for
#: another child; 0x9057 reads "post").
DRAW_CHILD = 0x9057

Scalar = float | int
#: One run's calibrated parameters: (dotted path, value used, drawn from the posterior?).
RunParameters = tuple[tuple[str, Scalar, bool], ...]

_MISSING = object()


def lookup(resolved: Mapping[str, Any], path: str) -> Any:
    """The value of a dotted path in a resolved scenario, or `_MISSING`."""
    node: Any = resolved
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


@dataclass(frozen=True)
class Posterior:
    """A calibration's posterior: weighted particles over dotted paths, and the scenario it fitted."""

    directory: Path
    sha256: str
    paths: tuple[str, ...]
    integer: frozenset[str]
    particles: np.ndarray  # one row per particle, one column per path
    weights: np.ndarray  # normalised to sum 1
    calibrated_on: Mapping[str, Scalar]  # each path's value in the calibrated-on scenario
    scenario_file: str

    def describe(self) -> dict[str, Any]:
        """The manifest's `posterior` object: the directory and the sha256 of its posterior table."""
        return {
            "path": str(self.directory.resolve()),
            "sha256": self.sha256,
            "scenario": self.scenario_file,
            "parameters": list(self.paths),
        }

    def value(self, path: str, x: object) -> Scalar:
        """A path's value as the scenario takes it (an integer path stays an integer)."""
        return int(round(float(x))) if path in self.integer else float(x)  # type: ignore[arg-type]

    def draw(self, master_seed: int, replicate: int) -> dict[str, Scalar]:
        """Replicate `replicate`'s particle: one weighted draw from its own child of the seed tree."""
        rng = np.random.default_rng(replicate_child(master_seed, replicate, DRAW_CHILD))
        row = self.particles[int(rng.choice(len(self.weights), p=self.weights))]
        return {p: self.value(p, x) for p, x in zip(self.paths, row, strict=True)}

    def draws(self, master_seed: int, replicates: int) -> list[dict[str, Scalar]]:
        """The particles of replicates 0 .. replicates-1."""
        return [self.draw(master_seed, i) for i in range(replicates)]

    def standing(
        self, resolved: Mapping[str, Any], explicit: Mapping[str, Any], where: str
    ) -> dict[str, Scalar]:
        """The calibrated paths whose value stands in a scenario (the others are drawn), with that value.

        `resolved` is the scenario; `explicit` maps the paths the run sets itself (`--set`, a sweep's
        fixed values and point) to their values. A path the scenario lacks is an InputError naming
        `where`.
        """
        kept: dict[str, Scalar] = {}
        for path in self.paths:
            value = explicit[path] if path in explicit else lookup(resolved, path)
            if value is _MISSING or isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError(
                    f"--posterior {self.directory}: parameter {path}: not a number of {where}: expected "
                    f"a scenario with every calibrated parameter ({', '.join(self.paths)})"
                )
            if path in explicit or value != self.calibrated_on[path]:
                kept[path] = self.value(path, value)
        return kept

    def check_draws(self, resolved: Mapping[str, Any], kept: Collection[str], where: str) -> None:
        """Load the scenario with every drawn path at its particles' lowest, then highest, value.

        The calibration checked its prior's ends on the calibrated scenario only; a scenario that
        refuses a draw is an InputError here, before any run, not a failed replicate later.
        """
        from sim.scenario import load_scenario

        drawn = [j for j, p in enumerate(self.paths) if p not in kept]
        for end in (self.particles.min(axis=0), self.particles.max(axis=0)):
            values = {self.paths[j]: self.value(self.paths[j], end[j]) for j in drawn}
            try:
                load_scenario(resolved, values)
            except InputError as exc:
                detail = str(exc).split(": ", 1)[-1]
                raise InputError(
                    f"--posterior {self.directory}: {where} refuses a drawn value: {detail}"
                ) from None

    def parameters(self, draw: Mapping[str, Scalar], kept: Mapping[str, Scalar]) -> RunParameters:
        """One run's calibrated parameters: the value standing where there is one, else the draw."""
        return tuple((p, kept[p], False) if p in kept else (p, draw[p], True) for p in self.paths)


def _error(directory: Path, what: str) -> InputError:
    return InputError(f"--posterior {directory}: {what}")


def _manifest(directory: Path) -> dict[str, Any]:
    if not directory.exists():
        raise _error(
            directory,
            "no such directory: expected the output directory of powerstruggle calibrate"
            + nearest_directory(directory),
        )
    if not directory.is_dir():
        raise _error(directory, "not a directory: expected the output directory of powerstruggle calibrate")
    not_calibration = _error(
        directory,
        f'not a calibration: expected {MANIFEST_FILE} of kind "calibration" and {POSTERIOR_FILE} '
        "(the output of powerstruggle calibrate)",
    )
    try:
        manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise not_calibration from None
    if not isinstance(manifest, dict) or manifest.get("kind") != "calibration":
        raise not_calibration
    if not (directory / POSTERIOR_FILE).is_file():
        raise not_calibration
    params = manifest.get("params")
    scenario = manifest.get("scenario")
    if (
        not isinstance(params, list)
        or not params
        or not all(isinstance(p, dict) and isinstance(p.get("path"), str) for p in params)
        or not isinstance(scenario, str)
    ):
        raise _error(directory, f"{MANIFEST_FILE}: expected the calibration's scenario and params")
    return manifest


def _particles(directory: Path, paths: list[str]) -> tuple[np.ndarray, np.ndarray, str]:
    import pandas as pd

    table = directory / POSTERIOR_FILE
    data = table.read_bytes()
    try:
        frame = pd.read_parquet(table)
    except Exception:  # noqa: BLE001 - pyarrow raises several kinds for a damaged file
        raise _error(directory, f"{POSTERIOR_FILE}: cannot read: expected a Parquet table") from None
    missing = [c for c in [*paths, "weight"] if c not in frame.columns]
    if missing:
        what = f"{POSTERIOR_FILE}: no column {missing[0]}: expected one per parameter and weight"
        raise _error(directory, what)
    values = frame[paths].to_numpy(float)
    weights = frame["weight"].to_numpy(float)
    if not len(weights) or not np.all(np.isfinite(values)) or not np.all(np.isfinite(weights)):
        raise _error(directory, f"{POSTERIOR_FILE}: expected particles with finite values and weights")
    if np.any(weights < 0) or weights.sum() <= 0:
        what = f"{POSTERIOR_FILE}: weight: expected non-negative weights with a positive sum"
        raise _error(directory, what)
    return values, weights / weights.sum(), hashlib.sha256(data).hexdigest()


def load_posterior(directory: str | Path) -> Posterior:
    """Read a `calibrate` output directory; every problem is one InputError line."""
    from sim.scenario import load_scenario

    directory = Path(directory)
    manifest = _manifest(directory)
    paths = [p["path"] for p in manifest["params"]]
    integer = frozenset(p["path"] for p in manifest["params"] if p.get("integer"))
    values, weights, digest = _particles(directory, paths)
    try:
        resolved = load_scenario(manifest["scenario"]).resolved()
    except InputError as exc:
        raise _error(directory, f"the calibrated scenario cannot be loaded: {exc}") from None
    calibrated_on: dict[str, Scalar] = {}
    for path in paths:
        value = lookup(resolved, path)
        if value is _MISSING or isinstance(value, bool) or not isinstance(value, int | float):
            what = f"parameter {path}: not a number of the calibrated scenario {manifest['scenario']}"
            raise _error(directory, what)
        calibrated_on[path] = value
    return Posterior(
        directory, digest, tuple(paths), integer, values, weights, calibrated_on, manifest["scenario"]
    )


def as_posterior(posterior: str | Path | Posterior | None) -> Posterior | None:
    """A Posterior from a directory (or one already loaded), None for none."""
    if posterior is None or isinstance(posterior, Posterior):
        return posterior
    return load_posterior(posterior)
