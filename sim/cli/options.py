"""The options every command shares, each declared once, so that a flag means the same everywhere.

`--seed`, `--set`, `--backend`, `--scheduler`, `--workers`, `--replicates`, `--out`, `--force`,
`--resume`, `--posterior` and `--quiet` are added through these functions. Options a file may also
give (an experiment's replicates, seed, backend, workers) default to None here: the file's value is
the default and the flag overrides it (`resolve`). An existing output is replaced only with `--force`
(`refuse_existing`), and a job that will take a while says how many runs it starts before it starts
them (`announce_runs`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sim.cli.argtypes import non_negative_int, positive_int
from sim.errors import InputError

BACKENDS = ("local", "serial", "dask")
#: The shared options' names, spelt once: error messages elsewhere name an option through these.
REPLICATES, SEED, WORKERS, BACKEND, SCHEDULER, OUT = (
    "--replicates",
    "--seed",
    "--workers",
    "--backend",
    "--scheduler",
    "--out",
)
#: Runs beyond which a command says up front how many it starts (a few minutes on two cores).
ANNOUNCE_RUNS = 1000


def add_replicates(p: argparse.ArgumentParser, default: str = "100") -> None:
    """`--replicates N`: replicates per scenario, point or configuration."""
    p.add_argument(
        REPLICATES,
        type=positive_int,
        default=None,
        metavar="N",
        help=f"replicates per scenario, point or configuration (default: {default})",
    )


def add_seed(p: argparse.ArgumentParser, default: str = "0") -> None:
    """`--seed S`: the master seed of the seed tree."""
    p.add_argument(
        SEED,
        type=non_negative_int,
        default=None,
        metavar="S",
        help=f"master seed; each run's seed derives from it and the run's place (default: {default})",
    )


def add_workers(p: argparse.ArgumentParser) -> None:
    """`--workers W`: worker processes; results never depend on it."""
    p.add_argument(
        WORKERS,
        type=positive_int,
        default=None,
        metavar="W",
        help="worker processes (default: all cores); results do not depend on it",
    )


def add_backend(p: argparse.ArgumentParser, serial_for_one: bool = True) -> None:
    """`--backend` and `--scheduler`: where runs go; results never depend on it.

    `serial_for_one`: the command runs in its own process when given one worker (run, compare, score).
    """
    default = "the default; serial with --workers 1" if serial_for_one else "the default"
    p.add_argument(
        BACKEND,
        choices=BACKENDS,
        default=None,
        help=f"where runs go: local worker processes ({default}), serial (in this process) or dask; "
        "results do not depend on it",
    )
    p.add_argument(
        SCHEDULER,
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://head:8786 (implies --backend dask; default: a LocalCluster)",
    )


def add_overrides(p: argparse.ArgumentParser) -> None:
    """`--set PATH=VALUE`: override a scenario value by dotted path (repeatable)."""
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario value by dotted path, e.g. --set leaders.stalin.charisma=0.5 (repeatable)",
    )


def add_posterior(p: argparse.ArgumentParser) -> None:
    """`--posterior DIR`: draw each replicate's calibrated parameters from a `calibrate` output."""
    p.add_argument(
        "--posterior",
        type=Path,
        default=None,
        metavar="DIR",
        help="a `calibrate` output: each replicate draws the calibrated parameters from its posterior "
        "(the same draw in every scenario and point); a value the scenario, --set or design gives "
        "differently from the calibrated scenario stands",
    )


def load_posterior_option(args: argparse.Namespace) -> Any:
    """The `Posterior` of `--posterior`, read and checked before anything is written; None without it."""
    if getattr(args, "posterior", None) is None:
        return None
    from sim.run.posterior import load_posterior

    return load_posterior(args.posterior)


def add_out(
    p: argparse.ArgumentParser,
    default: str | None,
    what: str = "output directory",
    metavar: str | None = None,
) -> None:
    """`--out` and `--force`: where the output goes, and whether an existing one may be replaced.

    `default` None: the command has no default place, and `--out` is required.
    """
    if default is None:
        p.add_argument(OUT, type=Path, required=True, metavar=metavar, help=f"{what} (required)")
    else:
        p.add_argument(OUT, type=Path, default=None, metavar=metavar, help=f"{what} (default: {default})")
    p.add_argument("--force", action="store_true", help=f"replace an existing {what}")


