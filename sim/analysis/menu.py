"""Menus of named interventions: `[[intervention]]` tables with a `name` and the values they `set`.

    [[intervention]]
    name = "trotsky_attends_funeral"
    description = "Trotsky returns from Sukhum for the funeral."
    set = { "events.funeral.absent" = [] }

Each intervention changes inputs only (as a scenario would); the model decides what follows. A menu
written for one case may name it with a top-level `scenario = "PATH"` (relative to the menu file):
`validate` then checks the menu's paths and names against it when no `--scenario` is given.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.tomlfile import file_not_found, nearest_file

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_KEYS = {"name", "description", "set"}


@dataclass(frozen=True, slots=True)
class Intervention:
    """A named change to a scenario's inputs, by dotted path."""

    name: str
    description: str
    values: dict[str, Any]


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """`{leaders = {stalin = {x = 1}}}` and `{"leaders.stalin.x" = 1}` both give `leaders.stalin.x`."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def parse_menu(raw: Mapping[str, Any], where: str) -> list[Intervention]:
    """Validate a parsed menu; raise InputError in one line naming the file and the key."""
    unknown = sorted(set(raw) - {"intervention", "scenario"})
    if unknown:
        raise InputError(
            f"{where}: {unknown[0]}: unknown key: expected [[intervention]] tables and an optional scenario"
        )
    if "scenario" in raw and not (isinstance(raw["scenario"], str) and raw["scenario"].strip()):
        raise InputError(f"{where}: scenario: expected the path of the scenario file the menu is written for")
    items = raw.get("intervention")
    if not isinstance(items, list) or not items:
        raise InputError(f"{where}: intervention: expected at least one [[intervention]] table")
    menu: list[Intervention] = []
    for i, item in enumerate(items):
        key = f"intervention[{i}]"
        if not isinstance(item, Mapping):
            raise InputError(f"{where}: {key}: expected a table with name and set")
        extra = sorted(set(item) - _KEYS)
        if extra:
            raise InputError(f"{where}: {key}.{extra[0]}: unknown key: expected name, description or set")
        name = item.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise InputError(
                f"{where}: {key}.name: expected a lower-case name of letters, digits and _ (got {name!r})"
            )
        if any(m.name == name for m in menu):
            raise InputError(f"{where}: {key}.name: expected distinct names ({name!r} twice)")
        description = item.get("description", "")
        if not isinstance(description, str):
            raise InputError(f"{where}: {key}.description: expected a string")
        values = item.get("set")
        if not isinstance(values, Mapping) or not values:
            raise InputError(f"{where}: {key}.set: expected a table of dotted paths and values")
        menu.append(Intervention(name, description, _flatten(values)))
    return menu


def load_menu(path: str | Path) -> list[Intervention]:
    """Read and validate a menu file."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise file_not_found(path, "menu") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: malformed TOML: {exc}") from None
    items = parse_menu(raw, str(path))
    menu_scenario(path)  # a scenario the menu names must exist, even where another is run
    return items


def menu_scenario(path: str | Path) -> Path | None:
    """The scenario a menu names for itself (`scenario = "PATH"`, relative to the menu), if any.

    Raises InputError when the named file does not exist.
    """
    path = Path(path)
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    named = raw.get("scenario")
    if not isinstance(named, str):
        return None
    target = (path.parent / named).resolve()
    if not target.is_file():
        hint = nearest_file(target, "scenario", home=False)
        raise InputError(f"{path}: scenario: {named}: file not found: expected a scenario file{hint}")
    return target


def combine(interventions: list[Intervention]) -> dict[str, Any] | None:
    """The overrides of several interventions together; None if two set one path to different values."""
    merged: dict[str, Any] = {}
    for item in interventions:
        for path, value in item.values.items():
            if path in merged and merged[path] != value:
                return None
            merged[path] = value
    return merged
