"""Orchestration: validate, plan chunks, farm them out to a backend, commit results, write the summary."""

from __future__ import annotations

import csv
import importlib
import io
import json
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.run.progress import Progress
from sim.run.provenance import now, provenance
from sim.sweep.backends import make_backend
from sim.sweep.design import Design, build_design, chunk_size_for, chunks
from sim.sweep.experiment import Experiment, load_experiment
from sim.sweep.store import SweepStore, atomic_write_text, signals_deferred
from sim.sweep.worker import RUN_FUNCTION, ChunkResult, ChunkTask, RunSpec

FAILURE_COLUMNS = ("run_id", "point_id", "replicate", "seed", "error")
#: Rows of committed runs kept in memory for points.csv (beyond them, parts are read back from disk).
_KEPT_ROWS = 20_000


@dataclass
class SweepReport:
    """What a sweep did: counts, where the results are, and why it stopped if it did not finish."""

    out_dir: Path
    planned: int
    completed: int = 0
    failed: int = 0
    status: str = "running"
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def missing(self) -> int:
        """Runs neither completed nor failed (a sweep that was stopped or lost chunks)."""
        return self.planned - self.completed - self.failed


def _run_spec(design: Design, run_id: int) -> RunSpec:
    point_id, replicate, seed = design.run(run_id)
    return RunSpec(run_id, point_id, replicate, seed, design.run_parameters(point_id, replicate))


def _tasks(design: Design, plan: list[range], todo: list[int], run_function: str) -> Iterator[ChunkTask]:
    """Build chunk tasks lazily: a 100,000-run sweep never has all its tasks in memory at once."""
    token = design.fingerprint()
    for chunk_id in todo:
        runs = tuple(_run_spec(design, r) for r in plan[chunk_id])
        point_ids = sorted({r.point_id for r in runs})
        points = {pid: (design.points[pid].scenario, design.points[pid].values) for pid in point_ids}
        names = {name for name, _ in points.values()}
        yield ChunkTask(
            chunk_id,
            runs,
            points,
            {pid: design.point_columns(design.points[pid]) for pid in point_ids},
            {n: design.scenarios[n] for n in names},
            design.fixed,
            design.experiment.outputs,
            run_function,
            token=token,
        )


class Sweep:
    """One sweep from a validated design into one output directory."""

    def __init__(self, design: Design, out_dir: Path, run_function: str = RUN_FUNCTION) -> None:
        self.design = design
        self.store = SweepStore(out_dir)
        self.run_function = run_function
        self.report = SweepReport(out_dir, design.n_runs)
        self.failures: list[dict[str, Any]] = []
        self.manifest: dict[str, Any] = {}
        # The runs of chunks committed in this session, kept (up to _KEPT_ROWS) for points.csv, so
        # that summarising does not read them back from disk after the last chunk.
        self.kept: dict[int, Any] = {}
        self.kept_rows = 0

    def _load_markers(self) -> None:
        for marker in self.store.markers():
            self.report.completed += marker["completed"]
            self.failures.extend(marker["failures"])
        self.report.failed = len(self.failures)

    def _write_manifest(self) -> None:
        exp = self.design.experiment
        stamp = now()
        self.manifest.update(
            {
                "kind": "sweep",
                "experiment_name": exp.name,
                "experiment_file": str(exp.source) if exp.source else None,
                "experiment_sha256": exp.sha256,
                "experiment": exp.raw,
                "fingerprint": self.design.fingerprint(),
                "design": self.design.describe(),
                "status": self.report.status,
                "counts": {
                    "planned": self.report.planned,
                    "completed": self.report.completed,
                    "failed": self.report.failed,
                    "missing": self.report.missing,
                },
            }
        )
        if self.design.posterior is not None:
            standing = {p: kept for p, kept in enumerate(self.design.standing) if kept}
            self.manifest["posterior"] = self.design.posterior.describe() | {"standing_by_point": standing}
        timings = self.manifest.setdefault("timings", {"started": stamp, "sessions": []})
        timings["finished"] = stamp if self.report.status != "running" else None
        atomic_write_text(self.store.out / "manifest.json", json.dumps(self.manifest, indent=2, default=str))

    def _write_failures(self) -> None:
        path = self.store.out / "failures.csv"
        if not self.failures:
            path.unlink(missing_ok=True)
            return
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, fieldnames=FAILURE_COLUMNS, extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(sorted(self.failures, key=lambda f: f["run_id"]))
        atomic_write_text(path, buffer.getvalue())

    def _write_points(self) -> None:
        from sim.sweep.summarise import summarise_points

        points = [{"point_id": p.point_id, **self.design.point_columns(p)} for p in self.design.points]
        parts = self.store.run_parts()  # in chunk order
        runs = (self.kept.get(int(part.name[5:13]), part) for part in parts)
        table = summarise_points(runs, points, self.failures)
        atomic_write_text(self.store.out / "points.csv", table.to_csv(index=False, lineterminator="\n"))

    def execute(
        self,
        backend_name: str,
        workers: int | None,
        scheduler: str | None,
        resume: bool,
        chunk_size: int | None,
        progress: str,
    ) -> SweepReport:
        """Run every missing chunk; on Ctrl-C or a lost chunk keep what is committed and say so."""
        started = time.monotonic()
        fingerprint = self.design.fingerprint()
        state = self.store.check(fingerprint, resume)
        backend = make_backend(backend_name, workers, scheduler, self.run_function)
        with backend:  # connecting (or failing to) happens here, before anything is written
            if state is None:
                size = (
                    chunk_size
                    or self.design.experiment.spec.experiment.chunk_size
                    or chunk_size_for(self.design.n_runs, backend.workers)
                )
                state = {
                    "fingerprint": fingerprint,
                    "chunk_size": size,
                    "n_runs": self.design.n_runs,
                    "taper": True,
                    "started": now(),
                }
            self.store.open(state, self.design.experiment.outputs)
            try:
                old = self.store.out / "manifest.json"
                if old.is_file():
                    self.manifest = json.loads(old.read_text(encoding="utf-8"))
                self.manifest.setdefault("timings", {"started": state["started"], "sessions": []})
                self.manifest["timings"]["sessions"].append({"started": now(), **backend.describe()})
                self.manifest.update(provenance(backend.describe(), self.design.scenario_sha256))
                self._load_markers()
                self._write_manifest()
                plan = chunks(self.design.n_runs, state["chunk_size"], state.get("taper", False))
                done = self.store.done_chunks()
                todo = [c for c in range(len(plan)) if c not in done]
                self._run(backend, plan, todo, progress)
            except KeyboardInterrupt:
                self.report.status = "interrupted"
                raise
            finally:
                if self.report.status == "running":
                    self.report.status = "complete" if not self.report.missing else "incomplete"
                self.report.seconds = time.monotonic() - started
                self._write_failures()
                self._write_points()
                self.manifest["timings"]["sessions"][-1]["finished"] = now()
                self._write_manifest()
                self.store.close()
        return self.report

    def _run(self, backend: Any, plan: list[range], todo: list[int], progress: str) -> None:
        bar = Progress(self.design.n_runs, self.report.completed + self.report.failed, progress)
        # The summary's imports (pandas) load while the workers run, not after the last chunk.
        threading.Thread(target=importlib.import_module, args=("sim.sweep.summarise",), daemon=True).start()
        try:
            window = 2 * backend.workers + 2
            for task, outcome in backend.run(_tasks(self.design, plan, todo, self.run_function), window):
                if isinstance(outcome, BaseException):
                    self.report.errors.append(
                        f"chunk {task.chunk_id} (runs {plan[task.chunk_id].start}-"
                        f"{plan[task.chunk_id].stop - 1}) lost: {type(outcome).__name__}: {outcome}"
                    )
                    continue
                self._commit(plan[task.chunk_id], outcome)
                bar.update(outcome.completed + len(outcome.failures))
        except Exception as exc:  # noqa: BLE001 - e.g. a broken process pool: stop, keep what is committed
            self.report.errors.append(f"backend {backend.name} stopped: {type(exc).__name__}: {exc}")
        finally:
            bar.close()

    def _commit(self, run_ids: range, result: ChunkResult) -> None:
        # Disk and the counts the manifest reports move together: Ctrl-C waits until both are done.
        with signals_deferred():
            written = self.store.commit(
                result.chunk_id, run_ids, result.tables, result.failures, result.completed, result.seconds
            )
            self.report.completed += result.completed
            if result.failures:
                self.failures.extend(result.failures)
                self.report.failed = len(self.failures)
                self._write_failures()
        runs = written.get("runs")
        if runs is not None and self.kept_rows + runs.num_rows <= _KEPT_ROWS:
            self.kept[result.chunk_id] = runs
            self.kept_rows += runs.num_rows


