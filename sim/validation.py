"""The strict pydantic base and the one formatter of validation errors, for scenario and experiment files.

A misspelt key, a missing value and a bad value each become the one line `<file>: <key path>: what was
expected (got ...)` that the CLI prints.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError


class StrictModel(BaseModel):
    """Unknown keys are errors (a typo must not pass silently) and validated data is immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def first_error(exc: ValidationError) -> dict[str, Any]:
    """Report a misspelt key before the 'missing' error it causes: the typo is the real mistake."""
    errors = exc.errors()
    return dict(next((e for e in errors if e.get("type") == "extra_forbidden"), errors[0]))


def format_validation(
    where: str, exc: ValidationError, keys: str = "the documented keys (see README)"
) -> str:
    """One line naming the file, the key path and what was expected; `keys` says where keys are listed."""
    err = first_error(exc)
    loc = ".".join(str(p) for p in err.get("loc", ()) if not str(p).startswith(("list[", "function-")))
    prefix = f"{loc}: " if loc else ""
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return f"{where}: {prefix}unknown key: expected one of {keys}"
    if kind == "missing":
        return f"{where}: {prefix}missing: expected a value"
    msg = err.get("msg", "invalid value").removeprefix("Value error, ")
    got = err.get("input")
    shown = "" if isinstance(got, dict | list | tuple) else f" (got {got!r})"
    return f"{where}: {prefix}{msg}{shown}"
