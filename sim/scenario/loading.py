"""Loading scenario files: TOML, `base` inheritance, dotted overrides, validation with one-line errors.

Parsed files and validated scenarios are kept per process while neither a file of the chain nor the
overrides change (a sweep loads the same scenario for every run).
"""

from __future__ import annotations

import difflib
import json
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.errors import InputError
from sim.scenario.hashing import scenario_digest
from sim.scenario.schema import LeaderParams, Scenario, ScenarioModel
from sim.validation import format_validation

_TOML_CACHE: dict[tuple[str, int, int], dict[str, Any]] = {}


def copy_tree(value: Any) -> Any:
    """Copy the tables and arrays of parsed TOML; leaves (numbers, strings, dates) are immutable.

    Several times faster than a deep copy, which matters when a notebook or a sweep loads the same
    scenario for every run.
    """
    if isinstance(value, dict):
        return {k: copy_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_tree(v) for v in value]
    return value


def _read_toml(path: Path, *, copy: bool = True) -> dict[str, Any]:
    """Parse a TOML file; a file unchanged since its last parse (same mtime and size) is not re-read.

    `copy=False` returns the cached tables themselves, for a caller that only reads them.
    """
    try:
        st = path.stat()
    except OSError:
        st = None
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size) if st else None
    if key in _TOML_CACHE:
        return copy_tree(_TOML_CACHE[key]) if copy else _TOML_CACHE[key]
    data = _parse_toml(path)
    if key is not None:
        _TOML_CACHE[key] = copy_tree(data)
    return data


def _parse_toml(path: Path) -> dict[str, Any]:
    from sim.tomlfile import read_toml  # every bad file (binary, not UTF-8, a directory ...) is one line

    return read_toml(path)[0]


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Merge `over` into a copy of `base`: tables merge key by key, everything else replaces."""
    out = copy_tree(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy_tree(value)
    return out


def _resolve_file(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    given, path = path, path.resolve()
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise InputError(
            f"{chain[-1]}: base: circular inheritance ({cycle}): expected a chain ending without base"
        )
    data = _read_toml(given)  # a missing or malformed file is named as the user gave it
    base = data.pop("base", None)
    if base is None:
        return data
    if not isinstance(base, str) or not base:
        raise InputError(f"{path}: base: expected a relative path string to another scenario file")
    base_path = path.parent / base
    if not base_path.exists():
        raise InputError(f"{path}: base: file {base_path} not found: expected an existing scenario file")
    return deep_merge(_resolve_file(base_path, (*chain, path)), data)


def _leader_check(data: Mapping[str, Any], where: str, base_leaders: set[str]) -> None:
    """A leader absent from the base must be declared whole, so a typo cannot invent a leader."""
    required = {n for n, f in LeaderParams.model_fields.items() if f.is_required()}
    for name, params in (data.get("leaders") or {}).items():
        if name in base_leaders or not isinstance(params, Mapping):
            continue
        missing = required - set(params)
        if missing and len(missing) < len(required):
            raise InputError(
                f"{where}: leaders.{name}: unknown leader (known: {', '.join(sorted(base_leaders))}); "
                f"a new leader must give all of {', '.join(sorted(required))}"
            )


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse `dotted.path=value`; the value is read as a TOML literal when it is one, else as a string."""
    if "=" not in text:
        raise InputError(f"--set {text}: expected dotted.path=value")
    path, raw = (s.strip() for s in text.split("=", 1))
    if not path or any(not part for part in path.split(".")):
        raise InputError(f"--set {text}: expected dotted.path=value with a non-empty path")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return path, value


def known_paths(data: Mapping[str, Any] | Scenario, prefix: str = "") -> set[str]:
    """Every dotted path of a resolved scenario that an override may set (leaves and tables)."""
    if isinstance(data, Scenario):
        data = data.resolved()
    paths: set[str] = set()
    for key, value in data.items():
        path = f"{prefix}{key}"
        paths.add(path)
        if isinstance(value, Mapping):
            paths |= known_paths(value, f"{path}.")
    return paths


#: Keys that were removed, and what replaces them (a script written for an earlier version is told).
REMOVED = {"delegates": "party.scale (the standing pool of delegates was replaced by the party's members)"}


def nearest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice most like a misspelt `word` (difflib), for a `did you mean ...?`; None if none is close."""
    near = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=cutoff)
    return near[0] if near else None


def path_hint(path: str, valid: set[str]) -> str:
    """What an unknown override path should have been: the nearest known path, by its parent table."""
    if path in REMOVED:
        return REMOVED[path]
    parent, _, leaf = path.rpartition(".")
    if parent in valid:  # a misspelt key of a table that exists: compare the key names alone
        key = nearest(leaf, (p.rpartition(".")[2] for p in valid if p.rpartition(".")[0] == parent))
        near = [f"{parent}.{key}"] if key else []
    else:
        near = [k for k in [nearest(path, valid, cutoff=0.8)] if k]
    if parent in valid:
        what = f"a key of {parent}"
    elif path.startswith("leaders."):
        what = "a leader of the scenario"
    else:
        what = "a documented key"
    return f"{what} (did you mean {near[0]}?)" if near else what


def apply_overrides(data: dict[str, Any], overrides: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Set each dotted path; a path that the scenario does not have is an error, not a new key."""
    out = copy_tree(data)
    _set_paths(out, overrides, where, known_paths(out))
    return out