def add_resume(p: argparse.ArgumentParser, what: str) -> None:
    """`--resume`: continue `what` that was stopped, from what it kept (exclusive with `--force`)."""
    p.add_argument("--resume", action="store_true", help=f"continue {what}")


def check_resume(args: argparse.Namespace) -> None:
    """`--force` starts again and `--resume` continues: one or the other."""
    if getattr(args, "force", False) and getattr(args, "resume", False):
        raise InputError("--force: expected either --force (start again) or --resume (continue), not both")


def note_nothing_to_resume(args: argparse.Namespace, out: Path) -> None:
    """`--resume` where nothing was kept starts afresh, with a note: a mistyped --out is seen at once."""
    if getattr(args, "resume", False) and (not out.exists() or (out.is_dir() and not any(out.iterdir()))):
        print(f"note: --resume: nothing was kept for {out}: starting from the first run", file=sys.stderr)


def check_run_out(args: argparse.Namespace, out: Path) -> None:
    """May `run`, `compare` or `score` write `out`? --force replaces, --resume finishes what was kept.

    A run stopped after --force kept its replicates beside the output it was to replace: a resume
    finishes that replacement. A resume with nothing kept says so: over a finished output it is an
    error (the output stands), elsewhere a note (a mistyped --out would silently start a long job).
    """
    from sim.run.checkpoint import partial_dir
    from sim.run.results import check_out_dir

    check_resume(args)
    kept = partial_dir(out).exists()
    if args.resume and not kept:
        if (out.is_dir() and any(out.iterdir())) or out.is_file():
            raise InputError(
                f"--out {out}: --resume: nothing to resume: the output is finished (no "
                f"{partial_dir(out).name} beside it): expected --force to run it again, or another --out"
            )
        note_nothing_to_resume(args, out)
    refuse_existing(out, args.force or (args.resume and kept))
    check_out_dir(out)


def checkpoint_of(args: argparse.Namespace, out: Path) -> Any:
    """Where `run`, `compare` and `score` keep their finished replicates until OUT is written."""
    from sim.run.checkpoint import Checkpoint

    check_resume(args)
    quiet = getattr(args, "quiet", False)
    return Checkpoint(out, resume=args.resume, force=args.force, announce=None if quiet else _resuming)


def _resuming(kept: int, path: Path) -> None:
    noun = "replicate" if kept == 1 else "replicates"
    print(f"resuming: {kept:,} finished {noun} kept in {path}", file=sys.stderr, flush=True)


def stopped(checkpoint: Any) -> int:
    """Say where a stopped run's finished replicates are kept; return the exit status of a Ctrl-C.

    A run stopped before any replicate finished leaves nothing behind.
    """
    if not checkpoint.kept_parts():
        checkpoint.discard()
        print("error: interrupted", file=sys.stderr)
        return 130
    print(
        f"interrupted: the finished replicates are kept in {checkpoint.path}; continue with --resume",
        file=sys.stderr,
    )
    return 130


def failed(checkpoint: Any, err: Exception) -> int:
    """Say which replicate failed and where the finished ones are kept; return the exit status (1)."""
    kept = f"; the finished replicates are kept in {checkpoint.path}" if checkpoint.kept_parts() else ""
    print(f"error: {err}{kept}", file=sys.stderr)
    return 1


def write_or_keep(checkpoint: Any, write: Callable[[], object]) -> None:
    """Write a finished run's output, then drop its kept replicates; if writing fails, say where they are."""
    try:
        write()
    except InputError as err:
        raise InputError(
            f"{err} (the replicates are kept in {checkpoint.path}: continue with --resume)"
        ) from None
    except KeyboardInterrupt:  # stopped while the tables were written: every replicate is kept
        print(
            f"interrupted: the finished replicates are kept in {checkpoint.path}; continue with --resume",
            file=sys.stderr,
        )
        raise
    checkpoint.discard()


