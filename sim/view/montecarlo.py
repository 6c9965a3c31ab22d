"""Monte Carlo from the view: N replicates of the current settings and of the case's historical baseline.

Runs through the ordinary run API (`sim.run_scenario`), so the seeds, tables and workers are those of
`powerstruggle run`; both runs share replicate seeds (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sim
from sim.run.stats import wilson


@dataclass(frozen=True, slots=True)
class WinnerRow:
    """P(winner) with its 95% Wilson interval, for the current settings and for the baseline."""

    winner: str
    p: float
    lo: float
    hi: float
    base_p: float
    base_lo: float
    base_hi: float


def _probabilities(winners: list[str]) -> dict[str, tuple[float, float, float]]:
    n = len(winners)
    out = {}
    for w in sorted(set(winners)):
        k = winners.count(w)
        lo, hi = wilson(k, n)
        out[w] = (k / n, lo, hi)
    return out


def winner_table(current: list[str], baseline: list[str], leaders: list[str]) -> list[WinnerRow]:
    """One row per leader (and `none`) that won in either run, in the leaders' order."""
    cur, base = _probabilities(current), _probabilities(baseline)
    zero_c = (0.0, *wilson(0, len(current)))
    zero_b = (0.0, *wilson(0, len(baseline)))
    order = [*leaders, "none"]
    seen = [w for w in order if w in cur or w in base] + sorted((set(cur) | set(base)) - set(order))
    return [WinnerRow(w, *cur.get(w, zero_c), *base.get(w, zero_b)) for w in seen]


def baseline_file(scenario: Path) -> Path:
    """The case's historical scenario: where the picked scenario's `base` chain ends.

    A 1924 counterfactual gives historical.toml, a 1953 one succession_1953.toml, and a scenario with
    no `base` is its own baseline, so the Monte Carlo never sets 1953 settings beside the 1924 case.
    """
    from sim.tomlfile import read_toml

    path, seen = Path(scenario), set()
    while path not in seen:
        seen.add(path)
        base = read_toml(path)[0].get("base")
        if not isinstance(base, str) or not base:
            break
        path = path.parent / base
    return path


def run_monte_carlo(
    scenario: Path,
    overrides: dict[str, Any],
    baseline: Path,
    replicates: int,
    seed: int,
    workers: int,
    on_done: Callable[[int, int], None] | None = None,
) -> list[WinnerRow]:
    """Run the current settings and the baseline, `replicates` each; `on_done(done, total)` after each one."""
    total = 2 * replicates
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if on_done is not None:
            on_done(done, total)

    current = sim.run_scenario(
        scenario, replicates=replicates, seed=seed, overrides=overrides, workers=workers, progress=tick
    )
    base = sim.run_scenario(baseline, replicates=replicates, seed=seed, workers=workers, progress=tick)
    leaders = list(current.manifest["leaders"])
    return winner_table(
        [str(w) for w in current.summary["winner"]], [str(w) for w in base.summary["winner"]], leaders
    )
