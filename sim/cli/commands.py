"""The `powerstruggle` command line: run, compare, validate, plus commands registered by other modules.

Every bad input ends as one line `error: <message>` on stderr and exit status 2, with no traceback and
no output directory left behind; Ctrl-C exits with 130.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sim.cli.options import (
    add_backend,
    add_out,
    add_overrides,
    add_posterior,
    add_quiet,
    add_replicates,
    add_resume,
    add_seed,
    add_workers,
    announce_runs,
    check_run_out,
    checkpoint_of,
    failed,
    load_posterior_option,
    resolve,
    stopped,
    write_or_keep,
)
from sim.cli.parser import ArgumentParser, UsageError, kind_path, scenario_path
from sim.errors import InputError, RunFailed

#: Modules that add subcommands: each has `register(subparsers)` setting `func=handler` on its parsers.
EXTRA_COMMAND_MODULES: tuple[str, ...] = (
    "sim.cli.sweep",
    "sim.cli.plot",
    "sim.cli.record",
    "sim.cli.calibrate",
    "sim.cli.analysis",
    "sim.cli.view",
)


def _version() -> str:
    from sim import __version__

    return __version__


class _VersionAction(argparse.Action):
    """`--version`, reading the package metadata only when asked (it costs every command 50 ms)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"powerstruggle {_version()}")
        parser.exit()


def _add_run_options(p: argparse.ArgumentParser, out_default: str) -> None:
    add_replicates(p, "100")
    add_seed(p, "0")
    add_out(p, out_default, "results directory")
    add_workers(p)
    add_overrides(p)
    add_posterior(p)
    add_backend(p)
    add_resume(p, "a stopped run into OUT: run only the replicates it did not keep")
    p.add_argument("--plot", action="store_true", help="draw the figures into OUT/figures when done")
    p.add_argument(
        "--targets",
        type=kind_path("targets"),
        default=None,
        metavar="FILE",
        help="with --plot: mark the record of FILE",
    )
    add_quiet(p)


def build_parser() -> ArgumentParser:
    """Build the full parser, including the subcommands of EXTRA_COMMAND_MODULES that exist."""
    parser = ArgumentParser(
        prog="powerstruggle",
        description="Agent-based simulation of the 1924-1929 Soviet succession struggle (Mesa 3).",
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run a scenario's replicates, write the tables and print a summary",
        description="Run the replicates of one scenario; write summary.csv, events.csv, votes.csv, "
        "timeseries.csv, party.csv, delegations.csv and manifest.json to OUT; print P(winner) and the "
        "sanction dates.",
    )
    run.add_argument(
        "scenario", type=scenario_path, metavar="SCENARIO", help="scenario TOML file (see scenarios/)"
    )
    _add_run_options(run, "results/<scenario name>")
    run.set_defaults(func=cmd_run)

    cmp = sub.add_parser(
        "compare",
        help="run several scenarios with the same seeds and compare them with the first",
        description="Run each scenario with the same replicates and seeds; write OUT/<name>/ per scenario, "
        "OUT/comparison.csv and OUT/manifest.json; print the differences from the first scenario.",
    )
    cmp.add_argument(
        "scenarios", type=scenario_path, nargs="+", metavar="SCENARIO", help="two or more scenario files"
    )
    _add_run_options(cmp, "results/compare_<first>_vs_<n-1>")
    cmp.set_defaults(func=cmd_compare)

    val = sub.add_parser(
        "validate",
        help="check scenario, experiment, menu, targets or calibration-space files without running them",
        description="Load each file (a scenario, an experiment, a menu of interventions, a targets file or a "
        "calibration space, told apart by its content) and report `ok FILE` or the error; exit 0 when all "
        "are valid, 2 otherwise. A menu, targets file or space is checked against every --scenario, else (a "
        "menu) the scenario it names, else one of the scenario files given (the first that takes it), else "
        "scenarios/historical.toml.",
    )
    val.add_argument("files", type=Path, nargs="+", metavar="FILE")
    val.add_argument(
        "--scenario",
        type=Path,
        action="append",
        default=[],
        metavar="SCENARIO",
        help="scenario whose keys and leaders a menu's names must match (repeatable)",
    )
    val.set_defaults(func=cmd_validate)

    register_extra_commands(sub)
    return parser


