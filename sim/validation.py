"""The strict pydantic base and the one formatter of validation errors, for scenario and experiment files.

A misspelt key, a missing value and a bad value each become the one line `<file>: <key path>: what was
expected (got ...)` that the CLI prints. A misspelt key lists the keys its table takes and suggests the
nearest, found by walking the model the error came from.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from sim.errors import InputError
from sim.names import expected_one_of


class StrictModel(BaseModel):
    """Unknown keys are errors (a typo must not pass silently) and validated data is immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def first_error(exc: ValidationError) -> dict[str, Any]:
    """Report a misspelt key before the 'missing' error it causes: the typo is the real mistake."""
    errors = exc.errors()
    return dict(next((e for e in errors if e.get("type") == "extra_forbidden"), errors[0]))


def _strict_models() -> dict[str, type[BaseModel]]:
    """Every StrictModel subclass by class name (a ValidationError names its model only by `title`)."""
    found: dict[str, type[BaseModel]] = {}
    todo: list[type[BaseModel]] = [StrictModel]
    while todo:
        cls = todo.pop()
        found.setdefault(cls.__name__, cls)
        todo.extend(cls.__subclasses__())
    return found


def _unwrap(annotation: Any) -> list[Any]:
    """The alternatives of an annotation: `X | None` -> [X, None], `Annotated[X, ...]` -> [X]."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [alt for arg in typing.get_args(annotation) for alt in _unwrap(arg)]
    return [annotation]


def _step(annotation: Any, part: str | int) -> Any | None:
    """The annotation one location step further down (a field of a model, an item of a dict or array)."""
    for alt in _unwrap(annotation):
        if isinstance(alt, type) and issubclass(alt, BaseModel):
            field = alt.model_fields.get(str(part))
            if field is not None:
                return field.annotation
            continue
        origin, args = typing.get_origin(alt), typing.get_args(alt)
        if origin is dict and len(args) == 2:
            return args[1]
        if origin in (list, tuple) and args and isinstance(part, int):
            return args[0]
    return None


def keys_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str] | None:
    """The keys the table at `loc` (the location of a key in it) accepts, or None if not a model."""
    annotation: Any = model
    for part in loc[:-1]:
        annotation = _step(annotation, part)
        if annotation is None:
            return None
    for alt in _unwrap(annotation):
        if isinstance(alt, type) and issubclass(alt, BaseModel):
            return list(alt.model_fields)
    return None


_ARRAY_TYPES = {"tuple_type", "list_type", "set_type", "frozen_set_type"}


def format_validation(
    where: str,
    exc: ValidationError,
    keys: str = "the documented keys (see README)",
    model: type[BaseModel] | None = None,
) -> str:
    """One line naming the file, the key path and what was expected.

    An unknown key lists the keys of its table with the nearest suggested; `keys` says where keys are
    documented, for when the table cannot be found (`model` defaults to the one the error names).
    """
    err = first_error(exc)
    raw_loc = tuple(p for p in err.get("loc", ()) if not str(p).startswith(("list[", "function-")))
    loc = ".".join(str(p) for p in raw_loc)
    prefix = f"{loc}: " if loc else ""
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        model = model or _strict_models().get(exc.title)
        valid = keys_at(model, raw_loc) if model is not None and raw_loc else None
        if valid:
            return f"{where}: {prefix}unknown key: {expected_one_of(str(raw_loc[-1]), valid)}"
        return f"{where}: {prefix}unknown key: expected one of {keys}"
    if kind == "missing":
        return f"{where}: {prefix}missing: expected a value"
    got = err.get("input")
    shown = "" if isinstance(got, dict | list | tuple) else f" (got {got!r})"
    if kind in _ARRAY_TYPES:
        example = f"[{got!r}]" if isinstance(got, str | int | float) else "[...]"
        return f"{where}: {prefix}expected an array, e.g. {example.replace(chr(39), chr(34))}{shown}"
    msg = err.get("msg", "invalid value").removeprefix("Value error, ")
    if "(got " in msg:  # the validator already says what it got
        shown = ""
    return f"{where}: {prefix}{msg}{shown}"


# --- file kinds that `powerstruggle validate` recognises ---------------------------------------------


@dataclass(frozen=True, slots=True)
class FileKind:
    """One kind of input file: how to recognise its parsed content and how to check it completely.

    `check(path, scenarios)` raises InputError or returns a note for the `ok` line; `scenarios` are the
    scenario files a file that refers to a scenario's names (a menu) is checked against.
    """

    name: str
    recognise: Callable[[Mapping[str, Any]], bool]
    check: Callable[[Path, Sequence[Path]], str]


def _is_menu(data: Mapping[str, Any]) -> bool:
    return isinstance(data.get("intervention"), list)


def _check_menu(path: Path, scenarios: Sequence[Path]) -> str:
    from sim.analysis.checks import check_menu
    from sim.analysis.menu import load_menu

    items = load_menu(path)
    for scenario in scenarios:
        check_menu(path, items, scenario)
    if not scenarios:
        return "menu"
    against = str(scenarios[0]) if len(scenarios) == 1 else f"{len(scenarios)} scenarios"
    return f"menu, names checked against {against}"


def _is_experiment(data: Mapping[str, Any]) -> bool:
    from sim.sweep.experiment import looks_like_experiment

    return looks_like_experiment(data)


def _check_experiment(path: Path, _: Sequence[Path]) -> str:
    from sim.sweep.experiment import validate_experiment

    validate_experiment(path)  # its own scenario files, and every path it sets or varies in them
    return ""


def _is_targets(data: Mapping[str, Any]) -> bool:
    from sim.record.files import is_targets_file

    return is_targets_file(data)


def _check_targets(path: Path, scenarios: Sequence[Path]) -> str:
    from sim.record.files import validate_targets_file

    validate_targets_file(path, scenarios)
    return "targets"


def _is_space(data: Mapping[str, Any]) -> bool:
    from sim.record.files import is_space_file

    return is_space_file(data)


def _check_space(path: Path, scenarios: Sequence[Path]) -> str:
    from sim.record.files import validate_space_file

    validate_space_file(path, scenarios)
    return "calibration space"


def _check_scenario(path: Path, _: Sequence[Path]) -> str:
    from sim.api import prepare

    prepare(path)
    return ""


#: Tried in order; the first whose `recognise` accepts a file checks it. A scenario is the fallback
#: (its loader's errors are the clearest for a file that is meant as one). Add a kind here to teach
#: `validate` a new input file.
FILE_KINDS: list[FileKind] = [
    FileKind("menu", _is_menu, _check_menu),
    FileKind("targets", _is_targets, _check_targets),
    FileKind("space", _is_space, _check_space),
    FileKind("experiment", _is_experiment, _check_experiment),
]
SCENARIO_KIND = FileKind("scenario", lambda _: True, _check_scenario)


def file_kind(path: Path) -> FileKind:
    """The kind of an input file, by its content (read and parsed once, errors in one line)."""
    from sim.tomlfile import read_toml

    data, _ = read_toml(path, "scenario, experiment, menu, targets or space")
    return next((kind for kind in FILE_KINDS if kind.recognise(data)), SCENARIO_KIND)


def shipped_scenario() -> Path | None:
    """The repository's historical scenario, which menus are checked against when none is given."""
    path = Path(__file__).resolve().parents[1] / "scenarios" / "historical.toml"
    return path if path.is_file() else None


def validate_files(
    paths: Sequence[Path], scenarios: Sequence[Path] = ()
) -> list[tuple[Path, str | InputError]]:
    """Check each file by its kind: (path, note) when valid, (path, error) when not.

    Menus, targets files and calibration spaces are checked against `scenarios`, else against the
    scenario files among `paths`, else against the shipped historical scenario.
    """
    kinds: list[tuple[Path, FileKind | InputError]] = []
    for path in paths:
        try:
            kinds.append((path, file_kind(path)))
        except InputError as err:
            kinds.append((path, err))
    reference = list(scenarios) or [p for p, k in kinds if k is SCENARIO_KIND]
    if not reference and (shipped := shipped_scenario()) is not None:
        reference = [shipped]
    results: list[tuple[Path, str | InputError]] = []
    for path, kind in kinds:
        if isinstance(kind, InputError):
            results.append((path, kind))
            continue
        try:
            results.append((path, kind.check(path, reference)))
        except InputError as err:
            results.append((path, err))
    return results
