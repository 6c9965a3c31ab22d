"""ABC-SMC that keeps to its simulation budget: the last generation spends what is left, no more.

pyabc checks `max_total_nr_simulations` only between generations, so the last generation, started
just below the budget at a low acceptance rate, ran far past it (a 3,000 budget spent 3,800-5,100
simulations). Here no generation after the first may evaluate more than what is left of the budget
(pyabc's `max_eval`, which the seeded sampler never passes, on any backend). A generation stopped
there keeps the particles it accepted if they are at least `KEEP` of a population: a generation
stopped after a fixed number of evaluations is as valid an importance sample as a full one, only
smaller. A generation is started
only if it can be expected to accept that many: its expected cost (the population over the
acceptance rate expected next, the last one times the last generation-to-generation ratio, or a
half when only one is known) is at most what is left over `KEEP`. The first generation always
completes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pyabc

from sim.sweep.store import atomic_write_text

#: Expected ratio of one generation's acceptance rate to the last one's when only one is known
#: (pyabc's median epsilon keeps about half of the last generation's particles' distances).
DEFAULT_DECAY = 0.5
#: The smallest share of a population a generation cut off by the budget must have accepted to be kept.
KEEP = 0.5
#: Why the generations stopped and at which budget, once they have: a resume then only makes the outputs.
STOP = "stop.json"


def next_cost(population: int, rates: list[float]) -> float:
    """Simulations a full next generation is expected to need, from the acceptance rates so far."""
    if not rates or rates[-1] <= 0:
        return float(population)
    decay = DEFAULT_DECAY
    if len(rates) >= 2 and rates[-2] > 0:
        decay = min(1.0, max(0.25, rates[-1] / rates[-2]))
    return population / (rates[-1] * decay)


def rate_for_cap(population: int, cap: int) -> float:
    """The minimum acceptance rate whose pyabc `max_eval` (population / rate) is at most `cap`.

    population / (population / cap) can round to a hair above cap (1 / (1 / 49) is 49.00000000000001),
    and pyabc stops only once the evaluations reach max_eval: one run past the budget. The rate is
    nudged up by the last bits until the quotient is at most cap.
    """
    rate = population / cap
    while population / rate > cap:
        rate = math.nextafter(rate, math.inf)
    return rate


def stored_stop(out: Path, abc_budget: int) -> dict[str, Any] | None:
    """How a stored calibration's ABC stopped, if it did at this budget; None if it is to go on.

    Resumed after its last generation (stopped while the outputs were made, or complete), a calibration
    ran one generation more than one never interrupted, since the budget's stop rule is only asked
    between generations. A larger budget goes on (it extends the calibration). A calibration made
    before `stop.json` was kept is read from its manifest.
    """
    for name, budget_key in ((STOP, "abc_budget"), ("manifest.json", "")):
        try:
            kept = json.loads((out / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(kept, dict) or "stop" not in kept:
            continue
        budget = kept.get(budget_key) if budget_key else kept.get("budget", 0) - kept.get("pilot", 0)
        return kept if budget is not None and int(budget) >= abc_budget else None
    return None


class BudgetedABCSMC(pyabc.ABCSMC):
    """pyabc.ABCSMC with `budget`: the simulations it may spend (those already in the history included)."""

    def __init__(self, *args: Any, budget: int, rate_file: Path | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.budget = int(budget)
        self.rate_file = rate_file  # the sampler's rate after each stored generation, for a resume
        self.rates: list[float] = []
        self.stopped_generation = 0  # simulations of a cut-off generation too small to keep
        self.short: dict[int, int] = {}  # generations cut off by the budget and kept: particles accepted
        self.reason = ""
        sample = self.sampler.sample_until_n_accepted

        def keep_a_cut_off_generation(n: int, simulate_one: Any, t: int, **kwargs: Any) -> Any:
            got = sample(n, simulate_one, t, **kwargs)
            if not got.ok and got.n_accepted >= max(2, math.ceil(KEEP * n)):
                got.ok = True  # stopped by the number of evaluations, not by what they gave: unbiased
                self.short[t] = int(got.n_accepted)
            return got

        self.sampler.sample_until_n_accepted = keep_a_cut_off_generation

    def remember_rates(self) -> None:
        """The acceptance rates of the generations in the history (a resumed calibration's)."""
        pops = self.history.get_all_populations()
        pops = pops[pops["t"] >= 0]
        pairs = zip(pops["particles"], pops["samples"], strict=True)
        self.rates = [float(p) / float(n) for p, n in pairs if n]

    def _keep_sampler_rate(self, t: int) -> None:
        """Write the rate the sampler sizes the next generation's first batch by (atomically).

        It counts the evaluations up to the last particle kept, which the history does not record:
        the history's rate (particles over all evaluations) sized a resumed generation's batches
        otherwise, and so changed what it spent and where the budget stopped the calibration.
        """
        if self.rate_file is None:
            return
        kept = {"generation": t, "last_rate": self.sampler.last_rate}
        atomic_write_text(self.rate_file, json.dumps(kept) + "\n")

    def resume_sampler_rate(self) -> None:
        """Give the sampler the rate it had after the last stored generation, as if never interrupted.

        Without the kept rate (a calibration made before it was kept, or one stopped between storing
        a generation and keeping its rate) the history's last acceptance rate stands in for it.
        """
        rate = self.rates[-1] if self.rates else None
        if self.rate_file is not None and self.rate_file.exists():
            try:
                kept = json.loads(self.rate_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                kept = {}
            if isinstance(kept, dict) and kept.get("generation") == int(self.history.max_t):
                rate = kept.get("last_rate", rate)
        self.sampler.last_rate = rate

    def resume_stopped(self, out: Path) -> bool:
        """Take over how a stored calibration's generations stopped, if they did at this budget."""
        stopped = stored_stop(out, self.budget)
        if stopped is None:
            return False
        self.reason = str(stopped.get("stop", ""))
        self.stopped_generation = int(stopped.get("discarded_simulations", 0))
        self.short = {int(t): int(n) for t, n in dict(stopped.get("cut_off_generation", {})).items()}
        return True

    def keep_stop(self, out: Path) -> dict[str, int]:
        """Write stop.json (why and at which budget the generations stopped); return the cut-off ones."""
        cut_off = {str(t): n for t, n in self.short.items()}
        done = {
            "abc_budget": self.budget,
            "stop": self.reason,
            "discarded_simulations": self.stopped_generation,
            "cut_off_generation": cut_off,
        }
        atomic_write_text(out / STOP, json.dumps(done, indent=2) + "\n")
        return cut_off

    def left(self) -> int:
        """Simulations still to spend."""
        return self.budget - int(self.history.total_nr_simulations) - self.stopped_generation

    def run_generation(self, t: int) -> dict:
        """One generation, allowed to evaluate at most what is left of the budget."""
        population = int(self.population_size(t))
        if t > 0:  # the first generation always completes: a calibration needs one
            cap = max(self.left(), 1)  # the seeded sampler evaluates no index at or past max_eval
            self.min_acceptance_rate = rate_for_cap(population, cap)  # pyabc's max_eval = population / this
        ret = super().run_generation(t)
        if ret["successful"]:
            self.rates.append(float(ret["acceptance_rate"]))
            self._keep_sampler_rate(t)
        else:
            self.stopped_generation += int(self.sampler.nr_evaluations_)
            self.reason = "the last generation reached the budget with too few particles and was not kept"
        return ret

    def check_terminate(self, t: int, acceptance_rate: float) -> bool:
        """Stop on pyabc's criteria, or before a generation not expected to accept enough in the budget."""
        self.min_acceptance_rate = 0.0  # the cap is the budget's, not a criterion of its own
        if t in self.short:
            self.reason = "budget spent (the last generation was cut off by it)"
            return True
        if super().check_terminate(t, acceptance_rate):
            self.reason = self.reason or "budget spent"
            return True
        if next_cost(int(self.population_size(t + 1)), self.rates) * KEEP > self.left():
            self.reason = "budget spent: the next generation could not be expected to accept enough"
            return True
        return False