def register_extra_commands(subparsers: Any, modules: Sequence[str] = EXTRA_COMMAND_MODULES) -> list[str]:
    """Import each command module and let it register; skip only modules that do not exist yet."""
    loaded = []
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            missing = exc.name or ""
            if missing == name or (missing.startswith("sim.") and name.startswith(missing + ".")):
                continue
            raise
        module.register(subparsers)
        loaded.append(name)
    return loaded


# --- commands -------------------------------------------------------------------------------------


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    from sim.run.api import normalise_overrides

    return normalise_overrides(args.overrides)


def _check_plot_available(args: argparse.Namespace) -> None:
    if args.plot and importlib.util.find_spec("sim.plots") is None:
        raise InputError("--plot: the plotting module sim.plots is not available in this installation")
    if getattr(args, "targets", None) is not None:
        if not args.plot:
            raise InputError(f"--targets {args.targets}: expected together with --plot")
        from sim.record.targets import load_targets

        load_targets(args.targets)  # a bad targets file fails before anything runs


def _check_targets_fit(args: argparse.Namespace, scenario: Any) -> None:
    """`--plot --targets FILE`: the record must fit the scenario (its leaders, its window) before any run."""
    if getattr(args, "targets", None) is not None:
        from sim.record.checks import check_targets
        from sim.record.targets import load_targets

        check_targets(load_targets(args.targets), scenario.config, f"--targets {args.targets}")


def _plot(out: Path, quiet: bool, targets: Path | None = None) -> None:
    from sim.plots import draw_all

    notes: list[str] = []
    paths = draw_all(out, notes=notes, targets=targets)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if not quiet:
        where = paths[0].parent if paths else out / "figures"
        print(f"{len(paths)} figures written to {where}")


def _workers(args: argparse.Namespace) -> int:
    from sim.run.runner import default_workers

    return args.workers if args.workers is not None else default_workers()


def _prestart(args: argparse.Namespace, points: int) -> None:
    """Start the local workers' fork server now when the replicates will run on local workers."""
    args.replicates = resolve(args.replicates, 100)
    args.seed = resolve(args.seed, 0)
    runs = args.replicates * points
    if args.backend in (None, "local") and not args.scheduler and args.workers != 1 and runs > 1:
        from sim.sweep.forkserver import prestart_local

        prestart_local()


def _engine_options(args: argparse.Namespace) -> dict[str, Any]:
    """The sweep engine's options that `run` and `compare` share: workers, progress, backend."""
    return {
        "workers": _workers(args),
        "progress": not args.quiet,
        "backend": args.backend,
        "scheduler": args.scheduler,
    }


def _finish(
    args: argparse.Namespace, out: Path, result: Any, report: Callable[[Any, Path], str], checkpoint: Any
) -> int:
    """Write a run's or comparison's tables, print its report and draw its figures if asked."""
    write_or_keep(checkpoint, lambda: result.write(out))
    if not args.quiet:
        print(report(result, out))
    if args.plot:
        _plot(out, args.quiet, args.targets)
    return 0


def _engine_job(
    args: argparse.Namespace, loaded: Callable[..., Any], what: Any, overrides: Any, posterior: Any
) -> Callable[[Any], Any]:
    """`run_loaded` or `compare_loaded` on `what` with the command's flags, given a checkpoint."""
    return lambda checkpoint: loaded(
        what,
        args.replicates,
        args.seed,
        overrides=overrides,
        posterior=posterior,
        checkpoint=checkpoint,
        **_engine_options(args),
    )


def _run_and_finish(
    args: argparse.Namespace,
    out: Path,
    what: str,
    runs: int,
    job: Callable[[Any], Any],
    report: Callable[[Any, Path], str],
) -> int:
    """Run `job(checkpoint)` into `out`: refuse an existing output, keep finished replicates, finish.

    After a Ctrl-C or a failed replicate it says where the finished replicates are kept (`--resume`).
    """
    check_run_out(args, out)
    checkpoint = checkpoint_of(args, out)
    announce_runs(runs, what, args.quiet)
    try:
        result = job(checkpoint)
    except KeyboardInterrupt:
        return stopped(checkpoint)
    except RunFailed as err:
        return failed(checkpoint, err)
    return _finish(args, out, result, report, checkpoint)


