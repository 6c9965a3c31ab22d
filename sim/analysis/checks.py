"""Names in an analysis's inputs checked against the scenario before anything runs.

`--outcome winner=LEADER`, `--to LEADER`, a menu's dotted paths and `--where`'s columns and leaders
are each compared with what the scenario (or the sweep's runs) defines; a wrong name is one line that
suggests the nearest valid one, instead of a result computed for a name that never occurs.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.names import expected_one_of, nearest
from sim.scenario import path_hint  # the loader's: it also knows removed keys

#: Columns of a run whose values are leader names (or `none`).
LEADER_COLUMNS = ("winner", "gs_holder_final")


def scenario_leaders(scenario: str | Path, overrides: Mapping[str, Any] | None = None) -> list[str]:
    """The leaders a scenario defines (after inheritance and overrides)."""
    from sim.scenario import load_scenario

    return list(load_scenario(scenario, overrides or None).config.leaders)


def default_outcome(scenario: str | Path, overrides: Mapping[str, Any] | None = None) -> str:
    """`winner=<the holder of the party's first office at the start>` (Stalin in 1924, Khrushchev in 1953).

    The first leader the scenario lists where nobody holds it (`sim.cast.principal`).
    """
    from sim.cast import principal
    from sim.scenario import load_scenario

    return f"winner={principal(load_scenario(scenario, overrides or None).config.leaders)}"


def check_leader(option: str, name: str, leaders: Sequence[str]) -> str:
    """`name` if it is one of `leaders` or `none`; otherwise an error naming the option (which names it)."""
    valid = [*leaders, "none"]
    if name not in valid:
        raise InputError(f"{option}: unknown leader: {expected_one_of(name, valid)}")
    return name


def check_menu(
    menu_file: str | Path,
    items: Iterable[Any],
    scenario: str | Path,
    overrides: Mapping[str, Any] | None = None,
) -> None:
    """Every path an intervention sets exists in the scenario and every value loads; errors name the menu."""
    from sim.scenario import known_paths, load_scenario

    base = load_scenario(scenario, overrides or None)
    valid = known_paths(base)
    for i, item in enumerate(items):
        key = f"intervention[{i}]"
        for path in item.values:
            if path not in valid:
                raise InputError(
                    f"{menu_file}: {key}.set.{path}: unknown key path of {scenario}: "
                    f"expected {path_hint(path, valid)}"
                )
        try:
            load_scenario(scenario, {**(overrides or {}), **item.values})
        except InputError as exc:
            detail = str(exc).split(": ", 1)[-1]
            raise InputError(f"{menu_file}: {key} ({item.name}): {detail}") from None


_BACKQUOTED = re.compile(r"`([^`]*)`")


def _dotted(node: ast.AST) -> str | None:
    """`a.b.c` written without backquotes (an attribute chain on a name), as text."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _strings(node: ast.AST) -> list[str]:
    """The string constants of a comparison's side (one, or a list or tuple of them)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [s for elt in node.elts for s in _strings(elt)]
    return []


def check_where(where: str, columns: Sequence[str], leaders: Sequence[str]) -> None:
    """Check `--where`'s column names and the leader names it compares with winner-like columns.

    Dotted columns (the swept parameters) must be in backquotes, as pandas' expression syntax needs;
    an unquoted one is named with its quoted form. Expressions Python cannot parse are left to pandas;
    with no `leaders` (a table without support columns) leader names are not checked.
    """
    quoted: dict[str, str] = {}

    def placeholder(match: re.Match[str]) -> str:
        key = f"__quoted_{len(quoted)}__"
        quoted[key] = match.group(1)
        return key

    try:
        tree = ast.parse(_BACKQUOTED.sub(placeholder, where).strip(), mode="eval")
    except SyntaxError:
        return
    known = set(columns)
    for node in ast.walk(tree):  # breadth first: an attribute chain is seen before its names
        if isinstance(node, ast.Attribute) and (dotted := _dotted(node)) is not None:
            head = dotted.split(".")[0]
            if head in known or head in quoted:
                continue  # a method of a column (e.g. winner.str), not a dotted name
            near = dotted if dotted in known else nearest(dotted, known)
            suggestion = f"`{near}`" if near else "a column name in backquotes"
            raise InputError(
                f"--where {where}: {dotted}: a dotted column name must be written in backquotes "
                f"(pandas expression syntax): expected {suggestion}"
            )
        if isinstance(node, ast.Name):
            name = quoted.get(node.id, node.id)
            if name not in known:
                raise InputError(f"--where {where}: {name}: unknown column: {expected_one_of(name, known)}")
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            names = {quoted.get(s.id, s.id) for s in sides if isinstance(s, ast.Name)}
            if leaders and names & set(LEADER_COLUMNS):
                for value in (v for s in sides for v in _strings(s)):
                    check_leader(f"--where {where}: {value}", value, leaders)


def run_leaders(columns: Iterable[str]) -> list[str]:
    """The leaders of a table of runs, read from its `support_final_<leader>` columns."""
    prefix = "support_final_"
    return [c.removeprefix(prefix) for c in columns if c.startswith(prefix)]