def _set_paths(out: dict[str, Any], overrides: Mapping[str, Any], where: str, valid: set[str]) -> None:
    """Set each dotted path of `overrides` in `out` itself; `valid` holds the paths `out` has."""
    for path, value in overrides.items():
        if path not in valid:
            raise InputError(f"{where}: override {path}: unknown key path: expected {path_hint(path, valid)}")
        node = out
        *parents, leaf = path.split(".")
        for part in parents:
            node = node[part]
        node[leaf] = value


def _validate(data: Mapping[str, Any], where: str) -> ScenarioModel:
    try:
        return ScenarioModel.model_validate(data)
    except ValidationError as exc:
        raise InputError(format_validation(where, exc)) from None


_SCENARIO_CACHE: dict[tuple[Any, ...], Scenario] = {}


def _cache_key(source: Path, overrides: Mapping[str, Any] | None) -> tuple[Any, ...] | None:
    """Key of a file scenario's validated result, or None when it cannot be pinned down.

    The key holds the file and its base chain as they are on disk (path, mtime, size) and the
    overrides.
    """
    chain: list[tuple[str, int, int]] = []
    path = source
    while len(chain) < 32:
        try:
            resolved = path.resolve()
            st = resolved.stat()
        except OSError:
            return None
        file_key = (str(resolved), st.st_mtime_ns, st.st_size)
        parsed = _TOML_CACHE.get(file_key)
        if parsed is None:
            return None
        chain.append(file_key)
        base = parsed.get("base")
        if not isinstance(base, str):
            break
        path = resolved.parent / base
    else:
        return None
    try:
        frozen = json.dumps(dict(overrides or {}), sort_keys=True, default=str)
    except (TypeError, ValueError):
        return None
    return (str(source), tuple(chain), frozen)


def load_scenario(
    source: str | Path | Mapping[str, Any], overrides: Mapping[str, Any] | None = None
) -> Scenario:
    """Load, inherit, override and validate a scenario; raise InputError with one line on any problem.

    A file scenario is validated once per process for given overrides while neither it nor its
    bases change on disk (validated scenarios are immutable, so they can be shared).
    """
    key = None if isinstance(source, Mapping) else _cache_key(Path(source), overrides)
    if key is not None and key in _SCENARIO_CACHE:
        return _SCENARIO_CACHE[key]
    scenario = _load_scenario(source, overrides)
    if key is None and not isinstance(source, Mapping):  # the files are parsed now
        key = _cache_key(Path(source), overrides)
    if key is not None:
        if len(_SCENARIO_CACHE) >= 256:
            _SCENARIO_CACHE.clear()
        _SCENARIO_CACHE[key] = scenario
    return scenario


def _load_scenario(
    source: str | Path | Mapping[str, Any], overrides: Mapping[str, Any] | None = None
) -> Scenario:
    if overrides and not isinstance(source, Mapping):
        return _with_overrides(Path(source), overrides)
    if isinstance(source, Mapping):
        where = "<scenario mapping>"
        raw = dict(source)
        path = None
        if "base" in raw:
            raise InputError(
                f"{where}: base: expected a file scenario for inheritance (load the base file instead)"
            )
    else:
        path = Path(source)
        where = str(path)
        raw = _resolve_file(path)
        _leader_check(_read_toml(path.resolve()), where, set(_resolve_base_leaders(path)))
    config = _validate(raw, where)
    if overrides:
        data = apply_overrides(config.model_dump(mode="json"), overrides, where)
        config = _validate(data, f"{where} (with overrides)")
    files = base_chain(path) if path is not None else []
    return Scenario(config, path, scenario_digest(files, raw if path is None else None, overrides))


def _resolve_base_leaders(path: Path) -> list[str]:
    data = _read_toml(path.resolve())
    base = data.get("base")
    if not isinstance(base, str):
        return list((data.get("leaders") or {}).keys())
    return list(_resolve_file(path.resolve().parent / base).get("leaders", {}).keys())


#: Per scenario digest (the files' contents), the dotted paths its resolved tables have.
_PATHS_CACHE: dict[str, set[str]] = {}


def _with_overrides(path: Path, overrides: Mapping[str, Any]) -> Scenario:
    """A file scenario with overrides: its values set on the file's own validated scenario, validated again.

    The file's own scenario is read, inherited, checked and validated once per process (`load_scenario`
    keeps it), so a calibration or a sweep that loads it at new values for every run pays only for
    setting them and for one validation.
    """
    base = load_scenario(path)
    where = str(path)
    data = base.config.model_dump(mode="json")
    valid = _PATHS_CACHE.get(base.sha256)
    if valid is None:
        valid = _PATHS_CACHE[base.sha256] = known_paths(data)
    _set_paths(data, overrides, where, valid)
    config = _validate(data, f"{where} (with overrides)")
    return Scenario(config, path, scenario_digest(base_chain(path), None, overrides))


def base_chain(path: Path) -> list[Path]:
    """The file and every file it inherits from, leaf first (the chain is known to be valid here)."""
    chain = [path.resolve()]
    while isinstance(base := _read_toml(chain[-1], copy=False).get("base"), str):
        chain.append((chain[-1].parent / base).resolve())
    return chain
