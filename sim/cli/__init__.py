"""The command line: one thin module per command group over the Python API, one options module.

Every shared option is declared once, in `sim.cli.options`. `main` loads the commands on first use, so
a command group importing `sim.cli.options` stays light.
"""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """The `powerstruggle` command (see `sim.cli.commands`); returns the exit status."""
    from sim.cli.commands import main as run

    return run(list(argv) if argv is not None else None)
