"""powerstruggle: an agent-based model of the 1924-1929 Soviet succession struggle (Mesa 3).

    import sim
    res = sim.run_scenario("scenarios/historical.toml", replicates=50, seed=1)

Imports stay light: `run_scenario`, `compare_scenarios`, `Results`, `Comparison` and `sweep` (the
callable subpackage `sim.sweep`) load on first use, and so does `__version__` (reading the package
metadata costs every command and worker 50 ms).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from sim.analysis.attribute import attribute
    from sim.analysis.discover import discover
    from sim.analysis.flip import flip
    from sim.analysis.sensitivity import sensitivity
    from sim.calibration.api import calibrate
    from sim.record.api import score
    from sim.run.api import compare_scenarios, run_scenario
    from sim.run.results import Comparison, Results
    from sim.sweep.api import sweep as run_sweep

__all__ = [
    "Comparison",
    "Results",
    "__version__",
    "attribute",
    "calibrate",
    "compare_scenarios",
    "discover",
    "flip",
    "run_scenario",
    "run_sweep",
    "score",
    "sensitivity",
    "sweep",
]

_LAZY = {
    "run_scenario": "sim.run.api",
    "compare_scenarios": "sim.run.api",
    "Results": "sim.run.results",
    "Comparison": "sim.run.results",
    "run_sweep": "sim.sweep.api",
    "score": "sim.record.api",
    "calibrate": "sim.calibration.api",
    # the analyses (docs/analysis.md)
    "attribute": "sim.analysis.attribute",
    "sensitivity": "sim.analysis.sensitivity",
    "discover": "sim.analysis.discover",
    "flip": "sim.analysis.flip",
}


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("powerstruggle")
    except metadata.PackageNotFoundError:  # pragma: no cover - an uninstalled source tree
        return "0+unknown"


def __getattr__(name: str) -> Any:
    """Load the public API on first access, so `import sim` (and worker processes) stay quick."""
    if name == "__version__":
        globals()[name] = version = _version()
        return version
    if name == "sweep":  # the callable subpackage (sim/sweep/__init__.py); importing it sets the attribute
        import importlib

        return importlib.import_module("sim.sweep")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), "sweep" if name == "run_sweep" else name)
    globals()[name] = value
    return value
