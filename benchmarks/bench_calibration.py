"""Calibration benchmark: simulations/s of `calibrate` beside a sweep's runs/s, at the same worker count.

    .venv/bin/python benchmarks/bench_calibration.py              # 2 workers, budget 600, sweep of 600 runs
    .venv/bin/python benchmarks/bench_calibration.py --budget 3000

Both run in fresh processes as a user would start them (`powerstruggle calibrate` and `python -m sim.sweep`)
on the historical scenario, varying Stalin's appointment control and Trotsky's mobilisation. The ratio is
what pyabc (proposals, weights, its database) and the one-replicate-per-particle design cost. The machine
is shared: compare the two figures of one run, not figures across runs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"
RECORD = ROOT / "targets" / "record.toml"
CLI = str(Path(sys.executable).parent / "powerstruggle")


def timed(cmd: list[str]) -> float:
    """Wall seconds of one command (it must succeed)."""
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=int, default=600)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        cal = d / "cal"
        secs_cal = timed([
            CLI, "calibrate", str(HISTORICAL), "--targets", str(RECORD),
            "--param", "leaders.stalin.appointment_control=0.1:1.0",
            "--param", "leaders.trotsky.mobilisation=0:1",
            "--budget", str(args.budget), "--seed", "1", "--workers", str(args.workers), "--out", str(cal),
            "--predictive", "1", "--quiet",
        ])  # fmt: skip
        manifest = json.loads((cal / "manifest.json").read_text())
        sims = int(manifest["simulations"]) + 2  # + the two predictive runs
        exp = d / "sweep.toml"
        exp.write_text(
            f'[experiment]\nscenario = "{HISTORICAL}"\nreplicates = {max(1, args.budget // 10)}\nseed = 1\n'
            '[grid]\n"leaders.stalin.appointment_control" = { start = 0.1, stop = 1.0, steps = 10 }\n',
            encoding="utf-8",
        )
        runs = 10 * max(1, args.budget // 10)
        secs_sweep = timed([sys.executable, "-m", "sim.sweep", "sweep", str(exp),
                            "--workers", str(args.workers), "--out", str(d / "sweep"),
                            "--progress", "off"])  # fmt: skip
    cal_rate, sweep_rate = sims / secs_cal, runs / secs_sweep
    print(f"calibrate: {sims} simulations in {secs_cal:.1f} s = {cal_rate:.1f} simulations/s "
          f"({manifest['generations']} generations, {args.workers} workers)")  # fmt: skip
    print(f"sweep:     {runs} runs in {secs_sweep:.1f} s = {sweep_rate:.1f} runs/s ({args.workers} workers)")
    print(f"ratio:     calibrate runs at {cal_rate / sweep_rate:.0%} of the sweep's rate")


if __name__ == "__main__":
    main()
