"""What every output directory's manifest records about how it was made: one place for such fields.

`versions()` and `now()` are the only version list and timestamp of run, compare and sweep manifests;
`provenance()` gathers the command line, the backend, the workers and the scenarios' hashes. A field
that a later change wants in every manifest (a cache flag, say) is added in `provenance()`.
"""

from __future__ import annotations

import functools
import platform
import shlex
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from sim.model.cache import caching_enabled

_DISTRIBUTIONS = ("powerstruggle", "mesa", "numpy", "pandas", "pyarrow", "scipy", "dask", "distributed")


@functools.cache
def versions() -> dict[str, str]:
    """Python's and the packages' versions, read from installed metadata (no heavy import)."""
    out = {"python": platform.python_version()}
    for dist in _DISTRIBUTIONS:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "0+unknown" if dist == "powerstruggle" else "not installed"
    return dict(out)


def now() -> str:
    """The current UTC time, to the second, as the manifests write it."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def command_line(argv: list[str] | None = None) -> str:
    """The command as typed (shell-quoted), e.g. `powerstruggle run scenarios/x.toml --seed 7`."""
    args = list(sys.argv if argv is None else argv)
    if args and args[0].endswith(("__main__.py", "/powerstruggle", "sim")):
        args[0] = "powerstruggle"
    return shlex.join(args)


def provenance(backend: Mapping[str, Any], scenario_sha256: str | Mapping[str, str]) -> dict[str, Any]:
    """The manifest's provenance fields: command line, backend, workers, scenario hash(es), versions.

    `scenario_sha256` is one scenario's hash (a run) or the hashes by scenario name (compare, sweep).
    """
    return {
        "command": command_line(),
        "backend": backend.get("backend"),
        "workers": backend.get("workers"),
        "scenario_sha256": scenario_sha256 if isinstance(scenario_sha256, str) else dict(scenario_sha256),
        "versions": versions(),
        "cache": caching_enabled(),  # false when POWERSTRUGGLE_NO_CACHE=1 recomputed every cached query
    }
