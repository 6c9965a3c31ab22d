"""The scenario's fingerprint for the manifest: every file of its `base` chain and the overrides.

A child scenario such as `testament_published.toml` runs what its base (`historical.toml`) says, so
editing the base must change the child's hash. A single file without a base or overrides hashes to
the file's own sha256 (what `sha256sum` prints).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.tomlfile import read_bytes


def scenario_digest(
    files: list[Path], mapping: Mapping[str, Any] | None = None, overrides: Mapping[str, Any] | None = None
) -> str:
    """sha256 of a file scenario's chain (leaf first) or of a mapping scenario, and of the overrides."""
    parts = [hashlib.sha256(read_bytes(p)).hexdigest() for p in files]
    if mapping is not None:
        parts.append(hashlib.sha256(_canonical(mapping).encode()).hexdigest())
    if len(parts) == 1 and not overrides:
        return parts[0]
    payload = {"chain": parts, "overrides": dict(overrides or {})}
    return hashlib.sha256(_canonical(payload).encode()).hexdigest()


def _canonical(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, default=str)
