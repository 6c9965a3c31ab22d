"""The `powerstruggle sweep` command: a thin layer of options over `sim.sweep.engine.run_sweep`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sim.cli.argtypes import positive_int
from sim.cli.options import (
    add_backend,
    add_out,
    add_overrides,
    add_posterior,
    add_progress,
    add_replicates,
    add_resume,
    add_seed,
    add_workers,
    announce_runs,
    check_resume,
    clear_for_rerun,
    load_posterior_option,
    note_nothing_to_resume,
    progress_of,
    refuse_existing,
)
from sim.cli.parser import kind_path
from sim.errors import InputError

#: What only a sweep directory holds (so that --force removes only a sweep; every command writes a
#: manifest.json, so it is no mark of a sweep).
SWEEP_MARKERS = (".sweep", "runs.parquet", "points.csv")


def register(subparsers: Any) -> None:
    """Add the `sweep` subcommand to the CLI's subparsers."""
    parser = subparsers.add_parser(
        "sweep",
        help="run an experiment file: a parameter sweep with replicates (see docs/sweeps.md)",
        description="Run every point x replicate of an experiment file, writing runs.parquet, points.csv "
        "and manifest.json. Results are committed chunk by chunk; --resume continues a stopped sweep. "
        "The file's replicates, seed, backend and workers are defaults that the flags override; "
        "--set PATH=VALUE gives every point that value (over the base scenario and [fixed]).",
    )
    parser.add_argument(
        "experiment", type=kind_path("experiment"), help="experiment TOML file (see experiments/)"
    )
    add_replicates(parser, "the file's")
    add_seed(parser, "the file's")
    add_overrides(parser)
    add_workers(parser)
    add_backend(parser, serial_for_one=False)
    add_posterior(parser)
    add_out(parser, "results/sweeps/<experiment name>", "sweep directory")
    add_resume(parser, "the sweep already in --out")
    parser.add_argument(
        "--chunk-size", type=positive_int, default=None, help="runs per chunk (default: automatic)"
    )
    add_progress(parser)
    parser.add_argument("--plot", action="store_true", help="draw the figures of the results when done")
    parser.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    """Run the sweep; exit 0 if every run succeeded, 1 if some failed or were not done, 130 on Ctrl-C."""
    if args.backend in (None, "local") and not args.scheduler:
        from sim.sweep.forkserver import prestart_local

        prestart_local()  # the model's import overlaps the coordinator's imports and validation
    from sim.run.api import normalise_overrides
    from sim.sweep.design import build_design
    from sim.sweep.engine import print_report, run_sweep
    from sim.sweep.experiment import load_experiment

    overrides = normalise_overrides(args.overrides)  # a malformed --set fails before the file is read
    experiment = load_experiment(args.experiment, args.replicates, args.seed).with_overrides(overrides)
    posterior = load_posterior_option(args)
    # every path and value (and the posterior's parameters) checked before anything is touched
    design = build_design(experiment, posterior=posterior)
    out = args.out if args.out is not None else Path("results") / "sweeps" / experiment.name
    check_resume(args)
    note_nothing_to_resume(args, out)
    if not args.resume:
        refuse_existing(out, args.force, resume="the sweep in it")
        if args.force:
            clear_for_rerun(out, SWEEP_MARKERS)
    announce_runs(len(design.points) * design.replicates, f"sweep {experiment.name}", args.quiet)
    try:
        report = run_sweep(
            experiment,
            out,
            backend=args.backend,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            chunk_size=args.chunk_size,
            progress=progress_of(args),
            posterior=posterior,
        )
    except KeyboardInterrupt:
        print(f"interrupted: committed chunks are saved in {out}; continue with --resume", file=sys.stderr)
        return 130
    status = print_report(report, quiet=args.quiet)
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
