"""Benchmark: the replay with the party as agents, against a trivial Mesa loop in the same process.

Prints
1. at the default scale (`party.scale` 0.05), one historical replay against a trivial Mesa model of
   1,000 agents stepped as many months, timed back to back in paired rounds: the median ratio and the
   rounds' range (target: the replay at most twice as long, a ratio of 0.5x or more);
2. at full scale (`party.scale` 1.0, the real party), member-months per second (party.csv's `simulated`
   summed over the months) against the trivial loop's agent-steps per second with 100,000 agents
   (target: 10 times or more);
3. peak memory per member: a full-scale replay's peak allocation (tracemalloc) above a scale-0.01
   replay's, over the extra members simulated (target: 200 bytes or less), each in a fresh process, with
   the peak RSS difference beside it;
4. with `--scale`, that results do not depend on the scale beyond sampling noise: 200 replicates at
   0.05 and at 0.2 (the same seeds), P(each winner) with Wilson intervals and the median date of each
   of Trotsky's and Zinoviev's sanctions with a bootstrap interval.

Usage: .venv/bin/python benchmarks/bench_party.py [--scale]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mesa
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from sim import run_scenario  # noqa: E402
from sim.run.stats import wilson  # noqa: E402

HISTORICAL = str(ROOT / "scenarios" / "historical.toml")
#: Paired rounds (one replay, then the trivial loop) at the default scale.
ROUNDS = 9


class TrivialAgent(mesa.Agent):
    """An agent whose step does almost nothing: the cost of Mesa's per-agent loop."""

    def step(self) -> None:
        """Count one step."""
        self.x = getattr(self, "x", 0) + 1


class TrivialModel(mesa.Model):
    """n trivial agents stepped with shuffle_do."""

    def __init__(self, n: int) -> None:
        super().__init__(rng=1)
        TrivialAgent.create_agents(self, n)

    def step(self) -> None:
        """Step every agent once in random order."""
        self.agents.shuffle_do("step")


def time_trivial(n: int, steps: int) -> float:
    """Seconds to build and step the trivial model."""
    t = time.perf_counter()
    model = TrivialModel(n)
    for _ in range(steps):
        model.step()
    return time.perf_counter() - t


def time_replay(overrides: dict | None = None) -> tuple[float, sim.Results]:
    """Seconds for one whole replay (load, build, steps, tables) and its results."""
    gc.collect()
    t = time.perf_counter()
    res = run_scenario(HISTORICAL, replicates=1, seed=3, workers=1, overrides=overrides or {})
    return time.perf_counter() - t, res


