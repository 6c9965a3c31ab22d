"""Sweep benchmark: ratio to the ceiling, runs/s with 1 and 2 workers, overhead, 10,000-run time, memory.

    .venv/bin/python benchmarks/bench_sweep.py            # full: about 15 minutes on 2 cores
    .venv/bin/python benchmarks/bench_sweep.py --quick    # smaller sweeps, for a smoke check
    .venv/bin/python benchmarks/bench_sweep.py --ratio    # only the acceptance ratio to the ceiling

Every sweep runs in a fresh `python -m sim.sweep` process (as a user would start it), so times include
interpreter start, the model's import in each worker and writing the results. Memory is sampled every
0.1 s over the whole process tree (coordinator plus workers) with psutil.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"


def write_experiment(directory: Path, runs: int) -> Path:
    """The historical replay at its default party scale: 10 values of Stalin's appointment control."""
    path = directory / f"bench-{runs}.toml"
    path.write_text(
        f'[experiment]\nscenario = "{HISTORICAL}"\nreplicates = {max(1, runs // 10)}\nseed = 1\n'
        '[grid]\n"leaders.stalin.appointment_control" = { start = 0.45, stop = 0.9, steps = 10 }\n',
        encoding="utf-8",
    )
    return path


def timed_sweep(experiment: Path, out: Path, workers: int, backend: str = "local") -> dict[str, float]:
    """Run one sweep in a child process; return wall seconds and peak RSS (coordinator and whole tree)."""
    cmd = [
        sys.executable,
        "-m",
        "sim.sweep",
        "sweep",
        str(experiment),
        "--backend",
        backend,
        "--workers",
        str(workers),
        "--out",
        str(out),
        "--progress",
        "off",
    ]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(proc.pid)
    peak_tree = peak_root = 0
    while proc.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            rss = [p.memory_info().rss for p in tree if p.is_running()]
            peak_tree, peak_root = max(peak_tree, sum(rss)), max(peak_root, rss[0])
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(
            f"sweep failed (exit {proc.returncode}): {proc.stderr.read() if proc.stderr else ''}"
        )
    manifest = json.loads((out / "manifest.json").read_text())
    return {
        "seconds": seconds,
        "runs": manifest["counts"]["completed"],
        "peak_tree_mb": peak_tree / 2**20,
        "peak_coordinator_mb": peak_root / 2**20,
    }


def direct_and_serial(runs: int, rounds: int = 3) -> tuple[float, float, float]:
    """Per-run CPU seconds of direct model calls and of serial sweeps of `runs` and `3 * runs` runs.

    Returns (direct per run, sweep marginal per run, sweep fixed cost per sweep). The slope between
    the two sweep sizes separates per-run overhead from per-sweep set-up; CPU time of this process
    and the fastest of a few rounds keep other load on the machine out of the figures.
    """
    from sim.run.runner import simulate
    from sim.run.seeds import replicate_seed
    from sim.scenario import load_scenario
    from sim.sweep.engine import run_sweep

    scenario = load_scenario(HISTORICAL)
    simulate(scenario, 0, 0)  # warm caches before timing either side

    def direct(n: int) -> float:
        t0 = time.process_time()
        for replicate in range(n):
            simulate(scenario, replicate_seed(3, replicate), replicate)
        return time.process_time() - t0

    def serial(n: int) -> float:
        experiment = {
            "experiment": {"scenario": str(HISTORICAL), "replicates": n, "seed": 3},
        }
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.process_time()
            run_sweep(experiment, Path(tmp) / "s", backend="serial", progress="off")
            return time.process_time() - t0

    serial(2)  # first-call imports (pandas, pyarrow) are not per-run costs
    small, large = runs, 3 * runs
    times: dict[tuple[str, int], list[float]] = {}
    for _ in range(rounds):  # interleaved, so that both sides see the same conditions
        for n in (small, large):
            times.setdefault(("direct", n), []).append(direct(n))
            times.setdefault(("sweep", n), []).append(serial(n))
    d_small, d_large, s_small, s_large = (
        min(times[key]) for key in (("direct", small), ("direct", large), ("sweep", small), ("sweep", large))
    )
    per_run_direct = (d_large - d_small) / (large - small)
    per_run_sweep = (s_large - s_small) / (large - small)
    fixed = s_small - small * per_run_sweep
    return per_run_direct, per_run_sweep, fixed


_RAW = """
import sys, time
from sim.run.runner import simulate
from sim.scenario import load_scenario
scenario = load_scenario(sys.argv[1])
simulate(scenario, 0, 0)
t0 = time.perf_counter()
for seed in range(int(sys.argv[2])):
    simulate(scenario, seed, 0)
print(time.perf_counter() - t0)
"""


def hardware_ceiling(runs: int) -> float:
    """Speed-up of two plain model processes side by side over one: what any parallel sweep can reach here."""
    cmd = [sys.executable, "-c", _RAW, str(HISTORICAL), str(runs)]

    def together(n: int) -> list[float]:
        procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(n)]
        return [float(p.communicate()[0]) for p in procs]

    solo = together(1)[0]
    pair = max(together(2))
    return 2 * solo / pair


