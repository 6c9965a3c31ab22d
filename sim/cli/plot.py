"""The `plot` and `chronicle` subcommands, registered into the main CLI's subparsers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.options import add_out
from sim.cli.parser import kind_path

FORMATS = ("png", "svg", "pdf")  # as sim.plots.style.FORMATS, kept here so the CLI starts without matplotlib


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `plot` and `chronicle` to the main parser, each with `func` set to its handler."""
    p = subparsers.add_parser(
        "plot",
        help="draw every figure that fits a run, comparison or sweep directory",
        description="Recognise what RESULTS_DIR holds (a run, a comparison or a sweep) and draw every figure "
        "that fits it.",
    )
    p.add_argument(
        "results_dir", metavar="RESULTS_DIR", type=Path, help="directory written by run, compare or sweep"
    )
    add_out(p, default="RESULTS_DIR/figures", what="folder for the figures")
    p.add_argument("--format", dest="fmt", choices=FORMATS, default="png", help="image format (default png)")
    p.add_argument(
        "--replicate",
        type=int,
        default=None,
        help="replicate whose dates the fates figure shows (default: first)",
    )
    p.add_argument(
        "--targets",
        type=kind_path("targets"),
        default=None,
        metavar="FILE",
        help="mark the record's dates and shares of FILE",
    )
    p.set_defaults(func=plot_command)
    c = subparsers.add_parser(
        "chronicle",
        help="tell one replicate's story: dated alliances, votes and sanctions",
        description="Print one replicate's alliances, votes and sanctions as dated plain sentences.",
    )
    c.add_argument(
        "results_dir", metavar="RESULTS_DIR", type=Path, help="directory written by run or compare"
    )
    c.add_argument("--replicate", type=int, default=0, help="replicate number (default 0)")
    c.add_argument(
        "--scenario", default=None, help="for a comparison directory: which scenario (default: the first)"
    )
    c.set_defaults(func=chronicle_command)


def plot_command(args: argparse.Namespace) -> int:
    """Draw the figures and list the files written; notes about missing tables go to stderr."""
    from sim.plots.draw import draw_all

    notes: list[str] = []
    paths = draw_all(
        args.results_dir,
        args.out,
        args.fmt,
        replicate=args.replicate,
        notes=notes,
        targets=args.targets,
        replace=args.force,
    )
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    for path in paths:
        print(path)
    out = args.out if args.out is not None else args.results_dir / "figures"
    print(f"{len(paths)} figure{'s' if len(paths) != 1 else ''} written to {out}", file=sys.stderr)
    return 0


def chronicle_command(args: argparse.Namespace) -> int:
    """Print the chronicle of one replicate."""
    from sim.chronicle import chronicle_of

    print("\n".join(chronicle_of(args.results_dir, args.replicate, args.scenario)))
    return 0
