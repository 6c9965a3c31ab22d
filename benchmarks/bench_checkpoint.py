"""What keeping finished replicates for `--resume` costs `run`, `compare` and `score`.

    .venv/bin/python benchmarks/bench_checkpoint.py              # 100 replicates, serial, one process
    .venv/bin/python benchmarks/bench_checkpoint.py --replicates 300

Runs the historical replay's replicates in this process, then keeps the same outputs as `run` keeps
them (`sim.run.checkpoint`: gzip level 1 pickles, written atomically), and prints the time per
replicate of each, their ratio, and the bytes kept per replicate. Both are timed in one process, one
after the other, so the ratio holds on a shared machine where the absolute times do not.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sim.run.checkpoint import Checkpoint
from sim.run.runner import simulate
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=100)
    args = parser.parse_args()
    scenario = load_scenario(HISTORICAL)
    t0 = time.perf_counter()
    outputs = [simulate(scenario, 1000 + i, i) for i in range(args.replicates)]
    simulating = (time.perf_counter() - t0) / args.replicates
    with tempfile.TemporaryDirectory() as tmp:
        keeper = Checkpoint(Path(tmp) / "run")
        keeper.open("bench")
        t0 = time.perf_counter()
        for i, out in enumerate(outputs):
            keeper.keep(i, out)
        keeper.flush()
        keeping = (time.perf_counter() - t0) / args.replicates
        kept = sum(p.stat().st_size for p in keeper.path.glob("part-*"))
    print(f"replicates                 {args.replicates}")
    print(f"simulate, ms per replicate {simulating * 1000:.1f}")
    print(f"keep, ms per replicate     {keeping * 1000:.2f}")
    print(f"keep / simulate            {keeping / simulating:.3f}")
    print(f"kept bytes per replicate   {kept / args.replicates:,.0f}")


if __name__ == "__main__":
    main()
