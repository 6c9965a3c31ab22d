"""The `score` and `targets` subcommands (thin: the work is in sim.record.api and sim.record.synthetic)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.options import (
    add_backend,
    add_out,
    add_overrides,
    add_quiet,
    add_replicates,
    add_resume,
    add_seed,
    add_workers,
    check_run_out,
    checkpoint_of,
    failed,
    refuse_existing,
    resolve,
    stopped,
    write_or_keep,
)
from sim.cli.parser import kind_path, scenario_path
from sim.errors import RunFailed


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `score` and `targets` to the main parser."""
    p = subparsers.add_parser(
        "score",
        help="run a scenario and score it against the record's targets",
        description="Run the scenario's replicates, compare them with each target of the targets file and "
        "write OUT/score.csv (with the run's tables); print the table. Exit 0 whenever it ran.",
    )
    p.add_argument("scenario", type=scenario_path, metavar="SCENARIO")
    p.add_argument(
        "--targets",
        type=kind_path("targets"),
        required=True,
        metavar="FILE",
        help="targets file (targets/record.toml)",
    )
    add_replicates(p, "100")
    add_seed(p, "0")
    add_out(p, "results/score_<scenario>", "results directory")
    add_workers(p)
    add_backend(p)
    add_overrides(p)
    add_resume(p, "a stopped score into OUT: run only the replicates it did not keep")
    add_quiet(p)
    p.set_defaults(func=score_command)

    t = subparsers.add_parser(
        "targets",
        help="write a targets file from a run directory (a synthetic record)",
        description="Write a targets file from a run: the median first date of every event of a leader "
        "(sanctions, factions, capitulations, ...) that happens in at least half the replicates, and the "
        "shares against the line at Congresses and Conferences, each with role `fit`.",
    )
    t.add_argument("results_dir", type=Path, metavar="RESULTS_DIR", help="directory written by run")
    add_out(t, default=None, what="targets file to write", metavar="FILE")
    t.set_defaults(func=targets_command)


def score_command(args: argparse.Namespace) -> int:
    """`powerstruggle score SCENARIO --targets FILE ...`."""
    from sim.record.api import Score, score_results
    from sim.record.checks import check_targets
    from sim.record.score import format_table
    from sim.record.targets import load_targets
    from sim.run.api import normalise_overrides, prepare, run_loaded
    from sim.run.runner import default_workers

    targets = load_targets(args.targets)  # a bad file is named before a bad scenario is looked at
    overrides = normalise_overrides(args.overrides)
    scenario = prepare(args.scenario, overrides)
    check_targets(targets, scenario.config, str(args.targets))
    out = args.out if args.out is not None else Path("results") / f"score_{scenario.name}"
    check_run_out(args, out)
    checkpoint = checkpoint_of(args, out)
    workers = args.workers if args.workers is not None else default_workers()
    try:
        res = run_loaded(
            scenario, resolve(args.replicates, 100), resolve(args.seed, 0), workers, not args.quiet,
            overrides, backend=args.backend, scheduler=args.scheduler, checkpoint=checkpoint,
        )  # fmt: skip
    except KeyboardInterrupt:
        return stopped(checkpoint)
    except RunFailed as err:
        return failed(checkpoint, err)
    result = Score(score_results(res, targets), res)
    write_or_keep(checkpoint, lambda: result.write(out))
    table = result.table
    print(format_table(table))
    fit = table[table["role"] == "fit"]
    print(
        f"{int(fit['ok'].sum())}/{len(fit)} fit and {int(table['ok'].sum()) - int(fit['ok'].sum())}/"
        f"{len(table) - len(fit)} validate targets within tolerance; written to {out / 'score.csv'}"
    )
    return 0


def targets_command(args: argparse.Namespace) -> int:
    """`powerstruggle targets RESULTS_DIR --out FILE`."""
    from sim.record.synthetic import write_targets_from_run

    refuse_existing(args.out, args.force)
    n = write_targets_from_run(args.results_dir, args.out)
    print(f"{n} targets written to {args.out}", file=sys.stderr)
    return 0
