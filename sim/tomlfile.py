"""Reading a TOML input file (scenario or experiment) so that every bad file is one line.

Missing, a directory, unreadable, vanished, binary, not UTF-8, or malformed: each is an `InputError`
`<file>: what is wrong: expected ...`, never a traceback.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from sim.errors import InputError

#: Where a project keeps each kind of input file (README, "File formats"): a missing file is looked
#: for there as well as beside the path given.
HOMES = {
    "scenario": "scenarios",
    "experiment": "experiments",
    "targets": "targets",
    "space": "targets",
    "menu": "experiments",
}


def expected_file(what: str) -> str:
    """`expected a scenario TOML file`, `expected an experiment TOML file`."""
    article = "an" if what[:1] in "aeiou" else "a"
    return f"expected {article} {what} TOML file"


def nearest_file(path: Path, what: str = "scenario", home: bool = True) -> str:
    """` (did you mean scenarios/historical.toml?)` for a mistyped or bare name, or an empty string.

    Looks among the TOML files beside `path` and, if `home`, in the project's folder for the kind
    (`HOMES`, relative to the working directory), and offers the one whose name is nearest, shown as
    it can be typed from here. A path named inside another file (relative to that file) is looked
    for beside itself only.
    """
    from sim.names import nearest

    folders = [path.parent, Path(HOMES[what])] if home and what in HOMES else [path.parent]
    files: dict[str, Path] = {}
    for folder in folders:
        if folder.is_dir():
            for found in sorted(folder.glob("*.toml")):
                files.setdefault(found.name, found)
    typed = path.name if path.suffix == ".toml" else f"{path.name}.toml"
    near = nearest(typed, files)
    if near is None:
        return ""
    shown = files[near]
    try:
        shown = shown.resolve().relative_to(Path.cwd())
    except ValueError:
        pass
    return f" (did you mean {shown}?)"


def file_not_found(path: Path, what: str = "scenario") -> InputError:
    """The one-line error for a missing input file, with the nearest existing one when there is one."""
    return InputError(f"{path}: file not found: {expected_file(what)}{nearest_file(path, what)}")


def read_bytes(path: Path, what: str = "scenario") -> bytes:
    """The file's bytes; an absent, directory or unreadable path is an InputError naming it."""
    expected = expected_file(what)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise file_not_found(path, what) from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory: {expected}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or type(exc).__name__}): {expected}") from None


def decode(path: Path, blob: bytes, what: str = "scenario") -> str:
    """The file's text: binary data or invalid UTF-8 is an InputError naming the file and the offset."""
    expected = f"expected a {what} TOML file (UTF-8 text)"
    if b"\x00" in blob:
        raise InputError(f"{path}: binary file (NUL byte at offset {blob.index(b'\x00')}): {expected}")
    try:
        return blob.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte 0x{blob[exc.start]:02x} at offset {exc.start}): {expected}"
        ) from None


def parse(path: Path, text: str) -> dict[str, Any]:
    """Parse TOML text; a syntax error is an InputError naming the file, line and column."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: malformed TOML: {exc}") from None


def read_toml(path: Path, what: str = "scenario") -> tuple[dict[str, Any], bytes]:
    """Read, decode and parse a TOML file; return the data and the bytes (for the file's hash)."""
    blob = read_bytes(path, what)
    return parse(path, decode(path, blob, what)), blob
