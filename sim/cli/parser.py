"""The CLI's argument parser: one-line errors, the nearest flag for an unknown one, and scenario paths.

Apart from `sim.cli.commands` (which builds the commands on it) and `sim.cli.argtypes` (counts and
seeds), because naming a file's kind reads the file kinds of `sim.filekinds`, which reach the run and
record layers.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from sim.errors import InputError
from sim.names import did_you_mean


class UsageError(Exception):
    """argparse's complaint, turned into our one-line error."""


class ArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (`error: ...`, exit 2) instead of usage + message.

    Flags are taken whole: argparse's prefix matching read `plot --rep 3` and `run --replicate 3` as
    flags the user did not write, and a flag added later could turn an accepted prefix ambiguous. A
    prefix is an unknown flag, answered with the nearest one.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """Raise instead of printing the usage block; `main` prints one line and returns 2."""
        raise UsageError(f"{self.prog}: {message}")

    def parse_args(  # type: ignore[override]
        self, args: list[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        """Parse as argparse does; an unknown flag is named with its command and the nearest flag."""
        ns, extras = self.parse_known_args(args, namespace)
        if extras:
            parser = self._command_parser(ns)
            parser.error(f"unrecognized arguments: {' '.join(extras)}{_nearest_flag(parser, extras)}")
        return ns

    def _command_parser(self, ns: argparse.Namespace) -> argparse.ArgumentParser:
        """The parser of the subcommand given (it knows the flags), else this one."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001 - argparse's own type
                return action.choices.get(getattr(ns, action.dest, None) or "", self)
        return self

    def _check_value(self, action: argparse.Action, value: object) -> None:
        """Check a choice as argparse does, and offer the nearest one (`--backend dsk`)."""
        choices = action.choices
        if choices is None or value in choices:
            return
        listed = ", ".join(repr(c) for c in choices)
        hint = did_you_mean(str(value), [str(c) for c in choices])
        raise argparse.ArgumentError(action, f"invalid choice: {value!r} (choose from {listed}){hint}")


def _nearest_flag(parser: argparse.ArgumentParser, extras: list[str]) -> str:
    """` (did you mean --replicates?)` for the first unknown flag near one of the command's.

    A prefix of flags (`--rep`) is offered the ones it begins (flags are taken whole, not abbreviated).
    """
    flags = [f for f in parser._option_string_actions if f.startswith("--")]  # noqa: SLF001

    def hint(typed: str) -> str:
        begun = sorted(f for f in flags if f.startswith(typed))
        if begun:
            return f" (did you mean {' or '.join(begun)}?)"
        return did_you_mean(typed, flags)

    hints = (hint(x.split("=", 1)[0]) for x in extras if x.startswith("--") and len(x) > 2)
    return next((h for h in hints if h), "")


#: Each input file kind (`sim.filekinds`): what a file of it is called, what an argument of it expects
#: (the error's "not ..." clause), and where such a file goes.
_KINDS = {
    "scenario": ("a scenario file", "a scenario", "pass it as SCENARIO to run, compare, score or calibrate"),
    "experiment": ("an experiment file", "an experiment file", "run it with `powerstruggle sweep`"),
    "targets": ("a targets file", "a targets file", "pass it as --targets to score or calibrate"),
    "menu": ("a menu file", "a menu", "pass it as --menu to flip or --switches to attribute"),
    "space": ("a calibration space file", "a calibration space", "pass it as --space to calibrate"),
}


def kind_path(kind: str) -> Callable[[str], Path]:
    """An argparse type for a path to a `kind` file; a file of another kind is named for what it is.

    `score --targets experiments/trotsky_errors.toml` read the menu as a targets file with an unknown
    key; now it says that the file is a menu and where a menu goes. A file that cannot be read or parsed
    is left to the file's own loader, whose errors say more.
    """

    def typed(text: str) -> Path:
        from sim.filekinds import file_kind  # reaches the run and record layers: loaded when used

        path = Path(text)
        if not path.is_file():
            return path
        try:
            found = file_kind(path).name
        except InputError:
            return path
        if found != kind:
            what, _, advice = _KINDS[found]
            raise argparse.ArgumentTypeError(f"{text}: {what}, not {_KINDS[kind][1]}: {advice}")
        return path

    typed.__name__ = f"{kind}_path"  # argparse names the type in its own messages
    return typed


#: A scenario file's path; an experiment, targets, menu or space file is named for what it is.
scenario_path = kind_path("scenario")