_BARE_LOOP = """
import sys, time
from sim.model.core import PowerStruggleModel
m = PowerStruggleModel(sys.argv[1], rng=0, monthly_records=False); m.run_model()
t = time.perf_counter(); k = 0
while time.perf_counter() - t < float(sys.argv[2]):
    m = PowerStruggleModel(sys.argv[1], rng=k, monthly_records=False)
    m.run_model(); k += 1
print(k / (time.perf_counter() - t))
"""


def ceiling_ratio(runs: int = 1800, seconds: float = 20.0) -> tuple[float, float, float]:
    """Measure as the acceptance check does: a 2-worker sweep's runs/s over two bare model loops'.

    The sweep's rate is by the wall time of the whole command, the better of two sweeps of `runs`.
    Returns (sweep rate, ceiling, ratio).
    """
    cmd = [sys.executable, "-c", _BARE_LOOP, str(HISTORICAL), str(seconds)]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    ceiling = sum(float(p.communicate()[0].split()[-1]) for p in procs)
    rate = 0.0
    with tempfile.TemporaryDirectory(prefix="bench-ratio-") as tmp:
        exp = Path(tmp) / "bench.toml"
        exp.write_text(
            f'[experiment]\nname = "bench"\nscenario = "{HISTORICAL}"\nreplicates = {runs}\nseed = 1\n'
            f'outputs = ["summary"]\n',
            encoding="utf-8",
        )
        for attempt in range(2):
            out = Path(tmp) / f"out{attempt}"
            t0 = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "sim",
                    "sweep",
                    str(exp),
                    "--workers",
                    "2",
                    "--out",
                    str(out),
                    "--progress",
                    "off",
                ],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            rate = max(rate, runs / (time.perf_counter() - t0))
    return rate, ceiling, rate / ceiling


def main() -> None:
    """Print the figures the issue asks for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sweeps only (about 2 minutes)")
    parser.add_argument("--big", type=int, default=None, help="runs in the large sweep (default 10,000)")
    parser.add_argument(
        "--ratio", action="store_true", help="only the ratio to the ceiling (two 1,800-run sweeps, ~2 min)"
    )
    args = parser.parse_args()
    if args.ratio or not args.quick:
        rate, ceiling, ratio = ceiling_ratio()
        print(
            f"ratio to the ceiling:      {ratio:.1%} (2-worker sweep of 1,800 runs {rate:.1f} runs/s, whole "
            f"command, better of two; two bare model loops {ceiling:.1f} runs/s; target >= 95%)"
        )
        if args.ratio:
            return
    rate_runs, big = (100, 1000) if args.quick else (400, 10_000)
    big = args.big or big
    print(f"machine: {psutil.cpu_count()} cores; model: historical replay at the default party scale")

    ceiling = hardware_ceiling(40 if args.quick else 100)
    print(
        f"hardware ceiling:          x{ceiling:.2f} (two independent model processes vs one, no sweep code)"
    )
    direct, marginal, fixed = direct_and_serial(20 if args.quick else 50)
    print(f"direct model calls:        {1 / direct:6.2f} runs/s ({direct * 1000:.1f} ms CPU per run)")
    print(
        f"serial sweep machinery:    {100 * (marginal / direct - 1):+.1f}% per run over direct calls "
        f"({marginal * 1000:.1f} ms CPU per run), plus {fixed:.2f} s CPU per sweep"
    )

    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        base = Path(tmp)
        exp = write_experiment(base, rate_runs)
        rates = {}
        for workers in (1, 2):
            best = min(
                (timed_sweep(exp, base / f"w{workers}-{i}", workers) for i in range(2)),
                key=lambda r: r["seconds"],
            )
            rates[workers] = best["runs"] / best["seconds"]
            overhead = 100 * ((best["seconds"] / best["runs"]) * workers / direct - 1)
            print(
                f"local, {workers} worker(s):      {rates[workers]:6.2f} runs/s over {best['runs']} runs "
                f"(wall {best['seconds']:.1f} s, incl. start-up; {overhead:+.1f}% per run vs direct)"
            )
        print(f"speed-up 2 vs 1 worker:    x{rates[2] / rates[1]:.2f} (target >= 1.8)")
        print(f"hardware ceiling again:    x{hardware_ceiling(40 if args.quick else 100):.2f}")

        for runs in sorted({1000, big}):
            result = timed_sweep(write_experiment(base, runs), base / f"big-{runs}", 2)
            print(
                f"{result['runs']:>6} runs, 2 workers:     wall {result['seconds']:7.1f} s "
                f"({result['runs'] / result['seconds']:.2f} runs/s); peak RSS coordinator "
                f"{result['peak_coordinator_mb']:.0f} MB, whole tree {result['peak_tree_mb']:.0f} MB"
            )


if __name__ == "__main__":
    main()
