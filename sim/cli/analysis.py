"""The analyses' commands: attribute, sensitivity, discover, flip; each a few options over a function.

Bad input ends as one line and exit 2 (raised as InputError, printed by sim.cli.commands.main); runs that
failed are recorded and the analysis goes on; runs not done (Ctrl-C, lost chunks) end with exit 1
and a hint to --resume.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.cli.argtypes import positive_int
from sim.cli.options import (
    add_backend,
    add_out,
    add_overrides,
    add_progress,
    add_quiet,
    add_replicates,
    add_resume,
    add_seed,
    add_workers,
    note_nothing_to_resume,
    progress_of,
    refuse_existing,
    replaced_on_success,
    resolve,
)
from sim.cli.parser import kind_path, scenario_path
from sim.errors import InputError


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


def _engine_options(p: argparse.ArgumentParser, replicates: str = "100", overrides: bool = True) -> None:
    """The shared flags (sim.cli.options), as every command that runs the model takes them."""
    add_replicates(p, replicates)
    add_seed(p, "0" if replicates == "100" else "the file's")
    add_workers(p)
    add_backend(p, serial_for_one=False)  # built on the sweep engine: local workers even for one
    add_out(p, "results/<command>_<name>", "analysis directory")
    add_resume(p, "an interrupted analysis in --out")
    add_progress(p)
    if overrides:
        add_overrides(p)


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    from sim.scenario import parse_assignment

    return dict(parse_assignment(text) for text in getattr(args, "overrides", []))


def _run(args: argparse.Namespace, call: Callable[[], Any]) -> int:
    """Run an analysis, print its report; exit 1 (with a --resume hint) if runs are missing."""
    from sim.analysis.configurations import IncompleteRuns

    _check_out(args)
    try:
        with replaced_on_success(args.out, args.force, ANALYSIS_MARKERS):
            result = call()
    except InputError as err:  # the runs' directories are the analysis's own: name the analysis's --out
        inner = re.escape(str(args.out)) + r"/sweeps?(/size_\d+)?"
        raise InputError(re.sub(rf"--out {inner}\b", f"--out {args.out}", str(err))) from None
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
    p.add_argument("scenario", type=scenario_path, metavar="SCENARIO")
    p.add_argument("--mechanisms", type=_names, default=None, help="comma-separated (default: all ten)")
    p.add_argument(
        "--switches", type=kind_path("menu"), default=None, metavar="MENU", help="a menu of interventions"
    )
    p.add_argument(
        "--outcome",
        default=None,
        help="the outcome weighed, winner=LEADER (default: the first office's holder at the start)",
    )
    _engine_options(p)
    p.set_defaults(func=cmd_attribute)

    p = subparsers.add_parser(
        "sensitivity",
        help="global sensitivity (SALib Sobol' or Morris) of an experiment file",
        description="Run an experiment whose [sample] method is sobol_saltelli or morris; write indices.csv "
        "(per parameter and outcome) and figures/indices.png.",
    )
    p.add_argument("experiment", type=kind_path("experiment"), metavar="EXPERIMENT")
    p.add_argument(
        "--method",
        choices=("sobol", "sobol_saltelli", "morris"),
        default=None,
        help="sobol (the file's sobol_saltelli) or morris: must match the file's [sample] method "
        "(default: the file's)",
    )
    _engine_options(p, replicates="the file's", overrides=False)
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
    add_out(p, "SWEEP_DIR/discover", "analysis directory")
    # Every command takes --quiet (one convention); discover reads a finished sweep and shows no progress.
    add_quiet(p)
    p.set_defaults(func=cmd_discover)

    p = subparsers.add_parser(
        "flip",
        help="the smallest sets of interventions that make a leader the likely winner",
        description="Try a menu's interventions alone, then in pairs, ... (supersets of a flip are pruned); "
        "write flips.csv, tested.csv and figures/flips.png.",
    )
    p.add_argument("scenario", type=scenario_path, metavar="SCENARIO")
    p.add_argument("--to", required=True, metavar="LEADER", help="the leader who should win")
    p.add_argument(
        "--menu", required=True, type=kind_path("menu"), help="menu TOML of [[intervention]] tables"
    )
    p.add_argument(
        "--threshold", type=_probability, default=0.5, help="P(LEADER wins) to reach (default 0.5)"
    )
    p.add_argument("--max-size", type=positive_int, default=3, help="largest set tried (default 3)")
    _engine_options(p)
    p.set_defaults(func=cmd_flip)


def _engine_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """The options every scenario analysis passes to the sweep engine (attribute, flip)."""
    return {
        "replicates": resolve(args.replicates, 100),
        "seed": resolve(args.seed, 0),
        "workers": args.workers,
        "backend": _backend(args),
        "scheduler": args.scheduler,
        "out": args.out,
        "resume": args.resume,
        "progress": progress_of(args),
        "overrides": _overrides(args),
    }


def _backend(args: argparse.Namespace) -> str:
    """The backend asked for; a scheduler address implies dask (as for run and sweep)."""
    if args.scheduler and args.backend not in (None, "dask"):
        raise InputError(f"--scheduler {args.scheduler}: expected --backend dask (or no --backend)")
    return resolve(args.backend, "dask" if args.scheduler else None, "local")


#: Files an analysis directory holds (so that --force replaces only an analysis).
ANALYSIS_MARKERS = ("analysis.json", "sweep", "sweeps", "boxes.csv")


#: The `kind` each analysis command writes into its analysis.json.
ANALYSIS_KINDS = {
    "attribute": "attribution",
    "sensitivity": "sensitivity",
    "discover": "discovery",
    "flip": "flip",
}


def analysis_owner(out: Path) -> str | None:
    """The analysis command whose output `out` holds: by its analysis.json, or an interrupted one's runs.

    None when it cannot be told (not an analysis, or one written through the Python API).
    """
    try:
        if (out / "analysis.json").is_file():
            kind = json.loads((out / "analysis.json").read_text(encoding="utf-8")).get("kind")
            return next((c for c, k in ANALYSIS_KINDS.items() if k == kind), None)
        if (out / "sweep" / "manifest.json").is_file():  # attribute or sensitivity, stopped before the end
            words = str(
                json.loads((out / "sweep" / "manifest.json").read_text(encoding="utf-8")).get("command")
            )
            return next((w for w in words.split()[1:2] if w in ANALYSIS_KINDS), None)
    except (OSError, ValueError, AttributeError):
        return None
    return "flip" if (out / "sweeps").is_dir() else None


def _check_out(args: argparse.Namespace) -> None:
    """Refuse an existing analysis directory unless --resume continues it or --force replaces it.

    --force replaces only an earlier output of the same command: `discover --out <an attribution>
    --force` deleted the attribution and its runs.
    """
    resume = getattr(args, "resume", False)
    if args.force and resume:
        raise InputError("--force: expected either --force (start again) or --resume (continue), not both")
    command = args.func.__name__.removeprefix("cmd_")
    if args.force and args.out.is_dir():
        owner = analysis_owner(args.out)
        if owner is not None and owner != command:
            raise InputError(
                f"--out {args.out}: holds the output of `{owner}`: expected a new directory or an earlier "
                f"output of `{command}` (--force replaces only that)"
            )
    if not resume:
        refuse_existing(args.out, args.force, resume="the analysis in it" if hasattr(args, "resume") else "")
    else:
        note_nothing_to_resume(args, args.out)
        _same_question(args, command)


def _same_question(args: argparse.Namespace, command: str) -> None:
    """--resume over a finished analysis must ask what it asked: a new question would replace its answer.

    The runs kept do not depend on the question (the outcome, the leader, the threshold, the sizes
    tried), so a changed one was answered from them and written over the old answer without --force.
    """
    try:
        old = json.loads((args.out / "analysis.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # no finished analysis here: the runs' own fingerprint guards the rest
    asked: dict[str, Any] = {}
    if command == "attribute":
        asked = {"outcome": _asked_outcome(args)}
    elif command == "flip":
        asked = {"leader": args.to.lower(), "threshold": args.threshold, "max_size": args.max_size}
    for key, value in asked.items():
        if key in old and str(old[key]) != str(value):
            raise InputError(
                f"--out {args.out}: --resume: {key} {value} differs from the finished analysis's "
                f"({old[key]}): expected the same question, --force to answer the new one, or another --out"
            )


def _asked_outcome(args: argparse.Namespace) -> str:
    """The outcome `attribute` weighs, as its analysis.json records it: without --outcome, the default."""
    from sim.analysis.checks import default_outcome
    from sim.analysis.configurations import parse_outcome

    text = args.outcome if args.outcome is not None else default_outcome(args.scenario, _overrides(args))
    return f"winner={parse_outcome(text)[1]}"


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
            "sobol" if args.method == "sobol_saltelli" else args.method,  # the file's name for it too
            replicates=args.replicates,
            seed=args.seed,
            workers=args.workers,
            backend=_backend(args) if args.backend or args.scheduler else None,
            out=args.out,
            resume=args.resume,
            progress=progress_of(args),
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
