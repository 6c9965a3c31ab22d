"""Batch mode: experiment files, parameter sweeps on all cores or a Dask cluster, resumable.

`sim.sweep(experiment, backend=..., workers=...)` runs a sweep and returns its runs table: the package
itself is callable (as the issue's API asks) while its modules stay importable as `sim.sweep.<module>`;
`sim.run_sweep` and `sim.sweep.sweep` are the same function under plain names.

Import stays cheap (the CLI loads this package at start-up); heavy modules load on first use.
"""

import sys
import types
from typing import Any

from sim.sweep.api import sweep

__all__ = ["sweep"]


class _CallablePackage(types.ModuleType):
    """Lets `sim.sweep(...)` call `sim.sweep.api.sweep` without hiding the subpackage."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return sweep(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