def peak_memory(scale: float) -> tuple[int, int, float]:
    """Peak RSS (KiB), the replay's own peak allocation (bytes) and its members, in a fresh process.

    The allocation is tracemalloc's, to which numpy reports its arrays. The peak RSS is the operating
    system's figure, but the imports' own peak can hide the replay's arrays under it (then the
    difference between two scales reads 0); the traced peak is the replay's alone.
    """
    code = (
        "import resource,sys,tempfile,tracemalloc;sys.path.insert(0,'.');import pandas as pd;"
        "from sim import run_scenario;"
        f"run_scenario({HISTORICAL!r},replicates=1,seed=3,workers=1,overrides={{'party.scale':0.001}});"
        "tracemalloc.start();"
        f"r=run_scenario({HISTORICAL!r},replicates=1,seed=3,workers=1,overrides={{'party.scale':{scale}}});"
        "t=tracemalloc.get_traced_memory()[1];tracemalloc.stop();"
        "m=max(resource.getrusage(x).ru_maxrss for x in (resource.RUSAGE_SELF,resource.RUSAGE_CHILDREN));"
        "d=tempfile.mkdtemp();r.write(d+'/o');print(m, t, pd.read_csv(d+'/o/party.csv')['simulated'].max())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    kb, traced, n = out.stdout.split()[-3:]
    return int(kb), int(traced), float(n)


def speed_and_memory() -> None:
    """Sections 1-3."""
    _, warm = time_replay()  # warm-up: imports, caches
    steps = int(warm.manifest["steps"])
    # Each round times a replay and the trivial loop back to back, so both see the same load on a shared
    # machine; the ratio is read round by round and its median printed with the rounds' range.
    rounds = [(time_replay()[0], time_trivial(1_000, steps)) for _ in range(ROUNDS)]
    ratios = sorted(trivial / replay for replay, trivial in rounds)
    replay = statistics.median(r for r, _ in rounds)
    trivial = statistics.median(t for _, t in rounds)
    print(
        f"default scale: one replay {replay:.3f} s, trivial loop of 1,000 agents x {steps} steps "
        f"{trivial:.3f} s (medians of {ROUNDS} paired rounds), "
        f"ratio {statistics.median(ratios):.2f}x [{ratios[0]:.2f}, {ratios[-1]:.2f}] (target >= 0.5x)"
    )
    seconds, res = time_replay({"party.scale": 1.0})
    with tempfile.TemporaryDirectory() as tmp:
        res.write(Path(tmp) / "full")
        member_months = float(pd.read_csv(Path(tmp) / "full" / "party.csv")["simulated"].sum())
    agent_steps = 100_000 * steps / time_trivial(100_000, steps)
    rate = member_months / seconds
    print(
        f"full scale: {member_months / 1e6:.1f}M member-months in {seconds:.2f} s = "
        f"{rate / 1e6:.1f}M/s; trivial "
        f"loop {agent_steps / 1e6:.2f}M agent-steps/s; ratio {rate / agent_steps:.1f}x (target >= 10x)"
    )
    (full, full_traced, n_full), (small, small_traced, n_small) = peak_memory(1.0), peak_memory(0.01)
    extra = max(n_full - n_small, 1)
    print(
        f"memory: the replay's peak allocation {(full_traced - small_traced) / 2**20:.0f} MiB more at full "
        f"scale for {n_full - n_small:,.0f} more members, {(full_traced - small_traced) / extra:.0f} bytes "
        f"per member (target <= 200); peak RSS {(full - small) / 1024:.0f} MiB more, "
        f"{(full - small) * 1024 / extra:.0f} bytes per member (0 where the imports' peak hides the arrays)"
    )


def median_with_interval(dates: pd.Series, rng: np.random.Generator) -> str:
    """The median date and a 95% bootstrap interval (1,000 resamples)."""
    days = pd.to_datetime(dates.dropna()).map(pd.Timestamp.toordinal).to_numpy()
    if days.size == 0:
        return "never"
    boot = np.median(rng.choice(days, size=(1000, days.size)), axis=1)
    lo, hi = np.percentile(boot, [2.5, 97.5])
    as_date = lambda d: pd.Timestamp.fromordinal(int(round(d))).date()  # noqa: E731
    return f"{as_date(np.median(days))} [{as_date(lo)}, {as_date(hi)}] (n {days.size})"


def scale_independence() -> None:
    """Section 4: 200 replicates at 0.05 and 0.2 with the same seeds."""
    rng = np.random.default_rng(0)
    runs = {
        s: run_scenario(HISTORICAL, replicates=200, seed=7, workers=2, overrides={"party.scale": s})
        for s in (0.05, 0.2)
    }
    for scale, res in runs.items():
        print(f"party.scale {scale}:")
        winners = res.summary["winner"].astype(str)
        for who, k in winners.value_counts().items():
            lo, hi = wilson(int(k), len(winners))
            print(f"  P({who}) {k / len(winners):.3f} [{lo:.3f}, {hi:.3f}]")
        for col in (
            "trotsky__politburo_removal",
            "trotsky__party_expulsion",
            "zinoviev__politburo_removal",
            "zinoviev__party_expulsion",
        ):
            print(f"  {col}: median {median_with_interval(res.summary[col], rng)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", action="store_true", help="also compare 200 replicates at scales 0.05 and 0.2"
    )
    args = parser.parse_args()
    speed_and_memory()
    if args.scale:
        scale_independence()


if __name__ == "__main__":
    main()