#: What `--quiet` means in every command that takes it.
QUIET_HELP = "print nothing but errors and warnings: no progress, no summary (the files are written as usual)"


def add_quiet(p: argparse.ArgumentParser) -> None:
    """`--quiet`: one meaning everywhere, nothing on the terminal but errors and warnings.

    The command still shows its progress and result unless asked; `sim.cli.commands` silences standard
    output under `--quiet`, and each command keeps its own standard-error lines to what went wrong.
    """
    p.add_argument("--quiet", action="store_true", help=QUIET_HELP)


def add_progress(p: argparse.ArgumentParser) -> None:
    """`--progress` (how to show progress) and `--quiet` (`--progress off`, and no summary)."""
    p.add_argument(
        "--progress",
        choices=("auto", "bar", "lines", "off"),
        default="auto",
        help="progress display (default: a bar on a terminal, periodic lines otherwise)",
    )
    add_quiet(p)


def progress_of(args: argparse.Namespace) -> str:
    """The progress display a command asked for, `--quiet` winning."""
    return "off" if getattr(args, "quiet", False) else getattr(args, "progress", "auto")


def resolve[T](flag: T | None, *defaults: T | None) -> T:
    """The flag when given, else the first default that is set (a file's value, then the built-in)."""
    for value in (flag, *defaults):
        if value is not None:
            return value
    raise ValueError("resolve: expected a built-in default")


def _is_empty(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


def refuse_existing(out: Path, force: bool, option: str = OUT, resume: str = "") -> None:
    """Refuse to replace an existing output without `--force` (an empty directory is not an output).

    `resume` names what --resume would do instead, for commands that can continue their output.
    """
    if out.exists() and not _is_empty(out) and not force:
        kind = "directory" if out.is_dir() else "file"
        exists = "directory exists and is not empty" if out.is_dir() else "file exists"
        alternatives = f", --resume to continue {resume}," if resume else ","
        raise InputError(
            f"{option} {out}: {exists}: expected a new {kind}{alternatives} or --force to replace it"
        )


def clear_for_rerun(out: Path, markers: tuple[str, ...]) -> None:
    """With `--force`, remove an earlier output directory of a command that writes as it goes.

    Only a directory holding one of `markers` (files that command writes) is removed, so a mistyped
    `--out` cannot delete someone's own files. Call it once the inputs are checked.
    """
    if not out.is_dir() or _is_empty(out):
        return
    check_ours(out, markers)
    shutil.rmtree(out)


def check_ours(out: Path, markers: tuple[str, ...]) -> None:
    """Refuse to replace a directory that holds none of the files this command writes."""
    if out.is_dir() and not _is_empty(out) and not any((out / name).exists() for name in markers):
        raise InputError(
            f"--out {out}: directory holds other files: expected a new directory or an earlier output "
            f"of this command (with {' or '.join(markers)})"
        )


@contextlib.contextmanager
def replaced_on_success(out: Path, force: bool, markers: tuple[str, ...]) -> Iterator[None]:
    """With `--force`, set an earlier output aside while the command runs, and drop it at the end.

    If the command fails before writing anything (bad input), the earlier output is put back; if it
    wrote something (an interrupted, resumable analysis), that is kept and the earlier one dropped.
    """
    if not (force and out.is_dir() and not _is_empty(out)):
        yield
        return
    check_ours(out, markers)
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.resolve().parent))
    os.replace(out, aside / "previous")
    try:
        yield
    except BaseException:
        if not out.exists() or _is_empty(out):
            if out.exists():
                out.rmdir()
            os.replace(aside / "previous", out)
        raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def announce_runs(runs: int, what: str, quiet: bool = False) -> None:
    """Say how many runs a long job starts, before it starts them (stderr; not with --quiet)."""
    if runs > ANNOUNCE_RUNS and not quiet:
        print(f"{what}: starting {runs:,} runs", file=sys.stderr, flush=True)


def engine_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """The sweep engine's options from the shared flags (workers, backend, scheduler)."""
    return {"workers": args.workers, "backend": args.backend, "scheduler": args.scheduler}
