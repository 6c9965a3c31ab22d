"""A targets file: a list of `[[target]]` tables, each a fact of the record to score a run against.

Six kinds, each with its own fields (docs/calibration.md, "Targets files"):

- `event_date`: `event`, `actor`, `date`: when the actor first suffered the event (days of tolerance),
  judged over all runs: the median among the runs where it happens, and that it happens in at least
  `min_share` of them.
- `event_share`: `event`, `actor`, `by`, `share`: the share of histories in which it happened by `by`.
- `vote_share`: `body`, `date`, `share`: the share of voting delegates against the line.
- `ordering`: `steps` (two or more `{event, actor}`), `share`: the share of histories in which every
  step came, each strictly after the one before.
- `never`: `event`, `actor`, `share`: the most histories in which it may happen (the record's non-events).
- `date_window`: `event`, optional `actor`, `from`, `to`, `share`: the share of histories in which it
  first happened between the two dates.

Loading is strict: an unknown key, a missing field, a wrong type or kind, an event the model never
writes, an ordering of fewer than two steps, or a `from` after its `to` is one `InputError` line
naming the file and the key. What needs the scenario (actors, bodies, the window) is checked by
`sim.record.checks`.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from sim.errors import InputError
from sim.record.events import EVENT_KINDS
from sim.scenario.loading import nearest
from sim.tomlfile import file_not_found
from sim.validation import expected_words, first_error

_NAME = r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$"
_WORD = r"^[a-z][a-z0-9_+]*$"


class _Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=_NAME)]
    role: Literal["fit", "validate"]
    source: Annotated[str, Field(min_length=1)]


class EventDate(_Target):
    """The first date on which `actor` suffered `event`; tolerance in days.

    It is met when the median date among the runs where it happens is within tolerance and it happens
    in at least `min_share` of all runs (lower it only where the record's event was contingent, and
    say why in `source`).
    """

    kind: Literal["event_date"]
    event: Annotated[str, Field(pattern=_WORD)]
    actor: Annotated[str, Field(pattern=_WORD)]
    date: dt.date
    tolerance: Annotated[float, Field(gt=0, le=3650)]
    min_share: Annotated[float, Field(ge=0, le=1)] = 0.5


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


class Step(BaseModel):
    """One step of an ordering: the first time `actor` suffered `event`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event: Annotated[str, Field(pattern=_WORD)]
    actor: Annotated[str, Field(pattern=_WORD)]


class Ordering(_Target):
    """The share of histories in which every step came, each strictly after the one before.

    Met when the model's share is at least `share - tolerance`; a tie (two steps the same day) is not
    in order, and a step that never came breaks the order.
    """

    kind: Literal["ordering"]
    steps: list[Step]
    share: Annotated[float, Field(ge=0, le=1)]
    tolerance: Annotated[float, Field(gt=0, le=1)]


class Never(_Target):
    """Something the record says did not happen: met when it happens in at most `share` of histories.

    `tolerance` is optional: it scales the target in a calibration's distance (0.1 without it).
    """

    kind: Literal["never"]
    event: Annotated[str, Field(pattern=_WORD)]
    actor: Annotated[str, Field(pattern=_WORD)]
    share: Annotated[float, Field(ge=0, le=1)]
    tolerance: Annotated[float, Field(gt=0, le=1)] | None = None


