"""The `calibrate` subcommand (thin: the work is in sim.calibration.api)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sim.cli.argtypes import positive_int
from sim.cli.options import (
    add_backend,
    add_out,
    add_quiet,
    add_resume,
    add_seed,
    add_workers,
    check_resume,
    refuse_existing,
    replaced_on_success,
    resolve,
)
from sim.cli.parser import kind_path, scenario_path
from sim.names import plural


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `calibrate` to the main parser."""
    p = subparsers.add_parser(
        "calibrate",
        help="fit scenario parameters to the record by ABC-SMC (pyabc): a posterior, not one best value",
        description="Calibrate dotted scenario paths (uniform priors) to the `fit` targets of a targets file "
        "by pyabc's ABC-SMC, one replicate per particle; write the posterior, the generations, a calibrated "
        "scenario, the prior- and posterior-predictive score, a manifest and figures to OUT.",
    )
    p.add_argument("scenario", type=scenario_path, metavar="SCENARIO")
    p.add_argument(
        "--targets",
        type=kind_path("targets"),
        required=True,
        metavar="FILE",
        help="targets file (role fit is fitted)",
    )
    p.add_argument(
        "--param", action="append", default=[], metavar="PATH=LOW:HIGH", help="uniform prior (repeatable)"
    )
    p.add_argument(
        "--space",
        type=kind_path("space"),
        default=None,
        metavar="SPACE.toml",
        help="[params] table of priors",
    )
    p.add_argument("--budget", type=positive_int, default=3000, help="total simulations (default 3000)")
    p.add_argument(
        "--population",
        type=positive_int,
        default=None,
        help="particles per generation (default: a twentieth of the budget, between 20 and 200)",
    )
    add_seed(p)
    add_workers(p)
    add_backend(p, serial_for_one=False)  # its own pool of workers, even for one
    add_out(p, default="results/calibrate_<scenario>")
    add_resume(p, "the calibration in OUT from its last generation")
    p.add_argument(
        "--predictive", type=positive_int, default=100, help="replicates per predictive stage (default 100)"
    )
    add_quiet(p)
    p.set_defaults(func=calibrate_command)


def _interrupted(out: Path, started: float, replacing: bool) -> str:
    """What a Ctrl-C kept: generations to resume, or (stopped in the pilot) nothing of this calibration."""
    spec = out / "calibration.json"
    if spec.exists() and spec.stat().st_mtime >= started and (out / "abc.db").exists():
        return f"interrupted: finished generations are kept in {out}; continue with --resume"
    if replacing and spec.exists():
        return f"interrupted in the pilot, before anything was kept: the earlier calibration in {out} stands"
    return "interrupted in the pilot, before anything was kept: nothing to resume; start again"


def calibrate_command(args: argparse.Namespace) -> int:
    """`powerstruggle calibrate SCENARIO --targets FILE ...`."""
    backend = "dask" if args.scheduler and args.backend is None else resolve(args.backend, "local")
    # No fork server is started: the local workers are forked from this process once it has imported
    # the model (sim.calibration.pool), so the model is imported once, not once more beside it.
    from sim.calibration.api import calibrate
    from sim.run.runner import default_workers

    check_resume(args)  # --force starts again, --resume continues: not both
    out = args.out if args.out is not None else Path("results") / f"calibrate_{args.scenario.stem}"
    started = time.time()
    if not args.resume:
        refuse_existing(out, args.force, resume="the calibration")
    # With --force an earlier calibration is set aside, and put back if this one writes nothing.
    replacing = args.force and not args.resume
    try:
        with replaced_on_success(out, replacing, ("calibration.json", "abc.db")):
            cal = calibrate(
                args.scenario, args.targets, params=args.param, space=args.space, budget=args.budget,
                population=args.population, seed=resolve(args.seed, 0),
                workers=args.workers if args.workers is not None else default_workers(),
                backend=backend, scheduler=args.scheduler, out=out, resume=args.resume,
                predictive=args.predictive, progress=not args.quiet,
            )  # fmt: skip
    except KeyboardInterrupt:
        print(_interrupted(out, started, replacing), file=sys.stderr)
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
        f"{m['predictive_simulations']} predictive), {m['generations']} "
        f"{plural('generation', m['generations'])}; written to {out}"
    )
    return 0
