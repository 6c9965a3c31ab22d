"""Benchmark: one full historical replay against a trivial Mesa loop with as many agents and steps.

Prints, for 1,000, 10,000 and 100,000 delegates, the median time of one replay, delegate-steps per
second, the trivial Mesa model's time (each agent one trivial step through AgentSet.shuffle_do) and
the ratio, all measured in this process; then the peak memory per delegate at 100,000.
Targets (issue 2): ratio >= 1 at 1,000 and >= 5 at 10,000 and 100,000; < 2 KB per delegate.

What is timed on each side: the replay is `sim.run_scenario` whole (loading the scenario, building the
model, 72 steps, the four tables); the trivial side creates its agents and steps them. The replay does
not create `Delegate` Mesa agents unless something asks for them (docs/model.md §10), so neither figure
includes agents that nothing uses. A replay's cost depends on its trajectory: at 1,000 delegates the
ratio ranged over 1.03-1.18 (median 1.08) across 20 seeds on the development machine.
"""

from __future__ import annotations

import gc
import statistics
import subprocess
import sys
import time
from pathlib import Path

import mesa

from sim import run_scenario

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = str(ROOT / "scenarios" / "historical.toml")


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
    t = time.perf_counter()
    model = TrivialModel(n)
    for _ in range(steps):
        model.step()
    return time.perf_counter() - t


def time_replay(n: int) -> tuple[float, int]:
    t = time.perf_counter()
    res = run_scenario(HISTORICAL, replicates=1, seed=3, overrides={"delegates": n})
    return time.perf_counter() - t, int(res.manifest["steps"])


def peak_bytes_per_delegate(n: int = 100_000) -> float:
    code = (
        "import resource; from sim import run_scenario;"
        f"run_scenario({HISTORICAL!r}, replicates=1, seed=3, overrides={{'delegates': {n}}});"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    idle = "import resource, sim, mesa; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    peak = int(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()[-1]
    )
    base = int(
        subprocess.run(
            [sys.executable, "-c", idle], capture_output=True, text=True, check=True
        ).stdout.split()[-1]
    )
    return (peak - base) * 1024 / n


def main() -> None:
    # Measure memory first: a child process inherits its parent's peak RSS on Linux (getrusage is
    # preserved across fork and exec), so a parent that has already run 100,000 delegates hides it.
    per_delegate = peak_bytes_per_delegate()
    time_replay(200)  # warm-up: imports and caches
    print(f"{'delegates':>10} {'replay s':>9} {'deleg-steps/s':>14} {'trivial s':>10} {'ratio':>6}")
    for n, reps in ((1_000, 5), (10_000, 3), (100_000, 1)):
        times, steps = [], 0
        for _ in range(reps):
            gc.collect()
            dt, steps = time_replay(n)
            times.append(dt)
        ours = statistics.median(times)
        trivial = statistics.median(time_trivial(n, steps) for _ in range(reps))
        print(f"{n:>10,} {ours:>9.3f} {n * steps / ours:>14,.0f} {trivial:>10.3f} {trivial / ours:>6.2f}")
    print(f"peak memory at 100,000 delegates: {per_delegate:.0f} bytes per delegate above an idle import")


if __name__ == "__main__":
    main()
