"""`validate` for the record's own files: a targets file and a calibration space, told by their content.

A targets file (`[[target]]` tables) or a space file (only a `[params]` table) says nothing of the
scenario it will be used with, yet whom it names, which sessions, which dates and which paths only
make sense against one. So `validate` checks it against every scenario named in the same command,
or, with none, against the record's own scenario (`scenarios/historical.toml`): the one
`targets/record.toml` describes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

#: The scenario the record describes: the working directory's copy, else the repository's.
RECORD_SCENARIO = Path("scenarios") / "historical.toml"


def is_targets_file(data: Mapping[str, Any]) -> bool:
    """A file of `[[target]]` tables."""
    return isinstance(data.get("target"), list)


def is_space_file(data: Mapping[str, Any]) -> bool:
    """A calibration space: a `[params]` table and nothing a scenario or experiment would have."""
    return isinstance(data.get("params"), Mapping) and set(data) <= {"params"}


def record_scenario() -> Path | None:
    """Where the record's scenario is: `scenarios/historical.toml` here, else in the repository."""
    for path in (RECORD_SCENARIO, Path(__file__).resolve().parents[2] / RECORD_SCENARIO):
        if path.is_file():
            return path
    return None


def _against(scenarios: Sequence[Path]) -> list[Path]:
    if scenarios:
        return list(scenarios)
    default = record_scenario()
    return [default] if default is not None else []


def validate_targets_file(path: Path, scenarios: Sequence[Path] = ()) -> None:
    """Load a targets file and check it against each scenario (or the record's); raise InputError."""
    from sim.record.checks import check_targets
    from sim.record.targets import load_targets
    from sim.run.api import prepare

    targets = load_targets(path)
    for scenario in _against(scenarios):
        check_targets(targets, prepare(scenario).config, str(path))


def validate_space_file(path: Path, scenarios: Sequence[Path] = ()) -> None:
    """Load a calibration space and check its paths on each scenario (or the record's); raise InputError."""
    from sim.calibration.space import build_space, read_space
    from sim.run.api import prepare

    entries = read_space(path)
    for scenario in _against(scenarios):
        build_space(prepare(scenario), entries, f"{path}: params")
