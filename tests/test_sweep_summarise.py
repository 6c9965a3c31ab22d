"""points.csv statistics: Wilson intervals and censored median dates."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.sweep.summarise import summarise_points, wilson


def test_wilson_matches_the_textbook_values() -> None:
    lo, hi = wilson(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)
    assert wilson(0, 20)[0] == 0.0 and 0.1 < wilson(0, 20)[1] < 0.2
    assert wilson(20, 20)[1] == pytest.approx(1.0)


def test_points_give_probabilities_intervals_and_median_dates(tmp_path: Path) -> None:
    rows = [
        {
            "point_id": 0,
            "winner": "stalin",
            "consolidation_date": "1927-01-01",
            "trotsky__censure": "1925-01-01",
            "support_final_stalin": 0.8,
            "support_final_trotsky": 0.2,
        },
        {
            "point_id": 0,
            "winner": "stalin",
            "consolidation_date": "1928-01-01",
            "trotsky__censure": None,
            "support_final_stalin": 0.6,
            "support_final_trotsky": 0.4,
        },
        {
            "point_id": 0,
            "winner": "none",
            "consolidation_date": None,
            "trotsky__censure": None,
            "support_final_stalin": 0.4,
            "support_final_trotsky": 0.6,
        },
        {
            "point_id": 1,
            "winner": "trotsky",
            "consolidation_date": "1926-06-01",
            "trotsky__censure": None,
            "support_final_stalin": 0.1,
            "support_final_trotsky": 0.9,
        },
    ]
    part = tmp_path / "part-00000000.parquet"
    pq.write_table(pa.Table.from_pylist(rows), part)
    points = [{"point_id": 0, "x": 0.1}, {"point_id": 1, "x": 0.2}, {"point_id": 2, "x": 0.3}]
    table = summarise_points([part], points, [{"point_id": 2}, {"point_id": 2}]).set_index("point_id")
    assert table.at[0, "runs"] == 3 and table.at[0, "p_stalin"] == pytest.approx(2 / 3)
    assert (table.at[0, "p_stalin_lo"], table.at[0, "p_stalin_hi"]) == pytest.approx(wilson(2, 3), abs=1e-6)
    assert table.at[0, "p_none"] == pytest.approx(1 / 3) and table.at[1, "p_trotsky"] == 1.0
    # 2 of 3 runs consolidated: the median run did (1928); only 1 of 3 censured Trotsky: median is "never".
    assert table.at[0, "median_consolidation_date"] == "1928-01-01"
    assert table.at[0, "median_trotsky__censure"] == ""
    assert table.at[0, "mean_support_final_stalin"] == pytest.approx(0.6)
    assert table.at[2, "runs"] == 0 and table.at[2, "failed"] == 2
    assert list(table["x"]) == [0.1, 0.2, 0.3]


def test_points_from_tables_in_memory_equal_points_from_parts(tmp_path: Path) -> None:
    """The sweep summarises the chunks it committed from memory and older chunks from disk: same table."""
    rows = [
        {
            "run_id": i,
            "point_id": i % 2,
            "winner": ["stalin", "none", "trotsky"][i % 3],
            "consolidation_date": None if i % 3 == 1 else f"192{6 + i % 3}-0{1 + i % 5}-01",
            "stalin__censure": None,
            "support_final_stalin": 0.1 * (i % 7),
            "elapsed": 0.02,
        }
        for i in range(12)
    ]
    chunks = [pa.Table.from_pylist(rows[:5]), pa.Table.from_pylist(rows[5:])]
    parts = []
    for k, chunk in enumerate(chunks):
        parts.append(tmp_path / f"part-{k:08d}.parquet")
        pq.write_table(chunk, parts[-1])
    points = [{"point_id": 0}, {"point_id": 1}]
    from_disk = summarise_points(parts, points, [])
    mixed = summarise_points([parts[0], chunks[1]], points, [])
    assert from_disk.to_csv(index=False) == mixed.to_csv(index=False)
    assert list(from_disk["runs"]) == [6, 6]
