"""The one cache of model-level queries, keyed by explicit versions of the state they read.

Two versions cover everything the model caches:

- `structure`: alliances, offices, eligibility, rungs, factions (who stands where). Every write to
  that state goes through a method that calls `structure_changed()` (`Leader`'s structural fields,
  `Leader.take_post`/`lose_post`, the model's coalition register).
- `support`: the delegates' shares per leader, bumped by the model when its counts change.

A query is cached under one of the two (`by_structure`, `by_support`); a structural change empties
both, a change of support only the second. With `POWERSTRUGGLE_NO_CACHE=1` in the environment every
query is recomputed on every call, which is how the tests show that caching changes no output.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")

NO_CACHE_ENV = "POWERSTRUGGLE_NO_CACHE"
_MISSING = object()


def caching_enabled() -> bool:
    """False when the environment asks for every cached query to be recomputed."""
    return os.environ.get(NO_CACHE_ENV, "").strip().lower() in ("", "0", "false", "no")


class StateCache:
    """Cached queries, emptied when the state version they depend on moves."""

    __slots__ = ("_by_structure", "_by_support", "_support_seen", "enabled", "structure", "support")

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = caching_enabled() if enabled is None else enabled
        self.structure = 0
        self.support = 0
        self._by_structure: dict[Hashable, object] = {}
        self._by_support: dict[Hashable, object] = {}
        self._support_seen = b""

    def structure_changed(self) -> None:
        """Alliances, offices, eligibility or a leader's standing in the struggle changed."""
        self.structure += 1
        self._by_structure.clear()
        self._by_support.clear()

    def support_changed(self, counts: bytes) -> bool:
        """Record the delegates' counts per leader; True (and a new version) when they moved.

        With caching off the answer is always True, so support is re-read every time.
        """
        if self.enabled and counts == self._support_seen:
            return False
        self._support_seen = counts
        self.support += 1
        self._by_support.clear()
        return True

    def by_structure(self, key: Hashable, compute: Callable[..., T], *args: object) -> T:
        """`compute(*args)`, cached under `key` until the structure changes."""
        if self.enabled:
            value = self._by_structure.get(key, _MISSING)
            if value is _MISSING:
                value = self._by_structure[key] = compute(*args)
            return value  # type: ignore[return-value]
        return compute(*args)

    def by_support(self, key: Hashable, compute: Callable[..., T], *args: object) -> T:
        """`compute(*args)`, cached under `key` until the structure or the support changes."""
        if self.enabled:
            value = self._by_support.get(key, _MISSING)
            if value is _MISSING:
                value = self._by_support[key] = compute(*args)
            return value  # type: ignore[return-value]
        return compute(*args)
