"""The parameter space of a calibration: uniform priors on dotted scenario paths, checked on the scenario.

From `--param PATH=LOW:HIGH` (repeatable) or a `--space SPACE.toml` file with a `[params]` table of
`"dotted.path" = [low, high]` (or `{ low = .., high = .., prior = "uniform" }`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.tomlfile import file_not_found

PRIOR_KINDS = ("uniform",)


@dataclass(frozen=True)
class Param:
    """One calibrated parameter: a dotted scenario path with a uniform prior on [low, high]."""

    path: str
    low: float
    high: float
    prior: str = "uniform"
    integer: bool = False

    def value(self, x: float) -> float | int:
        """The value to set in the scenario (rounded for an integer parameter)."""
        return int(round(x)) if self.integer else float(x)

    def as_dict(self) -> dict[str, Any]:
        """For the manifest."""
        return {
            "path": self.path,
            "low": self.low,
            "high": self.high,
            "prior": self.prior,
            "integer": self.integer,
        }


def _number(text: object, where: str) -> float:
    if isinstance(text, bool):
        raise InputError(f"{where}: expected a number (got {text!r})")
    try:
        return float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"{where}: expected a number (got {text!r})") from None


def parse_param(text: str) -> tuple[str, float, float]:
    """Parse `PATH=LOW:HIGH`."""
    where = f"--param {text}"
    if "=" not in text or ":" not in text.split("=", 1)[1]:
        raise InputError(f"{where}: expected PATH=LOW:HIGH, e.g. leaders.stalin.appointment_control=0.1:1.0")
    path, rng = (s.strip() for s in text.split("=", 1))
    lo, hi = rng.split(":", 1)
    return path, _number(lo.strip(), f"{where}: LOW"), _number(hi.strip(), f"{where}: HIGH")


def read_space(path: str | Path) -> list[tuple[str, float, float, str]]:
    """Read a space file's `[params]`; every problem is one line naming the file and key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise file_not_found(path, "space") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {' '.join(str(exc).split())}") from None
    extra = sorted(set(data) - {"params"})
    if extra:
        raise InputError(f"{path}: {extra[0]}: unknown key: expected only a [params] table")
    params = data.get("params")
    if not isinstance(params, dict) or not params:
        raise InputError(f'{path}: params: expected a table of "dotted.path" = [low, high]')
    out = []
    for key, spec in params.items():
        where = f"{path}: params.{key}"
        prior = "uniform"
        if isinstance(spec, Mapping):
            unknown = sorted(set(spec) - {"low", "high", "prior"})
            if unknown:
                raise InputError(f"{where}.{unknown[0]}: unknown key: expected low, high, prior")
            if "low" not in spec or "high" not in spec:
                raise InputError(f"{where}: expected low and high")
            lo, hi, prior = spec["low"], spec["high"], spec.get("prior", "uniform")
        elif isinstance(spec, list) and len(spec) == 2:
            lo, hi = spec
        else:
            raise InputError(f"{where}: expected [low, high] or {{ low = .., high = .., prior = .. }}")
        if prior not in PRIOR_KINDS:
            raise InputError(f"{where}.prior: expected one of {', '.join(PRIOR_KINDS)} (got {prior!r})")
        out.append((str(key), _number(lo, f"{where}: low"), _number(hi, f"{where}: high"), str(prior)))
    return out


def build_space(
    scenario: Any, entries: Sequence[tuple[str, float, float, str]], where: str = "--param"
) -> list[Param]:
    """Check each path against the scenario (a number there, LOW < HIGH, both values valid) and build it."""
    from sim.scenario import known_paths, load_scenario, path_hint

    if not entries:
        raise InputError("calibrate: expected at least one --param PATH=LOW:HIGH or a --space file")
    resolved = scenario.resolved()
    seen: set[str] = set()
    params = []
    for path, lo, hi, prior in entries:
        here = f"{where} {path}" if where.startswith("--") else f"{where}.{path}"  # a flag, or a file's key
        if path in seen:
            raise InputError(f"{here}: given twice: expected each path once")
        seen.add(path)
        node: Any = resolved
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                expected = path_hint(path, known_paths(resolved))
                raise InputError(f"{here}: unknown path: expected {expected}")
            node = node[part]
        if isinstance(node, bool) or not isinstance(node, int | float):
            raise InputError(f"{here}: expected a numeric scenario value (the scenario has {node!r})")
        if not lo < hi:
            raise InputError(f"{here}: LOW {lo:g} >= HIGH {hi:g}: expected LOW < HIGH")
        integer = isinstance(node, int)
        if integer and not (float(lo).is_integer() and float(hi).is_integer()):
            raise InputError(f"{here}: {lo:g}:{hi:g}: expected whole numbers (the scenario's value is one)")
        for end in (lo, hi):
            value = int(round(end)) if integer else end
            try:
                load_scenario(scenario.source if scenario.source else resolved, {path: value})
            except InputError as exc:
                raise InputError(f"{here}: {value:g} is not a valid value: {exc}") from None
        params.append(Param(path, float(lo), float(hi), prior, integer))
    return params
