"""The sweep directory: Parquet parts per chunk, written atomically, with markers that make resume exact.

Layout of DIR:
  runs.parquet/part-00000000.parquet ...    one part per chunk (pandas.read_parquet(DIR/"runs.parquet"))
  events.parquet/, votes.parquet/, timeseries.parquet/   the same, when the experiment keeps them
  points.csv, failures.csv, manifest.json    derived files, rewritten atomically
  .sweep/state.json                          fingerprint and chunk size, checked by --resume
  .sweep/done/chunk-00000000.json            the commit marker of a chunk, with its failed runs

A chunk counts only once its marker exists; the marker is written after every part of the chunk has
been renamed into place, so a kill at any moment leaves either a whole chunk or none (leftover parts
of an uncommitted chunk are removed when the sweep resumes, and re-created identically).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import InputError

TABLES = ("runs", "events", "votes", "timeseries")
_ID_COLUMNS = ("run_id", "point_id", "replicate", "seed")
_DEFERRED = (signal.SIGINT, signal.SIGTERM)
_FLOAT_PREFIXES = ("support_final_", "line_for_share", "elapsed")


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block ends, so a chunk's parts and marker land together.

    The handlers are swapped for ones that only note the signal, which is raised again when the block
    ends. (Masking the signal would not do: the kernel may hand it to another thread, such as the
    process pool's, and Python then raises it in the main thread anyway.) Only the main thread can
    set handlers; elsewhere (a Dask worker thread) the block runs as is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, _frame: held.append(signum)) for sig in _DEFERRED}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if held:
            signal.raise_signal(held[0])


def atomic_write(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write to a hidden temporary file, fsync, then rename over `path`: readers never see half a file."""
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def hold_lock(path: Path, busy: str) -> IO[bytes]:
    """Open `path` and hold an exclusive lock on it until the file is closed (or the process ends).

    Another process holding it already is an InputError with the message `busy`: a second sweep, or a
    second run into one output, is refused rather than left to write beside the first.
    """
    handle = open(path, "wb")  # noqa: SIM115 - the caller holds it
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise InputError(busy) from None
    return handle


