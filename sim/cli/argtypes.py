"""argparse type functions shared by the CLI's commands, so every count and seed is checked alike."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def int_at_least(minimum: int) -> Callable[[str], int]:
    """Parse an integer of at least `minimum`; argparse turns the error into one line naming the option."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum} (got {text!r})") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum} (got {value})")
        return value

    return parse


positive_int = int_at_least(1)
non_negative_int = int_at_least(0)


#: What an input file that is not a scenario is, and what to do with it, by its kind (`sim.filekinds`).
_NOT_A_SCENARIO = {
    "experiment": ("an experiment file", "run it with `powerstruggle sweep`"),
    "targets": ("a targets file", "pass it as --targets to score or calibrate"),
    "menu": ("a menu file", "pass it as --menu to flip or --switches to attribute"),
    "space": ("a calibration space file", "pass it as --space to calibrate"),
}


def scenario_path(text: str) -> Path:
    """A scenario file's path; an experiment, targets, menu or space file is named for what it is.

    A file that cannot be read or parsed is left to the scenario loader, whose errors say more.
    """
    from sim.errors import InputError
    from sim.filekinds import file_kind

    path = Path(text)
    if not path.is_file():
        return path
    try:
        kind = file_kind(path).name
    except InputError:
        return path
    if kind in _NOT_A_SCENARIO:
        what, advice = _NOT_A_SCENARIO[kind]
        raise argparse.ArgumentTypeError(f"{text}: {what}, not a scenario: {advice}")
    return path
