"""Finished replicates of a `run`, `compare` or `score`, kept beside OUT until the output is written.

The tables of a run go into OUT whole, at the end (`sim.run.results.atomic_directory`). Until then
the replicates that have finished are kept in `.<OUT's name>.partial/` beside it, a batch at a time,
so a Ctrl-C, a killed process or a failing replicate loses none of the batches already kept: the same
command with `--resume` runs only the missing replicates. A replicate's tables depend only on its seed,
its scenario and its posterior draw, so a resumed run writes the same tables as an uninterrupted one.

Layout: `state.json` (the fingerprint of the inputs) and `part-NNNNNN.pkl.gz`, each a pickled
`{run id: ReplicateOutput}` written atomically (the finished directory is removed once OUT is written).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import pickle
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.sweep.store import atomic_write, atomic_write_text, hold_lock, signals_deferred

#: Keep a batch once it holds this many replicates, or once this many seconds have passed.
BATCH_RUNS = 200
BATCH_SECONDS = 10.0


def partial_dir(out: Path) -> Path:
    """Where the finished replicates of a run into `out` are kept until `out` is written."""
    return out.parent / f".{out.name}.partial"


def fingerprint(scenario_digests: Sequence[str], replicates: int, seed: int, posterior: str | None) -> str:
    """What a kept replicate depends on: the scenarios (files and overrides), the count, seed, posterior."""
    key = {"scenarios": list(scenario_digests), "replicates": replicates, "seed": seed}
    key["posterior"] = posterior
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


class Checkpoint:
    """The finished replicates of one command's run into `out`.

    `resume` continues a run that was stopped; `force` discards what an earlier run kept. Without
    either, finding kept replicates is an `InputError` (nothing is thrown away unasked). `announce`
    is told how many replicates a resume takes over, and from where.
    """

    def __init__(
        self,
        out: Path,
        *,
        resume: bool = False,
        force: bool = False,
        announce: Callable[[int, Path], None] | None = None,
    ) -> None:
        self.out = out
        self.path = partial_dir(out)
        self.resume = resume
        self.force = force
        self.announce = announce  # told how many replicates a resume takes over, before any run starts
        self._batch: dict[int, Any] = {}
        self._lock: Any = None  # the open lock file while this run writes into `path`
        self._parts = 0
        self._last = time.monotonic()

    def _take_lock(self) -> None:
        """Hold the kept directory for this run: a second command on the same output is refused.

        Two `run --resume` on one output both wrote parts into it, and the second ended in a traceback.
        """
        self._lock = hold_lock(
            self.path / "lock",
            f"--out {self.out}: another command is running into this output (its replicates are kept in "
            f"{self.path}): expected it to finish first",
        )

    def open(self, key: str) -> dict[int, Any]:
        """Check what is kept against this command's inputs; return the finished replicates by run id."""
        kept: dict[int, Any] = {}
        if self.path.exists():
            self._take_lock()  # before anything kept is read or removed
        if self.path.exists() and not self.resume:
            if not self.force:
                raise InputError(
                    f"--out {self.out}: a stopped run kept its finished replicates in {self.path}: "
                    "expected --resume to finish it, or --force to start again"
                )
            shutil.rmtree(self.path)
        if self.path.exists():
            state = self._state()
            if state.get("fingerprint") != key:
                raise InputError(
                    f"--out {self.out}: --resume: the replicates kept in {self.path} are of other inputs "
                    "(scenarios, --set, --replicates, --seed or --posterior): expected the command that "
                    "kept them, or --force to start again"
                )
            parts = sorted(self.path.glob("part-*.pkl.gz"))
            for part in parts:
                with gzip.open(part, "rb") as fh:
                    kept.update(pickle.load(fh))
            self._parts = len(parts)
            if self.announce is not None:
                self.announce(len(kept), self.path)
        else:
            try:
                self.path.mkdir(parents=True)
            except OSError as exc:
                raise InputError(f"--out {self.out}: cannot create {self.path}: {exc.strerror}") from None
            self._take_lock()
            atomic_write_text(self.path / "state.json", json.dumps({"fingerprint": key}) + "\n")
        self._last = time.monotonic()
        return kept

    def _state(self) -> dict[str, Any]:
        try:
            state = json.loads((self.path / "state.json").read_text())
        except (OSError, ValueError):
            raise InputError(
                f"--out {self.out}: --resume: {self.path} has no readable state.json: expected the "
                "directory a stopped run kept, or --force to start again"
            ) from None
        return state if isinstance(state, dict) else {}

    def keep(self, run_id: int, output: Any) -> None:
        """Add a finished replicate; the batch is written once it is full or old enough."""
        self._batch[run_id] = output
        if len(self._batch) >= BATCH_RUNS or time.monotonic() - self._last >= BATCH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Write the batch as one part, atomically and with Ctrl-C held until it is in place."""
        if not self._batch:
            return
        batch, self._batch = self._batch, {}
        name = self.path / f"part-{self._parts:06d}.pkl.gz"

        def write(fh: Any) -> None:
            with gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=1) as gz:
                pickle.dump(batch, gz, protocol=pickle.HIGHEST_PROTOCOL)

        with signals_deferred():
            atomic_write(name, write)
        self._parts += 1
        self._last = time.monotonic()

    def kept_parts(self) -> int:
        """How many batches are on disk."""
        return len(list(self.path.glob("part-*.pkl.gz"))) if self.path.is_dir() else 0

    def kept_runs(self) -> int:
        """How many replicates the parts on disk hold, read back from them (to inspect a stopped run)."""
        n = 0
        for part in self.path.glob("part-*.pkl.gz"):
            with gzip.open(part, "rb") as fh:
                n += len(pickle.load(fh))
        return n

    def release(self) -> None:
        """Let another command take the kept replicates over (this run has stopped, or is done)."""
        if self._lock is not None:
            self._lock.close()  # closing the file drops the lock
            self._lock = None

    def discard(self) -> None:
        """Remove the kept replicates once the output they were for is written."""
        self.release()
        shutil.rmtree(self.path, ignore_errors=True)