class DateWindow(_Target):
    """The share of histories in which `event` first happened between `from` and `to` (inclusive).

    Without `actor`, the first time anyone suffered it (for `consolidation`: any winner). A history in
    which it never happened counts as outside. Met when the model's share is at least `share - tolerance`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    kind: Literal["date_window"]
    event: Annotated[str, Field(pattern=_WORD)]
    actor: Annotated[str, Field(pattern=_WORD)] | None = None
    from_: dt.date = Field(alias="from")
    to: dt.date
    share: Annotated[float, Field(ge=0, le=1)]
    tolerance: Annotated[float, Field(gt=0, le=1)]


AnyTarget = EventDate | EventShare | VoteShare | Ordering | Never | DateWindow
Target = Annotated[AnyTarget, Field(discriminator="kind")]
KINDS = ("event_date", "event_share", "vote_share", "ordering", "never", "date_window")
#: The kinds whose model value is a share of runs, each run counting 1 or 0.
SHARE_KINDS = ("event_share", "ordering", "never", "date_window")
#: What a `never` target without a tolerance weighs as in a calibration's distance.
NEVER_SCALE = 0.1
_ADAPTER: TypeAdapter[AnyTarget] = TypeAdapter(Target)


_BY_KIND: dict[str, type[_Target]] = {
    "event_date": EventDate, "event_share": EventShare, "vote_share": VoteShare,
    "ordering": Ordering, "never": Never, "date_window": DateWindow,
}  # fmt: skip


def _fields(kind: str, nested: bool) -> list[str]:
    """The keys a table of this kind (or, `nested`, an ordering's step) may have."""
    model: type[BaseModel] = Step if nested else _BY_KIND[kind]
    return [f.alias or name for name, f in model.model_fields.items()]


def _one_line(where: str, exc: ValidationError) -> str:
    err = first_error(exc)
    loc = ".".join(str(p) for p in err.get("loc", ()))
    # The discriminated union puts the kind's name first in the location: drop it.
    parts = loc.split(".", 1)
    target_kind = parts[0] if parts[0] in KINDS else ""
    if target_kind:
        loc = parts[1] if len(parts) > 1 else ""
    loc = re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", loc)  # steps.1.event -> steps[1].event, as target[i]
    kind = err.get("type", "")
    if kind == "extra_forbidden" and target_kind:
        leaf = loc.rpartition(".")[2]
        fields = _fields(target_kind, nested="[" in loc)
        near = nearest(leaf, fields)
        hint = f" (did you mean {near}?)" if near else ""
        return f"{where}.{loc}: unknown key: expected one of {', '.join(fields)}{hint}"
    if kind == "extra_forbidden":
        return f"{where}.{loc}: unknown key: expected one of the kind's documented fields"
    if kind == "missing":
        return f"{where}.{loc}: missing: expected a value"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        got_kind = err.get("input", {}).get("kind")
        near = nearest(str(got_kind), KINDS) if got_kind is not None else None
        hint = f"; did you mean {near}?" if near else ""
        return f"{where}.kind: expected one of {', '.join(KINDS)} (got {got_kind!r}{hint})"
    expected = expected_words(err)
    if expected is not None:
        return f"{where}.{loc}: {expected}"
    got = err.get("input")
    shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
    msg = err.get("msg", "invalid value").removeprefix("Value error, ")
    return f"{where}.{loc}: {msg}{shown}"


def parse_targets(data: object, where: str) -> list[AnyTarget]:
    """Validate parsed TOML (`{"target": [...]}`); raise InputError naming `where` and the key."""
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a TOML table")
    extra = sorted(set(data) - {"target"})
    if extra:
        raise InputError(f"{where}: {extra[0]}: unknown key: expected only [[target]] tables")
    rows = data.get("target")
    if not isinstance(rows, list) or not rows:
        raise InputError(f"{where}: target: expected one or more [[target]] tables")
    out: list[AnyTarget] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        here = f"{where}: target[{i}]"
        if not isinstance(row, dict):
            raise InputError(f"{here}: expected a table")
        try:
            target = _ADAPTER.validate_python(row)
        except ValidationError as exc:
            raise InputError(_one_line(here, exc)) from None
        _check_meaning(target, here)
        if target.name in seen:
            raise InputError(f"{here}.name: {target.name!r} is used twice: expected distinct names")
        seen.add(target.name)
        out.append(target)
    return out


def load_targets(path: str | Path) -> list[AnyTarget]:
    """Read and validate a targets file; every problem is one InputError line naming the file and key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise file_not_found(path, "targets") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path}: cannot read ({exc.__class__.__name__}): expected a UTF-8 TOML file"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from None
    return parse_targets(data, str(path))


def check_event(event: str, here: str) -> None:
    """An event kind the model never writes would make a target that can never be met."""
    if event in EVENT_KINDS:
        return
    near = nearest(event, EVENT_KINDS)
    hint = f"did you mean {near}?" if near else f"one of {', '.join(EVENT_KINDS)}"
    raise InputError(
        f"{here}: {event!r} is not an event kind of events.csv: expected an actor's event ({hint})"
    )


def _check_meaning(target: AnyTarget, here: str) -> None:
    """What a well-formed target can still get wrong without a scenario: its events, steps and window."""
    if isinstance(target, Ordering):
        if len(target.steps) < 2:
            raise InputError(
                f"{here}.steps: {len(target.steps)} step(s): expected two or more {{ event, actor }} steps"
            )
        seen: set[tuple[str, str]] = set()
        for j, step in enumerate(target.steps):
            check_event(step.event, f"{here}.steps[{j}].event")
            if (step.event, step.actor) in seen:
                raise InputError(
                    f"{here}.steps[{j}]: {step.actor} {step.event} is given twice: expected distinct steps "
                    "(a step cannot come strictly after itself)"
                )
            seen.add((step.event, step.actor))
        return
    if not isinstance(target, VoteShare):
        check_event(target.event, f"{here}.event")
    if isinstance(target, DateWindow) and target.from_ > target.to:
        raise InputError(
            f"{here}.from: {target.from_.isoformat()} is after to = {target.to.isoformat()}: "
            "expected from <= to"
        )


def target_record(target: AnyTarget) -> str | float:
    """The record's value as the score table shows it: an ISO date or a share."""
    if isinstance(target, EventDate):
        return target.date.isoformat()
    return float(target.share)


def target_scale(target: AnyTarget) -> float:
    """The target's scale in a calibration's distance: its tolerance (a `never`'s may be absent)."""
    if isinstance(target, Never) and target.tolerance is None:
        return NEVER_SCALE
    return float(target.tolerance)  # type: ignore[arg-type]
