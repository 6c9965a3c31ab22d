"""The analyses' commands: attribute, sensitivity, discover, flip; each a few options over a function.

Bad input ends as one line and exit 2 (raised as InputError, printed by sim.cli.main); runs that
failed are recorded and the analysis goes on; runs not done (Ctrl-C, lost chunks) end with exit 1
and a hint to --resume.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.argtypes import non_negative_int, positive_int


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a probability in (0, 1] (got {text!r})") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a probability in (0, 1] (got {text!r})")
    return value


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _engine_options(p: argparse.ArgumentParser, replicates: bool = True) -> None:
    if replicates:
        p.add_argument("--replicates", type=positive_int, default=100, help="replicates per configuration")
        p.add_argument("--seed", type=non_negative_int, default=0, help="master seed (default 0)")
    p.add_argument("--workers", type=positive_int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--backend", choices=("local", "serial", "dask"), default="local", help="where runs go")
    p.add_argument(
        "--out", type=Path, default=None, help="output directory (default: results/<command>_<name>)"
    )
    p.add_argument("--resume", action="store_true", help="continue an interrupted analysis in --out")
    p.add_argument(
        "--progress",
        choices=("auto", "bar", "lines", "off"),
        default="auto",
        help="progress display (default: a bar on a terminal, lines otherwise)",
    )
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario value for every configuration (repeatable)",
    )


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    from sim.scenario import parse_assignment

    return dict(parse_assignment(text) for text in getattr(args, "overrides", []))


def _run(args: argparse.Namespace, call: Callable[[], Any]) -> int:
    """Run an analysis, print its report; exit 1 (with a --resume hint) if runs are missing."""
    from sim.analysis.configurations import IncompleteRuns

    try:
        result = call()
    except IncompleteRuns as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"interrupted: finished runs are kept in {args.out}; continue with --resume", file=sys.stderr)
        return 130
    print(result.report())
    print(f"tables and figures written to {args.out}")
    return 1 if getattr(result, "failed", 0) else 0


def register(subparsers: Any) -> None:
    """Add attribute, sensitivity, discover and flip to the CLI."""
    p = subparsers.add_parser(
        "attribute",
        help="Shapley attribution of P(winner) over mechanisms or interventions",
        description="Run every on/off configuration of the mechanisms (or of a menu's interventions) with "
        "common seeds; write configurations.csv, attribution.csv and figures/attribution.png.",
    )
    p.add_argument("scenario", type=Path, metavar="SCENARIO")
    p.add_argument("--mechanisms", type=_names, default=None, help="comma-separated (default: all ten)")
    p.add_argument("--switches", type=Path, default=None, metavar="MENU", help="a menu of interventions")
    p.add_argument("--outcome", default="winner=stalin", help="the outcome weighed (default winner=stalin)")
    _engine_options(p)
    p.set_defaults(func=cmd_attribute)

    p = subparsers.add_parser(
        "sensitivity",
        help="global sensitivity (SALib Sobol' or Morris) of an experiment file",
        description="Run an experiment whose [sample] method is sobol_saltelli or morris; write indices.csv "
        "(per parameter and outcome) and figures/indices.png.",
    )
    p.add_argument("experiment", type=Path, metavar="EXPERIMENT")
    p.add_argument(
        "--method",
        choices=("sobol", "morris"),
        default=None,
        help="must match the file's [sample] method (default: the file's)",
    )
    p.add_argument(
        "--replicates", type=positive_int, default=None, help="replicates per point (default: file's)"
    )
    _engine_options(p, replicates=False)
    p.set_defaults(func=cmd_sensitivity, overrides=[])

    p = subparsers.add_parser(
        "discover",
        help="scenario discovery (PRIM, CART) on a finished sweep",
        description="Find the ranges of the swept parameters where a condition on the runs holds; write "
        "boxes.csv, trajectory.csv, tree.txt and figures.",
    )
    p.add_argument("sweep_dir", type=Path, metavar="SWEEP_DIR")
    p.add_argument("--where", required=True, help="condition on a run, e.g. \"winner != 'stalin'\"")
    p.add_argument("--method", choices=("prim", "cart"), default="prim", help="which gives boxes.csv")
    p.add_argument(
        "--min-coverage",
        type=_probability,
        default=0.5,
        help="the chosen PRIM box is the densest with at least this coverage (default 0.5)",
    )
    p.add_argument("--out", type=Path, default=None, help="output directory (default: SWEEP_DIR/discover)")
    p.set_defaults(func=cmd_discover)

    p = subparsers.add_parser(
        "flip",
        help="the smallest sets of interventions that make a leader the likely winner",
        description="Try a menu's interventions alone, then in pairs, ... (supersets of a flip are pruned); "
        "write flips.csv, tested.csv and figures/flips.png.",
    )
    p.add_argument("scenario", type=Path, metavar="SCENARIO")
    p.add_argument("--to", required=True, metavar="LEADER", help="the leader who should win")
    p.add_argument("--menu", required=True, type=Path, help="menu TOML of [[intervention]] tables")
    p.add_argument(
        "--threshold", type=_probability, default=0.5, help="P(LEADER wins) to reach (default 0.5)"
    )
    p.add_argument("--max-size", type=positive_int, default=3, help="largest set tried (default 3)")
    _engine_options(p)
    p.set_defaults(func=cmd_flip)


def _engine_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """The options every scenario analysis passes to the sweep engine (attribute, flip)."""
    return {
        "replicates": args.replicates,
        "seed": args.seed,
        "workers": args.workers,
        "backend": args.backend,
        "out": args.out,
        "resume": args.resume,
        "progress": args.progress,
        "overrides": _overrides(args),
    }


def cmd_attribute(args: argparse.Namespace) -> int:
    """`powerstruggle attribute SCENARIO ...`."""
    from sim.analysis.attribute import attribute

    args.out = args.out or Path("results") / f"attribute_{args.scenario.stem}"
    return _run(
        args,
        lambda: attribute(
            args.scenario,
            args.mechanisms,
            switches=args.switches,
            outcome=args.outcome,
            **_engine_kwargs(args),
        ),
    )


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """`powerstruggle sensitivity EXPERIMENT ...`."""
    from sim.analysis.sensitivity import sensitivity

    args.out = args.out or Path("results") / f"sensitivity_{args.experiment.stem}"
    return _run(
        args,
        lambda: sensitivity(
            args.experiment,
            args.method,
            replicates=args.replicates,
            workers=args.workers,
            backend=args.backend,
            out=args.out,
            resume=args.resume,
            progress=args.progress,
        ),
    )


def cmd_discover(args: argparse.Namespace) -> int:
    """`powerstruggle discover SWEEP_DIR --where ...`."""
    from sim.analysis.discover import discover

    args.out = args.out or args.sweep_dir / "discover"
    return _run(
        args,
        lambda: discover(
            args.sweep_dir, args.where, method=args.method, min_coverage=args.min_coverage, out=args.out
        ),
    )


def cmd_flip(args: argparse.Namespace) -> int:
    """`powerstruggle flip SCENARIO --to LEADER --menu MENU ...`."""
    from sim.analysis.flip import flip

    args.out = args.out or Path("results") / f"flip_{args.scenario.stem}_{args.to}"
    return _run(
        args,
        lambda: flip(
            args.scenario,
            args.to,
            args.menu,
            threshold=args.threshold,
            max_size=args.max_size,
            **_engine_kwargs(args),
        ),
    )
