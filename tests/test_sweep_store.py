"""The sweep directory: atomic parts, commit markers, refusal to clobber, cleanup of leftovers."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from sim.errors import InputError
from sim.sweep.store import SweepStore, atomic_write, conform, decide_schema


def runs_table(first: int, n: int, date: str | None) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "run_id": first + i,
                "point_id": 0,
                "replicate": first + i,
                "seed": 9,
                "winner": "stalin",
                "support_final_stalin": 1 if i % 2 else 0.5,
                "trotsky__censure": date,
            }
            for i in range(n)
        ]
    )


def open_store(out: Path) -> SweepStore:
    store = SweepStore(out)
    store.check("abc", resume=False)
    store.open({"fingerprint": "abc", "chunk_size": 2}, ("summary",))
    return store


def test_atomic_write_leaves_old_file_and_no_temp_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "points.csv"
    target.write_text("old")

    def explode(handle: object) -> None:
        handle.write(b"half")  # type: ignore[attr-defined]
        raise RuntimeError("killed mid-write")

    with pytest.raises(RuntimeError):
        atomic_write(target, explode)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["points.csv"]


def test_all_null_date_column_then_dates_keeps_one_schema(tmp_path: Path) -> None:
    store = open_store(tmp_path / "out")
    store.commit(0, range(0, 2), {"runs": runs_table(0, 2, None)}, [], 2, 0.1)
    store.commit(1, range(2, 4), {"runs": runs_table(2, 2, "1926-10-23")}, [], 2, 0.1)
    store.close()
    table = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert list(table["run_id"]) == [0, 1, 2, 3]
    assert table["trotsky__censure"].isna().tolist() == [True, True, False, False]
    assert table["support_final_stalin"].dtype == "float64"


def test_conform_fills_missing_columns_and_appends_new_ones() -> None:
    schema = decide_schema(runs_table(0, 1, "1925-01-01"))
    narrow = pa.Table.from_pylist([{"run_id": 5, "extra": 1.5}])
    table, wider = conform(narrow, schema)
    assert wider.names == [*schema.names, "extra"]
    assert table.column("winner").null_count == 1 and table.column("run_id").to_pylist() == [5]


def test_used_directory_is_refused_without_resume(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    with pytest.raises(InputError, match="not empty: expected a new directory, or --resume"):
        SweepStore(out).check("abc", resume=False)
    with pytest.raises(InputError, match="not a sweep directory"):
        SweepStore(out).check("abc", resume=True)
    assert (out / "precious.txt").read_text() == "keep me"


def test_resume_refuses_a_different_design(tmp_path: Path) -> None:
    open_store(tmp_path / "out").close()
    assert SweepStore(tmp_path / "out").check("abc", resume=True)["chunk_size"] == 2
    with pytest.raises(InputError, match="different design"):
        SweepStore(tmp_path / "out").check("xyz", resume=True)


def test_uncommitted_parts_and_temp_files_are_removed_on_reopen(tmp_path: Path) -> None:
    out = tmp_path / "out"
    store = open_store(out)
    store.commit(0, range(0, 2), {"runs": runs_table(0, 2, None)}, [{"run_id": 9, "point_id": 0}], 1, 0.1)
    store.commit(1, range(2, 4), {"runs": runs_table(2, 2, None)}, [], 2, 0.1)
    store.close()
    (out / ".sweep" / "done" / "chunk-00000001.json").unlink()  # killed before the marker landed
    (out / "runs.parquet" / ".part-00000002.parquet.tmp-123").write_bytes(b"PAR1 half")
    again = SweepStore(out)
    again.check("abc", resume=True)
    again.open({"fingerprint": "abc", "chunk_size": 2}, ("summary",))
    assert again.done_chunks() == {0}
    assert [p.name for p in (out / "runs.parquet").iterdir()] == ["part-00000000.parquet"]
    assert [m["failures"] for m in again.markers()] == [[{"run_id": 9, "point_id": 0}]]
    again.close()


def test_second_writer_is_locked_out(tmp_path: Path) -> None:
    first = open_store(tmp_path / "out")
    second = SweepStore(tmp_path / "out")
    with pytest.raises(InputError, match="another sweep is writing"):
        second.open({"fingerprint": "abc", "chunk_size": 2}, ("summary",))
    first.close()
    state = json.loads((tmp_path / "out" / ".sweep" / "state.json").read_text())
    assert state["fingerprint"] == "abc"
