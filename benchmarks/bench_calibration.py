"""Calibration benchmark: `calibrate`'s simulations/s against a sweep's runs/s, whole commands.

    .venv/bin/python benchmarks/bench_calibration.py              # 2 workers, budget 600, 2 rounds
    .venv/bin/python benchmarks/bench_calibration.py --budget 3000 --rounds 1

The issue's measure: `powerstruggle calibrate ... --predictive 1` against a sweep that keeps summaries
and events over as many runs (the manifest's `simulations`, which counts every run: the pilot, the
generations and the predictive stages) of the same scenario, on the same workers, each timed as a
whole command in a fresh process. The machine is shared, so the two commands alternate and each round
is printed; compare the two figures of one round, and the median ratio, not figures across runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
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


def one_round(d: Path, budget: int, workers: int, seed: int) -> float:
    """One calibration and one sweep of as many runs; print both rates and return the ratio."""
    cal = d / f"cal{seed}"
    secs_cal = timed([
        CLI, "calibrate", str(HISTORICAL), "--targets", str(RECORD),
        "--param", "leaders.stalin.appointment_control=0.1:1.0",
        "--param", "leaders.trotsky.mobilisation=0:1",
        "--budget", str(budget), "--seed", str(seed), "--workers", str(workers), "--out", str(cal),
        "--predictive", "1", "--quiet",
    ])  # fmt: skip
    manifest = json.loads((cal / "manifest.json").read_text())
    sims = int(manifest["simulations"])
    exp = d / f"sweep{seed}.toml"
    exp.write_text(
        f'[experiment]\nname = "throughput"\nscenario = "{HISTORICAL}"\nreplicates = {sims}\nseed = {seed}\n'
        'outputs = ["summary", "events"]\n',
        encoding="utf-8",
    )
    secs_sweep = timed([CLI, "sweep", str(exp), "--workers", str(workers), "--out", str(d / f"sweep{seed}"),
                        "--progress", "off"])  # fmt: skip
    cal_rate, sweep_rate = sims / secs_cal, sims / secs_sweep
    print(f"calibrate: {sims} simulations in {secs_cal:.1f} s = {cal_rate:.1f} simulations/s "
          f"({manifest['generations']} generations, {workers} workers)")  # fmt: skip
    print(f"sweep:     {sims} runs in {secs_sweep:.1f} s = {sweep_rate:.1f} runs/s ({workers} workers)")
    print(f"ratio:     calibrate runs at {cal_rate / sweep_rate:.0%} of the sweep's rate", flush=True)
    return cal_rate / sweep_rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=int, default=600)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ratios = [one_round(Path(tmp), args.budget, args.workers, seed) for seed in range(1, args.rounds + 1)]
    print(f"median ratio over {len(ratios)} round(s): {statistics.median(ratios):.0%} (want >= 80%)")


if __name__ == "__main__":
    main()
