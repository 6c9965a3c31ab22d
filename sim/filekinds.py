"""The input file kinds `powerstruggle validate` recognises, and checking each file by its kind.

Kept apart from `sim.validation` (the strict base every schema imports): checking a file needs the
scenario loader, the sweep, the record and the analyses, which themselves import that base.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.errors import InputError


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
    from sim.sweep.design import validate_experiment

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
    from sim.run.api import prepare

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


def _reference_for(path: Path, kind: FileKind, explicit: Sequence[Path], reference: list[Path]) -> list[Path]:
    """What a file is checked against: a menu that names its own scenario, that one unless --scenario."""
    if kind.name != "menu" or explicit:
        return reference
    from sim.analysis.menu import menu_scenario

    own = menu_scenario(path)
    return [own] if own is not None else reference


def validate_files(
    paths: Sequence[Path], scenarios: Sequence[Path] = ()
) -> list[tuple[Path, str | InputError]]:
    """Check each file by its kind: (path, note) when valid, (path, error) when not.

    Menus, targets files and calibration spaces are checked against every one of `scenarios`, else (a
    menu) the scenario it names for itself, else one of the scenario files among `paths` (the first that
    takes it), else the shipped historical scenario.
    """
    kinds: list[tuple[Path, FileKind | InputError]] = []
    for path in paths:
        try:
            kinds.append((path, file_kind(path)))
        except InputError as err:
            kinds.append((path, err))
    # The scenario files among the paths are checked first: a file checked against an invalid one
    # would report that scenario's error as its own.
    own = {p: _check(p, k, [], True) for p, k in kinds if k is SCENARIO_KIND}
    reference = list(scenarios) or [p for p, outcome in own.items() if not isinstance(outcome, InputError)]
    broken = [p for p, outcome in own.items() if isinstance(outcome, InputError)]
    if not reference and not broken and (shipped := shipped_scenario()) is not None:
        reference = [shipped]
    results: list[tuple[Path, str | InputError]] = []
    for path, kind in kinds:
        if isinstance(kind, InputError):
            results.append((path, kind))
            continue
        if path in own:
            results.append((path, own[path]))
            continue
        against = _reference_for(path, kind, scenarios, reference)
        if not against and kind.name in _CHECKED_AGAINST_A_SCENARIO:
            results.append(
                (
                    path,
                    InputError(
                        f"{path}: not checked: expected a valid scenario to check it "
                        f"against ({broken[0]}, given with it, is not)"
                    ),
                )
            )
            continue
        every = bool(scenarios) or len(against) < 2 or kind.name not in _CHECKED_AGAINST_A_SCENARIO
        results.append((path, _check(path, kind, against, every)))
    return results


#: The kinds whose names are a scenario's (leaders, paths, the window): checked against one.
_CHECKED_AGAINST_A_SCENARIO = frozenset({"menu", "targets", "space"})


def _check(path: Path, kind: FileKind, against: list[Path], every: bool) -> str | InputError:
    """Check a file against every scenario in `against` (--scenario), or against one of them.

    Scenarios met among the files (`validate scenarios/*.toml targets/*.toml`) may be of different cases:
    a targets file or menu written for one is valid when one of them takes it, and is checked against
    that one. When none does, the first one's error is given.
    """
    if every:
        try:
            return kind.check(path, against)
        except InputError as err:
            return err
    first: InputError | None = None
    for scenario in against:
        try:
            note = kind.check(path, [scenario])
        except InputError as err:
            first = first or err
            continue
        return note if "against" in note else f"{note}, checked against {scenario}"
    assert first is not None
    return first
