"""The `powerstruggle sweep` command: a thin layer of options over `sim.sweep.engine.run_sweep`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sim.argtypes import positive_int
from sim.errors import InputError


def register(subparsers: Any) -> None:
    """Add the `sweep` subcommand to the CLI's subparsers."""
    parser = subparsers.add_parser(
        "sweep",
        help="run an experiment file: a parameter sweep with replicates (see docs/sweeps.md)",
        description="Run every point x replicate of an experiment file, writing runs.parquet, points.csv "
        "and manifest.json. Results are committed chunk by chunk; --resume continues a stopped sweep.",
    )
    parser.add_argument("experiment", type=Path, help="experiment TOML file (see experiments/)")
    parser.add_argument(
        "--backend",
        default=None,
        help="local (default: worker processes on all cores), serial (in-process) or dask",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="worker processes (local) or LocalCluster workers (dask); default: all cores",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler to use, e.g. tcp://head:8786 (default: start a LocalCluster)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output directory (default: results/sweeps/<experiment name>); must be new or empty",
    )
    parser.add_argument("--resume", action="store_true", help="continue the sweep already in --out")
    parser.add_argument(
        "--replicates",
        type=positive_int,
        default=None,
        help="replicates per point, overriding the file (for a quick look)",
    )
    parser.add_argument(
        "--chunk-size", type=positive_int, default=None, help="runs per chunk (default: automatic)"
    )
    parser.add_argument(
        "--progress",
        choices=("auto", "bar", "lines", "off"),
        default="auto",
        help="progress display (default: a bar on a terminal, periodic lines otherwise)",
    )
    parser.add_argument("--plot", action="store_true", help="draw the figures of the results when done")
    parser.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    """Run the sweep; exit 0 if every run succeeded, 1 if some failed or were not done, 130 on Ctrl-C."""
    if args.backend in (None, "local") and not args.scheduler:
        from sim.sweep.forkserver import prestart_local

        prestart_local()  # the model's import overlaps the coordinator's imports and validation
    from sim.sweep.engine import print_report, run_sweep
    from sim.sweep.experiment import load_experiment

    experiment = load_experiment(args.experiment, args.replicates)

    out = args.out
    if out is None:
        out = Path("results") / "sweeps" / experiment.name
    try:
        report = run_sweep(
            experiment,
            out,
            backend=args.backend,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            replicates=args.replicates,
            chunk_size=args.chunk_size,
            progress=args.progress,
        )
    except KeyboardInterrupt:
        print(f"interrupted: committed chunks are saved in {out}; continue with --resume", file=sys.stderr)
        return 130
    status = print_report(report)
    if args.plot:
        from sim.plots import draw_all

        for path in draw_all(Path(out)):
            print(path)
    return status


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (`python -m sim.sweep`), for use without the main CLI."""
    parser = argparse.ArgumentParser(prog="powerstruggle")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
