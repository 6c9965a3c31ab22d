"""A targets file: a list of `[[target]]` tables, each a dated fact of the record to score a run against.

Three kinds, each with its own fields (docs/calibration.md, "Targets files"):

- `event_date`: `event`, `actor`, `date`: when the actor first suffered the event (days of tolerance).
- `event_share`: `event`, `actor`, `by`, `share`: the share of histories in which it happened by `by`.
- `vote_share`: `body`, `date`, `share`: the share of voting delegates against the line.

Loading is strict: an unknown key, a missing field, a wrong type or kind is one `InputError` line
naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from sim.errors import InputError

_NAME = r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$"
_WORD = r"^[a-z][a-z0-9_+]*$"


class _Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=_NAME)]
    role: Literal["fit", "validate"]
    source: Annotated[str, Field(min_length=1)]


class EventDate(_Target):
    """The first date on which `actor` suffered `event`; tolerance in days."""

    kind: Literal["event_date"]
    event: Annotated[str, Field(pattern=_WORD)]
    actor: Annotated[str, Field(pattern=_WORD)]
    date: dt.date
    tolerance: Annotated[float, Field(gt=0, le=3650)]


class EventShare(_Target):
    """The share of histories in which `actor` suffered `event` by the date `by`; tolerance absolute."""

    kind: Literal["event_share"]
    event: Annotated[str, Field(pattern=_WORD)]
    actor: Annotated[str, Field(pattern=_WORD)]
    by: dt.date
    share: Annotated[float, Field(ge=0, le=1)]
    tolerance: Annotated[float, Field(gt=0, le=1)]


class VoteShare(_Target):
    """The share of voting delegates against the leadership line at `body`'s session near `date`."""

    kind: Literal["vote_share"]
    body: Annotated[str, Field(min_length=1)]
    date: dt.date
    share: Annotated[float, Field(ge=0, le=1)]
    tolerance: Annotated[float, Field(gt=0, le=1)]


Target = Annotated[EventDate | EventShare | VoteShare, Field(discriminator="kind")]
KINDS = ("event_date", "event_share", "vote_share")
_ADAPTER: TypeAdapter[EventDate | EventShare | VoteShare] = TypeAdapter(Target)


def _one_line(where: str, exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err.get("loc", ()))
    # The discriminated union puts the kind's name first in the location: drop it.
    parts = loc.split(".", 1)
    if parts[0] in KINDS:
        loc = parts[1] if len(parts) > 1 else ""
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return f"{where}.{loc}: unknown key: expected one of the kind's documented fields"
    if kind == "missing":
        return f"{where}.{loc}: missing: expected a value"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return f"{where}.kind: expected one of {', '.join(KINDS)} (got {err.get('input', {}).get('kind')!r})"
    got = err.get("input")
    shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
    msg = err.get("msg", "invalid value").removeprefix("Value error, ")
    return f"{where}.{loc}: {msg}{shown}"


def parse_targets(data: object, where: str) -> list[EventDate | EventShare | VoteShare]:
    """Validate parsed TOML (`{"target": [...]}`); raise InputError naming `where` and the key."""
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a TOML table")
    extra = sorted(set(data) - {"target"})
    if extra:
        raise InputError(f"{where}: {extra[0]}: unknown key: expected only [[target]] tables")
    rows = data.get("target")
    if not isinstance(rows, list) or not rows:
        raise InputError(f"{where}: target: expected one or more [[target]] tables")
    out: list[EventDate | EventShare | VoteShare] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        here = f"{where}: target[{i}]"
        if not isinstance(row, dict):
            raise InputError(f"{here}: expected a table")
        try:
            target = _ADAPTER.validate_python(row)
        except ValidationError as exc:
            raise InputError(_one_line(here, exc)) from None
        if target.name in seen:
            raise InputError(f"{here}.name: {target.name!r} is used twice: expected distinct names")
        seen.add(target.name)
        out.append(target)
    return out


def load_targets(path: str | Path) -> list[EventDate | EventShare | VoteShare]:
    """Read and validate a targets file; every problem is one InputError line naming the file and key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found: expected a targets TOML file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path}: cannot read ({exc.__class__.__name__}): expected a UTF-8 TOML file"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    return parse_targets(data, str(path))


def target_record(target: EventDate | EventShare | VoteShare) -> str | float:
    """The record's value as the score table shows it: an ISO date or a share."""
    if isinstance(target, EventDate):
        return target.date.isoformat()
    return float(target.share)
