"""The `calibrate` subcommand (thin: the work is in sim.calibration.api)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.argtypes import non_negative_int, positive_int


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `calibrate` to the main parser."""
    p = subparsers.add_parser(
        "calibrate",
        help="fit scenario parameters to the record by ABC-SMC (pyabc): a posterior, not one best value",
        description="Calibrate dotted scenario paths (uniform priors) to the `fit` targets of a targets file "
        "by pyabc's ABC-SMC, one replicate per particle; write the posterior, the generations, a calibrated "
        "scenario, the prior- and posterior-predictive score, a manifest and figures to OUT.",
    )
    p.add_argument("scenario", type=Path, metavar="SCENARIO")
    p.add_argument(
        "--targets", type=Path, required=True, metavar="FILE", help="targets file (role fit is fitted)"
    )
    p.add_argument(
        "--param", action="append", default=[], metavar="PATH=LOW:HIGH", help="uniform prior (repeatable)"
    )
    p.add_argument("--space", type=Path, default=None, metavar="SPACE.toml", help="[params] table of priors")
    p.add_argument("--budget", type=positive_int, default=3000, help="total simulations (default 3000)")
    p.add_argument("--population", type=positive_int, default=None, help="particles per generation")
    p.add_argument("--seed", type=non_negative_int, default=0, help="seed (default 0)")
    p.add_argument("--workers", type=positive_int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--backend", choices=("local", "dask"), default="local", help="sampler backend")
    p.add_argument("--scheduler", default=None, metavar="ADDR", help="Dask scheduler address (backend dask)")
    p.add_argument(
        "--out", type=Path, default=None, help="output directory (default results/calibrate_<scenario>)"
    )
    p.add_argument(
        "--resume", action="store_true", help="continue the calibration in OUT from its last generation"
    )
    p.add_argument("--predictive", type=positive_int, default=100, help="replicates per predictive stage")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(func=calibrate_command)


def calibrate_command(args: argparse.Namespace) -> int:
    """`powerstruggle calibrate SCENARIO --targets FILE ...`."""
    if args.backend == "local" and args.workers != 1:
        from sim.calibration.pool import prestart

        prestart()  # the workers' model import overlaps pyabc's import and the checks
    from sim.calibration.api import calibrate
    from sim.runner import default_workers

    out = args.out if args.out is not None else Path("results") / f"calibrate_{args.scenario.stem}"
    try:
        cal = calibrate(
            args.scenario, args.targets, params=args.param, space=args.space, budget=args.budget,
            population=args.population, seed=args.seed,
            workers=args.workers if args.workers is not None else default_workers(),
            backend=args.backend, scheduler=args.scheduler, out=out, resume=args.resume,
            predictive=args.predictive, progress=not args.quiet,
        )  # fmt: skip
    except KeyboardInterrupt:
        print(f"interrupted: finished generations are kept in {out}; continue with --resume", file=sys.stderr)
        raise
    for path, s in cal.manifest["posterior"].items():
        lo, hi = s["prior"]
        print(
            f"{path}: median {s['median']:.3g}, 90% [{s['q05']:.3g}, {s['q95']:.3g}] (prior [{lo:g}, {hi:g}])"
        )
    post = cal.score[cal.score["stage"] == "posterior"]
    for role in ("fit", "validate"):
        part = post[post["role"] == role]
        print(f"posterior-predictive: {int(part['ok'].sum())}/{len(part)} {role} targets within tolerance")
    m = cal.manifest
    print(
        f"{m['simulations']} simulations ({m['budget_simulations']} of the budget, "
        f"{m['predictive_simulations']} predictive), {m['generations']} generations; written to {out}"
    )
    return 0