def cmd_run(args: argparse.Namespace) -> int:
    """`powerstruggle run SCENARIO ...`."""
    _prestart(args, 1)
    from sim.run.api import posterior_standing, prepare, run_loaded
    from sim.run.report import run_report

    _check_plot_available(args)
    overrides = _overrides(args)
    scenario = prepare(args.scenario, overrides)
    _check_targets_fit(args, scenario)
    posterior = load_posterior_option(args)
    if posterior is not None:
        posterior_standing([scenario], posterior, overrides)  # a missing parameter fails before any output
    out = args.out if args.out is not None else Path("results") / scenario.name
    job = _engine_job(args, run_loaded, scenario, overrides, posterior)
    return _run_and_finish(args, out, f"run {scenario.name}", args.replicates, job, run_report)


def cmd_compare(args: argparse.Namespace) -> int:
    """`powerstruggle compare A B ...`."""
    _prestart(args, len(args.scenarios))
    from sim.run.api import compare_loaded, load_all, posterior_standing
    from sim.run.report import comparison_report

    _check_plot_available(args)
    overrides = _overrides(args)
    scenarios = load_all(args.scenarios, overrides)
    _check_targets_fit(args, scenarios[0])
    posterior = load_posterior_option(args)
    if posterior is not None:
        posterior_standing(scenarios, posterior, overrides)  # a missing parameter fails before any output
    if args.out is not None:
        out = args.out
    else:
        out = Path("results") / f"compare_{scenarios[0].name}_vs_{len(scenarios) - 1}"
    job = _engine_job(args, compare_loaded, scenarios, overrides, posterior)
    what = f"compare {len(scenarios)} scenarios"
    return _run_and_finish(args, out, what, args.replicates * len(scenarios), job, comparison_report)


def cmd_validate(args: argparse.Namespace) -> int:
    """`powerstruggle validate FILE ...`: `ok FILE` or `error: ...` for each; exit 0 only if all are ok."""
    from sim.filekinds import validate_files

    bad = 0
    for path, outcome in validate_files(args.files, args.scenario):
        if isinstance(outcome, InputError):
            bad += 1
            print(f"error: {outcome}", file=sys.stderr)
        else:
            print(f"ok {path}" + (f" ({outcome})" if outcome else ""))
    return 2 if bad else 0


# --- entry point ---------------------------------------------------------------------------------


#: Commands whose process ends at once when they are done (the program, not a call of `main`).
_QUICK_EXIT = frozenset({"run", "compare", "sweep", "validate", "calibrate", "score"})


def main(argv: list[str] | None = None) -> int:
    """Parse `argv` (default sys.argv[1:]) and run the command; return the exit status.

    As the program (`argv` None) a run, compare, sweep, validate, calibrate or score ends its process as
    soon as its files are written and its output flushed: winding down an interpreter that holds
    pandas, Arrow and a process pool costs up to a second for nothing.
    """
    code = _main(argv)
    if argv is None and len(sys.argv) > 1 and sys.argv[1] in _QUICK_EXIT:
        _release_semaphores()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (BrokenPipeError, ValueError):
                pass
        os._exit(code)
    return code


def _release_semaphores() -> None:
    """Run multiprocessing's exit finalizers, which os._exit would skip.

    A process pool's queues hold named semaphores; a normal exit unlinks them, os._exit does not, and
    the resource tracker then warns about "leaked semaphore objects" on stderr.
    """
    util = sys.modules.get("multiprocessing.util")
    if util is not None:
        util._run_finalizers(0)  # noqa: SLF001 - the finalizers a normal exit runs first


def _main(argv: list[str] | None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        func = getattr(args, "func", None)
        if func is None:
            commands = ", ".join(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
            print(f"error: expected a command: one of {commands} (see powerstruggle --help)", file=sys.stderr)
            return 2
        if getattr(args, "quiet", False):  # one meaning everywhere: nothing but errors and warnings
            with open(os.devnull, "w") as nowhere, contextlib.redirect_stdout(nowhere):
                return int(func(args) or 0)
        return int(func(args) or 0)
    except (InputError, UsageError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except RunFailed as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `powerstruggle run ... | head`
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