def atomic_write_text(path: Path, text: str) -> None:
    """`atomic_write` for text files (CSV, JSON)."""
    atomic_write(path, lambda handle: handle.write(text.encode("utf-8")))


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def decide_schema(table: pa.Table) -> pa.Schema:
    """Fix a table's column types from its first chunk, with rules that later chunks cannot contradict.

    A column that is all-null in the first chunk (a sanction nobody suffered yet) is a string column,
    which is what dates are; model outcomes that are shares are always floats even if a chunk held 0.
    """
    fields = []
    for f in table.schema:
        kind = f.type
        if f.name in _ID_COLUMNS:
            kind = pa.int64()
        elif pa.types.is_null(kind) or pa.types.is_large_string(kind):
            kind = pa.string()
        elif f.name.startswith(_FLOAT_PREFIXES) and (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
            kind = pa.float64()
        fields.append(pa.field(f.name, kind))
    return pa.schema(fields)


def conform(table: pa.Table, schema: pa.Schema) -> tuple[pa.Table, pa.Schema]:
    """Cast a chunk's table to the sweep's schema (missing columns become nulls, new ones are appended)."""
    names = table.column_names  # a new list on every access: read it once
    if names == schema.names:
        return table.cast(schema), schema  # the usual case: one cast of the whole table
    present, known = set(names), set(schema.names)
    extra = [name for name in names if name not in known]
    if extra:
        schema = pa.schema(list(schema) + list(decide_schema(table.select(extra))))
    columns = []
    for f in schema:
        if f.name in present:
            column = table.column(f.name)
            columns.append(column if column.type == f.type else column.cast(f.type))
        else:
            columns.append(pa.nulls(table.num_rows, f.type))
    return pa.Table.from_arrays(columns, schema=schema), schema


def part_name(chunk_id: int) -> str:
    """File name of a chunk's part; zero-padded so that name order is run order."""
    return f"part-{chunk_id:08d}.parquet"


class SweepStore:
    """Owns one sweep directory: refuses to clobber it, commits chunks atomically, lists what is done."""

    def __init__(self, out_dir: str | Path) -> None:
        self.out = Path(out_dir)
        self.meta = self.out / ".sweep"
        self.done_dir = self.meta / "done"
        self.schemas: dict[str, pa.Schema] = {}
        self._lock: IO[bytes] | None = None

    # --- before anything is written --------------------------------------------------------------

    def check(self, fingerprint: str, resume: bool) -> dict[str, Any] | None:
        """Return the saved state when resuming; refuse a used directory without --resume, or a mismatch."""
        if self.out.exists() and not self.out.is_dir():
            raise InputError(f"--out {self.out}: is a file: expected a directory for the sweep's results")
        used = self.out.is_dir() and any(self.out.iterdir())
        if not used:
            return None
        if not resume:
            raise InputError(
                f"--out {self.out}: directory exists and is not empty: expected a new directory, "
                "or --resume to continue the sweep in it"
            )
        state_file = self.meta / "state.json"
        if not state_file.is_file():
            raise InputError(
                f"--out {self.out}: not a sweep directory (no .sweep/state.json): "
                "expected the directory of an interrupted sweep for --resume"
            )
        state = json.loads(state_file.read_text(encoding="utf-8"))
        if state.get("fingerprint") != fingerprint:
            raise InputError(
                f"--out {self.out}: --resume: holds the runs of a different design (the experiment or "
                "analysis, scenario, --set, replicates or seed changed): expected the inputs that made "
                "them, or --force to start again (or another --out)"
            )
        return state

    # --- opening ---------------------------------------------------------------------------------

    def open(self, state: dict[str, Any], outputs: tuple[str, ...]) -> None:
        """Create the layout (or take over an existing one), lock it, and drop uncommitted leftovers."""
        self.done_dir.mkdir(parents=True, exist_ok=True)
        busy = f"--out {self.out}: another sweep is writing to this directory: expected it to finish first"
        self._lock = hold_lock(self.meta / "lock", busy)  # held for the whole sweep
        self.outputs = tuple(t for t in TABLES if t == "runs" or t in outputs)
        for table in self.outputs:
            (self.out / f"{table}.parquet").mkdir(exist_ok=True)
        state_file = self.meta / "state.json"
        if not state_file.is_file():
            atomic_write_text(state_file, json.dumps(state, indent=2))
        self._remove_leftovers()

    def close(self) -> None:
        """Release the directory lock."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _remove_leftovers(self) -> None:
        done = self.done_chunks()
        for directory in [self.out, self.meta, self.done_dir, *(self.out / f"{t}.parquet" for t in TABLES)]:
            if not directory.is_dir():
                continue
            for path in directory.iterdir():
                if path.name.startswith(".") and ".tmp-" in path.name:
                    path.unlink()  # a temporary file of a killed writer
                elif path.name.startswith("part-") and int(path.name[5:13]) not in done:
                    path.unlink()  # a part of a chunk whose marker never landed

    # --- chunks ----------------------------------------------------------------------------------

    def done_chunks(self) -> set[int]:
        """Ids of committed chunks."""
        if not self.done_dir.is_dir():
            return set()
        return {int(p.name[6:14]) for p in self.done_dir.glob("chunk-*.json")}

    def markers(self) -> Iterator[dict[str, Any]]:
        """Every committed chunk's marker, in chunk order."""
        for path in sorted(self.done_dir.glob("chunk-*.json")):
            yield json.loads(path.read_text(encoding="utf-8"))

    def _schema(self, table: str, data: pa.Table) -> pa.Schema:
        if table not in self.schemas:
            parts = sorted((self.out / f"{table}.parquet").glob("part-*.parquet"))
            self.schemas[table] = pq.read_schema(parts[0]).remove_metadata() if parts else decide_schema(data)
        return self.schemas[table]

    def commit(
        self,
        chunk_id: int,
        run_ids: range,
        tables: dict[str, pa.Table],
        failures: list[dict[str, Any]],
        completed: int,
        seconds: float,
    ) -> dict[str, pa.Table]:
        """Write a chunk's parts (details first, runs last), then its marker: the chunk is now durable.

        Ctrl-C is held while this runs, so an interrupted sweep never shows a part without its marker.
        Returns the tables as written (cast to the sweep's schema).
        """
        written: dict[str, pa.Table] = {}
        with signals_deferred():
            for table in (*[t for t in self.outputs if t != "runs"], "runs"):
                data = tables.get(table)
                if data is None or data.num_rows == 0:
                    continue
                data, self.schemas[table] = conform(data, self._schema(table, data))
                written[table] = data
                atomic_write(
                    self.out / f"{table}.parquet" / part_name(chunk_id),
                    lambda handle, data=data: pq.write_table(data, handle, compression="zstd"),
                )
            marker = {
                "chunk": chunk_id,
                "first_run": run_ids.start,
                "stop_run": run_ids.stop,
                "completed": completed,
                "seconds": round(seconds, 3),
                "failures": failures,
            }
            atomic_write_text(self.done_dir / f"chunk-{chunk_id:08d}.json", json.dumps(marker))
        return written

    def run_parts(self) -> list[Path]:
        """List the committed parts of runs.parquet, in run order."""
        return sorted((self.out / "runs.parquet").glob("part-*.parquet"))