def run_sweep(
    experiment: str | Path | Mapping[str, Any] | Experiment,
    out: str | Path,
    *,
    backend: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    replicates: int | None = None,
    chunk_size: int | None = None,
    progress: str = "auto",
    run_function: str = RUN_FUNCTION,
    seed: int | None = None,
    posterior: Any = None,
) -> SweepReport:
    """Validate everything, then run the sweep into `out`; InputError before any run on bad input.

    `replicates` and `seed` (the command's flags) override the experiment's values. `posterior` (a
    `calibrate` output directory or a loaded `sim.run.posterior.Posterior`) draws each replicate's
    calibrated parameters from its posterior; runs.parquet then has a column per calibrated path.
    """
    from sim.run.posterior import as_posterior

    if isinstance(experiment, Experiment):
        exp = experiment.with_flags(replicates, seed).require_counts()
    else:
        exp = load_experiment(experiment, replicates, seed)
    spec = exp.spec.experiment
    backend = backend or spec.backend or ("dask" if scheduler or spec.scheduler else "local")
    if backend == "dask":
        scheduler = scheduler or spec.scheduler  # the file's scheduler only matters for the dask backend
    if chunk_size is not None and (
        isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1
    ):
        raise InputError(f"--chunk-size {chunk_size}: expected an integer >= 1")
    design = build_design(exp, posterior=as_posterior(posterior))
    sweep = Sweep(design, Path(out), run_function)
    return sweep.execute(backend, workers or spec.workers, scheduler, resume, chunk_size, progress)


def print_report(report: SweepReport, stream: Any = None, quiet: bool = False) -> int:
    """Print the outcome for the terminal; return the exit status (0 only if every run succeeded).

    `quiet` keeps the summary line back when every run succeeded: only what went wrong is said.
    """
    stream = stream or sys.stderr
    clean = report.status == "complete" and not report.failed
    if not (quiet and clean):
        print(
            f"sweep {report.status}: {report.completed} of {report.planned} runs completed, {report.failed} "
            f"failed, {report.missing} missing, in {report.seconds:.1f} s -> {report.out_dir}",
            file=stream,
        )
    for error in report.errors[:5]:
        print(f"error: {error}", file=stream)
    if report.failed:
        print(f"error: {report.failed} run(s) failed; see {report.out_dir / 'failures.csv'}", file=stream)
    if report.missing and report.status != "interrupted":
        print(f"error: {report.missing} run(s) not done; rerun with --resume to complete them", file=stream)
    return 0 if clean else 1
