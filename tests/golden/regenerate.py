"""Write the golden tables: 3 replicates (seed 11, 1 worker) of each shipped scenario.

Run only when outputs change on purpose (and say why in the commit):
    .venv/bin/python tests/golden/regenerate.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
TABLES = ("summary.csv", "events.csv", "votes.csv", "timeseries.csv", "party.csv", "delegations.csv")
REPLICATES, SEED = 3, 11


def scenarios() -> list[Path]:
    """Every shipped scenario file."""
    return sorted((ROOT / "scenarios").glob("*.toml"))


def run_into(scenario: Path, out: Path) -> None:
    """Run one scenario with the golden settings into `out` (through the CLI, as a user would)."""
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "run",
        str(scenario),
        "--replicates",
        str(REPLICATES),
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--out",
        str(out),
        "--quiet",
    ]
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True, text=True, timeout=600)


def main() -> None:
    """Regenerate every scenario's golden tables."""
    for scenario in scenarios():
        tmp = GOLDEN / f".{scenario.stem}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        run_into(scenario, tmp)
        dest = GOLDEN / scenario.stem
        dest.mkdir(exist_ok=True)
        for table in TABLES:
            shutil.copyfile(tmp / table, dest / table)
        shutil.rmtree(tmp)
        print(f"{scenario.stem}: written")


if __name__ == "__main__":
    main()
