"""Writing an analysis's tables.

Each CSV and the analysis.json are written atomically, so an interrupted write leaves the previous file
rather than half a table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def write_tables(out: Path, tables: Mapping[str, pd.DataFrame], meta: Mapping[str, Any]) -> list[Path]:
    """Write each table as `out/<name>` and `meta` as `out/analysis.json`; return the paths written."""
    from sim.sweep.store import atomic_write_text

    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in tables.items():
        paths.append(out / name)
        atomic_write_text(paths[-1], frame.to_csv(index=False, lineterminator="\n"))
    paths.append(out / "analysis.json")
    atomic_write_text(paths[-1], json.dumps(dict(meta), indent=2, default=str) + "\n")
    return paths
